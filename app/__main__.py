"""`python -m app`: the wayguide command."""

from app.cli import main

raise SystemExit(main())
