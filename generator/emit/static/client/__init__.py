"""The generated client's runtime: httpx transport, parameter serialization, typed results."""
