"""The raw-document toolkit: pointers and `$ref`s, and that nothing else spells them."""

from __future__ import annotations

import doctest
import re
from pathlib import Path

import pytest

import generator.spec.pointers as pointers
from generator.spec.pointers import (
    MISSING,
    Refused,
    Target,
    deref,
    deref_pointer,
    join_pointer,
    lookup,
    parse_ref,
    ref_pointer,
    split_pointer,
)

GENERATOR = Path(__file__).parents[2] / "generator"
# Modules other developers own for now; each still has its own lookups (see ARCHITECTURE.md).
NOT_YET = ("ir/schema", "emit/model", "mock/", "emit/static/runtime/")


def test_docstring_examples() -> None:
    assert doctest.testmod(pointers).failed == 0


@pytest.mark.parametrize("token", ["", "a", "a/b", "~", "~1", "a~/b~0", "/"])
def test_tokens_round_trip(token: str) -> None:
    assert split_pointer(join_pointer("/x", token)) == ["x", token]


def test_lookup_tells_a_null_from_nothing() -> None:
    root = {"a": None, "l": [0, 1], "n": {"²": 1}}
    assert lookup(root, "/a") is None
    assert lookup(root, "/b") is MISSING
    assert lookup(root, "/l/1") == 1
    assert lookup(root, "/l/²") is MISSING  # a digit to str.isdigit, not to int()
    assert lookup(root, "/n/²") == 1


def test_ref_pointer_decodes_the_fragment_and_refuses_anything_else() -> None:
    assert ref_pointer("#/components/schemas/A%20B") == "/components/schemas/A B"
    assert ref_pointer("#anchor") is None
    assert ref_pointer("other.yaml#/A") is None
    assert ref_pointer(7) is None


def test_deref_stops_at_cycles_and_dangling_references() -> None:
    root = {"a": {"$ref": "#/b"}, "b": {"$ref": "#/a"}, "c": {"$ref": "#/d"}, "e": {"$ref": "x#/"}}
    assert deref(root, root["a"], "/a") == (None, "/b")
    assert deref(root, root["c"], "/c") == (None, "/d")
    assert deref(root, root["e"], "/e") == (None, "/e")
    # lenient: the last node reached, for readers that always want one
    assert deref(root, root["c"], "/c", lenient=True) == ({"$ref": "#/d"}, "/c")
    assert deref_pointer(root, "/nope") == (None, "/nope")


def test_parse_ref_confines_references_to_the_contract_folder(tmp_path: Path) -> None:
    root = tmp_path.resolve()
    assert parse_ref("#/a", root, root) == Target(None, "/a")
    assert parse_ref("s.yaml#/A", root, root) == Target(root / "s.yaml", "/A")
    for ref, rule in [
        ("../x.yaml", "ref-outside-root"),
        ("/etc/passwd", "ref-outside-root"),
        ("https://example.com/x.yaml", "ref-remote"),
        ("file:///etc/passwd", "ref-remote"),
        ("#anchor", "unresolved-ref"),
    ]:
        refused = parse_ref(ref, root, root)
        assert isinstance(refused, Refused) and refused.rule == rule, ref


def test_no_other_module_escapes_pointers_by_hand() -> None:
    hand_made = re.compile(r"""replace\(\s*["']~[01]?["']|\[1:\]\.split\(["']/["']\)""")
    found = [
        str(path.relative_to(GENERATOR))
        for path in GENERATOR.rglob("*.py")
        if path.name != "pointers.py"
        and not str(path.relative_to(GENERATOR)).startswith(NOT_YET)
        and hand_made.search(path.read_text(encoding="utf-8"))
    ]
    assert found == []
