"""The model plan: which classes models.py defines, their names, and the type of every schema.

Naming rules (deterministic, document order):

* component schemas: `class_name(key)`, numbered on collision (`User`, `User2`);
* inline schemas that need a class (objects, `allOf`, string enums) are hoisted and named
  after where they sit: `<Parent><Property>`, `...Item` (array items), `...Value` (map
  values), `...Variant<N>` (union members);
* operation bodies: `<Op>Request`, `<Op><Status>Response` (`CreateUserCreatedResponse`,
  `ListUsersOkResponse`, `...DefaultResponse`), `<Op><Param>Param`, `<Op><Status><Name>Header`;
  a second media type adds its kind (`...RequestForm`, `...RequestMultipart`). At operation
  level unions are hoisted too; arrays and maps never are (their items/values may be);
* a schema with `readOnly`/`writeOnly` properties below it (`schema_directions`) is generated
  in the form each direction needs: without readOnly properties where requests use it,
  without writeOnly ones where responses do. Used both ways, the response form keeps the name
  and the request form adds `Input` (`Pet`, `PetInput`; an inline `PetOwner`, `PetOwnerInput`),
  numbered on collision like any name. Used one way, its one class has the plain name; used
  by no operation, it keeps one class for both directions (read/write-only fields optional).

`types` is keyed by JSON pointers of the *original* document, each site's type in its own
direction's form. For a body, response, parameter or header reached through `$ref`
(`#/components/requestBodies/X`), follow the ref and look up the pointer under the resolved
object, e.g. `/components/requestBodies/X/content/application~1json/schema`; a schema that is
itself a `$ref` is keyed by its own pointer too, and has the referenced schema's type in the
site's form. A component's own pointer (`/components/schemas/Pet`) has its plain name.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from generator.ir.schema_directions import Direction, find_directions
from generator.ir.schema_fields import field_names
from generator.ir.schema_normalize import ModelGenerationError, Normalizer
from generator.ir.schema_python import CLASS_RESERVED, ExprBuilder, TypeExpr
from generator.ir.schema_sites import collect_sites, operation_name
from generator.naming import MAX_IDENTIFIER, class_name
from generator.spec.pointers import join_pointer, split_pointer

__all__ = ["ModelGenerationError", "ModelPlan", "TypeExpr", "operation_name", "plan_models"]

BASE_CLASS = "ContractModel"


@dataclass(frozen=True)
class FormPlan:
    """A multipart request body with file parts (`format: binary` properties): the service's
    handler gets those spooled, and the other fields as `fields`, a class of the same schema
    without them (`<Class>Fields`). `files` holds (wire name, is an array) per file property."""

    fields: str
    files: tuple[tuple[str, bool], ...]


@dataclass(frozen=True)
class ModelPlan:
    """What models.py will hold; `document` is opaque outside the model stage.

    `classes`: every name models.py defines for the contract, in plan order: the base
    `ContractModel`, the component schemas (document order, a request form right after its
    response form), then hoisted schemas. Each is a model, an Enum or a `TypeAliasType`
    (primitives, arrays, maps, unions); the module itself is in dependency order, and the
    generator may add a private helper alias (a look-around pattern inside a map value, say).
    `field_names` maps `Class.wire_name` to the Python field name where they differ;
    `stripped` lists `(pointer, keyword)` of extensions removed because they carry code (warn
    about them); `origins` maps each name to its schema's pointer.
    """

    document: dict[str, Any]
    classes: tuple[str, ...]
    types: Mapping[str, TypeExpr]
    renames: tuple[tuple[str, str], ...]
    field_names: Mapping[str, str] = field(default_factory=dict)
    stripped: tuple[tuple[str, str], ...] = ()
    origins: Mapping[str, str] = field(default_factory=dict)
    forms: Mapping[str, FormPlan] = field(default_factory=dict)  # multipart sites with files


class _ClassNames:
    """Unique class names: numbered `User2` (datamodel-code-generator drops `_` from `User_2`)."""

    def __init__(self) -> None:
        self.taken: set[str] = {BASE_CLASS.casefold()}

    def claim(self, hint: str, suffix: str = "") -> str:
        """A new name from `hint`; a `suffix` survives the length limit (`...Input`)."""
        base = class_name(hint, reserved=CLASS_RESERVED)
        base = base[: MAX_IDENTIFIER - len(suffix)] + suffix
        name, n = base, 2
        while name.casefold() in self.taken:
            name, n = f"{base}{n}", n + 1
        self.taken.add(name.casefold())
        return name


class _Planner:
    """Finds the sites and their directions, then normalizes components, then sites."""

    def __init__(self, root: Mapping[str, Any]) -> None:
        self.root = root
        self.sites = collect_sites(root)
        directions = find_directions(root, ((s.pointer, s.schema, s.direction) for s in self.sites))
        self.names = _ClassNames()
        schemas = _mapping(_mapping(root.get("components")).get("schemas"))
        self.components = {str(key): self.names.claim(str(key)) for key in schemas}
        self.norm = Normalizer(root, self.names.claim, self.components, directions)
        inputs = {
            key: self.names.claim(cls, "Input")
            for key, cls in self.components.items()
            if directions.twice(_component(key))
        }
        for key, cls in self.components.items():
            pointer = _component(key)
            self.norm.expect(cls, schemas[key], pointer, directions.primary(pointer))
            if key in inputs:
                self.norm.expect(inputs[key], schemas[key], pointer, Direction.REQUEST, cls)
        self.norm.define_pending()
        self.exprs = ExprBuilder(self._component_type)
        self.types: dict[str, TypeExpr] = {}

    def _component_type(self, name: str) -> TypeExpr:
        # Every component and hoisted schema is a class or a `TypeAliasType` of that name.
        return TypeExpr(name, models=(name,))

    def plan(self) -> ModelPlan:
        for key in self.components:
            self.types[_component(key)] = self._component_type(self.components[key])
        for site in self.sites:
            if site.same_as:
                self.types[site.pointer] = self.types[site.same_as]
                continue
            node = self.norm.use(site.schema, site.pointer, site.hint, site.direction, site.unions)
            self.types[site.pointer] = self.exprs.of(node)
        self.norm.define_pending()  # a response form reserved by its request form, never used
        classes = {k: v for k, v in self.norm.classes.items() if v is not None}
        forms = self._forms(classes)
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
            forms=forms,
        )

    def _forms(self, classes: dict[str, Any]) -> dict[str, FormPlan]:
        """Multipart request sites whose class has file properties, each class's `Fields`
        class added to `classes` (once, whatever number of sites use it)."""
        forms: dict[str, FormPlan] = {}
        made: dict[str, FormPlan | None] = {}
        for site in self.sites:
            tokens = split_pointer(site.pointer)
            multipart = len(tokens) > 1 and tokens[-2].lower().startswith("multipart/")
            if site.direction is not Direction.REQUEST or not multipart:
                continue
            cls = self.types[site.pointer].code
            if cls not in made:
                made[cls] = _form_of(cls, classes.get(cls), classes, self.names)
            form = made[cls]
            if form is not None:
                forms[site.pointer] = form
        return forms


def plan_models(root: dict[str, Any]) -> ModelPlan:
    """Plan models.py for a bundled, validated OpenAPI 3.x document.

    Raises `ModelGenerationError` for what the validator should have refused (an
    unresolvable `$ref`, a reference cycle deeper than Python's recursion limit).
    """
    try:
        return _Planner(root).plan()
    except RecursionError:
        raise ModelGenerationError("schemas nest too deeply to generate models") from None


def _is_file(schema: Any, classes: Mapping[str, Any]) -> bool:
    """A `format: binary` string, inline or through `$ref`s to planned classes: a file part."""
    seen: set[str] = set()
    while isinstance(schema, Mapping) and isinstance(schema.get("$ref"), str):
        ref = schema["$ref"]
        if ref in seen or not ref.startswith("#/components/schemas/"):
            return False
        seen.add(ref)
        schema = classes.get(split_pointer(ref[1:])[-1])
    return isinstance(schema, Mapping) and schema.get("format") == "binary"


def _form_of(cls: str, schema: Any, classes: dict[str, Any], names: _ClassNames) -> FormPlan | None:
    """The form of a multipart body's class: its file properties and its `Fields` class."""
    props = _mapping(_mapping(schema).get("properties"))
    files = tuple(
        (str(wire), not _is_file(prop, classes))
        for wire, prop in props.items()
        if _is_file(prop, classes)
        or (
            _mapping(prop).get("type") == "array" and _is_file(_mapping(prop).get("items"), classes)
        )
    )
    if not files or "allOf" in _mapping(schema):
        return None
    wires = {wire for wire, _ in files}
    fields = dict(_mapping(schema))
    fields["properties"] = {k: v for k, v in props.items() if k not in wires}
    if isinstance(fields.get("required"), list):
        fields["required"] = [r for r in fields["required"] if r not in wires]
    name = names.claim(cls, "Fields")
    classes[name] = fields
    return FormPlan(name, files)


def _component(key: str) -> str:
    return join_pointer("/components/schemas", key)


def _mapping(node: Any) -> Mapping[str, Any]:
    return node if isinstance(node, Mapping) else {}
