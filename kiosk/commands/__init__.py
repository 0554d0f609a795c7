"""The command line: ``cli`` (the one ``bangban`` command and its subcommands) and the tools it runs
that are not a role's program: ``demo``, ``doctor``, ``backup``, ``hall`` (setting up halls and staff)."""
