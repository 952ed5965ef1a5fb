"""The model plan: class names, hoisting, field names and the type of every schema pointer."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml

from generator.ir.schema_keywords import ecma_pattern, split_null
from generator.ir.schemas import ModelGenerationError, ModelPlan, operation_name, plan_models

DATA = Path(__file__).parent.parent / "data" / "models"


def spec(
    schemas: dict[str, Any] | None = None, paths: dict[str, Any] | None = None, **components: Any
) -> dict[str, Any]:
    """A minimal OpenAPI 3.0 document."""
    return {
        "openapi": "3.0.3",
        "info": {"title": "t", "version": "1"},
        "paths": paths or {},
        "components": {"schemas": schemas or {}, **components},
    }


def schemas_of(plan: ModelPlan) -> dict[str, Any]:
    result: dict[str, Any] = plan.document["components"]["schemas"]
    return result


OBJ = {"type": "object", "properties": {"a": {"type": "string"}}}


def test_component_names_are_pascal_unique_and_avoid_imports() -> None:
    names = [
        "user",
        "User",
        "User_",
        "user-profile",
        "BaseModel",
        "typing",
        "datetime",
        "Field",
        "404error",
        "O",
    ]
    plan = plan_models(spec({n: OBJ for n in names}))
    assert plan.classes == (
        "ContractModel", "User", "User2", "User3", "UserProfile", "BaseModelModel",
        "TypingModel", "DatetimeModel", "FieldModel", "N404Error", "OModel",
    )  # fmt: skip
    assert ("user", "User") in plan.renames and ("User", "User") not in plan.renames
    assert list(schemas_of(plan)) == list(plan.classes[1:])


def test_refs_follow_renamed_components() -> None:
    plan = plan_models(
        spec(
            {
                "user-profile": OBJ,
                "Holder": {
                    "type": "object",
                    "properties": {"p": {"$ref": "#/components/schemas/user-profile"}},
                },
            }
        )
    )
    assert schemas_of(plan)["Holder"]["properties"]["p"] == {
        "$ref": "#/components/schemas/UserProfile"
    }
    assert plan.types["/components/schemas/user-profile"].code == "UserProfile"


def test_inline_schemas_are_hoisted_with_positional_names() -> None:
    holder = {
        "type": "object",
        "properties": {
            "address": {
                "type": "object",
                "nullable": True,
                "properties": {"street": {"type": "string"}},
            },
            "lines": {"type": "array", "items": OBJ},
            "byName": {"type": "object", "additionalProperties": OBJ},
            "status": {"type": "string", "enum": ["on", "off"]},
            "level": {"type": "integer", "enum": [1, 2]},
            "either": {"oneOf": [OBJ, {"type": "integer"}]},
        },
    }
    plan = plan_models(spec({"Holder": holder}))
    assert plan.classes == (
        "ContractModel", "Holder", "HolderAddress", "HolderLinesItem", "HolderByNameValue",
        "HolderStatus", "HolderEitherVariant1",
    )  # fmt: skip
    props = schemas_of(plan)["Holder"]["properties"]
    assert props["address"] == {
        "allOf": [{"$ref": "#/components/schemas/HolderAddress"}],
        "nullable": True,
    }
    assert props["level"]["x-enum-field-as-literal"] is True  # Literal, not an IntEnum
    assert schemas_of(plan)["HolderStatus"]["x-enum-varnames"] == ["ON", "OFF"]


def test_operation_name_rule() -> None:
    assert operation_name("get", "/users/{userId}/posts", {}) == "get_users_by_user_id_posts"
    assert operation_name("POST", "/", {}) == "post_root"
    assert operation_name("get", "/x", {"operationId": "listUsers"}) == "list_users"
    assert operation_name("get", "/x", {"operationId": "class"}) == "class_"
    assert operation_name("get", "/x", {"operationId": "%%"}) == "get_x"


def test_operation_sites_are_hoisted_and_typed() -> None:
    plan = plan_models(yaml.safe_load((DATA / "operations.yaml").read_text()))
    types = {k: v.code for k, v in plan.types.items()}
    users = "/paths/~1users/"
    assert types[users + "get/parameters/0/schema"] == "ListUsersSortParam"
    assert types[users + "get/parameters/1/schema"] == "int"
    assert types[users + "get/parameters/2/schema"] == "list[ListUsersTagsParamItem]"
    assert (
        types[users + "get/parameters/3/content/application~1json/schema"] == "ListUsersFilterParam"
    )
    assert types[users + "get/responses/200/content/application~1json/schema"] == "list[User]"
    assert types[users + "get/responses/200/headers/X-Rate/schema"] == "int"
    assert types[users + "post/requestBody/content/application~1json/schema"] == "CreateUserRequest"
    assert (
        types[users + "post/requestBody/content/application~1x-www-form-urlencoded/schema"]
        == "CreateUserRequestForm"
    )
    assert (
        types[users + "post/requestBody/content/multipart~1form-data/schema"]
        == "CreateUserRequestMultipart"
    )
    assert (
        types[users + "post/responses/201/content/application~1json/schema"]
        == "CreateUserCreatedResponse"
    )
    # the same inline schema under two media types is hoisted once
    assert (
        types[users + "post/responses/201/content/application~1xml/schema"]
        == "CreateUserCreatedResponse"
    )
    item = "/paths/~1users~1{userId}/"
    assert types[item + "parameters/0/schema"] == "UUID"
    assert plan.types[item + "parameters/0/schema"].imports == ("uuid.UUID",)
    assert types[item + "get/responses/200/content/application~1json/schema"] == "User"
    assert (
        types[item + "get/responses/404/content/application~1json/schema"]
        == "GetUsersByUserIdNotFoundResponse"
    )
    assert (
        types[item + "get/responses/default/content/application~1json/schema"]
        == "GetUsersByUserIdDefaultResponse"
    )
    assert types[item + "delete/responses/204/content/text~1plain/schema"] == "str"
    # objects reached through components/* are keyed under the resolved object
    assert (
        types["/components/responses/Problem/content/application~1problem+json/schema"]
        == "ProblemResponse"
    )
    assert (
        types["/components/requestBodies/Patch/content/application~1json/schema"] == "PatchRequest"
    )
    assert types["/components/parameters/Page/schema"] == "int"
    assert types["/components/parameters/Mode/schema"] == "ModeParam"
    assert types["/components/headers/Trace/schema"] == "UUID"
    assert types["/components/schemas/Stamp"] == "Stamp"
    assert types["/components/schemas/User"] == "User"
    assert "ListUsersOkResponse" not in plan.classes  # arrays are never hoisted themselves


def test_every_required_pointer_has_a_type() -> None:
    doc = yaml.safe_load((DATA / "operations.yaml").read_text())
    plan = plan_models(doc)
    for name in doc["components"]["schemas"]:
        assert f"/components/schemas/{name}" in plan.types
    for expr in plan.types.values():
        assert all(m in plan.classes for m in expr.models)


def test_primitive_types() -> None:
    cases = {
        "s": ({"type": "string"}, "str"),
        "dt": ({"type": "string", "format": "date-time"}, "datetime"),
        "d": ({"type": "string", "format": "date"}, "date"),
        "bin": ({"type": "string", "format": "binary"}, "bytes"),
        "i": ({"type": "integer", "nullable": True}, "int | None"),
        "n": ({"type": "number"}, "float"),
        "b": ({"type": "boolean"}, "bool"),
        "arr": ({"type": "array", "items": {"type": "string"}}, "list[str]"),
        "map": ({"type": "object", "additionalProperties": {"type": "integer"}}, "dict[str, int]"),
        "free": ({"type": "object"}, "dict[str, Any]"),
        "any": ({}, "Any"),
        "multi": ({"type": ["string", "integer", "null"]}, "str | int | None"),
        "ints": ({"type": "integer", "enum": [1, 2]}, "int"),
        "union": ({"oneOf": [{"type": "string"}, {"type": "integer"}]}, "str | int"),
    }
    params = [{"name": k, "in": "query", "schema": s} for k, (s, _) in cases.items()]
    plan = plan_models(spec(paths={"/p": {"get": {"parameters": params, "responses": {}}}}))
    for index, (_, expected) in enumerate(cases.values()):
        assert plan.types[f"/paths/~1p/get/parameters/{index}/schema"].code == expected
    assert plan.classes == ("ContractModel",)


def test_field_names_for_unsafe_wire_names() -> None:
    props = {
        n: {"type": "string"}
        for n in [
            "file",
            "\ufb01le",
            "class",
            "user_id",
            "user-id",
            "model_dump",
            "_x",
            "id",
            "MISSING",
            "date",
        ]
    }
    plan = plan_models(spec({"N": {"type": "object", "properties": props}}))
    assert dict(plan.field_names) == {
        "N.\ufb01le": "file_2",
        "N.class": "class_",
        "N.user-id": "user_id_2",
        "N.model_dump": "model_dump_",
        "N._x": "x",
        "N.MISSING": "missing",
        "N.date": "date_",
    }


def test_readonly_and_writeonly_are_not_required() -> None:
    base = {
        "type": "object",
        "required": ["id", "pw", "name"],
        "properties": {
            "id": {"type": "integer", "readOnly": True},
            "pw": {"type": "string", "writeOnly": True},
            "name": {"type": "string"},
        },
    }
    plan = plan_models(spec({"U": base}))
    assert schemas_of(plan)["U"]["required"] == ["name"]


def test_implicit_discriminator_mapping_keeps_original_names() -> None:
    pet = {
        "oneOf": [{"$ref": "#/components/schemas/cat-v1"}, {"$ref": "#/components/schemas/Dog"}],
        "discriminator": {"propertyName": "t", "mapping": {"d": "Dog"}},
    }
    plan = plan_models(spec({"Pet": pet, "cat-v1": OBJ, "Dog": OBJ}))
    assert schemas_of(plan)["Pet"]["discriminator"] == {
        "propertyName": "t",
        "mapping": {"d": "#/components/schemas/Dog", "cat-v1": "#/components/schemas/CatV1"},
    }


def test_extensions_and_prose_never_reach_the_document() -> None:
    evil = {
        "type": "object",
        "description": "d",
        "title": "t",
        "example": {},
        "x-python-type": "os",
        "customTypePath": "os.x",
        "x-internal": True,
        "properties": {"a": {"type": "string", "x-python-import": "os"}},
    }
    plan = plan_models(spec({"E": evil}))
    assert schemas_of(plan)["E"] == {"type": "object", "properties": {"a": {"type": "string"}}}
    assert plan.stripped == (
        ("/components/schemas/E/x-python-type", "x-python-type"),
        ("/components/schemas/E/customTypePath", "customTypePath"),
        ("/components/schemas/E/properties/a/x-python-import", "x-python-import"),
    )


def test_non_finite_numbers_are_dropped() -> None:
    plan = plan_models(
        spec(
            {
                "N": {
                    "type": "number",
                    "maximum": float("inf"),
                    "default": float("nan"),
                    "minimum": 0,
                }
            }
        )
    )
    assert schemas_of(plan)["N"] == {"type": "number", "minimum": 0}


def test_deep_refs_are_hoisted_once() -> None:
    holder = {"type": "object", "properties": {"inner": OBJ}}
    ref = {"$ref": "#/components/schemas/Holder/properties/inner"}
    plan = plan_models(
        spec({"Holder": holder, "A": {"type": "object", "properties": {"x": ref, "y": ref}}})
    )
    a = schemas_of(plan)["A"]["properties"]
    assert a["x"] == a["y"] == {"$ref": "#/components/schemas/HolderInner"}
    assert plan.classes == ("ContractModel", "Holder", "A", "HolderInner")


def test_unresolvable_ref_is_a_located_error() -> None:
    with pytest.raises(ModelGenerationError) as info:
        plan_models(
            spec(
                {
                    "A": {
                        "type": "object",
                        "properties": {"b": {"$ref": "#/components/schemas/Nope"}},
                    }
                }
            )
        )
    assert info.value.pointer == "/components/schemas/A/properties/b"


def test_ecma_pattern_and_null_helpers() -> None:
    assert ecma_pattern(r"^\d{3}[\d-]\w\\d$") == r"^[0-9]{3}[0-9-][A-Za-z0-9_]\\d$"
    assert split_null({"oneOf": [{"type": "null"}, {"type": "string"}]}) == (
        {"oneOf": [{"type": "string"}]},
        True,
    )
    assert split_null({"type": "string", "nullable": True}) == ({"type": "string"}, True)


def test_plan_is_deterministic_and_does_not_mutate_input() -> None:
    doc = yaml.safe_load((DATA / "behaviour.yaml").read_text())
    before = copy.deepcopy(doc)
    first, second = plan_models(doc), plan_models(copy.deepcopy(doc))
    assert doc == before
    assert first == second
