"""Breaking-change detection between two versions of a contract (`specfirst diff`)."""
