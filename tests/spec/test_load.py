"""The loading stage on single files: parsing, limits, positions, local `$ref`s and the corpus."""

from __future__ import annotations

import json
import os
import re
import time
import tracemalloc
from pathlib import Path
from typing import Any

import pytest
import yaml

from generator.diagnostics import Level, Location
from generator.spec.load import LoadLimits, LoadResult, load_spec

DATA = Path(__file__).parent.parent / "data" / "load"
CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus"
HEAD = 'openapi: 3.0.3\ninfo:\n  title: T\n  version: "1.0"\n'


def write(tmp_path: Path, name: str, text: str | bytes) -> Path:
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def found(result: LoadResult) -> list[tuple[str, int, int]]:
    """(rule, line, column) of each diagnostic."""
    out = []
    for d in result.diagnostics:
        assert d.location is not None, d
        out.append((d.rule, d.location.line, d.location.column))
    return out


def load_text(
    tmp_path: Path, text: str | bytes, name: str = "api.yaml", **limits: int
) -> LoadResult:
    return load_spec(write(tmp_path, name, text), limits=LoadLimits(**limits))


def assert_well_formed(result: LoadResult) -> None:
    for d in result.diagnostics:
        assert re.fullmatch(r"[a-z]+[0-9]?(-[a-z]+)*", d.rule), d.rule
        # the one loader warning: part of a Swagger 2.0 contract with no OpenAPI 3.0 form
        assert d.level is (Level.WARNING if d.rule == "swagger2-unconverted" else Level.ERROR)
        assert d.location is not None and d.location.line >= 1 and d.location.column >= 1
        assert len(d.message) < 300, d.message


# --- positions --------------------------------------------------------------------------


def test_yaml_pointers_locate_keys_and_items() -> None:
    result = load_spec(DATA / "positions.yaml")
    assert result.diagnostics == [] and result.spec is not None
    spec, name = result.spec, str(DATA / "positions.yaml")
    assert spec.locate("") == Location(name, 1, 1)
    assert spec.locate("/paths/~1users~1{id}/get") == Location(name, 7, 5)
    assert spec.locate("/paths/~1users~1{id}/get/parameters/0") == Location(name, 10, 11)
    assert spec.locate("/paths/~1users~1{id}/get/parameters/0/in") == Location(name, 11, 11)
    assert spec.locate("/components/schemas/User/properties/id/type") == Location(name, 27, 14)
    assert spec.locate("/components/schemas/User/properties/tags/items/$ref") == Location(
        name, 31, 13
    )
    # a key that does not exist points at the nearest parent that does
    assert spec.locate("/components/schemas/User/required") == Location(name, 24, 5)


def test_json_pointers_locate_keys_and_items() -> None:
    result = load_spec(DATA / "positions.json")
    assert result.diagnostics == [] and result.spec is not None
    spec, name = result.spec, str(DATA / "positions.json")
    assert spec.locate("/paths/~1users~1{id}/get") == Location(name, 6, 7)
    assert spec.locate("/paths/~1users~1{id}/get/parameters/0") == Location(name, 9, 11)
    assert spec.locate("/paths/~1users~1{id}/get/parameters/0/schema") == Location(name, 9, 58)
    assert spec.locate("/paths/~1users~1{id}/get/responses/200/content") == Location(name, 14, 13)
    assert spec.locate("/components/schemas/User/properties/name") == Location(name, 28, 50)
    assert spec.locate("/components/schemas/Nope") == Location(name, 25, 5)


def test_json_loads_the_same_data_as_json_module() -> None:
    result = load_spec(DATA / "positions.json")
    assert result.spec is not None
    assert result.spec.root == json.loads((DATA / "positions.json").read_text())


# --- YAML scalars -------------------------------------------------------------------------


