"""`python -m mailtui`."""

from mailtui.cli import main

raise SystemExit(main())
