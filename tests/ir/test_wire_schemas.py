"""Wire schemas: each rule checked by validating instances with jsonschema-rs against the views."""

from __future__ import annotations

from typing import Any

import jsonschema_rs
import pytest

from generator.ir.wire_schemas import (
    KEPT,
    VIEW_URIS,
    build_wire_schemas,
    convert_wire_schemas,
    schema_ref,
    unenforceable,
)


def contract(version: str = "3.0.3", paths: Any = None, **schemas: Any) -> dict[str, Any]:
    """A contract whose `components/schemas` are `schemas`."""
    return {
        "openapi": version,
        "info": {"title": "t", "version": "1"},
        "paths": paths or {},
        "components": {"schemas": schemas},
    }


def checker(root: dict[str, Any], pointer: str, view: str = "request") -> jsonschema_rs.Validator:
    """A validator for the schema at `pointer`, compiled the way the runtime will."""
    views = build_wire_schemas(root)
    registry = jsonschema_rs.Registry(
        [(VIEW_URIS[view], views[view])], draft=jsonschema_rs.Draft202012
    )
    return jsonschema_rs.validator_for(
        {"$ref": schema_ref(view, pointer)}, registry=registry, validate_formats=True
    )


def component(root: dict[str, Any], name: str, view: str = "request") -> jsonschema_rs.Validator:
    return checker(root, f"/components/schemas/{name}", view)


def test_annotations_and_extensions_are_dropped() -> None:
    schema = {
        "type": "string", "description": "d", "title": "t", "example": "e", "default": "x",
        "externalDocs": {"url": "u"}, "xml": {"name": "n"}, "deprecated": True,
        "x-internal": True, "$comment": "c", "maxLength": 3,
    }  # fmt: skip
    views = build_wire_schemas(contract(S=schema))
    for view in ("request", "response"):
        assert views[view]["components"]["schemas"]["S"] == {"type": "string", "maxLength": 3}


def test_nullable_is_honoured_in_3_0_and_inert_in_3_1() -> None:
    schema = {"type": "string", "nullable": True}
    assert component(contract("3.0.3", S=schema), "S").is_valid(None)
    assert not component(contract("3.1.0", S=schema), "S").is_valid(None)
    assert component(contract("3.1.0", S={"type": ["string", "null"]}), "S").is_valid(None)


def test_nullable_enum_without_null_stays_closed_in_requests_only() -> None:
    root = contract(S={"type": "string", "enum": ["a"], "nullable": True})
    assert not component(root, "S", "request").is_valid(None)
    assert component(root, "S", "response").is_valid(None)
    open_enum = contract(S={"type": "string", "enum": ["a", None], "nullable": True})
    assert component(open_enum, "S", "request").is_valid(None)
    # 3.1: a `type` listing null beside an enum without it (Schemathesis' response leniency).
    typed = contract("3.1.0", S={"type": ["string", "null"], "enum": ["a"]})
    assert not component(typed, "S", "request").is_valid(None)
    assert component(typed, "S", "response").is_valid(None)


def test_boolean_exclusive_bounds_become_numbers() -> None:
    root = contract(
        S={"type": "number", "minimum": 0, "exclusiveMinimum": True, "maximum": 10},
        T={"type": "number", "maximum": 5, "exclusiveMaximum": True},
    )
    s, t = component(root, "S"), component(root, "T")
    assert not s.is_valid(0) and s.is_valid(0.5) and s.is_valid(10)
    assert t.is_valid(4.99) and not t.is_valid(5)


