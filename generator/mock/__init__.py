"""`serve --mock`: implementations that answer each operation with a response the contract allows, or 501.

A mock keeps no state: a deleted resource answers again, one caller reads what another
created. Every response a mock answered says so in `STATELESS_HEADER` (value `STATELESS`),
so `specfirst test` skips the checks that ask a service to remember (`use_after_free`,
`ensure_resource_availability`, `object_level_authorization`) for those responses only.
"""

STATELESS_HEADER = "x-specfirst-mock"
STATELESS = "stateless"
