"""`python -m bot` is the same as the `jobbvenn` command."""

from bot.cli import main

raise SystemExit(main())
