"""models.py from a model plan: the one module that calls datamodel-code-generator.

Choices, each to keep request validation as strict as the contract:

* optional non-nullable properties use pydantic's `MISSING` sentinel: unset fields are
  left out of responses, and an explicit `null` is refused (nullable ones accept it);
* strict `str`/`int`/`float`/`bool` (`"1"` is not an int, `false` not a number; an int is
  still a number); dates, times, durations and IP addresses refuse JSON numbers too;
* string enums are `StrEnum` classes, other enums `Literal[...]` (an IntEnum takes `"1"`);
* a schema with `readOnly`/`writeOnly` properties comes in the form each direction uses
  (`schema_directions`): requests without readOnly properties, responses without writeOnly
  ones, each with `required` as written (`Pet` and `PetInput` when both directions use it);
  only schemas no operation uses keep one model where both kinds are optional. The flag
  stays in `Field(json_schema_extra=...)`;
* look-around patterns get `regex_engine="python-re"` on their model (the generator's own
  detection); other models keep pydantic's linear-time Rust engine;
* schemas that are not models (primitives, arrays, maps, unions) become `TypeAliasType`s,
  so a field typed `Email` holds a plain `str`, never a `RootModel` with `.root`;
* `allOf` is merged into one flat model (`schema_merge`): no model subclasses another.

The generator's output then goes through `model_source.assemble` (imports, prelude,
re-quoting of every literal).
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator, Mapping
from typing import Any

from datamodel_code_generator import InputFileType, PythonVersion, generate
from datamodel_code_generator.enums import (
    DataModelType,
    DefaultValueType,
    StrictTypes,
    TargetPydanticVersion,
)
from datamodel_code_generator.format import DatetimeClassType

from generator import forking
from generator.emit import model_leaves, model_parts
from generator.emit.model_source import Fragment, assemble, fragment
from generator.ir.schema_python import COMPONENT_PREFIX
from generator.ir.schemas import BASE_CLASS, ModelGenerationError, ModelPlan

__all__ = ["ModelGenerationError", "emit_models"]

# Formats whose Python type would not serialize back to the schema's JSON type or value:
# Decimal (a JSON string), SecretStr ("**********"), Base64Str (decoded), AnyUrl (adds a
# trailing slash), datetimes read from numbers (ISO strings), ints read from strings, and
# ULID/Path (extra dependencies). They stay the plain JSON type.
TYPE_MAPPINGS = [
    "number+decimal=number",
    "number+date-time=number",
    "number+time=number",
    "number+time-delta=number",
    "number+unixtime=number",
    "integer+date-time=integer",
    "integer+unix-time=integer",
    "integer+unixtime=integer",
    "string+decimal=string",
    "string+integer=string",
    "string+unixtime=string",
    "string+password=string",
    "string+byte=string",
    "string+uri=string",
    "string+ulid=string",
    "string+path=string",
]


def emit_models(plan: ModelPlan, *, header: str, parallel: bool = False) -> str:
    """The full source of models.py, starting with `header`; deterministic for a plan.

    A large plan is generated in two reference-closed parts (`model_parts`), the second in a
    forked process when `parallel` and the machine allow; the output is the same either way.
    """
    schemas = plan.document["components"]["schemas"]
    source = _generate_parts(plan, parallel) if schemas else Fragment()
    return assemble(source, header=header, unique=unique_items(schemas), required=list(schemas))


def _generate_parts(plan: ModelPlan, parallel: bool) -> Fragment:
    ordered = dependencies_first(plan.document["components"]["schemas"])
    leaves = model_leaves.share(
        ordered, {name: _references(body) for name, body in ordered.items()}
    )
    work = leaves.schemas
    parts = model_parts.split(work, leaves.references)
    if len(parts) == 1:
        return model_leaves.add_copies(_fragment(plan, work, leaves.renames), leaves)
    first, second = ({name: work[name] for name in part} for part in parts)
    forked = (
        forking.start(_fragment, plan, second, leaves.renames, name="specfirst-models-2")
        if parallel
        else None
    )
    try:
        fragments = [_fragment(plan, first, leaves.renames)]
    except BaseException:  # a model error or an interrupt: the other half is not wanted
        if forked is not None:
            forked.cancel()
        raise
    if forked is None:
        fragments.append(_fragment(plan, second, leaves.renames))
    else:
        ok, value = forked.result()
        fragments.append(value if ok else _fragment(plan, second, leaves.renames))
    merged = model_parts.merge(fragments)
    if merged is None:
        merged = _fragment(plan, work, leaves.renames)
    return model_leaves.add_copies(merged, leaves)


def _fragment(
    plan: ModelPlan, schemas: Mapping[str, Any], renames: Mapping[str, Mapping[str, str]]
) -> Fragment:
    """The generator's module for `schemas`, fixed and rendered (in the calling process)."""
    return fragment(_generate(plan, schemas), renames, schemas)


def _generate(plan: ModelPlan, schemas: Mapping[str, Any]) -> str:
    document = dict(plan.document)
    document["components"] = {**document["components"], "schemas": dict(schemas)}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            result = generate(document, **_options(plan))
        except Exception as exc:  # the generator's own errors carry no stable type
            raise _failure(exc, plan) from None
    if not isinstance(result, str):
        raise ModelGenerationError("datamodel-code-generator returned no single module")
    return result


