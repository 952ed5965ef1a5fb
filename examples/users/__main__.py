"""`python -m examples.users migrate|check`: database chores of the users service."""

from __future__ import annotations

import argparse
import sys

from . import migrate
from .settings import ServiceSettings


def main(argv: list[str] | None = None) -> int:
    """Run one command; the exit status is 0 on success."""
    parser = argparse.ArgumentParser(prog="python -m examples.users")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("migrate", help="upgrade the database to the newest migration")
    commands.add_parser("check", help="fail when the tables and the migrations differ")
    args = parser.parse_args(argv)
    settings = ServiceSettings()
    if args.command == "migrate":
        migrate.upgrade(settings)
    else:
        migrate.check(settings)
    return 0


if __name__ == "__main__":
    sys.exit(main())
