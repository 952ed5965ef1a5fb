"""specfirst: a spec-first code generator for FastAPI."""

__version__ = "0.1.0"
