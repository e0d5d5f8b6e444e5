"""`python -m app`: the wayguide command."""

from app.cli.main import main

raise SystemExit(main())
