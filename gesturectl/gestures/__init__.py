"""Temporal gesture recognition: body-frame features, the YAML grammar, and the recognizer."""
