"""Whole documents: key order, servers, components, body parameters on path items, refs."""

from __future__ import annotations

from typing import Any

from generator.swagger2 import convert_swagger2, is_swagger2
from generator.swagger2.refs import rewrite_ref
from generator.swagger2.servers import server_urls

PETS: dict[str, Any] = {
    "swagger": "2.0",
    "info": {"title": "Pets", "version": "1"},
    "host": "api.example.com",
    "basePath": "/v1/",
    "schemes": ["https", "http"],
    "consumes": ["application/json"],
    "produces": ["application/json"],
    "paths": {
        "/pets/{id}": {
            "parameters": [
                {"name": "id", "in": "path", "required": True, "type": "integer"},
                {"$ref": "#/parameters/pet"},
            ],
            "put": {"operationId": "putPet", "responses": {"200": {"$ref": "#/responses/Pet"}}},
            "post": {
                "operationId": "upload",
                "consumes": ["multipart/form-data"],
                "produces": ["text/plain"],
                "parameters": [
                    {"name": "file", "in": "formData", "type": "file"},
                    {"$ref": "#/parameters/note"},
                ],
                "responses": {"201": {"description": "ok", "schema": {"type": "string"}}},
            },
        }
    },
    "definitions": {"Pet": {"type": "object"}},
    "parameters": {
        "pet": {"name": "pet", "in": "body", "schema": {"$ref": "#/definitions/Pet"}},
        "note": {"name": "note", "in": "formData", "type": "string"},
        "limit": {"name": "limit", "in": "query", "type": "integer"},
    },
    "responses": {"Pet": {"description": "a pet", "schema": {"$ref": "#/definitions/Pet"}}},
    "securityDefinitions": {"key": {"type": "apiKey", "name": "k", "in": "query"}},
    "x-top": 1,
}


def test_top_level_order_servers_and_components() -> None:
    out = convert_swagger2(PETS).document
    assert list(out) == ["openapi", "info", "servers", "paths", "components", "x-top"]
    assert out["servers"] == [
        {"url": "https://api.example.com/v1"},
        {"url": "http://api.example.com/v1"},
    ]
    components = out["components"]
    assert list(components) == [
        "schemas",
        "parameters",
        "requestBodies",
        "responses",
        "securitySchemes",
    ]
    assert set(components["parameters"]) == {"limit"}  # the form field is inlined instead
    assert components["requestBodies"]["pet"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Pet"
    }


def test_path_item_body_goes_to_each_operation_the_operations_own_form_wins() -> None:
    item = convert_swagger2(PETS).document["paths"]["/pets/{id}"]
    assert [p["name"] for p in item["parameters"]] == ["id"]
    assert item["put"]["requestBody"] == {"$ref": "#/components/requestBodies/pet"}
    # the operation's form fields and the path's body: 2.0 forbids both, the body is kept
    post = item["post"]
    assert post["requestBody"] == {"$ref": "#/components/requestBodies/pet"}
    assert post["responses"]["201"]["content"] == {"text/plain": {"schema": {"type": "string"}}}


def test_form_fields_from_global_parameters_are_inlined_and_traced() -> None:
    doc = {**PETS, "paths": {"/up": {"post": PETS["paths"]["/pets/{id}"]["post"]}}}
    conversion = convert_swagger2(doc)
    body = conversion.document["paths"]["/up"]["post"]["requestBody"]
    schema = body["content"]["multipart/form-data"]["schema"]
    assert schema["properties"] == {
        "file": {"type": "string", "format": "binary"},
        "note": {"type": "string"},
    }
    pointer = "/paths/~1up/post/requestBody/content/multipart~1form-data/schema/properties/note"
    assert conversion.trace.source_of(pointer) == "/parameters/note"
    assert conversion.trace.notes == []


def test_detection_and_ref_rewriting() -> None:
    assert is_swagger2({"swagger": "2.0"}) and is_swagger2({"swagger": 2.0})
    assert not is_swagger2({"swagger": "1.2"}) and not is_swagger2({"openapi": "3.0.0"})
    assert rewrite_ref("#/responses/E") == "#/components/responses/E"
    assert rewrite_ref("#/paths/x") == "#/paths/x"
    assert server_urls({"basePath": "/"}) == []
    assert server_urls({"host": "h"}) == ["https://h"]


def test_unknown_keys_are_noted_never_silently_dropped() -> None:
    doc = {
        "swagger": "2.0",
        "info": {},
        "paths": {"/a": {"get": {"responses": {}, "bogus": 1}}},
        "servers": [],
    }
    notes = convert_swagger2(doc).trace.notes
    assert [(n.source, n.target) for n in notes] == [
        ("/paths/~1a/get/bogus", "/paths/~1a/get"),
        ("/servers", ""),
    ]


def test_an_unused_global_form_parameter_is_noted() -> None:
    notes = convert_swagger2({**PETS, "paths": {}}).trace.notes
    assert [(n.source, n.target) for n in notes] == [("/parameters/note", "/components")]
