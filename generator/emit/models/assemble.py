"""Assemble models.py from datamodel-code-generator's output: our imports, prelude and fixes.

The generator's module is parsed, adjusted as a syntax tree and written back with
`ast.unparse`, so every string in it is re-quoted with `repr()` (control, bidi and
line-separator characters come out escaped) and no comment of its own survives.

Two steps: `fragment` (parse, fix and re-render one generator module, statement by statement;
it runs in the process that generated the module) and `assemble` (one fragment, or the merge
of a large contract's parts, into the final text).
"""

from __future__ import annotations

import ast
import re
import sys
from collections.abc import Container, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from string import Template

from generator.ir.schemas import BASE_CLASS, ModelGenerationError

_REBUILD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\.model_rebuild\(\)")

TEMPLATES = Path(__file__).parents[1] / "templates" / "models"  # emit/templates/models
DOCSTRING = '"""Pydantic models for the contract\'s schemas."""'
# Lax pydantic reads a JSON number as one of these (a timestamp, an IP address as int):
# the generated aliases accept text only, as the contract's string formats say.
TEXT_TYPES = {
    "AwareDatetime": "TextDatetime",
    "NaiveDatetime": "TextLocalDatetime",
    "date": "TextDate",
    "time": "TextTime",
    "timedelta": "TextDuration",
    "IPv4Address": "TextIPv4",
    "IPv6Address": "TextIPv6",
}
# Types whose pydantic meaning is narrower than the contract's: replaced by aliases whose
# definitions (emit/templates/models/<template>) go into the prelude when used.
CONTRACT_TYPES = {"EmailStr": ("EmailText", "email"), "StrictInt": ("WholeInt", "whole")}
_LEGACY = {"Dict": "dict", "List": "list"}  # ruff UP006
_PRELUDE_IMPORTS: dict[str, tuple[str, str | None]] = {
    "Annotated": ("typing", "Annotated"),
    "Any": ("typing", "Any"),
    "BaseModel": ("pydantic", "BaseModel"),
    "AfterValidator": ("pydantic", "AfterValidator"),
    "BeforeValidator": ("pydantic", "BeforeValidator"),
    "StrictInt": ("pydantic", "StrictInt"),
    "StrictStr": ("pydantic", "StrictStr"),
    "ConfigDict": ("pydantic", "ConfigDict"),
    "json": ("json", None),
    "model_validator": ("pydantic", "model_validator"),
}


@dataclass
class Fragment:
    """One generator module after our fixes: its imports and its statements as text.

    `statements` holds (defined name or None, text) in the module's order; a class or function
    text starts with a blank line, as `ast.unparse` writes a module. The sets are the fixer's.
    """

    imports: dict[str, tuple[str, str | None]] = field(default_factory=dict)
    statements: list[tuple[str | None, str]] = field(default_factory=list)
    text_used: set[str] = field(default_factory=set)
    contract_used: set[str] = field(default_factory=set)
    names: set[str] = field(default_factory=set)
    foreign: set[str] = field(default_factory=set)


def fragment(
    source: str,
    renames: Mapping[str, Mapping[str, str]] | None = None,
    schemas: Container[str] = (),
) -> Fragment:
    """Parse one generator module, fix it and render each statement back to text.

    `renames` maps a definition's name to names to change in it (`leaves.py`); they apply
    to the numbered classes the generator makes of its inline parts too (`Parent2`), unless
    that is the name of one of `schemas`.
    """
    part = Fragment()
    fixer = _Fixer()
    renames = renames or {}
    for stmt in ast.parse(source).body:
        if isinstance(stmt, ast.ImportFrom) and stmt.module and stmt.module != "__future__":
            part.imports.update({a.asname or a.name: (stmt.module, a.name) for a in stmt.names})
        elif isinstance(stmt, ast.Import):
            part.imports.update({a.asname or a.name: (a.name, None) for a in stmt.names})
        elif not isinstance(stmt, ast.ImportFrom):
            name = defined_name(stmt)
            if name is not None and renames:
                owner = name if name in schemas else name.rstrip("0123456789")
                if (names := renames.get(owner)) is not None:
                    _rename(stmt, names)
            fixer.fix(stmt)
            text = ast.unparse(stmt)
            if isinstance(stmt, ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
                text = "\n" + text
            part.statements.append((name, text))
    part.text_used, part.contract_used = fixer.text_used, fixer.contract_used
    part.names, part.foreign = fixer.names, fixer.foreign
    return part


def _rename(stmt: ast.stmt, names: Mapping[str, str]) -> None:
    for node in ast.walk(stmt):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load) and node.id in names:
            node.id = names[node.id]


def defined_name(stmt: ast.stmt) -> str | None:
    """The module-level name a statement defines (a class or an assignment), if any."""
    if isinstance(stmt, ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
        return stmt.name
    if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1:
        target = stmt.targets[0]
        return target.id if isinstance(target, ast.Name) else None
    if isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name):
        return stmt.target.id
    return None


class _Fixer:
    """Renames lax and legacy type names and moves `None` to the end of unions (RUF036).

    Changes the tree in place, in one `ast.walk` (a NodeTransformer took twice as long on
    Stripe's 4,700 models).
    """

    def __init__(self) -> None:
        self.text_used: set[str] = set()
        self.contract_used: set[str] = set()
        self.foreign: set[str] = set()
        self.names: set[str] = set()  # every name the fixed module uses or defines

    def fix(self, tree: ast.AST) -> None:
        for node in ast.walk(tree):
            if isinstance(node, ast.Name):
                self.name(node)
            elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
                _none_last(node)

    def name(self, node: ast.Name) -> None:
        name = node.id
        if not name.isascii():
            self.foreign.add(name)
        if isinstance(node.ctx, ast.Load):
            if name in TEXT_TYPES:
                self.text_used.add(name)
                name = TEXT_TYPES[name]
            elif name in CONTRACT_TYPES:
                self.contract_used.add(name)
                name = CONTRACT_TYPES[name][0]
            else:
                name = _LEGACY.get(name, name)
        self.names.add(name)
        node.id = name


