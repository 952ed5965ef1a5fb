"""Python type expressions for normalized schemas, and the names generated models must not use.

A normalized schema (see `schema_normalize`) never holds an inline object, string enum or
`allOf`: those were hoisted into classes and replaced by `$ref`s, so what is left here is a
reference, a container of references, a union, or a primitive.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from generator.naming import RESERVED_CLASSES

COMPONENT_PREFIX = "#/components/schemas/"

# Names the generated models.py binds at module level besides its own classes: pydantic,
# typing and stdlib imports datamodel-code-generator may write, and our prelude's names.
MODULE_NAMES = frozenset(
    {
        "Annotated", "Any", "AnyUrl", "AwareDatetime", "Base64Str", "BaseModel", "BeforeValidator",
        "ClassVar", "ConfigDict", "ContractModel", "Decimal", "Dict", "EmailStr", "Enum", "Field",
        "IPv4Address", "IPv4Interface", "IPv4Network", "IPv6Address", "IPv6Interface",
        "IPv6Network", "IntEnum", "List", "Literal", "MISSING", "NaiveDatetime", "Optional",
        "RootModel", "StrEnum", "StrictBool", "StrictBytes", "StrictFloat", "StrictInt",
        "StrictStr", "TextDate", "TextDatetime", "TextDuration", "TextIPv4", "TextIPv6",
        "TextTime", "TypeAliasType", "UUID", "Union", "compile", "date", "datetime", "json",
        "model_validator", "time", "timedelta",
    }
)  # fmt: skip
# PascalCase names a schema class must not take (E742 flags `O` and `I`).
CLASS_RESERVED = RESERVED_CLASSES | MODULE_NAMES | {"I", "O"}

_STRING_FORMATS = {
    "date-time": ("datetime", "datetime.datetime"),
    "date": ("date", "datetime.date"),
    "time": ("time", "datetime.time"),
    "uuid": ("UUID", "uuid.UUID"),
    "binary": ("bytes", ""),
}
_PRIMITIVES = {"integer": "int", "number": "float", "boolean": "bool", "null": "None"}


@dataclass(frozen=True)
class TypeExpr:
    """A Python type expression valid in models.py's namespace, e.g. `list[User] | None`.

    `models` names the model classes it mentions; `imports` the other names it needs as
    dotted paths (`datetime.datetime`, `uuid.UUID`, `typing.Any`), builtins excluded.
    """

    code: str
    imports: tuple[str, ...] = ()
    models: tuple[str, ...] = ()


def join_exprs(parts: list[TypeExpr], template: str = "{}", sep: str = " | ") -> TypeExpr:
    """Combine expressions, deduplicating members and their needs.

    >>> join_exprs([TypeExpr("int"), TypeExpr("User", models=("User",))], "list[{}]").code
    'list[int | User]'
    """
    codes = list(dict.fromkeys(p.code for p in parts))
    if "None" in codes:  # ruff RUF036: None goes last in a union
        codes = [c for c in codes if c != "None"] + ["None"]
    imports = tuple(dict.fromkeys(i for p in parts for i in p.imports))
    models = tuple(dict.fromkeys(m for p in parts for m in p.models))
    return TypeExpr(template.format(sep.join(codes)), imports, models)


def nullable(expr: TypeExpr, is_nullable: bool) -> TypeExpr:
    """`expr | None` when `is_nullable`."""
    return join_exprs([expr, TypeExpr("None")]) if is_nullable else expr


ANY = TypeExpr("Any", ("typing.Any",))


@dataclass
class ExprBuilder:
    """Type expressions of normalized schemas; `component` types a `$ref`'d class name."""

    component: Callable[[str], TypeExpr]

    def of(self, schema: Any) -> TypeExpr:
        """The type of one normalized schema (`Any` for `true`/`{}`)."""
        if not isinstance(schema, Mapping):
            return ANY if schema is not False else TypeExpr("None")
        expr = self._bare(schema)
        return nullable(expr, schema.get("nullable") is True and expr.code != "Any")

    def _bare(self, schema: Mapping[str, Any]) -> TypeExpr:
        ref = schema.get("$ref")
        if isinstance(ref, str):
            return self.component(ref.removeprefix(COMPONENT_PREFIX))
        for key in ("allOf", "oneOf", "anyOf"):
            members = schema.get(key)
            if isinstance(members, list) and members:
                return join_exprs([self.of(m) for m in members])
        kind = schema.get("type")
        if isinstance(kind, list):
            return join_exprs([self._typed(schema, k) for k in kind]) if kind else ANY
        if isinstance(kind, str):
            return self._typed(schema, kind)
        return _from_values(schema)

    def _typed(self, schema: Mapping[str, Any], kind: str) -> TypeExpr:
        if kind == "array":
            items = schema.get("items")
            if items is None or items is False or "prefixItems" in schema:
                return join_exprs([ANY], "list[{}]")  # a tuple's members differ: any item
            return join_exprs([self.of(items)], "list[{}]")
        if kind == "object":
            extra = schema.get("additionalProperties")
            value = self.of(extra) if isinstance(extra, Mapping) else ANY
            return join_exprs([value], "dict[str, {}]")
        if kind == "string":
            code, path = _STRING_FORMATS.get(str(schema.get("format")), ("str", ""))
            return TypeExpr(code, (path,) if path else ())
        return TypeExpr(_PRIMITIVES.get(kind, "Any"), () if kind in _PRIMITIVES else ANY.imports)


def _from_values(schema: Mapping[str, Any]) -> TypeExpr:
    """Untyped schemas: infer from `enum`/`const` values, else `Any`."""
    values = schema.get("enum") if isinstance(schema.get("enum"), list) else None
    if values is None and "const" in schema:
        values = [schema["const"]]
    names = {bool: "bool", int: "int", float: "float", str: "str"}
    kinds = [names.get(type(v)) for v in values or []]
    if not kinds or None in kinds:
        return ANY
    return join_exprs([TypeExpr(k) for k in kinds if k is not None])
