"""Further ``planner`` subcommands, one module each.

Every module here is imported by :func:`planner.cli.main` and registers its command
with :func:`planner.cli.subcommand`. Keep imports of heavy libraries inside the
command functions so ``planner --help`` stays fast.
"""
