"""The live preview: `draw` renders a `View` into an image (pure, OpenCV); `window` shows it (Tk)."""
