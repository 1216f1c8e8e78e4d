import sys

from gesturectl.cli.main import main

sys.exit(main())
