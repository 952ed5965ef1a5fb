"""Identical primitive schemas are generated once and copied under their other names."""

from __future__ import annotations

import ast
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from generator.emit.models import emit_models
from generator.emit.models import leaves as model_leaves
from generator.ir.schemas import plan_models
from tests.emit.models_support import HEADER, import_source

REF = "#/components/schemas/"
SHORT = {"type": "string", "maxLength": 5}
COLOUR = {"type": "string", "enum": ["red", "blue"]}


def test_copies_are_left_out_and_references_to_them_point_at_generated_members() -> None:
    ordered: dict[str, Any] = {
        "A": SHORT,
        "B": SHORT,
        "C": SHORT,
        "Alone": {"type": "integer"},
        "Holder": {"properties": {"x": {"$ref": REF + "B"}, "y": {"$ref": REF + "C"}}},
        "Other": {"properties": {"z": {"$ref": REF + "C"}}},
    }
    references = {"Holder": ["B", "C"], "Other": ["C"]}
    leaves = model_leaves.share(ordered, references)
    # Holder needs two distinct generated members for B and C: A stands for B, and C stays.
    assert leaves.groups == [(["A", "C"], ["B"])]
    assert list(leaves.schemas) == ["A", "C", "Alone", "Holder", "Other"]
    holder = leaves.schemas["Holder"]["properties"]
    assert holder == {"x": {"$ref": REF + "A"}, "y": {"$ref": REF + "C"}}
    assert leaves.renames == {"Holder": {"A": "B"}}
    assert leaves.schemas["Other"] == ordered["Other"]


def test_nothing_changes_without_identical_schemas() -> None:
    ordered: dict[str, Any] = {"A": SHORT, "B": COLOUR, "O": {"properties": {}}}
    leaves = model_leaves.share(ordered, {})
    assert leaves.schemas == ordered and not leaves.groups and not leaves.renames


def test_identical_objects_are_shared_when_nothing_around_them_can_change_their_text() -> None:
    point = {"type": "object", "properties": {"x": {"$ref": REF + "A"}}}
    ordered: dict[str, Any] = {"A": SHORT, "P": point, "Q": dict(point), "R": dict(point)}
    leaves = model_leaves.share(ordered, {"P": ["A"], "Q": ["A"], "R": ["A"]})
    assert leaves.groups == [(["P"], ["Q", "R"])]
    assert list(leaves.schemas) == ["A", "P"]


def test_objects_on_a_cycle_or_under_a_discriminator_are_not_shared() -> None:
    looped = {"type": "object", "properties": {"next": {"$ref": REF + "Node"}}}
    # Node refers to Other, which comes after it and refers back: a forward reference.
    node = {"type": "object", "properties": {"other": {"$ref": REF + "Other"}}}
    pet = {"type": "object", "properties": {"kind": {"type": "string"}}}
    ordered: dict[str, Any] = {
        "Node": node,
        "Node2": dict(node),
        "Other": looped,
        "Other2": dict(looped),
        "Cat": pet,
        "Dog": dict(pet),
        "Pet": {
            "oneOf": [{"$ref": REF + "Cat"}, {"$ref": REF + "Dog"}],
            "discriminator": {"propertyName": "kind"},
        },
    }
    references = {
        "Node": ["Other"],
        "Node2": ["Other"],
        "Other": ["Node"],
        "Other2": ["Node"],
        "Pet": ["Cat", "Dog"],
    }
    leaves = model_leaves.share(ordered, references)
    # Other2 refers back to Node only: it stands outside the cycle, but has no twin left.
    assert not leaves.groups and leaves.schemas == ordered


def contract() -> dict[str, Any]:
    schemas: dict[str, Any] = {}
    for i in range(4):
        schemas[f"Colour{i}"] = dict(COLOUR)
        schemas[f"Code{i}"] = dict(SHORT)
    schemas["Paint"] = {
        "type": "object",
        "properties": {
            "inside": {"$ref": REF + "Colour1"},
            "outside": {"$ref": REF + "Colour2", "default": "blue"},
            "codes": {"type": "array", "items": {"$ref": REF + "Code3"}},
            "either": {"anyOf": [{"$ref": REF + "Code1"}, {"$ref": REF + "Code2"}]},
        },
    }
    schemas["Brush"] = {"type": "object", "properties": {"tip": {"$ref": REF + "Colour3"}}}
    return {
        "openapi": "3.1.0",
        "info": {"title": "t", "version": "1"},
        "paths": {},
        "components": {"schemas": schemas},
    }


def statements(source: str) -> Counter[str]:
    return Counter(ast.unparse(stmt) for stmt in ast.parse(source).body)


def test_shared_generation_defines_what_one_run_per_schema_defines(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    plan = plan_models(contract())
    schemas = plan.document["components"]["schemas"]
    leaves = model_leaves.share(
        schemas, {"Paint": ["Colour1", "Colour2", "Code1", "Code2", "Code3"]}
    )
    assert len(leaves.schemas) < len(schemas)  # some copies are not generated
    shared = emit_models(plan, header=HEADER)
    monkeypatch.setattr(model_leaves, "_shared_key", lambda body: None)  # nothing shared
    separate = emit_models(plan, header=HEADER)
    assert statements(shared) == statements(separate)
    module = import_source(shared, tmp_path)
    # Copies are classes of their own, not aliases of the generated member.
    assert module.Colour2 is not module.Colour1 and module.Colour2.__name__ == "Colour2"
    paint = module.Paint.model_validate({"inside": "red", "codes": ["abc"], "either": "xy"})
    assert paint.outside is module.Colour2.BLUE
    assert type(paint.inside) is module.Colour1
    with pytest.raises(ValueError):
        module.Paint.model_validate({"codes": ["toolong"]})
    fields = module.Paint.model_fields
    assert "Colour1" in repr(fields["inside"].annotation)
    assert "Colour2" in repr(fields["outside"].annotation)
