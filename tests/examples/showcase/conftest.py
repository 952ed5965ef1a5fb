"""Fixtures: every test gets a fresh service seeded with the sample data."""

from __future__ import annotations

import pytest

from .service import Library


@pytest.fixture
def library() -> Library:
    """The service with the default test settings."""
    return Library()


@pytest.fixture(scope="module")
def reader() -> Library:
    """One service for the tests of a module that only read (building one costs an Argon2 hash)."""
    return Library()
