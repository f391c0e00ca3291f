import sys

from consulite.cli import main

sys.exit(main())
