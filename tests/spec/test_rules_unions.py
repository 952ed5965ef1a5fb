"""Union rules: `oneOf` branches that accept the same value are reported, and only those."""

from __future__ import annotations

import pytest

from tests.spec.helpers import doc, summary, validate_yaml


def _one_of(schemas: str, version: str = "3.0.3") -> list[tuple[str, str, str, int]]:
    """Findings for `components.schemas` given as YAML lines (indented for `schemas:`)."""
    return summary(validate_yaml(doc("paths: {}\ncomponents:\n  schemas:\n" + schemas, version)))


PETS = """\
    Pet:
      oneOf:
        - $ref: "#/components/schemas/Cat"
        - $ref: "#/components/schemas/Dog"
      discriminator: {propertyName: kind}
    Base:
      type: object
      required: [kind, name]
      properties:
        kind: {type: string}
        name: {type: string}
    Cat:
      allOf:
        - $ref: "#/components/schemas/Base"
        - properties: {kind: KIND_CAT, indoor: {type: boolean}}
    Dog:
      allOf:
        - $ref: "#/components/schemas/Base"
        - properties: {kind: KIND_DOG, breed: {type: string}}
"""


def test_inherited_branches_without_a_pinned_tag_overlap() -> None:
    text = PETS.replace("KIND_CAT", "{type: string}").replace("KIND_DOG", "{type: string}")
    found = validate_yaml(doc("paths: {}\ncomponents:\n  schemas:\n" + text))
    assert summary(found) == [
        ("ambiguous-one-of", "warning", "/components/schemas/Pet/oneOf/1", 11)
    ]
    assert found[0].message == (
        "oneOf branches 0 (Cat) and 1 (Dog) both accept an object with just kind, name, so such "
        "a value fails validation (it matches more than one); give each branch a required "
        'property with its own const or enum (discriminator "kind" does not count for '
        "validation), or use anyOf"
    )
    assert [r.line for r in found[0].related] == [10]


@pytest.mark.parametrize(
    ("cat", "dog"),
    [
        ("{enum: [cat]}", "{enum: [dog]}"),
        ("{type: string, enum: [cat, kitten]}", "{type: string, enum: [dog]}"),
        ("{type: integer}", "{type: string}"),  # with Base's string: nothing fits Cat's kind
    ],
)
def test_a_required_property_with_disjoint_values_tells_branches_apart(cat: str, dog: str) -> None:
    assert _one_of(PETS.replace("KIND_CAT", cat).replace("KIND_DOG", dog)) == []


def test_a_pinned_but_optional_property_is_named_in_the_message() -> None:
    found = validate_yaml(
        doc(
            """\
            paths: {}
            components:
              schemas:
                Source:
                  oneOf:
                    - {type: object, properties: {type: {enum: [file]}, id: {type: string}}}
                    - {type: object, properties: {type: {enum: [taxonomy]}, key: {type: string}}}
            """
        )
    )
    assert summary(found) == [
        ("ambiguous-one-of", "warning", "/components/schemas/Source/oneOf/1", 11)
    ]
    assert "both accept an empty object {}" in found[0].message
    assert '"type" tells them apart but is not required in both: require it' in found[0].message


def test_the_holder_requiring_the_pinned_property_counts() -> None:
    assert (
        _one_of(
            """\
    Source:
      type: object
      required: [type]
      oneOf:
        - {properties: {type: {const: file}, id: {type: string}}}
        - {properties: {type: {const: taxonomy}, key: {type: string}}}
""",
            "3.1.0",
        )
        == []
    )


@pytest.mark.parametrize(
    "branches",
    [
        # "a or b, not both": an object with both is meant to be refused
        "[{required: [a]}, {required: [b]}]",
        # closed branches: an object with `a` cannot be a B
        "[{type: object, required: [a], properties: {a: {type: string}}, additionalProperties: false},"
        " {type: object, properties: {b: {type: string}}, additionalProperties: false}]",
        # different types
        "[{type: object}, {type: string}, {type: array, items: {type: string}, minItems: 1}]",
        # constraints this heuristic does not model: silence
        "[{type: string, pattern: '^a'}, {type: string, pattern: '^b'}]",
        "[{type: string, format: date}, {type: string, format: uuid}]",
        "[{type: integer, maximum: 0}, {type: number, minimum: 1}]",
        "[{type: integer, minimum: 1, maximum: 5}, {type: integer, minimum: 6}]",
        "[{type: string, maxLength: 2}, {type: string, minLength: 3}]",
        "[{type: object, minProperties: 2}, {type: object}]",
        "[{anyOf: [{type: string}]}, {type: string}]",
        # nested tags: `meta.kind` is required and pinned differently
        "[{type: object, required: [meta], properties: {meta: {type: object, required: [kind],"
        " properties: {kind: {enum: [a]}}}}},"
        " {type: object, required: [meta], properties: {meta: {type: object, required: [kind],"
        " properties: {kind: {enum: [b]}}}}}]",
        "[{type: array, minItems: 1, items: {type: string}}, {type: array, items: {type: integer}}]",
    ],
)
def test_near_misses_stay_silent(branches: str) -> None:
    assert _one_of(f"    Thing:\n      oneOf: {branches}\n") == []


@pytest.mark.parametrize(
    ("branches", "witness"),
    [
        ("[{type: string}, {type: string, enum: [auto, none]}]", "both accept 'auto'"),
        ("[{type: string}, {type: string, format: email}]", "every string that branch 1"),
        ("[{type: integer}, {type: number}]", "both accept any integer"),
        (
            "[{type: string, maxLength: 40}, {type: string, minLength: 1, maxLength: 40}]",
            "both accept any string both bounds allow",
        ),
        ("[{type: integer, maximum: 5}, {type: integer, maximum: 5}]", "any integer both"),
        ("[{type: string, enum: [a, b]}, {type: string, enum: [b, c]}]", "both accept 'b'"),
        (
            "[{type: array, items: {type: string}}, {type: array, items: {type: integer}}]",
            "both accept the empty array []",
        ),
        (
            "[{type: object, required: [id], properties: {id: {type: string}}},"
            " {type: object, required: [id, extra], properties: {id: {}, extra: {}}}]",
            "both accept an object with just extra, id",
        ),
        (
            "[{type: object, required: [meta], properties: {meta: {type: object, required: [kind],"
            " properties: {kind: {type: string}}}}},"
            " {type: object, required: [meta], properties: {meta: {type: object,"
            " properties: {kind: {enum: [b]}, size: {type: integer}}}}}]",
            "both accept an object with just meta",
        ),
    ],
)
def test_overlapping_branches(branches: str, witness: str) -> None:
    found = validate_yaml(
        doc(f"paths: {{}}\ncomponents:\n  schemas:\n    Thing:\n      oneOf: {branches}\n")
    )
    assert [(d.rule, d.pointer) for d in found] == [
        ("ambiguous-one-of", "/components/schemas/Thing/oneOf/1")
    ]
    assert witness in found[0].message


def test_3_1_null_types_and_one_finding_per_one_of() -> None:
    found = _one_of(
        """\
    Thing:
      oneOf:
        - {type: [string, "null"]}
        - {type: string, maxLength: 3}
        - {type: string}
""",
        "3.1.0",
    )
    assert found == [("ambiguous-one-of", "warning", "/components/schemas/Thing/oneOf/1", 11)]
