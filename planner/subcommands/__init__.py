"""Further ``planner`` subcommands, one module each.

Every module here is imported by :func:`planner.cli.main` and registers its command
with :func:`planner.subcommands._base.subcommand`; the helpers they share live in
:mod:`planner.subcommands._base`, never in :mod:`planner.cli`. Keep imports of heavy libraries inside the
command functions so ``planner --help`` stays fast.
"""
