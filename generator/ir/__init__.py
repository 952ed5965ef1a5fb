"""The intermediate representation: what to generate, with every name and import decided."""
