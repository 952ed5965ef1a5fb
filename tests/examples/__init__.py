"""Tests of the example services under `examples/`."""
