"""merge_methods: append a stub class's missing methods to a hand-edited module, bytes intact.

The new methods' source is cut from a freshly rendered and formatted stub module (by `ast`
line numbers) and inserted after the last line of the existing class body; nothing else moves.
The one exception: a name a new method needs but the module does not import yet gets its
import added, and ruff then sorts that import block (ruff's isort may join it to a line).
"""

from __future__ import annotations

import ast
import builtins
from dataclasses import dataclass

from generator.format import sort_imports

FunctionNode = ast.FunctionDef | ast.AsyncFunctionDef


@dataclass(frozen=True)
class Merge:
    """The merged text, the methods added, imports added, and why nothing could be (if so)."""

    text: str
    added: tuple[str, ...] = ()
    imports: tuple[str, ...] = ()
    problem: str | None = None


def _class(tree: ast.Module, name: str) -> ast.ClassDef | None:
    return next((n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == name), None)


def _methods(cls: ast.ClassDef) -> list[FunctionNode]:
    return [n for n in cls.body if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)]


def _source(lines: list[str], node: FunctionNode) -> str:
    """A method's lines, decorators included, exactly as the fresh module spells them."""
    start = min([node.lineno, *(d.lineno for d in node.decorator_list)])
    assert node.end_lineno is not None
    return "".join(lines[start - 1 : node.end_lineno])


def _bound(tree: ast.Module) -> set[str]:
    """Names the module binds at top level (imports, classes, functions, assignments)."""
    names: set[str] = set(dir(builtins))
    for node in tree.body:
        if isinstance(node, ast.Import | ast.ImportFrom):
            names.update((a.asname or a.name).split(".", 1)[0] for a in node.names)
        elif isinstance(node, ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            names.add(node.name)
        elif isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names.update(t.id for t in targets if isinstance(t, ast.Name))
    return names


def _used(nodes: list[FunctionNode]) -> set[str]:
    return {n.id for node in nodes for n in ast.walk(node) if isinstance(n, ast.Name)}


def _import_lines(fresh: ast.Module, wanted: set[str]) -> dict[str, str]:
    """Bound name -> `from x import y` line, for each wanted name the fresh module imports."""
    lines: dict[str, str] = {}
    for node in fresh.body:
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                bound = alias.asname or alias.name
                if bound in wanted:
                    rename = f" as {alias.asname}" if alias.asname else ""
                    lines[bound] = f"from {node.module} import {alias.name}{rename}\n"
    return lines


def _after_imports(tree: ast.Module) -> int:
    """The line after the last top-level import (or after the docstring), 0-based."""
    last = 0
    for node in tree.body:
        if isinstance(node, ast.Import | ast.ImportFrom) or (
            last == 0 and isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)
        ):
            last = node.end_lineno or node.lineno
    return last


def merge_methods(
    existing: str,
    fresh: str,
    class_name: str,
    *,
    first_party: str,
    skip: frozenset[str] = frozenset(),
) -> Merge:
    """Append to `class_name` in `existing` every method `fresh` has and it lacks (but `skip`)."""
    try:
        tree = ast.parse(existing)
    except SyntaxError as exc:
        return Merge(existing, problem=f"does not parse (line {exc.lineno}); nothing added")
    cls = _class(tree, class_name)
    if cls is None:
        return Merge(existing, problem=f"class {class_name} not found; nothing added")
    fresh_tree = ast.parse(fresh)
    fresh_cls = _class(fresh_tree, class_name)
    assert fresh_cls is not None, "a rendered stub module always holds its class"
    have = {m.name for m in _methods(cls)}
    missing = [m for m in _methods(fresh_cls) if m.name not in have | skip]
    if not missing:
        return Merge(existing)
    fresh_lines = fresh.splitlines(keepends=True)
    block = "".join("\n" + _source(fresh_lines, m) for m in missing)
    lines = existing.splitlines(keepends=True)
    assert cls.end_lineno is not None
    end = cls.end_lineno
    if not lines[end - 1].endswith("\n"):
        lines[end - 1] += "\n"
    lines.insert(end, block)
    needed = _used(missing) - _bound(tree)
    imports = _import_lines(fresh_tree, needed)
    added = tuple(m.name for m in missing)
    if not imports:
        return Merge("".join(lines), added)
    lines.insert(_after_imports(tree), "".join(imports.values()))
    top = first_party.split(".", 1)[0]
    text = sort_imports({"module.py": "".join(lines)}, first_party=top)["module.py"]
    return Merge(text, added, tuple(sorted(imports)))
