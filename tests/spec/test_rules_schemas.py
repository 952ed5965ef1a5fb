"""Schema rules: `required` names defined properties."""

from __future__ import annotations

from tests.spec.helpers import doc, summary, validate_yaml


def test_required_ghost_in_a_plain_object_is_a_warning() -> None:
    found = validate_yaml(
        doc(
            """\
            paths: {}
            components:
              schemas:
                User:
                  type: object
                  required: [id, ghost]
                  properties:
                    id: {type: string}
                Open:
                  type: object
                  required: [anything]
                  properties: {id: {type: string}}
                  additionalProperties: {type: string}
                Closed:
                  type: object
                  required: [a]
                  additionalProperties: false
            """
        )
    )
    assert summary(found) == [
        ("required-property-undefined", "warning", "/components/schemas/User/required/1", 10),
        ("required-property-undefined", "warning", "/components/schemas/Closed/required/0", 20),
    ]
    assert found[0].message == 'required property "ghost" is not defined in properties'


def test_allof_properties_count_and_a_ghost_there_is_an_error() -> None:
    found = validate_yaml(
        doc(
            """\
            paths: {}
            components:
              schemas:
                Base:
                  type: object
                  properties: {id: {type: string}}
                Named:
                  allOf:
                    - $ref: "#/components/schemas/Base"
                    - type: object
                      required: [id, name]
                      properties: {name: {type: string}}
                  required: [id, name, ghost]
            """
        )
    )
    assert summary(found) == [
        ("required-property-undefined", "error", "/components/schemas/Named/required/2", 17)
    ]


def test_composition_branches_that_only_require_are_left_alone() -> None:
    found = validate_yaml(
        doc(
            """\
            paths: {}
            components:
              schemas:
                Contact:
                  type: object
                  properties:
                    email: {type: string}
                    phone: {type: string}
                  oneOf:
                    - required: [email]
                    - required: [phone]
            """
        )
    )
    assert found == []


def test_ref_siblings_count_in_3_1() -> None:
    found = validate_yaml(
        doc(
            """\
            paths: {}
            components:
              schemas:
                Base: {type: object, properties: {id: {type: string}}}
                Child:
                  $ref: "#/components/schemas/Base"
                  required: [id]
                  properties: {extra: {type: string}}
            """,
            "3.1.0",
        )
    )
    assert found == []
