"""The model plan: which classes models.py defines, their names, and the type of every schema.

Naming rules (deterministic, document order):

* component schemas: `class_name(key)`, numbered on collision (`User`, `User2`);
* inline schemas that need a class (objects, `allOf`, string enums) are hoisted and named
  after where they sit: `<Parent><Property>`, `...Item` (array items), `...Value` (map
  values), `...Variant<N>` (union members);
* operation bodies: `<Op>Request`, `<Op><Status>Response` (`CreateUserCreatedResponse`,
  `ListUsersOkResponse`, `...DefaultResponse`), `<Op><Param>Param`, `<Op><Status><Name>Header`;
  a second media type adds its kind (`...RequestForm`, `...RequestMultipart`). At operation
  level unions are hoisted too; arrays and maps never are (their items/values may be).

`types` is keyed by JSON pointers of the *original* document. For a body, response,
parameter or header reached through `$ref` (`#/components/requestBodies/X`), follow the ref
and look up the pointer under the resolved object, e.g.
`/components/requestBodies/X/content/application~1json/schema`; a schema that is itself a
`$ref` is keyed by its own pointer too, and has the referenced schema's type.
"""

from __future__ import annotations

import http
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from generator.ir.schema_fields import field_names
from generator.ir.schema_normalize import ModelGenerationError, Normalizer
from generator.ir.schema_python import CLASS_RESERVED, ExprBuilder, TypeExpr
from generator.naming import class_name, derived_operation_name, snake_name, words
from generator.spec.document import join_pointer

__all__ = ["ModelGenerationError", "ModelPlan", "TypeExpr", "operation_name", "plan_models"]

BASE_CLASS = "ContractModel"
METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
_TEMPLATE = re.compile(r"\{([^{}]+)\}")
_SITE_KINDS = {"requestBodies": "Request", "responses": "Response", "parameters": "Param"}


@dataclass(frozen=True)
class ModelPlan:
    """What models.py will hold; `document` is opaque outside the model stage.

    `classes`: every name models.py defines for the contract, in plan order: the base
    `ContractModel`, the component schemas (document order), then hoisted schemas. Each is a
    model, an Enum or a `TypeAliasType` (primitives, arrays, maps, unions); the module itself
    is in dependency order, and the generator may add a private helper alias (a look-around
    pattern inside a map value, say). `field_names` maps `Class.wire_name` to the Python
    field name where they differ; `stripped` lists `(pointer, keyword)` of extensions removed
    because they carry code (warn about them); `origins` maps each name to its schema's pointer.
    """

    document: dict[str, Any]
    classes: tuple[str, ...]
    types: Mapping[str, TypeExpr]
    renames: tuple[tuple[str, str], ...]
    field_names: Mapping[str, str] = field(default_factory=dict)
    stripped: tuple[tuple[str, str], ...] = ()
    origins: Mapping[str, str] = field(default_factory=dict)


def operation_name(method: str, path: str, operation: Mapping[str, Any]) -> str:
    """The snake_case Python method name of an operation.

    `operationId` when present, else `<method>_<path words>` with `{param}` read as
    `by_<param>`:
    >>> operation_name("get", "/users/{userId}", {}), operation_name("post", "/", {})
    ('get_users_by_user_id', 'post_root')
    >>> operation_name("get", "/x", {"operationId": "listUsers"})
    'list_users'
    """
    return snake_name(_operation_id(method, path, operation))


def _operation_id(method: str, path: str, operation: Mapping[str, Any]) -> str:
    op_id = operation.get("operationId")
    if isinstance(op_id, str) and words(op_id):
        return op_id
    return derived_operation_name(method, path)


def status_name(status: str) -> str:
    """PascalCase name of a response key.

    >>> status_name("200"), status_name("404"), status_name("default"), status_name("2XX")
    ('Ok', 'NotFound', 'Default', 'Status2XX')
    """
    if status == "default":
        return "Default"
    if status.isdigit():
        try:
            return class_name(http.HTTPStatus(int(status)).phrase, reserved=frozenset())
        except ValueError:
            pass
    return "Status" + "".join(ch for ch in status.upper() if ch.isalnum())


def media_suffix(media_type: str) -> str:
    """Class-name suffix for a body's second and later media types.

    >>> media_suffix("multipart/form-data"), media_suffix("application/x-www-form-urlencoded")
    ('Multipart', 'Form')
    """
    kind = media_type.split(";", 1)[0].strip().lower()
    if kind == "application/x-www-form-urlencoded":
        return "Form"
    if kind.startswith("multipart/"):
        return "Multipart"
    if kind.startswith("text/"):
        return "Text"
    subtype = kind.rsplit("/", 1)[-1].rsplit("+", 1)[-1]
    return class_name(subtype, reserved=frozenset()) if words(subtype) else "Other"


def _is_json(media_type: str) -> bool:
    kind = media_type.split(";", 1)[0].strip().lower()
    return kind == "application/json" or kind.endswith("+json")


class _ClassNames:
    """Unique class names: numbered `User2` (datamodel-code-generator drops `_` from `User_2`)."""

    def __init__(self) -> None:
        self.taken: set[str] = {BASE_CLASS.casefold()}

    def claim(self, hint: str) -> str:
        base = class_name(hint, reserved=CLASS_RESERVED)
        name, n = base, 2
        while name.casefold() in self.taken:
            name, n = f"{base}{n}", n + 1
        self.taken.add(name.casefold())
        return name


