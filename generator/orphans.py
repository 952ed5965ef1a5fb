"""Orphans: methods of an implementation class whose operation the contract no longer has.

`scaffold` records beside the stubs which operation each method stands for (`RECORD`: the
previous contract, as far as the stubs are concerned). A public method of the class that no
current operation is named after is an orphan when the record says it was a handler, or,
without a record, when its docstring is the `GET /path: ...` line scaffold wrote or it
returns `results.*`. An orphan whose operation is still there (the same HTTP method on a
path of the same shape) under a new operationId is a rename: the method to rename it to is
known, and `rename_methods` does it (the `def` name and the `results.*` classes it names),
leaving every other byte of the user's code as it was. Nothing is ever deleted.

>>> route_key("get", "/users/{id}")
'GET /users/{}'
"""

from __future__ import annotations

import ast
import json
import re
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field

from generator.compat.paths import shape
from generator.ir.nodes import Operation

RECORD = ".specfirst-scaffold"
_DOC_ROUTE = re.compile(r"^(GET|PUT|POST|DELETE|OPTIONS|HEAD|PATCH|TRACE) (/\S*?):?(\s|$)")
_DOC_EVENT = re.compile(r"^[A-Z]+ (webhook|callback) \S")  # a receiver stub's docstring


def route_key(method: str, path: str) -> str:
    """What identifies an operation across operationId renames: its method and path shape."""
    return f"{method.upper()} {shape(path)}"


@dataclass(frozen=True)
class Past:
    """What a method stood for when scaffold last ran: its operation and result classes."""

    route: str  # `GET /users/{user_id}`
    operation_id: str
    results: Mapping[str, str] = field(default_factory=dict)  # response key -> result class

    @classmethod
    def of(cls, op: Operation) -> Past:
        """The record entry of an operation as the contract has it now."""
        results = {r.key: r.class_name for r in op.responses}
        return cls(f"{op.method.upper()} {op.path}", op.operation_id, results)


@dataclass(frozen=True)
class Owner:
    """Which class and method implement a current operation."""

    impl: str
    operation: Operation


@dataclass(frozen=True)
class Orphan:
    """A method no operation is named after, where it is, and what to do with it."""

    file: str
    line: int
    column: int
    impl: str
    method: str
    past: Past | None  # what it stood for, when known
    now: Owner | None = None  # the operation it stood for, under its new operationId

    @property
    def rename_to(self) -> str | None:
        """The method to rename it to (same class only), if the operation was renamed."""
        if self.now is None or self.now.impl != self.impl:
            return None
        return self.now.operation.name

    def advice(self) -> str:
        """What the orphan is and what to do, e.g. `... is now 'fetchUser': rename it to ...`."""
        was = f" ({self.past.route}, operationId {self.past.operation_id!r})" if self.past else ""
        head = f"{self.impl}.{self.method}{was} implements no operation of the contract"
        if self.now is not None:
            op = self.now.operation
            todo = (
                f"rename this method to {op.name} (`specfirst scaffold --rename` does it)"
                if self.rename_to
                else f"move this method to {self.now.impl} as {op.name}"
            )
            return (
                f"{head}: {op.method.upper()} {op.path} is now {op.operation_id!r}: {todo}; "
                "until then the operation answers 501"
            )
        return f"{head} (it was removed): its code is kept; reuse or delete it"


def owners(impls: Iterable[tuple[str, Iterable[Operation]]]) -> dict[str, Owner]:
    """Each current operation by `route_key`, with the class implementing it."""
    return {route_key(op.method, op.path): Owner(impl, op) for impl, ops in impls for op in ops}


def read_record(text: str | None) -> dict[str, Past]:
    """`Class.method` -> `Past` from a record's text (empty when absent or unreadable)."""
    try:
        data = json.loads(text or "{}").get("methods", {})
        return {
            str(key): Past(str(v["route"]), str(v["operationId"]), dict(v.get("results", {})))
            for key, v in data.items()
        }
    except (ValueError, AttributeError, KeyError, TypeError):
        return {}


