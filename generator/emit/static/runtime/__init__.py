"""The runtime every generated package carries: wire validation, routing, errors, auth."""
