"""A read-only view of the bundled contract for the rules: operations, parameters, schemas, refs.

Every accessor tolerates wrong types anywhere (a `paths` that is a list, an operation that is a
string): the standard check reports those, so the view simply leaves them out. Walks are
iterative, so nesting depth never costs Python stack.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from generator.diagnostics import Diagnostic, Level
from generator.spec.catalogue import diagnostic
from generator.spec.document import Spec
from generator.spec.pointers import deref, join_pointer, resolve_pointer, split_pointer
from generator.spec.rules.walk import METHODS, Node, walk_contract

MAX_MESSAGE = 299


@dataclass(frozen=True)
class Operation:
    """One operation with the path template (or webhook/callback key) it lives under."""

    path: str
    method: str
    pointer: str
    node: dict[str, Any]
    item: Node

    @property
    def label(self) -> str:
        """How messages name it, e.g. `GET /users/{id}`."""
        return f"{self.method.upper()} {self.path}"


@dataclass(frozen=True)
class Parameter:
    """A parameter as listed (`site`) and as resolved through `$ref` (`pointer`, `node`)."""

    site: str
    pointer: str
    node: dict[str, Any]
    name: str
    location: str


class Contract:
    """The bundled document of `spec`, read as OpenAPI `version` ("3.0", "3.1" or "3.2")."""

    def __init__(self, spec: Spec, version: str) -> None:
        self.spec = spec
        self.version = version
        self.root: dict[str, Any] = spec.root

    def get(self, pointer: str) -> Any:
        """The value at `pointer`, or None when any step is missing."""
        return resolve_pointer(self.root, pointer)

    def deref(self, node: Node) -> Node:
        """Follow local `$ref`s from `node`; a dangling or cyclic ref gives a None value."""
        value, pointer = deref(self.root, node.value, node.pointer)
        return Node(pointer, value)

    def diag(
        self,
        rule: str,
        message: str,
        pointer: str,
        related: tuple[str, ...] = (),
        *,
        level: Level | None = None,
    ) -> Diagnostic:
        """A located finding of a catalogued rule; `related` pointers become extra locations."""
        if len(message) > MAX_MESSAGE:
            message = message[: MAX_MESSAGE - 1] + "…"
        location = self.spec.locate(pointer)
        related_at = tuple(self.spec.locate(p) for p in related)
        return diagnostic(rule, message, pointer, location, related_at, level=level)

    def where(self, pointer: str) -> str:
        """`file:line:col` of `pointer`, for messages that name a second place."""
        return str(self.spec.locate(pointer))

    @cached_property
    def index(self) -> dict[str, list[Node]]:
        """Every object written in the document, by kind (`schema`, `parameter`, ...)."""
        return walk_contract(self.root, self.version)

    @cached_property
    def methods(self) -> tuple[str, ...]:
        """Operation keys of a path item in this version (3.2 adds `query`)."""
        return (*METHODS, "query") if self.version == "3.2" else METHODS

    @cached_property
    def path_items(self) -> list[tuple[str, Node]]:
        """`(template, path item)` under `paths`, resolved through `$ref`, in document order."""
        paths = self.root.get("paths")
        if not isinstance(paths, dict):
            return []
        found: list[tuple[str, Node]] = []
        for template, raw in paths.items():
            item = self.deref(Node(join_pointer("/paths", str(template)), raw))
            if isinstance(template, str) and isinstance(item.value, dict):
                found.append((template, item))
        return found

    @cached_property
    def operations(self) -> list[Operation]:
        """Operations under `paths` (the ones that get generated), in document order."""
        return [
            op for template, item in self.path_items for op in self.operations_of(template, item)
        ]

    @cached_property
    def callback_operations(self) -> list[Operation]:
        """Operations of webhooks (`x-webhooks` too) and callbacks (`ir/webhooks.py`)."""
        found: list[Operation] = []
        for item in self.index["pathitem"]:
            tokens = split_pointer(item.pointer)
            if len(tokens) >= 2 and (
                tokens[0] in ("webhooks", "x-webhooks") or tokens[-3:-2] == ["callbacks"]
            ):
                found.extend(self.operations_of(tokens[-1], item))
        return found

    def operations_of(self, path: str, item: Node) -> Iterator[Operation]:
        """The operations of one path item (3.2 `additionalOperations` included)."""
        if not isinstance(item.value, dict):
            return
        for method in self.methods:
            op = item.value.get(method)
            if isinstance(op, dict):
                yield Operation(path, method, join_pointer(item.pointer, method), op, item)
        extra = item.value.get("additionalOperations") if self.version == "3.2" else None
        if isinstance(extra, dict):
            for method, op in extra.items():
                if isinstance(method, str) and isinstance(op, dict):
                    pointer = join_pointer(item.pointer, "additionalOperations", method)
                    yield Operation(path, method, pointer, op, item)

    def parameter_list(self, owner: Node) -> list[Parameter]:
        """The `parameters` of a path item or operation, resolved; malformed entries skipped."""
        raw = owner.value.get("parameters") if isinstance(owner.value, dict) else None
        if not isinstance(raw, list):
            return []
        found: list[Parameter] = []
        for i, entry in enumerate(raw):
            site = join_pointer(owner.pointer, "parameters", i)
            target = self.deref(Node(site, entry))
            node = target.value
            if isinstance(node, dict) and isinstance(node.get("name"), str):
                location = node.get("in")
                if isinstance(location, str):
                    found.append(Parameter(site, target.pointer, node, node["name"], location))
        return found

    def parameters(self, op: Operation) -> list[Parameter]:
        """Path-item and operation parameters merged; the operation's win on (name, in)."""
        own = self.parameter_list(Node(op.pointer, op.node))
        keys = {(p.name, p.location) for p in own}
        inherited = [p for p in self.parameter_list(op.item) if (p.name, p.location) not in keys]
        return inherited + own