def test_yaml_keeps_pyyaml_scalars_but_keys_and_dates_become_strings() -> None:
    result = load_spec(DATA / "quirks.yaml")
    assert result.diagnostics == [] and result.spec is not None
    root = result.spec.root
    assert list(root["paths"]["/a"]["get"]["responses"]) == ["200", "default"]
    assert root["info"]["version"] == 1.0
    values = root["x-values"]
    assert values == {
        "hex": 31,
        "octal": "0o17",  # YAML 1.1: not an octal, as in PyYAML
        "underscore": 1000,
        "float": "1.5e3",  # YAML 1.1 needs a dot and a signed exponent, as in PyYAML
        "infinity": float("inf"),
        "yes": True,
        "off": False,
        "tilde": None,
        "date": "2024-01-31",
        "datetime": "2024-01-31T10:20:30Z",
        "spaced": "2001-12-14T21:59:43.100000-05:00",
        "binary": "aGVsbG8gd29ybGQ=",
        "quoted": "0x1F",
        "forced": "200",
    }
    merge = root["x-merge"]
    assert merge["derived"] == {"type": "string", "maxLength": 20}
    assert merge["shared"] == {"type": "string", "maxLength": 10}


def test_yaml_data_matches_pyyaml_safe_load_on_plain_documents() -> None:
    text = (DATA / "positions.yaml").read_text()
    result = load_spec(DATA / "positions.yaml")
    assert result.spec is not None and result.spec.root == yaml.safe_load(text)


def test_merge_keys_are_located_in_the_merged_mapping() -> None:
    result = load_spec(DATA / "quirks.yaml")
    assert result.spec is not None
    name = str(DATA / "quirks.yaml")
    assert result.spec.locate("/x-merge/derived/type") == Location(name, 32, 5)
    assert result.spec.locate("/x-merge/derived/maxLength") == Location(name, 36, 5)


# --- syntax -------------------------------------------------------------------------------


def test_yaml_syntax_error_names_file_line_and_problem(tmp_path: Path) -> None:
    result = load_text(tmp_path, HEAD + "paths:\n  /a:\n    tags: [a, b\n    get: {}\n")
    assert result.spec is None
    assert found(result) == [("yaml-syntax", 8, 8)]
    diag = result.diagnostics[0]
    assert diag.location is not None and diag.location.file == str(tmp_path / "api.yaml")
    assert "expected ',' or ']'" in diag.message and "line 7" in diag.message
    assert diag.related == (Location(str(tmp_path / "api.yaml"), 7, 11),)


def test_tab_indentation_has_its_own_rule(tmp_path: Path) -> None:
    result = load_text(tmp_path, HEAD + "paths:\n\t/a: {}\n")
    assert found(result) == [("yaml-tabs", 6, 1)]
    assert "spaces" in result.diagnostics[0].message


def test_more_than_one_document_is_a_syntax_error(tmp_path: Path) -> None:
    result = load_text(tmp_path, HEAD + "paths: {}\n---\nopenapi: 3.1.0\n")
    assert found(result) == [("yaml-syntax", 6, 1)]


def test_control_characters_and_bad_utf8_are_located(tmp_path: Path) -> None:
    nul = load_text(tmp_path, HEAD + "x-a: b\x00\n", name="nul.yaml")
    assert found(nul) == [("yaml-syntax", 5, 7)]
    bad = load_text(tmp_path, HEAD.encode() + b"x-a: \xff\n", name="bad.yaml")
    assert found(bad) == [("yaml-syntax", 5, 6)]
    assert found(load_text(tmp_path, b'{"a": "\xff"}', name="bad.json")) == [("json-syntax", 1, 8)]


def test_byte_order_marks_are_honoured(tmp_path: Path) -> None:
    text = HEAD + "paths: {}\n"
    for n, encoding in enumerate(["utf-8-sig", "utf-16", "utf-32"]):
        result = load_text(tmp_path, text.encode(encoding), name=f"bom{n}.yaml")
        assert result.diagnostics == [] and result.spec is not None
        assert result.spec.root["info"]["version"] == "1.0"
    as_json = load_text(tmp_path, '{"openapi": "3.0.3"}'.encode("utf-8-sig"), name="bom.json")
    assert as_json.spec is not None and as_json.spec.root == {"openapi": "3.0.3"}