def dependencies_first(schemas: Mapping[str, Any]) -> dict[str, Any]:
    """The schemas reordered so that each follows the ones it references (cycles aside).

    Same models either way; the generator resolves a reference to a model it has already
    built directly, and scans every model built so far for one it has not: in document order
    Stripe's 1,267 forward references in unions cost a fifth of its model stage.
    """
    order: dict[str, None] = {}
    entered: set[str] = set()
    for root in schemas:
        if root in entered:
            continue
        entered.add(root)
        stack: list[tuple[str, Iterator[str]]] = [(root, iter(_references(schemas[root])))]
        while stack:
            name, pending = stack[-1]
            nxt = next(pending, None)
            if nxt is None:
                stack.pop()
                order.setdefault(name)
            elif nxt in schemas and nxt not in entered:
                entered.add(nxt)
                stack.append((nxt, iter(_references(schemas[nxt]))))
    return {name: schemas[name] for name in order}


def _references(node: Any) -> list[str]:
    """Component names referenced anywhere inside a normalized schema, in document order."""
    found: list[str] = []
    todo = [node]
    while todo:
        item = todo.pop()
        if isinstance(item, Mapping):
            ref = item.get("$ref")
            if isinstance(ref, str) and ref.startswith(COMPONENT_PREFIX):
                found.append(ref.removeprefix(COMPONENT_PREFIX))
            mapping = item.get("mapping")  # a discriminator's targets are references too
            if isinstance(mapping, Mapping) and "propertyName" in item:
                found += [
                    v.removeprefix(COMPONENT_PREFIX)
                    for v in mapping.values()
                    if isinstance(v, str) and v.startswith(COMPONENT_PREFIX)
                ]
            todo.extend(reversed(list(item.values())))
        elif isinstance(item, list):
            todo.extend(reversed(item))
    return found


def _options(plan: ModelPlan) -> dict[str, Any]:
    return {
        "input_file_type": InputFileType.OpenAPI,
        "output_model_type": DataModelType.PydanticV2BaseModel,
        "target_python_version": PythonVersion.PY_311,
        "target_pydantic_version": TargetPydanticVersion.V2_14,
        "base_class": BASE_CLASS,
        "use_annotated": True,
        "field_constraints": True,
        "use_standard_collections": True,
        "use_union_operator": True,
        "use_missing_sentinel": True,
        "strict_nullable": True,
        "strict_types": [StrictTypes.str, StrictTypes.int, StrictTypes.float, StrictTypes.bool],
        "use_type_alias_type": True,
        "output_datetime_class": DatetimeClassType.Awaredatetime,
        "deserialize_default_values": [DefaultValueType.Enum],
        "use_enum_values_in_discriminator": True,
        "type_mappings": TYPE_MAPPINGS,
        "field_extra_keys": {"readOnly", "writeOnly"},
        "aliases": dict(plan.field_names),
        "disable_timestamp": True,
        "allow_remote_refs": False,
        "strict_refs": True,
        "formatters": [],  # assemble() re-renders the module and ruff formats it: no need
    }


def _failure(exc: Exception, plan: ModelPlan) -> ModelGenerationError:
    """A short message naming the schema when the generator's message mentions a class."""
    text = (str(exc).strip().splitlines() or [type(exc).__name__])[0][:300]
    pointer = next(
        (p for name, p in plan.origins.items() if f"'{name}'" in text or f"/{name}" in text), ""
    )
    return ModelGenerationError(f"datamodel-code-generator failed: {text}", pointer)


def unique_items(schemas: Mapping[str, Any]) -> dict[str, tuple[str, ...]]:
    """Wire names of `uniqueItems` arrays per class, inherited ones included."""
    registry: dict[str, tuple[str, ...]] = {}
    for name in schemas:
        wires = list(dict.fromkeys(_unique_wires(schemas, name, set())))
        if wires:
            registry[name] = tuple(wires)
    return registry


def _unique_wires(schemas: Mapping[str, Any], name: str, seen: set[str]) -> list[str]:
    if name in seen:
        return []
    seen.add(name)
    body = schemas.get(name)
    if not isinstance(body, Mapping):
        return []
    found: list[str] = []
    for part in [body, *(body.get("allOf") or [])]:
        if not isinstance(part, Mapping):
            continue
        if "$ref" in part:
            found += _unique_wires(schemas, str(part["$ref"]).removeprefix(COMPONENT_PREFIX), seen)
        props = part.get("properties")
        for wire, prop in props.items() if isinstance(props, Mapping) else []:
            if _is_unique_array(schemas, prop, set()):
                found.append(wire)
    return found


def _is_unique_array(schemas: Mapping[str, Any], node: Any, seen: set[str]) -> bool:
    """Follow references and lone `allOf` wrappers down to an array with `uniqueItems`."""
    if not isinstance(node, Mapping):
        return False
    if node.get("type") == "array":
        return node.get("uniqueItems") is True
    ref = node.get("$ref")
    parts = node.get("allOf")
    if ref is None and isinstance(parts, list) and len(parts) == 1:
        ref = parts[0].get("$ref") if isinstance(parts[0], Mapping) else None
    if not isinstance(ref, str) or ref in seen:
        return False
    seen.add(ref)
    return _is_unique_array(schemas, schemas.get(ref.removeprefix(COMPONENT_PREFIX)), seen)
