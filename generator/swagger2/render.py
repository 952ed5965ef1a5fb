"""The converted contract as text: YAML (key order kept, no anchors) or JSON, byte-stable.

>>> print(contract_text({"openapi": "3.0.3", "paths": {}}, as_json=False), end="")
openapi: 3.0.3
paths: {}
"""

from __future__ import annotations

import json
from typing import Any

import yaml


class _PlainDumper(yaml.SafeDumper):
    """A safe dumper that writes a node used twice in full both times (no `&id001` anchors)."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def contract_text(document: Any, *, as_json: bool) -> str:
    """`document` as YAML (block style, unicode kept, lines up to 100 wide) or as JSON."""
    if as_json:
        return json.dumps(document, indent=2, ensure_ascii=False, default=str) + "\n"
    return yaml.dump(
        document,
        Dumper=_PlainDumper,
        sort_keys=False,
        allow_unicode=True,
        default_flow_style=False,
        width=100,
    )
