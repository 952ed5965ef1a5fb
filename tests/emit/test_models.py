"""Generated models.py behaves as the contract says: constraints, nulls, strictness, names."""

from __future__ import annotations

import json
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from pydantic import BaseModel, TypeAdapter, ValidationError

from generator.emit.models import emit_models
from generator.ir.schemas import ModelGenerationError, plan_models
from tests.emit.models_support import HEADER, generate, import_source, load_spec


@pytest.fixture(scope="module")
def models(tmp_path_factory: pytest.TempPathFactory) -> ModuleType:
    return import_source(generate(load_spec("behaviour.yaml")), tmp_path_factory.mktemp("m"))


@pytest.fixture(scope="module")
def models31(tmp_path_factory: pytest.TempPathFactory) -> ModuleType:
    return import_source(generate(load_spec("behaviour31.yaml")), tmp_path_factory.mktemp("m"))


def accepts(model: Any, data: Any) -> bool:
    """Validate like the service does: JSON text through pydantic's JSON mode and parsed
    JSON through Python mode must agree."""
    adapter: TypeAdapter[Any] = TypeAdapter(model)
    text = json.dumps(data)
    results: list[bool] = []
    for mode in ("json", "python"):
        try:
            adapter.validate_json(text) if mode == "json" else adapter.validate_python(
                json.loads(text)
            )
            results.append(True)
        except ValidationError:
            results.append(False)
    assert results[0] == results[1], f"JSON and Python modes disagree on {data!r}"
    return results[0]


def test_header_and_shared_base(models: ModuleType) -> None:
    source = Path(str(models.__file__)).read_text()
    assert source.splitlines()[0] == HEADER
    assert issubclass(models.Limits, models.ContractModel)
    assert issubclass(models.ContractModel, BaseModel)


@pytest.mark.parametrize(
    ("field", "good", "bad"),
    [
        ("name", ["ab", "abcd"], ["a", "abcde", "AB"]),
        ("digits", ["123"], ["\u0661\u0662", "\uff11", "1a"]),  # ECMA \d is ASCII only
        ("age", [0, 150], [-1, 151]),
        ("score", [0.5], [0, 1, 1.5]),
        ("step", [1.5, 2], [0.75]),
        ("tags", [["a"], ["a", "b", "c"]], [[], ["a", "b", "c", "d"], ["a", "a"]]),
        ("huge", [10**30], []),  # an infinite bound is dropped, not emitted
    ],
)
def test_constraints(models: ModuleType, field: str, good: list[Any], bad: list[Any]) -> None:
    for value in good:
        assert accepts(models.Limits, {field: value}), value
    for value in bad:
        assert not accepts(models.Limits, {field: value}), value


def test_optional_fields_reject_null_and_are_omitted(models: ModuleType) -> None:
    minimal = {"must": "x", "mustOrNull": None}
    item = models.OptionalModel.model_validate(minimal)
    assert item.model_dump(mode="json") == {**minimal, "count": 3}
    assert json.loads(item.model_dump_json()) == {**minimal, "count": 3}
    assert not accepts(models.OptionalModel, {**minimal, "maybe": None})
    assert not accepts(models.OptionalModel, {"must": "x"})  # required + nullable still required
    assert not accepts(models.OptionalModel, {"mustOrNull": None})
    for key, value in [
        ("maybeOrNull", None),
        ("nested", None),
        ("colour", None),
        ("colour", "red"),
    ]:
        assert accepts(models.OptionalModel, {**minimal, key: value})
        dumped = models.OptionalModel.model_validate({**minimal, key: value}).model_dump(
            mode="json"
        )
        assert dumped[key] == value
    assert not accepts(models.OptionalModel, {**minimal, "colour": "blue"})


def test_additional_properties(models: ModuleType) -> None:
    assert accepts(models.Closed, {"a": "x"})
    assert not accepts(models.Closed, {"a": "x", "b": 1})
    assert accepts(models.TypedExtra, {"a": "x", "n": 1})
    assert not accepts(models.TypedExtra, {"a": "x", "n": "one"})
    assert accepts(models.Map, {"k": {"a": "x"}})
    assert not accepts(models.Map, {"k": {"a": "x", "b": 1}})
    open_model = models.Limits.model_validate({"unknown": 1})  # open objects ignore extras
    assert open_model.model_dump() == {}


