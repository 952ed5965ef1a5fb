"""Schema rules: `required` names defined properties, 3.0 `nullable` in 3.1, discriminator mappings."""

from __future__ import annotations

from generator.ir.schemas import plan_models
from generator.spec.validate import validate_spec
from tests.spec.helpers import doc, spec_from_data, summary, validate_yaml


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
    assert found[0].message == (
        'required property "ghost" is not defined in properties; required, of any type'
    )
    assert found[1].message.endswith("not required (additionalProperties: false)")


def test_allof_properties_count_and_a_ghost_there_is_a_warning() -> None:
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
        ("required-property-undefined", "warning", "/components/schemas/Named/required/2", 17)
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


def test_nullable_in_3_1_has_no_effect() -> None:
    found = validate_yaml(
        doc(
            """\
            paths: {}
            components:
              schemas:
                Name: {type: string, nullable: true}
                Ref: {allOf: [{$ref: "#/components/schemas/Name"}], nullable: true}
                Fine: {type: [string, "null"], nullable: false}
            """,
            "3.1.0",
        )
    )
    assert summary(found) == [
        ("nullable-not-in-3-1", "warning", "/components/schemas/Name/nullable", 8),
        ("nullable-not-in-3-1", "warning", "/components/schemas/Ref/nullable", 9),
    ]
    assert found[0].message == (
        "nullable is not a keyword in OpenAPI 3.1 and has no effect: null is refused here; "
        'write type: ["string", "null"] instead'
    )
    assert 'anyOf: [<the schema>, {type: "null"}]' in found[1].message


def test_nullable_in_3_0_is_a_keyword() -> None:
    text = """\
        paths: {}
        components:
          schemas:
            Name: {type: string, nullable: true}
        """
    assert validate_yaml(doc(text)) == []


PETS = """\
paths: {}
components:
  schemas:
    Pet:
      oneOf:
        - $ref: "#/components/schemas/Cat"
        - $ref: "#/components/schemas/Dog"
      discriminator:
        propertyName: kind
        mapping:
          MAPPING
    Cat: {type: object, required: [kind], properties: {kind: {type: string, enum: [cat]}}}
    Dog: {type: object, required: [kind], properties: {kind: {type: string, enum: [dog]}}}
"""


def test_discriminator_mapping_to_nothing_is_an_error() -> None:
    mapping = (
        "cat: Cta\n"
        '          dog: "#/components/schemas/Dgo"\n'
        "          fox: ./animals.yaml#/Fox\n"
        '          ok: "#/components/schemas/Pet/oneOf/0"'
    )
    found = validate_yaml(doc(PETS.replace("MAPPING", mapping)))
    assert summary(found) == [
        (
            "discriminator-mapping-unresolved",
            "error",
            "/components/schemas/Pet/discriminator/mapping/cat",
            15,
        ),
        (
            "discriminator-mapping-unresolved",
            "error",
            "/components/schemas/Pet/discriminator/mapping/dog",
            16,
        ),
        (
            "discriminator-mapping-unresolved",
            "error",
            "/components/schemas/Pet/discriminator/mapping/fox",
            17,
        ),
    ]
    assert found[0].message == (
        "discriminator mapping \"cat\" names 'Cta', but no schema in components.schemas has that "
        "name (did you mean 'Cat'?); use the name of a schema in components.schemas or a "
        '"#/components/schemas/..." reference'
    )
    assert "the reference leads nowhere" in found[1].message
    assert "mappings cannot follow references into other files" in found[2].message


def test_discriminator_mapping_by_name_or_reference_is_fine() -> None:
    mapping = 'cat: Cat\n          dog: "#/components/schemas/Dog"'
    assert validate_yaml(doc(PETS.replace("MAPPING", mapping))) == []


def test_the_rule_flags_exactly_the_mapping_entries_generation_drops() -> None:
    obj = {"type": "object", "properties": {"kind": {"type": "string"}}}
    mapping = {
        "a": "Cat",
        "b": "#/components/schemas/Cat",
        "c": "#/components/schemas/Pet/oneOf/1",
        "d": "Cta",
        "e": "#/components/schemas/Nope",
        "f": "other.yaml#/Cat",
        "g": "#/components/schemas/Cat/properties/nope",
    }
    pet = {
        "oneOf": [{"$ref": "#/components/schemas/Cat"}, obj],
        "discriminator": {"propertyName": "kind", "mapping": mapping},
    }
    root = {
        "openapi": "3.0.3",
        "info": {"title": "t", "version": "1"},
        "paths": {},
        "components": {"schemas": {"Pet": pet, "Cat": obj}},
    }
    flagged = {
        d.pointer.rsplit("/", 1)[1]
        for d in validate_spec(spec_from_data(root))
        if d.rule == "discriminator-mapping-unresolved"
    }
    dropped = {pointer.rsplit("/", 1)[1] for pointer, _ in plan_models(root).stripped}
    assert flagged == dropped == {"d", "e", "f", "g"}


def test_enum_values_of_another_type_than_declared() -> None:
    found = validate_yaml(
        doc(
            """\
            components:
              schemas:
                Flag: {type: string, enum: [true, false]}
                Size: {type: integer, enum: [1, 2.0]}
                Maybe: {type: string, nullable: true, enum: [a, null]}
            """
        )
    )
    assert [(d.rule, d.pointer) for d in found if d.rule == "enum-type-mismatch"] == [
        ("enum-type-mismatch", "/components/schemas/Flag/enum")
    ]
    assert "true, false" in next(d for d in found if d.rule == "enum-type-mismatch").message


def test_a_branch_named_implicitly_whose_property_is_pinned_to_other_values() -> None:
    found = validate_yaml(
        doc(
            """\
            components:
              schemas:
                Item:
                  oneOf: [{$ref: '#/components/schemas/Track'}, {$ref: '#/components/schemas/Show'}]
                  discriminator: {propertyName: type, mapping: {show: '#/components/schemas/Show'}}
                Track:
                  type: object
                  properties: {type: {type: string, enum: [track]}}
                Show:
                  type: object
                  properties: {type: {type: string, enum: [show]}}
            """
        )
    )
    mismatches = [d for d in found if d.rule == "discriminator-value-mismatch"]
    assert [d.pointer for d in mismatches] == ["/components/schemas/Item/discriminator"]
    assert "'Track'" in mismatches[0].message and '"track"' in mismatches[0].message
