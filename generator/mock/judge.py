"""The generated package's own runtime as the judge of everything the mock sends.

The mock never validates with a library of its own: a value is valid where `runtime.schemas.check`
(jsonschema-rs over the package's `wire.json`) finds nothing, and a result is sendable when
`runtime.responses.render` raises no `ContractViolation`, exactly as for a hand-written handler.
A part of a result (its body, one header) is judged by rendering it alone: the same `ResultSpec`
narrowed to that part.
"""

from __future__ import annotations

import dataclasses
import importlib
from collections.abc import Mapping
from dataclasses import dataclass
from types import ModuleType
from typing import Any
from urllib.parse import unquote

from generator.ir.wire_schemas import schema_ref

# Where a view's values travel, as `check` names it in its issues.
_LOCATIONS = {"request": "body", "response": "response"}


def view_pointer(ref: str) -> str:
    """The view pointer of a runtime schema reference.

    >>> view_pointer("urn:specfirst:response#/paths/~1a~1%7Bid%7D/get")
    '/paths/~1a~1{id}/get'
    """
    return unquote(ref.partition("#")[2])


@dataclass(frozen=True)
class Judge:
    """Checks values and results with one generated package's runtime."""

    schemas: ModuleType  # <package>.runtime.schemas
    responses: ModuleType  # <package>.runtime.responses

    @classmethod
    def from_package(cls, package: ModuleType) -> Judge:
        """The judge of the generated `package`."""
        runtime = f"{package.__name__}.runtime"
        return cls(
            importlib.import_module(f"{runtime}.schemas"),
            importlib.import_module(f"{runtime}.responses"),
        )

    def view(self, name: str) -> Mapping[str, Any]:
        """The `request` or `response` view of the package's `wire.json`."""
        found: Mapping[str, Any] = self.schemas.section(name)
        return found

    def accepts(self, view: str, pointer: str, value: Any) -> bool:
        """True when `value` is valid for the schema at `pointer` of `view`."""
        try:
            issues = self.schemas.check(schema_ref(view, pointer), value, _LOCATIONS[view])
        except Exception:  # a schema the runtime cannot compile: the service could not send it
            return False
        return not issues

    def renders(
        self,
        result: object,
        specs: Mapping[type, Any],
        operation: str,
        documented: frozenset[int],
    ) -> bool:
        """True when the runtime sends `result` as it is (no ContractViolation, no error)."""
        try:
            self.responses.render(result, specs, operation, documented)
        except Exception:  # ContractViolation, or what the service would answer 500 for
            return False
        return True

    def renders_part(
        self, result: object, spec: Any, operation: str, documented: frozenset[int], **narrow: Any
    ) -> bool:
        """`renders` with the result's spec narrowed (`headers=()`, `kind=None`...)."""
        narrowed = dataclasses.replace(spec, **narrow)
        return self.renders(result, {type(result): narrowed}, operation, documented)