@pytest.mark.parametrize(
    ("field", "good", "bad"),
    [
        ("i", [1, -5], ["1", 1.5, True]),
        ("n", [1, 1.5], [False, "1.5"]),
        ("s", ["1"], [1, True]),
        ("b", [True], [1, "true"]),
        ("when", ["2020-01-01T00:00:00Z"], [1700000000, "2020-01-01", "2020-01-01T00:00:00"]),
        ("day", ["2020-01-31"], [0, "2020-02-30"]),
        ("id", ["12345678-1234-5678-1234-567812345678"], ["x", 1]),
        ("mail", ["a@example.com"], ["no-at-sign", 1]),
        ("level", [1, 3], ["1", 4]),
        ("kind", ["in-progress", "class"], ["nope", 1]),
        ("times", [["2020-01-01T00:00:00+02:00"]], [[0]]),
    ],
)
def test_request_validation_is_strict(
    models: ModuleType, field: str, good: list[Any], bad: list[Any]
) -> None:
    for value in good:
        assert accepts(models.Strict, {field: value}), value
    for value in bad:
        assert not accepts(models.Strict, {field: value}), value


def test_values_have_python_types(models: ModuleType) -> None:
    item = models.Strict.model_validate(
        json.loads('{"when": "2020-01-01T00:00:00Z", "kind": "in-progress", "n": 2}')
    )
    assert item.when.tzinfo is not None
    assert item.kind is models.Kind.IN_PROGRESS
    assert item.model_dump(mode="json") == {
        "when": "2020-01-01T00:00:00Z",
        "kind": "in-progress",
        "n": 2.0,
    }


def test_lookaround_and_backreference_patterns(models: ModuleType) -> None:
    assert accepts(models.Password, {"secret": "Abcdefg1", "twice": "aaaa"})
    assert not accepts(models.Password, {"secret": "abcdefgh"})
    assert not accepts(models.Password, {"twice": "aaa"})


def test_discriminated_union(models: ModuleType) -> None:
    owner = models.Owner.model_validate({"pet": {"petType": "cat-v1", "meow": True}})
    assert isinstance(owner.pet, models.CatV1)
    owner = models.Owner.model_validate({"pet": {"petType": "doggo", "bark": 2}, "maybePet": None})
    assert isinstance(owner.pet, models.Dog) and owner.maybePet is None
    assert not accepts(models.Owner, {"pet": {"petType": "fish"}})
    assert not accepts(models.Owner, {"pet": {"bark": 2}})
    assert not accepts(models.Owner, {"pet": None})
    assert isinstance(TypeAdapter(models.Pet).validate_python({"petType": "doggo"}), models.Dog)
    dumped = models.Owner.model_validate({"pet": {"petType": "cat-v1"}}).model_dump(mode="json")
    assert dumped == {"pet": {"petType": "cat-v1"}}


def test_recursive_models_round_trip(models: ModuleType) -> None:
    tree: dict[str, Any] = {"value": 50}
    for depth in range(49, 0, -1):
        tree = {"value": depth, "children": [tree, {"value": -depth}]}
    node = models.Node.model_validate(tree)
    assert node.model_dump(mode="json") == tree
    assert json.loads(models.Node.model_validate_json(json.dumps(tree)).model_dump_json()) == tree
    ring: dict[str, Any] = {"right": {"left": {"right": {"lefts": [{}, {"right": {}}]}}}}
    assert models.Left.model_validate(ring).model_dump(mode="json") == ring


def test_read_only_and_write_only(models: ModuleType) -> None:
    assert accepts(models.Base, {})  # readOnly `id` is required in the contract, for responses
    assert models.Base.model_fields["id"].json_schema_extra == {"readOnly": True}
    assert models.Base.model_fields["password"].json_schema_extra == {"writeOnly": True}
    derived = models.Derived.model_validate({"extra": "x", "password": "p"})
    assert derived.model_dump(mode="json") == {"extra": "x", "password": "p"}
    assert not accepts(models.Derived, {})
    assert not accepts(models.Derived, {"extra": "x", "codes": [1, 1]})
    assert accepts(models.Derived, {"extra": "x", "codes": [1, 2]})


def test_awkward_property_names_round_trip(models: ModuleType) -> None:
    wire = {
        name: f"v{i}"
        for i, name in enumerate(
            load_spec("behaviour.yaml")["components"]["schemas"]["Names"]["properties"]
        )
    }
    wire["date"] = "2020-01-01"
    item = models.Names.model_validate(wire)
    assert item.model_dump(by_alias=True, mode="json") == wire
    assert item.model_dump(mode="json") == wire  # serialize_by_alias is the default
    assert len(models.Names.model_fields) == len(wire)
    assert all(name.isascii() and name.isidentifier() for name in models.Names.model_fields)
    assert models.Names.model_validate({"class": "c"}).class_ == "c"