def test_json_is_strict(tmp_path: Path) -> None:
    trailing = load_text(tmp_path, '{\n  "openapi": "3.0.3",\n  "paths": {},\n}\n', "t.json")
    assert trailing.spec is None
    assert found(trailing) == [("json-syntax", 3, 14)]
    assert "trailing comma" in trailing.diagnostics[0].message
    in_list = load_text(tmp_path, '{"tags": [\n  "a",\n  "b",\n]}', "l.json")
    assert found(in_list) == [("json-syntax", 3, 6)]
    nan = load_text(tmp_path, '{\n  "openapi": "3.0.3",\n  "x": "NaN", "y": -Infinity\n}', "n.json")
    assert found(nan) == [("json-syntax", 3, 20)]
    assert "-Infinity" in nan.diagnostics[0].message
    other = load_text(tmp_path, '{\n  "a": tru\n}', "o.json")
    assert found(other) == [("json-syntax", 2, 8)]


def test_json_file_holding_yaml_is_a_json_error(tmp_path: Path) -> None:
    result = load_text(tmp_path, HEAD, name="api.json")
    assert [d.rule for d in result.diagnostics] == ["json-syntax"]


# --- unsafe or surprising content ----------------------------------------------------------


def test_python_tags_are_refused_where_they_stand(tmp_path: Path) -> None:
    text = HEAD + 'x-run: !!python/object/apply:os.system ["echo pwned"]\nx-ok: 1\n'
    result = load_text(tmp_path, text)
    assert found(result) == [("yaml-tag", 5, 8)]
    diag = result.diagnostics[0]
    assert diag.pointer == "/x-run" and "!!python/object/apply:os.system" in diag.message
    assert result.spec is not None and result.spec.root["x-run"] is None
    assert result.spec.root["x-ok"] == 1


def test_other_tags_and_bad_tagged_values_are_refused(tmp_path: Path) -> None:
    text = (
        HEAD + "x-a: !custom 1\nx-b: !!int abc\nx-c: !!set {a, b}\nx-d: !!python/name:os.system\n"
    )
    result = load_text(tmp_path, text)
    assert found(result) == [
        ("yaml-tag", 5, 6),
        ("yaml-tag", 6, 6),
        ("yaml-tag", 7, 6),
        ("yaml-tag", 8, 6),
    ]
    assert result.spec is not None
    assert [result.spec.root[k] for k in ("x-a", "x-b", "x-c", "x-d")] == [None] * 4


def test_duplicate_keys_point_at_the_second_and_name_the_first(tmp_path: Path) -> None:
    text = (
        HEAD + "paths:\n  /a:\n    get:\n      operationId: one\n    get:\n      operationId: two\n"
    )
    result = load_text(tmp_path, text)
    assert found(result) == [("duplicate-key", 9, 5)]
    diag = result.diagnostics[0]
    assert diag.pointer == "/paths/~1a/get" and "line 7" in diag.message
    assert diag.related == (Location(str(tmp_path / "api.yaml"), 7, 5),)
    assert result.spec is not None  # the document is still usable for further checks


def test_duplicate_keys_in_json(tmp_path: Path) -> None:
    text = '{\n  "openapi": "3.0.3",\n  "info": {"title": "a",\n           "title": "b"},\n  "openapi": "3.1.0"\n}'
    result = load_text(tmp_path, text, name="api.json")
    assert found(result) == [("duplicate-key", 4, 12), ("duplicate-key", 5, 3)]
    by_pointer = {d.pointer: d for d in result.diagnostics}
    assert by_pointer["/info/title"].related == (Location(str(tmp_path / "api.json"), 3, 12),)
    assert "line 2" in by_pointer["/openapi"].message


