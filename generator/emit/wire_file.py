"""wire.json: the contract's schemas as the generated service validates them, and its error plan."""

from __future__ import annotations

import json
from typing import Any

from generator.ir.error_plan import plan_errors
from generator.ir.nodes import Api
from generator.ir.wire_schemas import build_wire_schemas


def wire_json(api: Api, document: dict[str, Any]) -> str:
    """The request and response views of every schema, and how each error body is filled."""
    views = build_wire_schemas(document)
    content = {**views, "errors": plan_errors(document, api, views)}
    return json.dumps(content, ensure_ascii=False, allow_nan=False, separators=(",", ":")) + "\n"
