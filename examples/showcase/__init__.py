"""The Lending Library (`specs/showcase.yaml`) implemented over an in-memory store."""
