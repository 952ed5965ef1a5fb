"""Reading a contract: load (with a source map), bundle `$ref`s, validate."""