def test_billion_laughs_is_refused_fast_and_small(tmp_path: Path) -> None:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    previous = "a"
    for name in "bcdefghijklmnopqrstu":
        lines.append(f"{name}: &{name} [" + ", ".join([f"*{previous}"] * 9) + "]")
        previous = name
    path = write(tmp_path, "laughs.yaml", "\n".join(lines) + "\n")
    tracemalloc.start()
    started = time.perf_counter()
    result = load_spec(path)
    elapsed = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert result.spec is None
    assert found(result) == [("yaml-aliases", 7, 16)]  # the third *f crosses 2M
    assert elapsed < 0.5 and peak < 1_000_000


def test_aliases_within_the_budget_are_fine_and_counted(tmp_path: Path) -> None:
    text = HEAD + "x-a: &a [1, 2, 3, 4, 5, 6, 7, 8, 9]\nx-b: [*a, *a, *a, *a]\n"
    assert load_text(tmp_path, text).diagnostics == []
    small = load_text(tmp_path, text, name="small.yaml", max_nodes=40)
    assert found(small) == [("yaml-aliases", 6, 11)]  # the second *a crosses 40


def test_recursive_and_undefined_aliases(tmp_path: Path) -> None:
    recursive = load_text(tmp_path, HEAD + "x-a: &a\n  b: *a\n", name="r.yaml")
    assert found(recursive) == [("yaml-aliases", 6, 6)]
    undefined = load_text(tmp_path, HEAD + "x-a: *nowhere\n", name="u.yaml")
    assert found(undefined) == [("yaml-syntax", 5, 6)]


def test_node_limit_without_aliases_is_too_large(tmp_path: Path) -> None:
    result = load_text(tmp_path, HEAD + "x-list: [1, 2, 3, 4, 5, 6, 7, 8]\n", max_nodes=12)
    assert [d.rule for d in result.diagnostics] == ["too-large"]


def test_oversized_files_are_refused_before_parsing(tmp_path: Path) -> None:
    result = load_text(tmp_path, HEAD + "x-pad: " + "a" * 500 + "\n", max_bytes=200)
    assert found(result) == [("too-large", 1, 1)]
    assert "200" in result.diagnostics[0].message


@pytest.mark.parametrize("name", ["deep.yaml", "deep.json"])
def test_deep_nesting_is_refused_without_recursion(tmp_path: Path, name: str) -> None:
    text = '{"a": ' + "[" * 100_000 + "]" * 100_000 + "}"
    result = load_text(tmp_path, text, name=name)
    assert found(result) == [("too-deep", 1, 7 + 127)]


def test_nesting_past_the_yaml_parsers_own_limit_is_too_deep_even_under_a_higher_limit(
    tmp_path: Path,
) -> None:
    # libyaml refuses ~1000 levels itself; with our limit above that, its refusal is reported.
    text = '{"a": ' + "[" * 5_000 + "]" * 5_000 + "}"
    result = load_text(tmp_path, text, max_depth=4_000)
    assert [d.rule for d in result.diagnostics] == ["too-deep"]
    assert_well_formed(result)


def test_depth_limit_counts_block_nesting_and_aliases(tmp_path: Path) -> None:
    block = "".join("  " * i + f"k{i}:\n" for i in range(6)) + "  " * 6 + "v: 1\n"
    assert found(load_text(tmp_path, block, name="b.yaml", max_depth=5)) == [("too-deep", 6, 11)]
    aliased = "a: &a {b: {c: 1}}\nx: {y: {z: *a}}\n"
    assert found(load_text(tmp_path, aliased, name="a.yaml", max_depth=4)) == [("too-deep", 2, 12)]
    assert load_text(tmp_path, aliased, name="ok.yaml", max_depth=5).diagnostics == []


@pytest.mark.parametrize(
    ("text", "name"),
    [("", "e.yaml"), ("# only a comment\n\n", "c.yaml"), ("---\n", "d.yaml"), (" \n", "e.json")],
)
def test_empty_documents(tmp_path: Path, text: str, name: str) -> None:
    result = load_text(tmp_path, text, name=name)
    assert result.spec is None and found(result) == [("empty-document", 1, 1)]


