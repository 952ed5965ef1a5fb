"""Large model documents are generated in two reference-closed parts and merged back."""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any

import pytest

from generator.emit.models import emit_models
from generator.emit.models import parts as model_parts
from generator.emit.models.assemble import Fragment, fragment
from generator.ir.schemas import plan_models
from tests.emit.models_support import HEADER, import_source


def closed(part: list[str], references: dict[str, list[str]]) -> bool:
    return all(r in part for name in part for r in references[name])


def test_small_documents_stay_whole() -> None:
    names = {f"S{i}": {} for i in range(10)}
    assert model_parts.split(names, {n: [] for n in names}) == [list(names)]


def test_parts_are_closed_cover_everything_and_keep_the_order(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(model_parts, "SPLIT_THRESHOLD", 4)
    # Shared <- A1 <- A2 and Shared <- B1 <- B2, plus a loner: a cut after A2 is best.
    references = {"Shared": [], "A1": ["Shared"], "A2": ["A1"], "B1": ["Shared"], "B2": ["B1"]}
    references["Loner"] = []
    names: dict[str, Any] = {key: {} for key in ["Shared", "A1", "A2", "B1", "B2", "Loner"]}
    parts = model_parts.split(names, references)
    assert len(parts) == 2
    assert all(closed(p, references) for p in parts)
    assert set(parts[0]) | set(parts[1]) == set(names)
    assert parts == [["Shared", "A1", "A2"], ["Shared", "B1", "B2", "Loner"]]


def test_one_big_cycle_is_not_split(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(model_parts, "SPLIT_THRESHOLD", 4)
    names: dict[str, Any] = {f"S{i}": {} for i in range(8)}
    references = {f"S{i}": [f"S{(i + 1) % 8}"] for i in range(8)}  # S0 -> S1 -> ... -> S0
    assert model_parts.split(names, references) == [list(names)]


def test_merge_keeps_one_copy_and_puts_calls_last() -> None:
    first = "from a import X\nclass Shared(X):\n    n: int\nclass A(Shared):\n    pass\nA.model_rebuild()\n"
    second = "from b import Y\nclass Shared(X):\n    n: int\nB = Y\nA.model_rebuild()\n"
    merged = model_parts.merge([fragment(first), fragment(second)])
    assert merged is not None
    text = "\n".join(t for _, t in merged.statements)
    assert text.count("class Shared") == 1 and text.count("model_rebuild") == 1
    assert text.index("class A") < text.index("B = Y") < text.index("A.model_rebuild()")
    assert merged.imports == {"X": ("a", "X"), "Y": ("b", "Y")}
    assert [name for name, _ in merged.statements] == ["Shared", "A", "B", None]


def test_merge_refuses_shared_definitions_that_differ() -> None:
    parts = [fragment("class S:\n    n: int\n"), fragment("class S:\n    n: str\n")]
    assert model_parts.merge(parts) is None


def test_fragments_join_as_one_unparsed_module() -> None:
    source = "import a\nX = 1\nclass C:\n    n: int\ndef f():\n    pass\nC.model_rebuild()\n"
    part = fragment(source)
    joined = "\n".join(text for _, text in part.statements).lstrip("\n")
    tree = ast.parse(source)
    tree.body = tree.body[1:]
    assert joined == ast.unparse(tree)
    assert part.imports == {"a": ("a", None)}


def chain_contract(size: int) -> dict[str, Any]:
    """Two families of objects over a shared base, a union and a discriminated union."""
    schemas: dict[str, Any] = {
        "Base": {"type": "object", "properties": {"id": {"type": "string", "maxLength": 5}}},
        "Cat": {
            "type": "object",
            "required": ["kind"],
            "properties": {"kind": {"type": "string", "enum": ["cat"]}},
        },
        "Dog": {
            "type": "object",
            "required": ["kind"],
            "properties": {"kind": {"type": "string", "enum": ["dog"]}},
        },
    }
    for family in ("A", "B"):
        for i in range(size):
            previous = f"#/components/schemas/{family}{i - 1}" if i else "#/components/schemas/Base"
            schemas[f"{family}{i}"] = {
                "type": "object",
                "properties": {
                    "parent": {"$ref": previous},
                    "tags": {"type": "array", "items": {"type": "string", "maxLength": 3}},
                    "pet": {
                        "oneOf": [
                            {"$ref": "#/components/schemas/Cat"},
                            {"$ref": "#/components/schemas/Dog"},
                        ],
                        "discriminator": {"propertyName": "kind"},
                    },
                },
            }
    return {
        "openapi": "3.0.3",
        "info": {"title": "t", "version": "1"},
        "paths": {},
        "components": {"schemas": schemas},
    }


def test_split_generation_matches_one_run_and_parallel_matches_sequential(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    plan = plan_models(chain_contract(6))
    whole = emit_models(plan, header=HEADER)
    monkeypatch.setattr(model_parts, "SPLIT_THRESHOLD", 4)
    merges: list[bool] = []
    real_merge = model_parts.merge

    def recording(sources: list[Fragment]) -> Any:
        merged = real_merge(sources)
        merges.append(merged is not None)
        return merged

    monkeypatch.setattr(model_parts, "merge", recording)
    sequential = emit_models(plan, header=HEADER)
    parallel = emit_models(plan, header=HEADER, parallel=True)
    assert sequential == parallel
    assert merges == [True, True]  # both runs split, and merged (no fallback to one run)
    split_module = import_source(sequential, tmp_path)
    whole_module = import_source(whole, tmp_path)
    names = {n for n in dir(whole_module) if not n.startswith("_")}
    assert names == {n for n in dir(split_module) if not n.startswith("_")}
    data = {"parent": {"parent": {"id": "abc"}}, "tags": ["ab"], "pet": {"kind": "dog"}}
    for module in (whole_module, split_module):
        value = module.B5.model_validate(data)
        assert type(value.pet).__name__ == "Dog"
        with pytest.raises(ValueError):
            module.B5.model_validate({**data, "tags": ["abcd"]})