def test_number_formats_become_bounds() -> None:
    root = contract(
        I32={"type": "integer", "format": "int32"},
        I64={"type": "integer", "format": "int64"},
        F={"type": "number", "format": "float"},
        Tight={"type": "integer", "format": "int32", "minimum": 1, "maximum": 2**40},
        Text={"type": "string", "format": "int64"},
    )
    i32, i64, f = component(root, "I32"), component(root, "I64"), component(root, "F")
    assert i32.is_valid(2**31 - 1) and not i32.is_valid(2**31) and not i32.is_valid(-(2**31) - 1)
    assert i64.is_valid(-(2**63)) and not i64.is_valid(2**63)
    assert f.is_valid(3.4e38) and f.is_valid(1.8e174)  # `float` is storage, not a range
    tight = component(root, "Tight")
    assert not tight.is_valid(0) and tight.is_valid(2**31 - 1) and not tight.is_valid(2**31)
    assert component(root, "Text").is_valid("12345678901234567890123")
    for view in ("request", "response"):
        assert not component(root, "I32", view).is_valid(2**31)


def test_formats_known_unknown_and_byte() -> None:
    root = contract(
        D={"type": "string", "format": "date"},
        U={"type": "string", "format": "made-up"},
        B={"type": "string", "format": "byte"},
    )
    assert component(root, "D").is_valid("2024-02-29") and not component(root, "D").is_valid("x")
    assert component(root, "U").is_valid("anything")
    # `byte` is the runtime's own format; without it jsonschema-rs ignores the keyword.
    views = build_wire_schemas(root)
    assert views["request"]["components"]["schemas"]["B"]["format"] == "byte"


def test_read_only_is_forbidden_in_requests_directly_by_ref_and_by_all_of() -> None:
    root = contract(
        Id={"type": "integer", "readOnly": True},
        Stamp={"allOf": [{"type": "string"}, {"readOnly": True}]},
        User={
            "type": "object",
            "required": ["id", "ref", "stamp", "name"],
            "properties": {
                "id": {"type": "integer", "readOnly": True},
                "ref": {"$ref": "#/components/schemas/Id"},
                "stamp": {"$ref": "#/components/schemas/Stamp"},
                "name": {"type": "string"},
            },
        },
    )
    request, response = component(root, "User", "request"), component(root, "User", "response")
    assert request.is_valid({"name": "a"})
    for key, value in (("id", 1), ("ref", 1), ("stamp", "s")):
        assert not request.is_valid({"name": "a", key: value})
    assert response.is_valid({"name": "a", "id": 1, "ref": 2, "stamp": "s"})
    assert not response.is_valid({"name": "a"})
    assert build_wire_schemas(root)["request"]["components"]["schemas"]["User"]["required"] == [
        "name"
    ]


def test_write_only_is_forbidden_in_responses_only() -> None:
    root = contract(
        Login={
            "type": "object",
            "required": ["user", "password"],
            "properties": {
                "user": {"type": "string"},
                "password": {"type": "string", "writeOnly": True},
            },
        }
    )
    assert component(root, "Login", "request").is_valid({"user": "u", "password": "p"})
    assert not component(root, "Login", "request").is_valid({"user": "u"})
    assert component(root, "Login", "response").is_valid({"user": "u"})
    assert not component(root, "Login", "response").is_valid({"user": "u", "password": "p"})


def test_read_only_declared_in_an_all_of_branch_is_not_required_elsewhere() -> None:
    root = contract(
        Base={"type": "object", "properties": {"id": {"type": "integer", "readOnly": True}}},
        Item={
            "required": ["id"],
            "allOf": [
                {"$ref": "#/components/schemas/Base"},
                {"required": ["id", "name"], "properties": {"name": {"type": "string"}}},
            ],
        },
    )
    item = component(root, "Item", "request")
    assert item.is_valid({"name": "n"})
    assert not item.is_valid({"name": "n", "id": 1})
    assert not item.is_valid({})
    assert not component(root, "Item", "response").is_valid({"name": "n"})


def test_ref_siblings_are_ignored_in_3_0_and_applied_in_3_1() -> None:
    schemas = {
        "Name": {"type": "string"},
        "S": {"$ref": "#/components/schemas/Name", "maxLength": 2},
        "N": {"$ref": "#/components/schemas/Name", "nullable": True},
    }
    legacy, current = contract("3.0.3", **schemas), contract("3.1.0", **schemas)
    assert component(legacy, "S").is_valid("long") and not component(current, "S").is_valid("long")
    assert component(legacy, "N").is_valid(None) and not component(current, "N").is_valid(None)


