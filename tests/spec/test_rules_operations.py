"""Operation rules: operationIds present and unique, parameters listed once, refs to parameters."""

from __future__ import annotations

from generator.naming import derived_operation_name
from tests.spec.helpers import doc, summary, validate_yaml


def test_derived_operation_names() -> None:
    assert derived_operation_name("get", "/users/{id}") == "get_users_by_id"
    assert derived_operation_name("post", "/users/{userId}/posts") == "post_users_by_user_id_posts"
    assert derived_operation_name("get", "/") == "get_root"


def test_duplicate_operation_id_names_the_first_one() -> None:
    found = validate_yaml(
        doc(
            """\
            paths:
              /items:
                get:
                  operationId: getItem
                  responses: {"200": {description: ok}, "400": {description: bad}}
              /things:
                get:
                  operationId: getItem
                  responses: {"200": {description: ok}, "400": {description: bad}}
            """
        )
    )
    assert summary(found) == [
        ("duplicate-operation-id", "warning", "/paths/~1things/get/operationId", 12)
    ]
    assert found[0].message == (
        'operationId "getItem" is already used by GET /items (specs/x.yaml:8:7); '
        'this one is named "getItem_2"'
    )
    assert [r.line for r in found[0].related] == [8]


def test_duplicate_operation_id_across_callbacks() -> None:
    found = validate_yaml(
        doc(
            """\
            paths:
              /subscribe:
                post:
                  operationId: notify
                  responses: {"201": {description: ok}, "400": {description: bad}}
                  callbacks:
                    event:
                      "{$request.body#/url}":
                        post:
                          operationId: notify
                          responses: {"200": {description: ok}, "400": {description: bad}}
            """
        )
    )
    assert (
        "duplicate-operation-id",
        "warning",
        "/paths/~1subscribe/post/callbacks/event/{$request.body#~1url}/post/operationId",
        14,
    ) in summary(found)


def test_missing_operation_id_is_a_warning_naming_the_derived_name() -> None:
    found = validate_yaml(
        doc(
            """\
            paths:
              /users/{id}:
                get:
                  parameters: [{name: id, in: path, required: true, schema: {type: string}}]
                  responses: {"200": {description: ok}, "400": {description: bad}}
            """
        )
    )
    assert summary(found) == [("missing-operation-id", "warning", "/paths/~1users~1{id}/get", 7)]
    assert found[0].message.endswith('the generated name will be "get_users_by_id"')


def test_duplicate_parameter_is_reported_once_with_a_location() -> None:
    found = validate_yaml(
        doc(
            """\
            paths:
              /items:
                get:
                  operationId: listItems
                  parameters:
                    - {name: q, in: query, schema: {type: string}}
                    - {name: q, in: query, schema: {type: string}}
                  responses: {"200": {description: ok}, "400": {description: bad}}
            """
        )
    )
    assert summary(found) == [
        ("duplicate-parameter", "error", "/paths/~1items/get/parameters/1", 11)
    ]


def test_parameter_ref_to_a_schema_is_reported_instead_of_crashing() -> None:
    found = validate_yaml(
        doc(
            """\
            paths:
              /items:
                get:
                  operationId: listItems
                  parameters:
                    - $ref: "#/components/schemas/Item"
                  responses: {"200": {description: ok}, "400": {description: bad}}
            components:
              schemas:
                Item: {type: object}
            """
        )
    )
    errors = [d for d in found if d.is_error]
    assert summary(errors) == [
        ("ref-wrong-target", "error", "/paths/~1items/get/parameters/0/$ref", 10)
    ]
    # openapi-spec-validator itself trips over it (KeyError): an info, explained by the error
    crash = [d for d in found if d.rule == "validator-crashed"]
    assert [d.level.value for d in crash] == ["info"]
    assert "stopped early (KeyError)" in crash[0].message
