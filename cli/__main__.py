"""`python -m cli`: the `market` command line."""

from cli.main import main

raise SystemExit(main())