@pytest.mark.parametrize(
    ("text", "name", "kind"),
    [
        ("- a\n- b\n", "l.yaml", "a list"),
        ("just text\n", "s.yaml", "a string"),
        ("[1]", "a.json", "a list"),
    ],
)
def test_top_level_must_be_a_mapping(tmp_path: Path, text: str, name: str, kind: str) -> None:
    result = load_text(tmp_path, text, name=name)
    assert result.spec is None and found(result) == [("not-a-mapping", 1, 1)]
    assert kind in result.diagnostics[0].message


def test_io_errors(tmp_path: Path) -> None:
    missing = load_spec(tmp_path / "missing.yaml")
    assert found(missing) == [("io-error", 1, 1)] and missing.spec is None
    assert found(load_spec(tmp_path)) == [("io-error", 1, 1)]
    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)  # reading it would block forever
    assert found(load_spec(fifo)) == [("io-error", 1, 1)]


def test_truncated_and_mangled_files_never_raise(tmp_path: Path) -> None:
    for source in ("positions.yaml", "positions.json", "quirks.yaml"):
        text = (DATA / source).read_bytes()
        for n, cut in enumerate(range(0, len(text), 13)):
            for variant in (text[:cut], text[:cut] + b"\t\x00\xff" + text[cut:]):
                result = load_text(tmp_path, variant, name=f"{n}{source}")
                assert_well_formed(result)
                assert result.spec is not None or result.diagnostics


# --- local references ------------------------------------------------------------------------


def test_unresolved_local_ref_is_located_and_neutralised(tmp_path: Path) -> None:
    text = HEAD + (
        "paths:\n  /a:\n    get:\n      responses:\n        '200':\n          description: ok\n"
        "          content:\n            application/json:\n              schema:\n"
        "                $ref: '#/components/schemas/Nope'\ncomponents:\n  schemas: {}\n"
    )
    result = load_text(tmp_path, text)
    assert found(result) == [("unresolved-ref", 14, 17)]
    diag = result.diagnostics[0]
    assert "#/components/schemas/Nope" in diag.message
    assert diag.pointer == "/paths/~1a/get/responses/200/content/application~1json/schema"
    assert result.spec is not None
    content = result.spec.root["paths"]["/a"]["get"]["responses"]["200"]["content"]
    assert content["application/json"]["schema"] == {}


def test_local_refs_with_escapes_and_percent_encoding_resolve(tmp_path: Path) -> None:
    text = HEAD + (
        "paths:\n  /a/{b}:\n    get: {responses: {'200': {description: ok}}}\n"
        "x-paths:\n  - $ref: '#/paths/~1a~1%7Bb%7D'\n  - $ref: '#/components/schemas/A%20B'\n"
        "  - $ref: '#/components/schemas/t~0n'\n"
        "components:\n  schemas:\n    A B: {type: string}\n    t~n: {type: string}\n"
    )
    result = load_text(tmp_path, text)
    assert result.diagnostics == []


def test_non_pointer_fragments_are_unresolved(tmp_path: Path) -> None:
    text = HEAD + "paths: {}\ncomponents:\n  schemas:\n    A:\n      $ref: '#User'\n"
    assert found(load_text(tmp_path, text)) == [("unresolved-ref", 9, 7)]


def test_pure_ref_cycles_are_reported_once_with_their_path(tmp_path: Path) -> None:
    text = HEAD + (
        "paths: {}\ncomponents:\n  schemas:\n"
        "    A:\n      $ref: '#/components/schemas/B'\n"
        "    B:\n      $ref: '#/components/schemas/C'\n"
        "    C:\n      $ref: '#/components/schemas/A'\n"
        "    Self:\n      description: loops\n      $ref: '#/components/schemas/Self'\n"
        "    Into:\n      $ref: '#/components/schemas/B'\n"
    )
    result = load_text(tmp_path, text)
    assert found(result) == [("ref-cycle", 9, 7), ("ref-cycle", 16, 7)]
    first, second = (d.message for d in result.diagnostics)
    assert first.endswith(
        "#/components/schemas/A -> #/components/schemas/B -> "
        "#/components/schemas/C -> #/components/schemas/A"
    )
    assert second.endswith("#/components/schemas/Self -> #/components/schemas/Self")
    assert len(result.diagnostics[0].related) == 2
    assert result.spec is not None and result.spec.root["components"]["schemas"]["A"] == {}


