"""The package-generating fixture of tests/generate, shared here."""

from tests.generate.conftest import generate_package

__all__ = ["generate_package"]
