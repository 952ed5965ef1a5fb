"""openapi-spec-validator's keyword phase, replayed on the plain document.

The library's second phase (`root_validator`) walks the contract through jsonschema-path,
resolving every step as a URI reference, and checks each Schema Object it reaches: most of its
time on a large contract. Once the filters of `standard.py` have run, what it contributes is
the dialect check of each schema (`dialect_check.py`), a non-object schema, and whether it
crashes. This walk takes the same steps in the same order over the plain data (tags, then each
path's parameters and operations: responses' media types and parameters, then
`components/schemas`; `allOf`/`anyOf`/`oneOf`/`not`/`items`/`properties` inside schemas; each
schema object once, by identity, as the library's own registries do) and returns the errors
the library would yield.

Wherever the library could behave otherwise (a value of an unexpected type on its way, a `$ref`
that is not a local JSON pointer, a cycle, a `default` its value validator cannot check,
nesting deep enough to near Python's recursion limit, a 3.2 tag hierarchy, a non-default JSON
Schema dialect), `keyword_errors` returns None and the caller runs the library itself: the walk
is a shortcut for the well-formed case, never a second opinion.
"""

from __future__ import annotations

import string
from collections.abc import Mapping
from typing import Any

from openapi_schema_validator import (
    OAS31_BASE_DIALECT_ID,
    OAS32_BASE_DIALECT_ID,
    OAS30Validator,
    OAS31Validator,
    OAS32Validator,
    oas30_format_checker,
    oas31_format_checker,
    oas32_format_checker,
)
from openapi_spec_validator.validation.exceptions import OpenAPIValidationError
from referencing import Registry
from referencing.jsonschema import DRAFT202012

from generator.spec.dialect_check import dialect_check
from generator.spec.pointers import MISSING, lookup, ref_pointer

_OPERATIONS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
_VALUE_VALIDATORS: dict[str, tuple[Any, Any]] = {
    "3.0": (OAS30Validator, oas30_format_checker),
    "3.1": (OAS31Validator, oas31_format_checker),
    "3.2": (OAS32Validator, oas32_format_checker),
}
_DIALECTS = {"3.1": OAS31_BASE_DIALECT_ID, "3.2": OAS32_BASE_DIALECT_ID}
# Nesting (of the document, and of schemas reached through one another) up to which the
# library's recursive walk and checks stay far from Python's recursion limit; beyond it the
# library runs, and reports `too-deep` itself if it gets there.
MAX_NESTING = 50
# `$ref` hops followed for one value before it counts as a cycle.
_MAX_HOPS = 32


# What the dialect check said of each schema object, by identity (the object is kept, so its
# id stays its own): a leniently read contract shares all it did not change with the first.
DialectMemo = dict[int, tuple[Any, Any]]


class Unsure(Exception):
    """The library might not do what the walk does here: let it run instead."""


def keyword_errors(
    root: Any, version: str, memo: DialectMemo | None = None
) -> list[Exception] | None:
    """The errors the library's keyword phase yields for `root`, or None to run the library.

    `memo` carries the dialect check's results from one call to the next (see `DialectMemo`).
    """
    try:
        if _depth(root) > MAX_NESTING:
            return None
        return _Walk(root, version, {} if memo is None else memo).run()
    except Exception:  # Unsure, or anything unforeseen: the library decides
        return None


def _depth(root: Any) -> int:
    """How deeply containers nest in `root` (a scalar is 0)."""
    deepest = 0
    stack: list[tuple[Any, int]] = [(root, 1)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, dict):
            deepest = max(deepest, depth)
            stack.extend((v, depth + 1) for v in node.values() if isinstance(v, (dict, list)))
        elif isinstance(node, list):
            deepest = max(deepest, depth)
            stack.extend((v, depth + 1) for v in node if isinstance(v, (dict, list)))
    return deepest


def _is_ref(value: Any) -> bool:
    """What jsonschema-path resolves: a mapping with a string `$ref`."""
    return isinstance(value, dict) and isinstance(value.get("$ref"), str)