def test_recursive_schemas_are_not_cycles(tmp_path: Path) -> None:
    text = HEAD + (
        "paths: {}\ncomponents:\n  schemas:\n"
        "    Node:\n      type: object\n      properties:\n"
        "        children: {type: array, items: {$ref: '#/components/schemas/Node'}}\n"
        "        parent: {$ref: '#/components/schemas/Alias'}\n"
        "    Alias:\n      $ref: '#/components/schemas/Node'\n"
        "    Either:\n      oneOf: [{$ref: '#/components/schemas/Either'}, {type: string}]\n"
    )
    assert load_text(tmp_path, text).diagnostics == []


def test_refs_inside_examples_are_data(tmp_path: Path) -> None:
    text = HEAD + (
        "paths: {}\ncomponents:\n  schemas:\n    A:\n      type: object\n"
        "      example: {$ref: 'https://example.com/not/followed'}\n"
        "      default: {$ref: '#/nowhere'}\n"
        "  examples:\n    E:\n      value: {$ref: '../not/followed.yaml'}\n"
    )
    assert load_text(tmp_path, text).diagnostics == []


# --- the corpus ----------------------------------------------------------------------------


def _corpus() -> list[Path]:
    if not CORPUS.is_dir():
        return []
    return sorted(p for p in CORPUS.rglob("*") if p.suffix in {".yaml", ".yml", ".json"})


@pytest.mark.skipif(not CORPUS.is_dir(), reason="no spec corpus on this machine")
@pytest.mark.parametrize("path", _corpus(), ids=lambda p: p.name)
def test_corpus_loads_without_errors(path: Path) -> None:
    result = load_spec(path)
    assert_well_formed(result)
    if result.diagnostics:  # only fine when PyYAML / json agree the file is not a 3.x contract
        reference = _plain_load(path)
        is_3x = isinstance(reference, dict) and str(reference.get("openapi", "")).startswith("3.")
        assert not is_3x, result.diagnostics[:3]
        return
    assert result.spec is not None
    if str(result.spec.root.get("openapi", "")).startswith("3."):
        assert _all_refs_local(result.spec.root)


def _plain_load(path: Path) -> Any:
    """The file read the usual way, or None when it is not valid JSON / YAML."""
    try:
        if path.suffix == ".json":
            return json.loads(path.read_bytes())
        return yaml.load(path.read_bytes(), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except (ValueError, yaml.YAMLError):
        return None


def _all_refs_local(root: Any) -> bool:
    """Every `$ref` outside example and default data is local (GitHub's examples hold URLs)."""
    stack: list[tuple[tuple[str, ...], Any]] = [((), root)]
    while stack:
        path, node = stack.pop()
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and not ref.startswith("#"):
                return False
            for key, value in node.items():
                data = key in {"example", "default", "enum"} or path[-2:-1] == ("examples",)
                if not data:
                    stack.append(((*path, key), value))
        elif isinstance(node, list):
            stack.extend(((*path, str(n)), item) for n, item in enumerate(node))
    return True


@pytest.mark.skipif(not (CORPUS / "large").is_dir(), reason="no spec corpus on this machine")
@pytest.mark.parametrize(
    "name", ["stripe-spec3-2023-09.yaml", "github-api.github.com-2022-06.json"]
)
def test_large_contracts_load_faster_than_plain_pyyaml(name: str) -> None:
    path = CORPUS / "large" / name
    started = time.perf_counter()
    yaml.load(path.read_bytes(), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    baseline = time.perf_counter() - started
    started = time.perf_counter()
    result = load_spec(path)
    elapsed = time.perf_counter() - started
    assert result.diagnostics == []
    assert elapsed < baseline, (elapsed, baseline)
