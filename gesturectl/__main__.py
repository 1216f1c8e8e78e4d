"""`python -m gesturectl ...` is the `gesturectl` command."""

import sys

from gesturectl.cli.main import main

sys.exit(main())