class _Walk:
    """One replay of `RootValidator` over a plain document."""

    def __init__(self, root: Any, version: str, memo: DialectMemo) -> None:
        self.root = root
        self.memo = memo
        self.version = version
        self.methods = (*_OPERATIONS, "query") if version == "3.2" else _OPERATIONS
        self.errors: list[Exception] = []
        self.meta_checked: set[int] = set()
        self.visited: set[int] = set()
        self.check = dialect_check(version)
        self.value_validator, self.formats = _VALUE_VALIDATORS[version]
        resource = DRAFT202012.create_resource(root)
        self.resolver = Registry().with_resource("", resource).resolver(base_uri="")

    def run(self) -> list[Exception]:
        """`RootValidator.__call__`: tags, paths, components."""
        root = self.root
        if not isinstance(root, dict) or _is_ref(root):
            raise Unsure
        if root.get("jsonSchemaDialect", _DIALECTS.get(self.version)) != _DIALECTS.get(
            self.version
        ):
            raise Unsure  # another dialect: the library picks another validator class
        if "tags" in root:
            self._tags(root["tags"])
        if "paths" in root:
            self._paths(self._mapping(root["paths"]))
        if "components" in root:
            components = self._mapping(root["components"])
            if "schemas" in components:
                for value in self._mapping(components["schemas"]).values():
                    self._schema(value)
        return self.errors

    def _deref(self, value: Any) -> Any:
        """Follow `$ref`s as jsonschema-path does, for local JSON pointers only."""
        hops = 0
        while _is_ref(value):
            pointer = ref_pointer(value["$ref"])
            hops += 1
            if pointer is None or hops > _MAX_HOPS:
                raise Unsure
            value = lookup(self.root, pointer)
            if value is MISSING:
                raise Unsure
        return value

    def _mapping(self, value: Any) -> dict[str, Any]:
        found = self._deref(value)
        if not isinstance(found, dict) or not all(isinstance(k, str) for k in found):
            raise Unsure
        return found

    def _list(self, value: Any) -> list[Any]:
        found = self._deref(value)
        if not isinstance(found, list):
            raise Unsure
        return found

    def _tags(self, value: Any) -> None:
        # Duplicate names are the library's only finding here (dropped by standard.py);
        # 3.2 tag parents are left to the library.
        for raw in self._list(value):
            tag = self._mapping(raw)
            if not isinstance(tag.get("name"), str) or (self.version == "3.2" and "parent" in tag):
                raise Unsure

    def _paths(self, paths: dict[str, Any]) -> None:
        for url, raw in paths.items():
            item = self._mapping(raw)
            shared = self._parameters(item["parameters"]) if "parameters" in item else []
            for field, value in item.items():
                if field in self.methods:
                    self._operation(url, self._mapping(value), shared)
                elif field == "additionalOperations" and self.version == "3.2":
                    for extra in self._mapping(value).values():
                        self._operation(url, self._mapping(extra), shared)

    def _parameters(self, value: Any) -> list[dict[str, Any]]:
        """`ParametersValidator`: each parameter's schema; name and in are strings."""
        found = []
        for raw in self._list(value):
            parameter = self._mapping(raw)
            if "schema" in parameter:
                self._schema(parameter["schema"])
            if not isinstance(parameter.get("name"), str) or not isinstance(
                parameter.get("in"), str
            ):
                raise Unsure
            found.append(parameter)
        return found

    def _operation(self, url: str, operation: dict[str, Any], shared: list[Any]) -> None:
        """`OperationValidator`: responses' media type schemas, then parameters."""
        if _is_ref(operation.get("operationId")):
            raise Unsure
        if "responses" in operation:
            for raw in self._mapping(operation["responses"]).values():
                response = self._mapping(raw)
                if "content" in response:
                    for media in self._mapping(response["content"]).values():
                        media_type = self._mapping(media)
                        if "schema" in media_type:
                            self._schema(media_type["schema"])
        if "parameters" in operation:
            self._parameters(operation["parameters"])
        list(string.Formatter().parse(url))  # the library reads path parameters this way

    def _schema(self, raw: Any, *, meta_checked: bool = False, depth: int = 0) -> None:
        """`SchemaValidator.__call__` without the findings standard.py drops (`required`
        naming undefined properties, `default` breaking its schema)."""
        value = self._deref(raw)
        if not isinstance(value, (Mapping, bool)):
            self.errors.append(
                OpenAPIValidationError(f"{value!r} is not of type 'object', 'boolean'")
            )
            return
        if not meta_checked and id(value) not in self.meta_checked:
            self.meta_checked.add(id(value))
            known = self.memo.get(id(value))
            if known is None or known[0] is not value:
                known = self.memo[id(value)] = (value, self.check(value))
            error = known[1]
            if error is not None:
                self.errors.append(error)
                return
        seen = id(value) in self.visited
        self.visited.add(id(value))
        if seen or not isinstance(value, dict):  # `true` and `false` have no keywords
            return
        if depth > MAX_NESTING:
            raise Unsure
        for keyword in ("allOf", "anyOf", "oneOf"):
            if keyword in value:
                for item in self._list(value[keyword]):
                    self._schema(item, meta_checked=True, depth=depth + 1)
                    if keyword == "allOf":
                        self._collect_properties(item, depth + 1)
        for keyword in ("not", "items"):
            if keyword in value:
                self._schema(value[keyword], meta_checked=True, depth=depth + 1)
        properties = self._mapping(value["properties"]) if "properties" in value else {}
        for item in properties.values():
            self._schema(item, meta_checked=True, depth=depth + 1)
        required = self._deref(value["required"]) if "required" in value else []
        if "allOf" in value:
            set(required or [])  # the library makes a set of it: unhashable items raise
        if "default" in value:
            self._default(value)

    def _collect_properties(self, raw: Any, depth: int) -> None:
        """`SchemaValidator._collect_properties`, for the steps that could raise."""
        if depth > MAX_NESTING:
            raise Unsure  # the library recurses without a guard: a cycle overflows its stack
        value = self._deref(raw)
        if not isinstance(value, dict):
            return
        if "properties" in value:
            self._mapping(value["properties"])
        for keyword in ("allOf", "anyOf", "oneOf"):
            if keyword in value:
                for item in self._list(value[keyword]):
                    self._collect_properties(item, depth + 1)
        for keyword in ("items", "not"):
            if keyword in value:
                self._collect_properties(value[keyword], depth + 1)

    def _default(self, schema: dict[str, Any]) -> None:
        """The library validates `default` against its schema: its errors are dropped, but a
        schema its validator cannot evaluate would stop the library, so evaluate it too."""
        default, nullable = schema["default"], schema.get("nullable", False)
        if _is_ref(default) or _is_ref(nullable):
            raise Unsure
        if default is not None or nullable is not True:
            validator = self.value_validator(
                schema, _resolver=self.resolver, format_checker=self.formats
            )
            for _error in validator.iter_errors(default):
                pass
