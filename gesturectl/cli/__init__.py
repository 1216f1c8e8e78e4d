"""The command line: one thin module per command; `main` parses and hands over.

Each command module has `register(subparsers)` (its arguments, cheap to import) and `run(args)`
(imports what it needs, so `gesturectl status` does not load OpenCV or onnxruntime).
"""

from gesturectl.cli.main import main

__all__ = ["main"]
