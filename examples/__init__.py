"""Example services built on packages specfirst generated from the contracts in `specs/`."""
