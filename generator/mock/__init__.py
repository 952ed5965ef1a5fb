"""`serve --mock`: implementations that answer each operation with a response the contract allows, or 501."""
