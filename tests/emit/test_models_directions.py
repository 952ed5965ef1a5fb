"""Request and response forms of schemas with readOnly/writeOnly properties, generated and imported."""

from __future__ import annotations

import re
from pathlib import Path
from types import ModuleType
from typing import Any, get_args, get_origin

import pytest
from pydantic import ValidationError

from generator.ir.schemas import plan_models
from tests.emit.models_support import generate, import_source

JSON = "application/json"


def ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def body(schema: dict[str, Any]) -> dict[str, Any]:
    return {"content": {JSON: {"schema": schema}}}


def operation(request: str | None, response: str | None) -> dict[str, Any]:
    """An operation sending `request` and answering `response` (component names)."""
    op: dict[str, Any] = {"responses": {"204": {"description": "none"}}}
    if request:
        op["requestBody"] = body(ref(request))
    if response:
        op["responses"] = {"200": {"description": "ok", **body(ref(response))}}
    return op


def contract(schemas: dict[str, Any], *ops: tuple[str | None, str | None]) -> dict[str, Any]:
    """A contract with one POST per `(request, response)` pair."""
    paths = {f"/op{i}": {"post": operation(*pair)} for i, pair in enumerate(ops)}
    return {
        "openapi": "3.0.3",
        "info": {"title": "t", "version": "1"},
        "paths": paths,
        "components": {"schemas": schemas},
    }


PET = {
    "type": "object",
    "required": ["id", "name", "password"],
    "properties": {
        "id": {"type": "integer", "readOnly": True},
        "name": {"type": "string"},
        "password": {"type": "string", "writeOnly": True},
    },
}
ORDER = {
    "type": "object",
    "required": ["items"],
    "properties": {"items": {"type": "array", "items": ref("OrderItem")}},
}
ORDER_ITEM = {
    "type": "object",
    "required": ["id", "sku"],
    "properties": {"id": {"type": "string", "readOnly": True}, "sku": {"type": "string"}},
}
TAG = {"type": "object", "required": ["label"], "properties": {"label": {"type": "string"}}}


def models_of(doc: dict[str, Any], tmp_path: Path) -> ModuleType:
    return import_source(generate(doc), tmp_path)


def test_read_only_is_required_in_responses_and_absent_from_requests(tmp_path: Path) -> None:
    models = models_of(contract({"Pet": PET}, ("Pet", "Pet")), tmp_path)
    assert set(models.Pet.model_fields) == {"id", "name"}
    assert set(models.PetInput.model_fields) == {"name", "password"}
    assert all(f.is_required() for f in models.Pet.model_fields.values())
    assert all(f.is_required() for f in models.PetInput.model_fields.values())
    with pytest.raises(ValidationError):
        models.Pet.model_validate({"name": "Rex"})  # a response must carry its `id`
    with pytest.raises(ValidationError):
        models.PetInput.model_validate({"name": "Rex"})  # a request must carry the password
    assert models.PetInput.model_validate({"name": "Rex", "password": "pw"}).name == "Rex"


def test_a_flag_reached_through_a_reference_counts(tmp_path: Path) -> None:
    schemas = {
        "Id": {"type": "string", "readOnly": True},
        "Group": {
            "type": "object",
            "required": ["id", "name"],
            "properties": {"id": ref("Id"), "name": {"type": "string"}},
        },
    }
    models = models_of(contract(schemas, ("Group", "Group")), tmp_path)
    assert set(models.GroupInput.model_fields) == {"name"}  # `Id` says readOnly, not `id`
    assert models.Group.model_fields["id"].is_required()


def test_a_union_member_admitting_null_makes_the_union_nullable(tmp_path: Path) -> None:
    schemas = {
        "Field": {
            "type": "object",
            "properties": {
                "value": {"anyOf": [{"type": "object", "nullable": True}, {"type": "string"}]}
            },
        }
    }
    models = models_of(contract(schemas, ("Field", None)), tmp_path)
    assert models.FieldModel.model_validate({"value": None}).value is None
    assert models.FieldModel.model_validate({"value": "x"}).value == "x"