class _Planner:
    """Walks the document once: components, then operations, then component-level sites."""

    def __init__(self, root: Mapping[str, Any]) -> None:
        self.root = root
        self.names = _ClassNames()
        self.components: dict[str, str] = {}
        schemas = _mapping(_mapping(root.get("components")).get("schemas"))
        for key in schemas:
            self.components[str(key)] = self.names.claim(str(key))
        self.norm = Normalizer(root, self.names.claim, self.components)
        self.exprs = ExprBuilder(self._component_type)
        self.types: dict[str, TypeExpr] = {}
        for key, cls in self.components.items():
            self.norm.classes[cls] = None  # keep document order for components
            self.norm.pending[cls] = (schemas[key], join_pointer("/components/schemas", key))
        self.norm.define_pending()

    def _component_type(self, name: str) -> TypeExpr:
        # Every component and hoisted schema is a class or a `TypeAliasType` of that name.
        return TypeExpr(name, models=(name,))

    def site(self, schema: Any, pointer: str, hint: str, *, unions: bool) -> TypeExpr:
        """Type of a schema used by an operation, hoisting it when it needs a class."""
        return self.exprs.of(self.norm.child(schema, pointer, hint, unions=unions))

    def plan(self) -> ModelPlan:
        for key in self.components:
            pointer = join_pointer("/components/schemas", key)
            self.types[pointer] = self._component_type(self.components[key])
        for path, item in _mapping(self.root.get("paths")).items():
            self.path_item(str(path), _mapping(item))
        components = _mapping(self.root.get("components"))
        for section, suffix in [*_SITE_KINDS.items(), ("headers", "Header")]:
            for key, obj in _mapping(components.get(section)).items():
                pointer = join_pointer("/components", section, key)
                self.holder(
                    _mapping(obj), pointer, class_name(str(key), reserved=frozenset()) + suffix
                )
        classes = {k: v for k, v in self.norm.classes.items() if v is not None}
        document = {
            "openapi": str(self.root.get("openapi", "3.0.3")),
            "info": {"title": "models", "version": "0"},
            "paths": {},
            "components": {"schemas": classes},
        }
        return ModelPlan(
            document=document,
            classes=(BASE_CLASS, *classes),
            types=self.types,
            renames=tuple((k, v) for k, v in self.components.items() if k != v),
            field_names=field_names(classes),
            stripped=tuple(self.norm.stripped),
            origins=dict(self.norm.origins),
        )

    def path_item(self, path: str, item: Mapping[str, Any]) -> None:
        item_ptr = join_pointer("/paths", path)
        prefix = "".join(
            class_name(w, reserved=frozenset()) for w in _operation_id("", path, {}).split("_") if w
        )
        self.parameters(item.get("parameters"), item_ptr, prefix)
        for method in METHODS:
            op = item.get(method)
            if not isinstance(op, Mapping):
                continue
            op_ptr = join_pointer(item_ptr, method)
            op_class = class_name(_operation_id(method, path, op), reserved=frozenset())
            self.parameters(op.get("parameters"), op_ptr, op_class)
            body = op.get("requestBody")
            if isinstance(body, Mapping) and "$ref" not in body:
                self.content(body, join_pointer(op_ptr, "requestBody"), op_class + "Request")
            for status, response in _mapping(op.get("responses")).items():
                if isinstance(response, Mapping) and "$ref" not in response:
                    name = op_class + status_name(str(status))
                    self.holder(
                        response, join_pointer(op_ptr, "responses", status), name + "Response"
                    )

    def parameters(self, params: Any, owner_ptr: str, prefix: str) -> None:
        for index, param in enumerate(params if isinstance(params, list) else []):
            if isinstance(param, Mapping) and "$ref" not in param:
                name = class_name(str(param.get("name", "")), reserved=frozenset())
                self.holder(
                    param, join_pointer(owner_ptr, "parameters", index), prefix + name + "Param"
                )

    def holder(self, obj: Mapping[str, Any], pointer: str, hint: str) -> None:
        """A parameter, header, body or response: its `schema`, `content` and `headers`."""
        if "$ref" in obj:
            return
        if "schema" in obj:
            ptr = join_pointer(pointer, "schema")
            self.types[ptr] = self.site(obj["schema"], ptr, hint, unions=False)
        self.content(obj, pointer, hint)
        stem = hint.removesuffix("Response")
        for name, header in _mapping(obj.get("headers")).items():
            if isinstance(header, Mapping) and "$ref" not in header and "schema" in header:
                ptr = join_pointer(pointer, "headers", name, "schema")
                header_hint = stem + class_name(str(name), reserved=frozenset()) + "Header"
                self.types[ptr] = self.site(header["schema"], ptr, header_hint, unions=False)

    def content(self, obj: Mapping[str, Any], pointer: str, hint: str) -> None:
        media = [
            (str(k), v)
            for k, v in _mapping(obj.get("content")).items()
            if isinstance(v, Mapping) and "schema" in v
        ]
        first = next((k for k, _ in media if _is_json(k)), media[0][0] if media else "")
        seen: list[tuple[Any, TypeExpr]] = []
        unions = not hint.endswith(("Param", "Header"))
        for media_type, entry in media:
            ptr = join_pointer(pointer, "content", media_type, "schema")
            known = next((t for s, t in seen if s == entry["schema"]), None)
            suffix = "" if media_type == first else media_suffix(media_type)
            self.types[ptr] = known or self.site(entry["schema"], ptr, hint + suffix, unions=unions)
            seen.append((entry["schema"], self.types[ptr]))


def plan_models(root: dict[str, Any]) -> ModelPlan:
    """Plan models.py for a bundled, validated OpenAPI 3.x document.

    Raises `ModelGenerationError` for what the validator should have refused (an
    unresolvable `$ref`, a reference cycle deeper than Python's recursion limit).
    """
    try:
        return _Planner(root).plan()
    except RecursionError:
        raise ModelGenerationError("schemas nest too deeply to generate models") from None


def _mapping(node: Any) -> Mapping[str, Any]:
    return node if isinstance(node, Mapping) else {}
