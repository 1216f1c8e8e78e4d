"""gesturectl: control a desktop with body gestures in front of an ordinary webcam."""

__version__ = "0.2.0"
