"""Path rules: template parameters declared, used, required; no two paths alike."""

from __future__ import annotations

from generator.spec.rules.paths import template_names
from tests.spec.helpers import doc, summary, validate_yaml


def test_template_names() -> None:
    assert template_names("/a/{x}/b/{y}/{x}") == ["x", "y"]
    assert template_names("/plain") == []


def test_undeclared_reported_per_method_at_the_operation() -> None:
    found = validate_yaml(
        doc(
            """\
            paths:
              /users/{id}:
                get:
                  operationId: getUser
                  responses: {"200": {description: ok}, "400": {description: bad}}
                delete:
                  operationId: deleteUser
                  responses: {"204": {description: gone}, "400": {description: bad}}
            """
        )
    )
    assert summary(found) == [
        ("path-param-undeclared", "error", "/paths/~1users~1{id}/get", 7),
        ("path-param-undeclared", "error", "/paths/~1users~1{id}/delete", 10),
    ]
    assert found[0].message.startswith('GET /users/{id}: path parameter "id" is not declared')


def test_declared_on_the_path_item_counts_for_every_method() -> None:
    found = validate_yaml(
        doc(
            """\
            paths:
              /users/{id}:
                parameters:
                  - {name: id, in: path, required: true, schema: {type: string}}
                get:
                  operationId: getUser
                  responses: {"200": {description: ok}, "400": {description: bad}}
            """
        )
    )
    assert found == []


def test_unused_path_parameter_points_at_the_parameter() -> None:
    found = validate_yaml(
        doc(
            """\
            paths:
              /users:
                get:
                  operationId: listUsers
                  parameters:
                    - name: id
                      in: path
                      required: true
                      schema: {type: string}
                  responses: {"200": {description: ok}, "400": {description: bad}}
            """
        )
    )
    assert summary(found) == [("path-param-unused", "error", "/paths/~1users/get/parameters/0", 10)]


def test_unused_path_level_parameter_is_reported_once() -> None:
    found = validate_yaml(
        doc(
            """\
            paths:
              /users:
                parameters:
                  - {name: id, in: path, required: true, schema: {type: string}}
                get:
                  operationId: listUsers
                  responses: {"200": {description: ok}, "400": {description: bad}}
                post:
                  operationId: addUser
                  responses: {"201": {description: ok}, "400": {description: bad}}
            """
        )
    )
    assert summary(found) == [("path-param-unused", "error", "/paths/~1users/parameters/0", 8)]
    assert found[0].message.startswith('/users: path parameter "id"')


def test_not_required_points_at_required_and_hides_the_meta_schema_error() -> None:
    for version in ("3.0.3", "3.1.0"):
        found = validate_yaml(
            doc(
                """\
                paths:
                  /users/{id}:
                    get:
                      operationId: getUser
                      parameters:
                        - name: id
                          in: path
                          required: false
                          schema: {type: string}
                      responses: {"200": {description: ok}, "400": {description: bad}}
                """,
                version,
            )
        )
        assert summary(found) == [
            (
                "path-param-not-required",
                "error",
                "/paths/~1users~1{id}/get/parameters/0/required",
                12,
            )
        ], version


def test_missing_required_on_a_shared_component_is_reported_once() -> None:
    found = validate_yaml(
        doc(
            """\
            paths:
              /a/{id}:
                get:
                  operationId: getA
                  parameters: [{$ref: "#/components/parameters/Id"}]
                  responses: {"200": {description: ok}, "400": {description: bad}}
              /b/{id}:
                get:
                  operationId: getB
                  parameters: [{$ref: "#/components/parameters/Id"}]
                  responses: {"200": {description: ok}, "400": {description: bad}}
            components:
              parameters:
                Id:
                  name: id
                  in: path
                  schema: {type: string}
            """,
            "3.1.0",
        )
    )
    assert summary(found) == [("path-param-not-required", "error", "/components/parameters/Id", 18)]


def test_ambiguous_paths_name_both_locations() -> None:
    found = validate_yaml(
        doc(
            """\
            paths:
              /u/{id}:
                get:
                  operationId: getById
                  parameters: [{name: id, in: path, required: true, schema: {type: string}}]
                  responses: {"200": {description: ok}, "400": {description: bad}}
              /u/{name}:
                get:
                  operationId: getByName
                  parameters: [{name: name, in: path, required: true, schema: {type: string}}]
                  responses: {"200": {description: ok}, "400": {description: bad}}
              /u/me:
                get:
                  operationId: getMe
                  responses: {"200": {description: ok}, "400": {description: bad}}
            """
        )
    )
    assert summary(found) == [("ambiguous-path", "warning", "/paths/~1u~1{name}", 11)]
    assert [r.line for r in found[0].related] == [6]
    message = found[0].message
    assert message.startswith("GET /u/{name} (getByName) is never reached: ")  # never cut off
    assert '"/u/{name}" is the same as "/u/{id}"' in message
    assert 'served by "/u/{id}" (specs/x.yaml:6:3)' in message


def test_wrong_types_are_skipped_not_crashed_on() -> None:
    found = validate_yaml(
        doc(
            """\
            paths:
              /a/{id}:
                get: just a string
                parameters: 7
              /b: [1, 2]
            """
        )
    )
    errors = {d.rule for d in found if d.is_error}
    assert errors and all(rule.startswith("schema-") for rule in errors)
