"""Tests of the users service (`examples.users`) over HTTP, on SQLite and PostgreSQL."""
