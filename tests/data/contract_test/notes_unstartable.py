"""A factory that fails at start-up, for the runner's "service did not come up" path."""

from __future__ import annotations


def create_app() -> object:
    raise RuntimeError("cannot connect to the database at start-up")