def record_text(label: str, entries: Mapping[str, Past]) -> str:
    """The record's JSON: sorted, so an unchanged contract rewrites nothing."""
    methods = {
        key: {"route": p.route, "operationId": p.operation_id, "results": dict(p.results)}
        for key, p in sorted(entries.items())
    }
    return json.dumps({"contract": label, "methods": methods}, indent=1) + "\n"


def _class(tree: ast.Module, name: str) -> ast.ClassDef | None:
    return next((n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == name), None)


def _doc_route(node: ast.AsyncFunctionDef | ast.FunctionDef) -> str | None:
    match = _DOC_ROUTE.match(ast.get_docstring(node) or "")
    return f"{match[1]} {match[2]}" if match else None


def _handler_like(node: ast.AsyncFunctionDef | ast.FunctionDef) -> bool:
    returns = ast.unparse(node.returns) if node.returns is not None else ""
    return "results." in returns or _doc_route(node) is not None


def find_orphans(
    source: str,
    file: str,
    impl: str,
    current: Mapping[str, Owner],
    past: Mapping[str, Past],
) -> list[Orphan]:
    """The orphaned methods of class `impl` in `source` (nothing if it does not parse)."""
    try:
        cls = _class(ast.parse(source), impl)
    except SyntaxError:
        return []
    if cls is None:
        return []
    named = {owner.operation.name for owner in current.values() if owner.impl == impl}
    found: list[Orphan] = []
    for node in cls.body:
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        if node.name.startswith("_") or node.name in named:
            continue
        was = past.get(f"{impl}.{node.name}")
        route = was.route if was else _doc_route(node)
        if was is None and not _handler_like(node):
            continue  # a helper of the user's own
        method, _, path = (route or "").partition(" ")
        now = current.get(route_key(method, path)) if route else None
        found.append(Orphan(file, node.lineno, node.col_offset + 1, impl, node.name, was, now))
    return found


def find_event_orphans(source: str, file: str, impl: str, events: Collection[str]) -> list[Orphan]:
    """The receiver stub's methods no current event is named after: those whose docstring is
    the `POST webhook name: ...` line scaffold wrote (a helper of the user's own is left out)."""
    try:
        cls = _class(ast.parse(source), impl)
    except SyntaxError:
        return []
    found: list[Orphan] = []
    for node in cls.body if cls is not None else []:
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) or node.name in events:
            continue
        if _DOC_EVENT.match(ast.get_docstring(node) or ""):
            found.append(Orphan(file, node.lineno, node.col_offset + 1, impl, node.name, None))
    return found


def rename_methods(source: str, orphans: Iterable[Orphan]) -> tuple[str, list[Orphan]]:
    """`source` with each renamable orphan renamed (and its `results.*` classes); the renamed."""
    lines = source.splitlines(keepends=True)
    tree = ast.parse(source)
    done: list[Orphan] = []
    for orphan in orphans:
        target = orphan.rename_to
        cls = _class(tree, orphan.impl)
        if target is None or cls is None or orphan.now is None:
            continue
        if any(getattr(n, "name", None) == target for n in cls.body):
            continue  # both exist: the user merges them; nothing is overwritten
        node = next(n for n in cls.body if getattr(n, "lineno", 0) == orphan.line)
        assert isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.end_lineno
        index = node.lineno - 1
        lines[index] = lines[index].replace(f"def {orphan.method}(", f"def {target}(", 1)
        renamed = _result_renames(orphan)
        for at in range(node.lineno - 1, node.end_lineno):
            for old, new in renamed.items():
                lines[at] = re.sub(rf"\bresults\.{old}\b", f"results.{new}", lines[at])
        done.append(orphan)
    return "".join(lines), done


def _result_renames(orphan: Orphan) -> dict[str, str]:
    """Old result class -> new, matched by the response each stands for (`200`, `404`...)."""
    if orphan.past is None or orphan.now is None:
        return {}
    new = {r.key: r.class_name for r in orphan.now.operation.responses}
    return {
        old: new[key] for key, old in orphan.past.results.items() if key in new and new[key] != old
    }
