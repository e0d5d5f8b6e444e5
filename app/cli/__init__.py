"""The `wayguide` command line: commands, dry run, job aid, doctor."""
