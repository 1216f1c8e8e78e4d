"""Bundled ONNX models (installed as the package `gesturectl.models`); see MODELS.md."""