def test_nested_schemas_follow_the_direction(tmp_path: Path) -> None:
    schemas = {"Order": ORDER, "OrderItem": ORDER_ITEM}
    models = models_of(contract(schemas, ("Order", "Order")), tmp_path)
    request_items = models.OrderInput.model_fields["items"].annotation
    response_items = models.Order.model_fields["items"].annotation
    assert get_origin(request_items) is list and get_origin(response_items) is list
    assert get_args(request_items) == (models.OrderItemInput,)
    assert get_args(response_items) == (models.OrderItem,)
    assert set(models.OrderItemInput.model_fields) == {"sku"}
    assert models.OrderItem.model_fields["id"].is_required()


def test_all_of_parts_are_merged_per_direction(tmp_path: Path) -> None:
    schemas = {
        "Fields": {"type": "object", "properties": {"title": {"type": "string"}}},
        "Book": {
            "allOf": [
                ref("Fields"),
                {"type": "object", "properties": {"id": {"type": "string", "readOnly": True}}},
            ],
            "required": ["id", "title"],
        },
    }
    models = models_of(contract(schemas, ("Book", "Book")), tmp_path)
    assert set(models.BookInput.model_fields) == {"title"}
    assert models.BookInput.model_fields["title"].is_required()
    assert models.Book.model_fields["id"].is_required()
    assert not hasattr(models, "FieldsInput")  # `Fields` reads the same both ways


def test_inline_objects_get_input_names_too(tmp_path: Path) -> None:
    owner = {"type": "object", "properties": {"token": {"type": "string", "writeOnly": True}}}
    schemas = {"Pet": {"type": "object", "properties": {"owner": owner}}}
    models = models_of(contract(schemas, ("Pet", "Pet")), tmp_path)
    assert models.PetInput.model_fields["owner"].annotation.__args__[0] is models.PetOwnerInput
    assert set(models.PetOwnerInput.model_fields) == {"token"}
    assert set(models.PetOwner.model_fields) == set()


def test_one_direction_keeps_the_plain_name(tmp_path: Path) -> None:
    schemas = {"Pet": PET, "Signup": PET}
    doc = contract(schemas, (None, "Pet"), ("Signup", None))
    plan = plan_models(doc)
    assert not [name for name in plan.classes if name.endswith("Input")]
    models = models_of(doc, tmp_path)
    assert set(models.Pet.model_fields) == {"id", "name"}
    assert set(models.Signup.model_fields) == {"name", "password"}


def test_a_property_left_out_does_not_pull_its_schema_into_that_direction() -> None:
    user = {"type": "object", "properties": {"secret": {"type": "string", "writeOnly": True}}}
    pet = {"type": "object", "properties": {"owner": {**ref("User"), "readOnly": True}}}
    plan = plan_models(contract({"Pet": pet, "User": user}, ("Pet", "Pet")))
    assert "PetInput" in plan.classes
    assert "UserInput" not in plan.classes  # requests never hold a `User`


def test_schemas_without_flags_are_generated_as_before(tmp_path: Path) -> None:
    alone = generate(contract({"Tag": TAG}, ("Tag", "Tag")))
    beside = generate(contract({"Pet": PET, "Tag": TAG}, ("Pet", "Pet"), ("Tag", "Tag")))
    assert _class_source(alone, "Tag") == _class_source(beside, "Tag")
    assert "TagInput" not in beside


def test_input_names_are_numbered_on_collision() -> None:
    plan = plan_models(contract({"Pet": PET, "PetInput": TAG}, ("Pet", "Pet"), ("PetInput", None)))
    pointer = "/paths/~1op0/post/requestBody/content/application~1json/schema"
    assert plan.types[pointer].code == "PetInput2"


def _class_source(source: str, name: str) -> str:
    match = re.search(rf"^class {name}\(.*?(?=^\S|\Z)", source, re.MULTILINE | re.DOTALL)
    assert match is not None, name
    return match[0]
