"""Example and default rules: values in the contract must match their schema."""

from __future__ import annotations

from generator.spec.rules.examples import MAX_PER_VALUE
from tests.spec.helpers import doc, summary, validate_yaml

ITEM = """\
components:
  schemas:
    Item:
      type: object
      required: [id]
      properties:
        id: {type: integer}
        name: {type: string, nullable: true}
      additionalProperties: false
"""


def test_media_type_example_points_at_the_wrong_value() -> None:
    found = validate_yaml(
        doc(
            """\
            paths:
              /items:
                get:
                  operationId: listItems
                  responses:
                    "200":
                      description: ok
                      content:
                        application/json:
                          schema:
                            type: array
                            items: {$ref: "#/components/schemas/Item"}
                          example:
                            - {id: 1, name: null}
                            - {id: "2", name: Pen}
            """
        )
        + ITEM
    )
    assert summary(found) == [
        (
            "example-mismatch",
            "warning",
            "/paths/~1items/get/responses/200/content/application~1json/example/1/id",
            19,
        )
    ]
    assert (
        found[0].message
        == "example does not match its schema at /1/id: '2' is not of type 'integer'"
    )


def test_named_examples_and_component_examples() -> None:
    found = validate_yaml(
        doc(
            """\
            paths:
              /items:
                post:
                  operationId: addItem
                  requestBody:
                    content:
                      application/json:
                        schema: {$ref: "#/components/schemas/Item"}
                        examples:
                          good: {value: {id: 1}}
                          extra: {value: {id: 1, colour: red}}
                          shared: {$ref: "#/components/examples/NoId"}
                  responses: {"201": {description: ok}, "400": {description: bad}}
            """
        )
        + ITEM
        + """\
  examples:
    NoId:
      value: {name: Pen}
"""
    )
    assert summary(found) == [
        (
            "example-mismatch",
            "warning",
            "/paths/~1items/post/requestBody/content/application~1json/examples/extra/value/colour",
            15,
        ),
        ("example-mismatch", "warning", "/components/examples/NoId/value", 29),
    ]
    assert "unknown key 'colour'" in found[0].message
    assert "'id' is a required property" in found[1].message
    # the component example names the place that used it
    assert [r.line for r in found[1].related] == [16]


def test_parameter_header_and_schema_examples() -> None:
    found = validate_yaml(
        doc(
            """\
            paths:
              /items:
                get:
                  operationId: listItems
                  parameters:
                    - name: limit
                      in: query
                      schema: {type: integer, maximum: 100, example: 500}
                      example: 10
                    - name: since
                      in: query
                      schema: {type: string, format: date}
                      example: yesterday
                  responses:
                    "200":
                      description: ok
                      headers:
                        X-Rate: {schema: {type: integer}, example: many}
                    "400": {description: bad}
            """
        )
    )
    assert [(d.rule, d.pointer, d.location.line if d.location else 0) for d in found] == [
        ("example-mismatch", "/paths/~1items/get/parameters/0/schema/example", 12),
        ("example-mismatch", "/paths/~1items/get/parameters/1/example", 17),
        ("example-mismatch", "/paths/~1items/get/responses/200/headers/X-Rate/example", 22),
    ]


def test_nullable_is_honoured_in_3_0_and_type_null_in_3_1() -> None:
    body = """\
        paths:
          /items:
            get:
              operationId: listItems
              responses:
                "200":
                  description: ok
                  content:
                    application/json:
                      schema: {SCHEMA}
                      example: null
        """
    assert validate_yaml(doc(body.replace("{SCHEMA}", "{type: string, nullable: true}"))) == []
    assert validate_yaml(doc(body.replace("{SCHEMA}", "{type: [string, 'null']}"), "3.1.0")) == []
    found = validate_yaml(doc(body.replace("{SCHEMA}", "{type: string}")))
    assert [d.rule for d in found] == ["example-mismatch"]


def test_default_mismatch_is_a_warning_and_the_default_is_dropped() -> None:
    found = validate_yaml(
        doc(
            """\
            paths: {}
            components:
              schemas:
                Size:
                  type: string
                  enum: [small, large]
                  default: medium
                Maybe: {type: string, nullable: true, default: null}
            """
        )
    )
    assert summary(found) == [
        ("default-mismatch", "warning", "/components/schemas/Size/default", 11)
    ]
    assert found[0].message == (
        "default does not match its schema: 'medium' is not one of 'small', 'large'; "
        "the default is dropped"
    )


