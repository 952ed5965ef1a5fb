"""What the generated service cannot enforce on the wire (issue 18: never ignored in silence).

`unenforceable-keyword` (warning): a keyword of a schema that the runtime's validator
(jsonschema-rs, JSON Schema 2020-12 with ECMA-262 patterns) cannot apply as written, such as
a pattern it cannot compile or a bound that is not a number. The service then accepts values
the contract refuses there; the fix is in the contract. Generation goes on.

`unchecked-media-type` (warning): a request body in a media type the runtime reads only as
bytes (XML, say) described by an object or array schema: the service cannot check it, and
hands the handler the bytes.
"""

from __future__ import annotations

from typing import Any

from generator.diagnostics import Diagnostic
from generator.spec.pointers import join_pointer
from generator.spec.rules.contract import Contract
from generator.spec.rules.walk import Node


def check_wire(c: Contract) -> list[Diagnostic]:
    """One finding per keyword the wire validator drops."""
    # Imported here: the converter walks contracts with this package's `walk` module.
    from generator.ir.wire_schemas import unenforceable

    return [*_keywords(c, unenforceable), *_media_types(c)]


def _keywords(c: Contract, unenforceable: Any) -> list[Diagnostic]:
    return [
        c.diag(
            "unenforceable-keyword",
            f"`{keyword}` cannot be enforced on the wire: {reason}; the service accepts values "
            "that break it",
            join_pointer(pointer, keyword),
        )
        for pointer, keyword, reason in unenforceable(c.root)
    ]


_READ = ("json", "text/", "x-www-form-urlencoded", "multipart/", "*")


def _media_types(c: Contract) -> list[Diagnostic]:
    found: list[Diagnostic] = []
    for op in c.operations:
        body = c.deref(Node(join_pointer(op.pointer, "requestBody"), op.node.get("requestBody")))
        content = body.value.get("content") if isinstance(body.value, dict) else None
        for media_type, media in content.items() if isinstance(content, dict) else ():
            if any(part in str(media_type).lower() for part in _READ):
                continue
            at = join_pointer(body.pointer, "content", str(media_type), "schema")
            schema = c.deref(Node(at, media.get("schema") if isinstance(media, dict) else None))
            value = schema.value if isinstance(schema.value, dict) else {}
            if value.get("type") in ("object", "array") or "properties" in value:
                message = (
                    f"{op.label}: {media_type} bodies are read as bytes, so their {value.get('type', 'object')} "
                    "schema is not checked on the wire; the handler gets the bytes"
                )
                found.append(c.diag("unchecked-media-type", message, at))
    return found
