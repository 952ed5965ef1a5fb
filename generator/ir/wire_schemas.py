"""INTERIM (replaced by the full converter): request/response views of the contract's schemas."""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

_DROP = frozenset({"example", "discriminator", "xml", "externalDocs"})


def _convert(node: Any, legacy: bool, skip: str) -> Any:
    if isinstance(node, list):
        return [_convert(v, legacy, skip) for v in node]
    if not isinstance(node, dict):
        return node
    out = {k: _convert(v, legacy, skip) for k, v in node.items() if k not in _DROP}
    if legacy and out.pop("nullable", None) is True:
        out = {"anyOf": [out, {"type": "null"}]}
    props = out.get("properties")
    if isinstance(props, dict):
        flagged = {k for k, v in props.items() if isinstance(v, dict) and v.get(skip) is True}
        if flagged:
            out["properties"] = {k: False if k in flagged else v for k, v in props.items()}
            if isinstance(out.get("required"), list):
                out["required"] = [r for r in out["required"] if r not in flagged]
    return out


def build_wire_schemas(root: Mapping[str, Any]) -> dict[str, Any]:
    """{"request": view, "response": view} of the bundled contract."""
    legacy = str(root.get("openapi", "")).startswith("3.0")
    part = {k: copy.deepcopy(root[k]) for k in ("components", "paths", "webhooks") if k in root}
    return {
        "request": _convert(part, legacy, "readOnly"),
        "response": _convert(part, legacy, "writeOnly"),
    }


def schema_ref(view: str, pointer: str) -> str:
    """A `$ref` to `pointer` in `view` (tokens percent-encoded as a URI fragment needs)."""
    return f"urn:specfirst:{view}#" + quote(pointer, safe="/~!$&'()*+,;=:@")
