"""Name rules: distinct contract names must stay distinct as Python identifiers."""

from __future__ import annotations

from tests.spec.helpers import doc, summary, validate_yaml


def test_schema_names_colliding_as_classes() -> None:
    found = validate_yaml(
        doc(
            """\
            paths: {}
            components:
              schemas:
                User: {type: object}
                user: {type: object}
                User_: {type: object}
                Account: {type: object}
            """
        )
    )
    assert summary(found) == [("name-collision", "warning", "/components/schemas/user", 9)]
    assert found[0].message == 'schemas "User", "user", "User_" all become the Python name "User"'
    assert [r.line for r in found[0].related] == [8, 10]


def test_nfkc_collisions_are_detected() -> None:
    found = validate_yaml(
        doc(
            """\
            paths: {}
            components:
              schemas:
                Doc:
                  type: object
                  properties:
                    file: {type: string}
                    ﬁle: {type: string}
            """
        )
    )
    assert summary(found) == [
        ("name-collision", "warning", "/components/schemas/Doc/properties/ﬁle", 12)
    ]
    assert found[0].message.startswith('Doc: properties "file", "ﬁle" both become')


def test_parameters_of_one_operation_across_locations() -> None:
    found = validate_yaml(
        doc(
            """\
            paths:
              /items/{item-id}:
                parameters:
                  - {name: item-id, in: path, required: true, schema: {type: string}}
                get:
                  operationId: getItem
                  parameters:
                    - {name: item_id, in: query, schema: {type: string}}
                    - {name: X-Trace, in: header, schema: {type: string}}
                  responses: {"200": {description: ok}, "400": {description: bad}}
            """
        )
    )
    assert summary(found) == [
        ("name-collision", "warning", "/paths/~1items~1{item-id}/get/parameters/0", 12)
    ]
    assert found[0].message.startswith('GET /items/{item-id}: parameters "item-id", "item_id"')


def test_one_name_in_two_locations_collides() -> None:
    found = validate_yaml(
        doc(
            """\
            paths:
              /items/{id}:
                get:
                  operationId: getItem
                  parameters:
                    - {name: id, in: path, required: true, schema: {type: string}}
                    - {name: id, in: query, schema: {type: string}}
                  responses: {"200": {description: ok}, "400": {description: bad}}
            """
        )
    )
    assert summary(found) == [
        ("name-collision", "warning", "/paths/~1items~1{id}/get/parameters/1", 11)
    ]
    assert found[0].message == (
        'GET /items/{id}: parameters "id (in: path)", "id (in: query)" both become '
        'the Python name "id_"'
    )


def test_operation_ids_and_tags() -> None:
    found = validate_yaml(
        doc(
            """\
            tags:
              - name: Pet Store
            paths:
              /a:
                get:
                  operationId: getPet
                  tags: [pet-store]
                  responses: {"200": {description: ok}, "400": {description: bad}}
              /b:
                get:
                  operationId: get_pet
                  tags: [Pet Store]
                  responses: {"200": {description: ok}, "400": {description: bad}}
            """
        )
    )
    assert summary(found) == [
        ("name-collision", "warning", "/paths/~1a/get/tags/0", 11),
        ("name-collision", "warning", "/paths/~1b/get/operationId", 15),
    ]


def test_duplicate_tag_is_an_error_reported_once() -> None:
    found = validate_yaml(
        doc(
            """\
            tags:
              - name: items
              - name: items
            paths: {}
            """
        )
    )
    assert summary(found) == [("duplicate-tag", "error", "/tags/1", 7)]


def test_identical_operation_ids_are_not_also_a_collision() -> None:
    found = validate_yaml(
        doc(
            """\
            paths:
              /a:
                get: {operationId: same, responses: {"200": {description: ok}, "400": {description: bad}}}
              /b:
                get: {operationId: same, responses: {"200": {description: ok}, "400": {description: bad}}}
            """
        )
    )
    assert [d.rule for d in found] == ["duplicate-operation-id"]
