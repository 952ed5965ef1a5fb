"""Alembic migrations of the users service (`python -m examples.users migrate`)."""
