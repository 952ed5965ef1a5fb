"""The one module that calls datamodel-code-generator: a model document in, its module's text out.

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

The library is imported on the first run, not with this module: a large contract's parent
process leaves the model stage to its worker (`stage.py`) and never needs it.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from typing import Any

from generator.ir.schemas import BASE_CLASS, ModelGenerationError, ModelPlan

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


def run_generator(plan: ModelPlan, schemas: Mapping[str, Any]) -> str:
    """datamodel-code-generator's module for `schemas` (a subset of the plan's, or all of them).

    Raises `ModelGenerationError` naming the schema when the generator's message names one.
    """
    from datamodel_code_generator import generate

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


def _options(plan: ModelPlan) -> dict[str, Any]:
    from datamodel_code_generator import InputFileType, PythonVersion
    from datamodel_code_generator.enums import (
        DataModelType,
        DefaultValueType,
        StrictTypes,
        TargetPydanticVersion,
    )
    from datamodel_code_generator.format import DatetimeClassType

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
