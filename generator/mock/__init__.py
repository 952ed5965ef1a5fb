"""`serve --mock`: implementations that answer every operation with a schema-valid example."""