def _none_last(node: ast.BinOp) -> None:
    """`None | A | B` -> `A | B | None`, in place (the walk reaches outer unions first)."""
    members = _union_members(node)
    nones = [m for m in members if isinstance(m, ast.Constant) and m.value is None]
    if not nones or (members[-1] is nones[-1] and len(nones) == 1):
        return
    ordered = [m for m in members if m not in nones] + [nones[0]]
    result: ast.expr = ordered[0]
    for member in ordered[1:-1]:
        result = ast.BinOp(result, ast.BitOr(), member)
    node.left, node.right = result, ordered[-1]


def _union_members(node: ast.expr) -> list[ast.expr]:
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
        return _union_members(node.left) + _union_members(node.right)
    return [node]


def assemble(
    source: str | Fragment,
    *,
    header: str,
    unique: Mapping[str, tuple[str, ...]],
    required: Iterable[str],
) -> str:
    """The final models.py text from the generator's module (text, or its `fragment`);
    `required` are class names that must be defined."""
    part = fragment(source) if isinstance(source, str) else source
    imported = dict(part.imports)
    imported.pop(BASE_CLASS, None)
    if part.foreign:
        raise ModelGenerationError(f"non-ASCII identifiers in models: {sorted(part.foreign)[:5]}")
    defined = {name for name, _ in part.statements if name is not None}
    missing = [name for name in required if name not in defined]
    if missing:
        raise ModelGenerationError(f"datamodel-code-generator did not define {missing[:5]}")
    # A name of the generator's own could take a schema's name, that schema's class being
    # renamed: public names must be the plan's, or numbered branches of a plan's union.
    plan_names = set(required)
    invented = sorted(
        n
        for n in defined - plan_names
        if not n.startswith("_") and n.rstrip("0123456789") not in plan_names - {n}
    )
    if invented:
        raise ModelGenerationError(f"datamodel-code-generator invented names {invented[:5]}")
    prelude = render_prelude(unique, sorted(part.text_used), sorted(part.contract_used))
    # `Model.model_rebuild()` (the generator's answer to forward references) would build
    # every model it reaches at import, defeating `defer_build`: pydantic resolves the
    # references when a model is first used (issue 23; Stripe's 69 calls built most models).
    kept = [text for _, text in part.statements if not _REBUILD.fullmatch(text.strip())]
    code = "\n".join(kept).lstrip("\n")
    used = _names(ast.parse(prelude)) | part.names
    imports = {k: v for k, v in (_PRELUDE_IMPORTS | imported).items() if k in used}
    parts = [header, DOCSTRING, "", "from __future__ import annotations", ""]
    return "\n".join([*parts, render_imports(imports), "", "", prelude, "", "", code, ""])


def render_prelude(
    unique: Mapping[str, tuple[str, ...]],
    text_bases: list[str],
    contract_types: Iterable[str] = (),
) -> str:
    """ContractModel, plus the uniqueItems check, text-only and contract-type aliases when needed."""
    blocks: list[str] = []
    base = (TEMPLATES / "base.py.tmpl").read_text(encoding="utf-8").rstrip("\n")
    if unique:
        registry = repr({k: tuple(v) for k, v in sorted(unique.items())})
        helpers = (TEMPLATES / "unique.py.tmpl").read_text(encoding="utf-8")
        blocks.append(Template(helpers).substitute(registry=registry).rstrip("\n"))
        base += "\n" + (TEMPLATES / "unique_method.py.tmpl").read_text(encoding="utf-8").rstrip()
    blocks.append(base)
    if text_bases:
        blocks.append((TEMPLATES / "text.py.tmpl").read_text(encoding="utf-8").rstrip("\n"))
        aliases = [
            f"{TEXT_TYPES[b]} = Annotated[{b}, BeforeValidator(_text_only)]" for b in text_bases
        ]
        blocks.append("\n".join(aliases))
    for name in contract_types:
        template = TEMPLATES / f"{CONTRACT_TYPES[name][1]}.py.tmpl"
        blocks.append(template.read_text(encoding="utf-8").rstrip("\n"))
    return "\n\n\n".join(blocks)


def render_imports(imports: Mapping[str, tuple[str, str | None]]) -> str:
    """Imports in ruff's isort order: stdlib then third party, `import x` before `from`."""
    sections: list[str] = []
    for stdlib in (True, False):
        plain: set[str] = set()
        named: dict[str, set[tuple[str, str]]] = {}
        for local, (module, name) in imports.items():
            if (module.split(".")[0] in sys.stdlib_module_names) is not stdlib:
                continue
            if name is None:
                plain.add(module)
            else:
                named.setdefault(module, set()).add((name, local))
        lines = [f"import {m}" for m in sorted(plain, key=str.lower)]
        for module in sorted(named, key=str.lower):
            direct = sorted((n for n, local in named[module] if n == local), key=_name_order)
            if direct:
                lines.append(f"from {module} import {', '.join(direct)}")
            lines += [
                f"from {module} import {n} as {a}" for n, a in sorted(named[module]) if n != a
            ]
        if lines:
            sections.append("\n".join(lines))
    return "\n\n".join(sections)


def _name_order(name: str) -> tuple[int, str]:
    """isort's order-by-type: CONSTANTS, then Classes, then functions."""
    if name.isupper() and len(name) > 1:
        return 0, name
    return (1 if name[:1].isupper() else 2), name


def _names(tree: ast.AST) -> set[str]:
    return {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}
