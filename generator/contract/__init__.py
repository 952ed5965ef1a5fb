"""Checking a service against its contract: contract test runs and route drift."""