def test_recursive_schemas_convert_and_validate() -> None:
    node = {
        "type": "object",
        "properties": {
            "value": {"type": "integer", "format": "int32"},
            "children": {"type": "array", "items": {"$ref": "#/components/schemas/Node"}},
        },
    }
    tree = component(contract(Node=node), "Node")
    assert tree.is_valid({"value": 1, "children": [{"value": 2, "children": []}]})
    assert not tree.is_valid({"children": [{"children": [{"value": 2**40}]}]})


def test_boolean_and_empty_schemas() -> None:
    root = contract(
        "3.1.0",
        Any=True,
        Never=False,
        Empty={},
        Obj={"type": "object", "properties": {"gone": False, "free": True}},
    )
    assert component(root, "Any").is_valid([1]) and not component(root, "Never").is_valid(1)
    assert component(root, "Empty").is_valid(None)
    assert not component(root, "Obj").is_valid({"gone": 1})


LIMIT = {"name": "limit", "in": "query", "schema": {"type": "integer", "maximum": 100}}
USERS = {
    "/users/{id}": {
        "parameters": [
            {"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}
        ],
        "get": {
            "parameters": [
                {"$ref": "#/components/parameters/Limit"},
                {"name": "q", "in": "query", "schema": {"type": "string", "minLength": 2}},
            ],
            "responses": {
                "200": {
                    "description": "ok",
                    "headers": {"X-Total": {"schema": {"type": "integer", "minimum": 0}}},
                    "content": {
                        "application/vnd.x+json; charset=utf-8": {
                            "schema": {"type": "array", "items": {"type": "string"}}
                        }
                    },
                },
                "404": {"$ref": "#/components/responses/NotFound"},
            },
        },
    }
}


def users_contract() -> dict[str, Any]:
    root = contract(paths=USERS)
    root["components"]["parameters"] = {"Limit": LIMIT}
    root["components"]["responses"] = {"NotFound": {"description": "no"}}
    return root


def test_parameter_reached_through_components_parameters() -> None:
    root = users_contract()
    limit = checker(root, "/components/parameters/Limit/schema")
    assert limit.is_valid(100) and not limit.is_valid(101)
    q = checker(root, "/paths/~1users~1{id}/get/parameters/1/schema")
    assert q.is_valid("ab") and not q.is_valid("a")
    operation = build_wire_schemas(root)["request"]["paths"]["/users/{id}"]["get"]
    assert operation["parameters"][0] == {}  # the `$ref` is left out, indexes stay
    assert "404" not in operation["responses"]


def test_response_header_and_media_type_with_parameters() -> None:
    root = users_contract()
    total = checker(
        root, "/paths/~1users~1{id}/get/responses/200/headers/X-Total/schema", "response"
    )
    assert total.is_valid(3) and not total.is_valid(-1)
    pointer = "/paths/~1users~1{id}/get/responses/200/content/application~1vnd.x+json; charset=utf-8/schema"
    body = checker(root, pointer, "response")
    assert body.is_valid(["a"]) and not body.is_valid([1])
    assert checker(root, "/paths/~1users~1{id}/parameters/0/schema").is_valid("x")


def test_schema_ref_encodes_what_a_uri_fragment_cannot_hold() -> None:
    assert schema_ref("request", "/paths/~1users~1{id}/get") == (
        "urn:specfirst:request#/paths/~1users~1%7Bid%7D/get"
    )
    assert schema_ref("response", "/components/schemas/A B%é") == (
        "urn:specfirst:response#/components/schemas/A%20B%25%C3%A9"
    )
    root = contract(**{"A B%é": {"type": "integer"}})
    assert not checker(root, "/components/schemas/A B%é").is_valid("x")


def test_refs_into_nested_schemas_follow_the_view() -> None:
    root = contract(
        Box={
            "type": "object",
            "nullable": True,
            "properties": {"id": {"type": "integer", "readOnly": True, "maximum": 9}},
        },
        Copy={"$ref": "#/components/schemas/Box/properties/id"},
        Pair={"type": "array", "items": [{"type": "string"}], "additionalItems": False},
        First={"$ref": "#/components/schemas/Pair/items/0"},
    )
    copy = component(root, "Copy", "request")  # the schema itself, not the forbidden slot
    assert copy.is_valid(3) and not copy.is_valid(10)
    views = build_wire_schemas(root)
    assert views["request"]["components"]["schemas"]["Copy"]["$ref"] == f"#/{KEPT}/0"
    assert views["response"]["components"]["schemas"]["Copy"]["$ref"] == (
        "#/components/schemas/Box/anyOf/0/properties/id"
    )
    first = component(root, "First")
    assert first.is_valid("x") and not first.is_valid(1)
    pair = component(root, "Pair")
    assert pair.is_valid(["x"]) and not pair.is_valid(["x", 1]) and not pair.is_valid([1])


def test_ref_targets_outside_schema_positions_are_adopted() -> None:
    root = contract(Use={"$ref": "#/x-shared/Code"})
    root["x-shared"] = {"Code": {"type": "string", "pattern": "^[A-Z]{3}$"}}
    code = component(root, "Use")
    assert code.is_valid("ABC") and not code.is_valid("abc")


def test_unresolved_and_non_schema_refs_stay_and_are_noted() -> None:
    root = contract(
        "3.1.0",
        Lost={"$ref": "#/components/schemas/Nowhere"},
        Far={"$ref": "other.yaml#/X"},
        Anchor={"$ref": "#node"},
        Param={"$ref": "#/components/parameters/P"},
        Dynamic={"$dynamicRef": "#node"},
    )
    root["components"]["parameters"] = {"P": {"name": "p", "in": "query", "schema": {}}}
    views = build_wire_schemas(root)
    assert views["request"]["components"]["schemas"]["Lost"] == {
        "$ref": "#/components/schemas/Nowhere"
    }
    assert views["request"]["components"]["schemas"]["Dynamic"] == {}
    assert [(p.rsplit("/", 1)[1], k) for p, k, _ in unenforceable(root)] == [
        ("Dynamic", "$dynamicRef"),
        ("Lost", "$ref"),
        ("Far", "$ref"),
        ("Anchor", "$ref"),
        ("Param", "$ref"),
    ]


def test_patterns_are_kept_as_written_unless_jsonschema_rs_refuses_them() -> None:
    root = contract(
        Letters={"type": "string", "pattern": r"^\p{L}+$"},
        Behind={"type": "string", "pattern": "(?<=a)b"},
        Broken={"type": "string", "pattern": "a{2,1}", "minLength": 1},
        Number={"type": "string", "pattern": 12.5},
    )
    assert component(root, "Letters").is_valid("é") and not component(root, "Letters").is_valid("1")
    assert component(root, "Behind").is_valid("ab") and not component(root, "Behind").is_valid("cb")
    assert component(root, "Broken").is_valid("aaaa") and not component(root, "Broken").is_valid("")
    notes = convert_wire_schemas(root).unenforceable
    assert [(p, k) for p, k, _ in notes] == [
        ("/components/schemas/Broken", "pattern"),
        ("/components/schemas/Number", "pattern"),
    ]
    assert "cannot compile" in notes[0][2]


def test_sloppy_schemas_stay_usable() -> None:
    root = contract(
        Upload={"type": "file"},
        Flag={"type": "object", "properties": {"a": {"type": "string", "required": True}}},
        Closed={"type": "object", "additionalProperties": False, "required": ["x"]},
        Bad={"type": "integer", "minimum": "5", "maxLength": -1},
        Deps={"type": "object", "dependencies": {"a": ["b"]}},
        Const={"const": 1},
    )
    assert component(root, "Upload").is_valid("x") and not component(root, "Upload").is_valid(1)
    assert not component(root, "Flag").is_valid({}) and component(root, "Flag").is_valid({"a": ""})
    assert component(root, "Closed").is_valid({"x": 1}) and not component(root, "Closed").is_valid(
        {}
    )
    assert component(root, "Bad").is_valid(-3)
    assert not component(root, "Deps").is_valid({"a": 1}) and component(root, "Deps").is_valid({})
    assert component(root, "Const").is_valid(2)  # `const` is no Draft 4 (OAS 3.0) keyword
    assert not component(contract("3.1.0", Const={"const": 1}), "Const").is_valid(2)
    assert {k for _, k, _ in unenforceable(root)} == {"minimum", "maxLength"}


def test_discriminator_pins_request_branches() -> None:
    def pet(kind: str) -> dict[str, Any]:
        return {"type": "object", "required": ["kind"], "properties": {"kind": {"type": "string"}}}

    root = contract(
        Cat=pet("Cat"),
        Dog=pet("Dog"),
        Pet={
            "oneOf": [{"$ref": "#/components/schemas/Cat"}, {"$ref": "#/components/schemas/Dog"}],
            "discriminator": {
                "propertyName": "kind",
                "mapping": {"dog": "#/components/schemas/Dog"},
            },
        },
    )
    request = component(root, "Pet", "request")
    assert request.is_valid({"kind": "Cat"}) and request.is_valid({"kind": "dog"})
    assert not request.is_valid({"kind": "Dog"})
    # Responses follow Schemathesis: no pin, so two look-alike branches make `oneOf` fail.
    assert not component(root, "Pet", "response").is_valid({"kind": "Cat"})


def test_callbacks_webhooks_and_request_bodies_are_positions() -> None:
    body = {"content": {"application/json": {"schema": {"type": "object", "required": ["a"]}}}}
    root = contract("3.1.0")
    root["webhooks"] = {"ping": {"post": {"requestBody": body}}}
    root["paths"] = {
        "/s": {
            "post": {
                "requestBody": body,
                "callbacks": {"done": {"{$request.body#/url}": {"post": {"requestBody": body}}}},
            }
        }
    }
    root["components"]["requestBodies"] = {"B": body}
    root["components"]["parameters"] = {
        "F": {"name": "f", "in": "query", "content": body["content"]}
    }
    upload = {
        "schema": {"type": "object"},
        "encoding": {"a": {"headers": {"X-N": {"schema": {"type": "integer"}}}}},
    }
    root["components"]["requestBodies"]["Up"] = {"content": {"multipart/form-data": upload}}
    rate = checker(
        root,
        "/components/requestBodies/Up/content/multipart~1form-data/encoding/a/headers/X-N/schema",
    )
    assert rate.is_valid(1) and not rate.is_valid("x")
    for pointer in (
        "/components/parameters/F/content/application~1json/schema",
        "/webhooks/ping/post/requestBody/content/application~1json/schema",
        "/paths/~1s/post/requestBody/content/application~1json/schema",
        "/paths/~1s/post/callbacks/done/{$request.body#~1url}/post/requestBody/content/application~1json/schema",
        "/components/requestBodies/B/content/application~1json/schema",
    ):
        body_check = checker(root, pointer)
        assert body_check.is_valid({"a": 1}) and not body_check.is_valid({})


@pytest.mark.parametrize("version", ["3.0.3", "3.1.0"])
def test_conversion_is_total(version: str) -> None:
    deep: dict[str, Any] = {"type": "integer"}
    for _ in range(300):
        deep = {"type": "array", "items": deep}
    root = contract(
        version,
        Text="not a schema",
        Loop1={"$ref": "#/components/schemas/Loop2"},
        Loop2={"$ref": "#/components/schemas/Loop1", "readOnly": True},
        Holder={
            "properties": {"x": {"$ref": "#/components/schemas/Loop1"}},
            "allOf": [{"$ref": 5}],
        },
        Deep=deep,
        Empty={"allOf": [], "anyOf": "x", "properties": []},
    )
    views = build_wire_schemas(root)
    assert views["request"]["components"]["schemas"]["Text"] == {}
    assert views["request"]["components"]["schemas"]["Holder"]["properties"]["x"] is False
    assert any("nested deeper" in reason for _, _, reason in unenforceable(root))
