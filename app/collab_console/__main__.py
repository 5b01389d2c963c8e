import sys

from collab_console.main import main

sys.exit(main())