def test_names_that_shadow_imports_are_renamed(models: ModuleType) -> None:
    assert models.BaseModel is BaseModel  # the real pydantic class, not the schema
    assert models.BaseModelModel.model_validate({"typing": "x"}).model_dump() == {"typing": "x"}
    assert TypeAdapter(models.TypingModel).validate_python("t") == "t"
    assert models.DatetimeModel.model_validate({"x": 1}).x == 1


def test_primitive_components_are_plain_values(models: ModuleType) -> None:
    contact = models.Contact.model_validate({"email": "a@example.com"})
    assert type(contact.email) is str
    assert not accepts(models.Contact, {"email": "nope"})


def test_openapi_31_spellings(models31: ModuleType) -> None:
    thing = models31.Thing
    assert accepts(thing, {"both": None})
    assert not accepts(thing, {})
    cases: list[tuple[str, list[Any], list[Any]]] = [
        ("maybe", [None, 1], ["1"]),
        ("plain", ["x"], [None]),
        ("bounded", [5], [0, 10]),
        ("fixed", ["v1"], ["v2"]),
        ("pick", [None, {"n": 1}], [{"n": "1"}]),
        ("multi", ["a", 1], [True, None]),
    ]
    for key, good, bad in cases:
        for value in good:
            assert accepts(thing, {"both": "b", key: value}), (key, value)
        for value in bad:
            assert not accepts(thing, {"both": "b", key: value}), (key, value)


def test_no_schemas_still_gives_a_module(tmp_path: Path) -> None:
    doc = {"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": {}}
    module = import_source(generate(doc), tmp_path)
    assert issubclass(module.ContractModel, BaseModel)


def test_generator_failures_become_model_generation_errors(monkeypatch: pytest.MonkeyPatch) -> None:
    def explode(*args: Any, **kwargs: Any) -> str:
        raise ValueError("cannot handle 'Limits'\nlong traceback text")

    monkeypatch.setattr("datamodel_code_generator.generate", explode)
    plan = plan_models(load_spec("behaviour.yaml"))
    with pytest.raises(ModelGenerationError) as info:
        emit_models(plan, header=HEADER)
    assert info.value.pointer == "/components/schemas/Limits"
    assert "traceback" not in str(info.value)


def test_nested_constrained_schemas_never_take_a_component_name(tmp_path: Path) -> None:
    """Stripe's shape: a field named like a component, typed `anyOf [short string, $ref]`.

    The generator used to name the string branch after the field (`BalanceTransaction`) and
    rename the component's class, so routes typed with the component got a string alias.
    """
    text = {"type": "string", "maxLength": 5}
    doc = {
        "openapi": "3.0.3",
        "info": {"title": "t", "version": "1"},
        "paths": {},
        "components": {
            "schemas": {
                "Charge": {
                    "type": "object",
                    "properties": {
                        "balance_transaction": {
                            "anyOf": [text, {"$ref": "#/components/schemas/BalanceTransaction"}]
                        },
                        "tags": {"type": "array", "items": text},
                        "labels": {"type": "object", "additionalProperties": text},
                    },
                },
                "BalanceTransaction": {"type": "object", "properties": {"id": {"type": "string"}}},
                "Tags": {"type": "object", "properties": {"n": {"type": "integer"}}},
            }
        },
    }
    module = import_source(generate(doc), tmp_path)
    assert issubclass(module.BalanceTransaction, BaseModel)
    assert issubclass(module.Tags, BaseModel)
    charge = module.Charge.model_validate(
        {"balance_transaction": {"id": "b"}, "tags": ["ab"], "labels": {"k": "v"}}
    )
    assert isinstance(charge.balance_transaction, module.BalanceTransaction)
    assert accepts(module.Charge, {"balance_transaction": "short"})
    for bad in (
        {"balance_transaction": "far too long"},
        {"tags": ["toolong"]},
        {"labels": {"k": "toolong"}},
    ):
        assert not accepts(module.Charge, bad)


def test_a_generator_name_taking_a_schema_name_is_refused() -> None:
    from generator.emit.models.assemble import assemble

    source = "class ChargeModel(ContractModel):\n    pass\nCharge = int\n"
    with pytest.raises(ModelGenerationError, match="invented names"):
        assemble(source, header=HEADER, unique={}, required=["Charge"])
