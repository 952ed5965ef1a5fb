"""Which directions reach a schema, and the type each site gets in the plan and in the IR."""

from __future__ import annotations

from typing import Any

from generator.ir.build import build_api
from generator.ir.schema_directions import Direction, find_directions
from generator.ir.schema_sites import collect_sites
from generator.ir.schemas import plan_models

JSON = "application/json"
PET = {
    "type": "object",
    "required": ["id", "name"],
    "properties": {"id": {"type": "integer", "readOnly": True}, "name": {"type": "string"}},
}


def ref(section: str, name: str) -> dict[str, str]:
    return {"$ref": f"#/components/{section}/{name}"}


def content(schema: dict[str, Any]) -> dict[str, Any]:
    return {"content": {JSON: {"schema": schema}}}


def document() -> dict[str, Any]:
    """Pet sent in a body (inline and through `requestBodies`) and a deepObject parameter,
    returned in responses; `Orphan` used by no operation; `Tag` without flags."""
    pet = ref("schemas", "Pet")
    ok = {"description": "ok", **content(pet)}
    filter_param = {"name": "where", "in": "query", "style": "deepObject", "schema": pet}
    return {
        "openapi": "3.0.3",
        "info": {"title": "t", "version": "1"},
        "paths": {
            "/pets": {
                "post": {
                    "operationId": "createPet",
                    "requestBody": {"required": True, **content(pet)},
                    "responses": {"201": ok},
                },
                "get": {
                    "operationId": "findPets",
                    "parameters": [filter_param],
                    "responses": {"200": {"description": "ok", **content(ref("schemas", "Tag"))}},
                },
                "put": {
                    "operationId": "replacePet",
                    "requestBody": ref("requestBodies", "PetBody"),
                    "responses": {"200": ref("responses", "PetAnswer")},
                },
            }
        },
        "components": {
            "schemas": {"Pet": PET, "Orphan": PET, "Tag": {"type": "string"}},
            "requestBodies": {"PetBody": content(pet)},
            "responses": {"PetAnswer": ok},
        },
    }


def test_directions_of_each_schema() -> None:
    doc = document()
    sites = [(s.pointer, s.schema, s.direction) for s in collect_sites(doc)]
    found = find_directions(doc, sites)
    pet, orphan = "/components/schemas/Pet", "/components/schemas/Orphan"
    assert pet in found.differ and pet in found.requests and pet in found.responses
    assert found.twice(pet) and not found.twice(orphan)
    assert found.primary(pet) is Direction.RESPONSE
    assert found.primary(orphan) is Direction.BOTH
    assert found.form("/components/schemas/Tag", Direction.REQUEST) is Direction.BOTH


def test_every_site_has_its_direction_s_type() -> None:
    plan = plan_models(document())
    types = {k: v.code for k, v in plan.types.items()}
    pets = "/paths/~1pets/"
    assert types[pets + "post/requestBody/content/application~1json/schema"] == "PetInput"
    assert types[pets + "post/responses/201/content/application~1json/schema"] == "Pet"
    assert types[pets + "get/parameters/0/schema"] == "PetInput"
    assert types["/components/requestBodies/PetBody/content/application~1json/schema"] == (
        "PetInput"
    )
    assert types["/components/responses/PetAnswer/content/application~1json/schema"] == "Pet"
    assert types["/components/schemas/Pet"] == "Pet"
    assert plan.classes == ("ContractModel", "Pet", "PetInput", "Orphan", "Tag")
    orphan = plan.document["components"]["schemas"]["Orphan"]
    assert set(orphan["properties"]) == {"id", "name"} and orphan["required"] == ["name"]


def test_the_ir_reads_each_site_in_its_direction() -> None:
    doc = document()
    plan = plan_models(doc)
    api = build_api(
        doc,
        model_types={ptr: t.code for ptr, t in plan.types.items()},
        model_classes=frozenset(plan.classes),
        contract="pets.yaml",
        package="pets",
    )
    ops = {op.operation_id: op for tag in api.tags for op in tag.operations}
    for name in ("createPet", "replacePet"):
        body = ops[name].body
        assert body is not None and body.annotation == "models.PetInput", name
        assert ops[name].responses[0].body_annotation == "models.Pet", name
    assert ops["findPets"].parameters[0].annotation == "models.PetInput"


def test_the_response_form_keeps_the_plain_name_when_a_request_meets_it_first() -> None:
    inline = {
        "type": "object",
        "properties": {"id": {"type": "integer", "readOnly": True}, "n": {"type": "string"}},
    }
    answer = "/paths/~1b/get/responses/200/content/application~1json/schema"
    doc = {
        "openapi": "3.0.3",
        "info": {"title": "t", "version": "1"},
        "paths": {
            "/a": {"post": {"requestBody": content({"$ref": "#" + answer}), "responses": {}}},
            "/b": {"get": {"responses": {"200": {"description": "ok", **content(inline)}}}},
        },
    }
    plan = plan_models(doc)
    request = plan.types["/paths/~1a/post/requestBody/content/application~1json/schema"].code
    response = plan.types[answer].code
    assert request == response + "Input"
    schemas = plan.document["components"]["schemas"]
    assert set(schemas[response]["properties"]) == {"id", "n"}
    assert set(schemas[request]["properties"]) == {"n"}


def test_the_input_suffix_survives_the_length_limit() -> None:
    name = "A" + "b" * 80
    pet = ref("schemas", name)
    doc = {
        "openapi": "3.0.3",
        "info": {"title": "t", "version": "1"},
        "paths": {
            "/p": {"post": {"requestBody": content(pet), "responses": {"200": content(pet)}}}
        },
        "components": {"schemas": {name: PET}},
    }
    classes = plan_models(doc).classes
    assert len(classes) == 3 and classes[2].endswith("Input") and len(classes[2]) == 64
