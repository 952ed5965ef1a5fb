"""`python -m examples.users migrate|check|serve`: database chores, and running the service."""

from __future__ import annotations

import argparse
import sys

from . import migrate, server
from .settings import ServiceSettings


def main(argv: list[str] | None = None) -> int:
    """Run one command; the exit status is 0 on success."""
    parser = argparse.ArgumentParser(prog="python -m examples.users")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("migrate", help="upgrade the database to the newest migration")
    commands.add_parser("check", help="fail when the tables and the migrations differ")
    run = commands.add_parser("serve", help="run the service with the production server settings")
    run.add_argument("--host", default="127.0.0.1")
    run.add_argument("--port", type=int, default=8000)
    run.add_argument("--workers", type=int, default=1)
    args = parser.parse_args(argv)
    settings = ServiceSettings()
    if args.command == "migrate":
        migrate.upgrade(settings)
    elif args.command == "check":
        migrate.check(settings)
    else:
        server.serve(settings, host=args.host, port=args.port, workers=args.workers)
    return 0


if __name__ == "__main__":
    sys.exit(main())