def test_schema_examples_list_in_3_1() -> None:
    found = validate_yaml(
        doc(
            """\
            paths: {}
            components:
              schemas:
                Age: {type: integer, minimum: 0, examples: [3, -1]}
            """,
            "3.1.0",
        )
    )
    assert summary(found) == [
        ("example-mismatch", "warning", "/components/schemas/Age/examples/1", 8)
    ]


def test_an_uncompilable_schema_is_skipped() -> None:
    found = validate_yaml(
        doc(
            """\
            paths: {}
            components:
              schemas:
                Code: {type: string, pattern: "(", example: abc}
            """
        )
    )
    assert "example-mismatch" not in [d.rule for d in found]


def test_long_values_are_cut_short_in_messages() -> None:
    long_list = "[" + ", ".join(str(i) for i in range(500)) + "]"
    found = validate_yaml(
        doc(
            f"""\
            paths: {{}}
            components:
              schemas:
                Word: {{type: string, example: {long_list}}}
            """
        )
    )
    assert [d.rule for d in found] == ["example-mismatch"]
    assert len(found[0].message) < 120


def test_read_only_and_write_only_properties_may_be_missing_from_examples() -> None:
    found = validate_yaml(
        doc(
            """\
            paths:
              /members:
                post:
                  operationId: addMember
                  requestBody:
                    content:
                      application/json:
                        schema: {$ref: "#/components/schemas/Member"}
                        example: {name: Ann, password: secret}
                  responses:
                    "200":
                      description: ok
                      content:
                        application/json:
                          schema: {$ref: "#/components/schemas/Member"}
                          example: {id: 7, name: Ann}
            components:
              schemas:
                Member:
                  type: object
                  required: [id, name, password]
                  properties:
                    id: {type: integer, readOnly: true}
                    name: {type: string}
                    password: {type: string, writeOnly: true}
            """
        )
    )
    assert [d for d in found if d.rule == "example-mismatch"] == []


def test_read_only_properties_inherited_through_all_of_may_be_missing_too() -> None:
    # The search for the property used to walk pointers without list indexes, so it never
    # reached an `allOf` member and reported this example (since spec/pointers.py: it does).
    found = validate_yaml(
        doc(
            """\
            paths:
              /pets:
                post:
                  operationId: addPet
                  requestBody:
                    content:
                      application/json:
                        schema: {$ref: "#/components/schemas/Pet"}
                        example: {name: Rex}
                  responses:
                    "204": {description: ok}
            components:
              schemas:
                Named:
                  type: object
                  properties:
                    id: {type: integer, readOnly: true}
                    name: {type: string}
                Pet:
                  required: [id, name]
                  allOf:
                    - {$ref: "#/components/schemas/Named"}
            """
        )
    )
    assert [d for d in found if d.rule == "example-mismatch"] == []


def test_every_violation_of_an_example_is_reported_with_its_path() -> None:
    found = validate_yaml(
        doc(
            """\
            paths: {}
            components:
              schemas:
                Item:
                  type: object
                  required: [id, name]
                  properties:
                    id: {type: integer}
                    name: {type: string}
                    tags: {type: array, items: {type: string}}
                  additionalProperties: false
                  example: {id: one, tags: [a, 2], colour: red}
            """
        )
    )
    assert [(d.rule, d.pointer) for d in found] == [
        ("example-mismatch", "/components/schemas/Item/example"),
        ("example-mismatch", "/components/schemas/Item/example/id"),
        ("example-mismatch", "/components/schemas/Item/example/tags/1"),
        ("example-mismatch", "/components/schemas/Item/example/colour"),
    ]
    assert sorted(d.message for d in found) == [
        "example does not match its schema at /colour: unknown key 'colour'",
        "example does not match its schema at /id: 'one' is not of type 'integer'",
        "example does not match its schema at /tags/1: 2 is not of type 'string'",
        "example does not match its schema: 'name' is a required property",
    ]


def test_violations_per_example_are_capped() -> None:
    found = validate_yaml(
        doc(
            """\
            paths: {}
            components:
              schemas:
                Codes:
                  type: array
                  items: {type: integer}
                  example: [a, b, c, d, e, f, g, h]
            """
        )
    )
    assert len(found) == MAX_PER_VALUE
    assert found[-1].message.endswith("(and 3 more in this example)")
