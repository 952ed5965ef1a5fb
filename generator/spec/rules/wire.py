"""Keywords the generated service cannot enforce on the wire (issue 18: never ignored in silence).

`unenforceable-keyword` (warning): a keyword of a schema that the runtime's validator
(jsonschema-rs, JSON Schema 2020-12 with ECMA-262 patterns) cannot apply as written, such as
a pattern it cannot compile or a bound that is not a number. The service then accepts values
the contract refuses there; the fix is in the contract. Generation goes on.
"""

from __future__ import annotations

from generator.diagnostics import Diagnostic
from generator.spec.pointers import join_pointer
from generator.spec.rules.contract import Contract


def check_wire(c: Contract) -> list[Diagnostic]:
    """One finding per keyword the wire validator drops."""
    # Imported here: the converter walks contracts with this package's `walk` module.
    from generator.ir.wire_schemas import unenforceable

    return [
        c.diag(
            "unenforceable-keyword",
            f"`{keyword}` cannot be enforced on the wire: {reason}; the service accepts values "
            "that break it",
            join_pointer(pointer, keyword),
        )
        for pointer, keyword, reason in unenforceable(c.root)
    ]
