"""Multi-file contracts: external `$ref`s are hoisted or inlined into one self-contained tree."""

from __future__ import annotations

import textwrap
import time
from pathlib import Path
from typing import Any

import pytest

from generator.diagnostics import Location
from generator.spec.load import LoadLimits, LoadResult, load_spec

BASIC = Path(__file__).parent.parent / "data" / "multifile" / "basic"
HEAD = 'openapi: 3.1.0\ninfo:\n  title: T\n  version: "1.0"\n'


def contract(tmp_path: Path, files: dict[str, str], **limits: int) -> LoadResult:
    """Write `files` (paths relative to `<tmp>/api/`) and load `api/openapi.yaml`."""
    root = tmp_path / "api"
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    return load_spec(root / "openapi.yaml", limits=LoadLimits(**limits))


def found(result: LoadResult) -> list[tuple[str, str, int, int]]:
    """(rule, file name, line, column) of each diagnostic."""
    out = []
    for d in result.diagnostics:
        assert d.location is not None
        out.append((d.rule, Path(d.location.file).name, d.location.line, d.location.column))
    return out


def refs(node: Any) -> list[str]:
    """Every `$ref` string in a tree, in document order."""
    out: list[str] = []
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            if isinstance(item.get("$ref"), str):
                out.append(item["$ref"])
            stack.extend(reversed(list(item.values())))
        elif isinstance(item, list):
            stack.extend(reversed(item))
    return out


def schema_site(ref: str) -> str:
    """A contract whose one operation answers with the schema at `ref`."""
    return HEAD + textwrap.dedent(
        f"""\
        paths:
          /a:
            get:
              responses:
                "200":
                  description: ok
                  content:
                    application/json:
                      schema:
                        $ref: {ref}
        """
    )


# --- the checked-in multi-file contract -------------------------------------------------------


@pytest.fixture(scope="module")
def basic() -> LoadResult:
    return load_spec(BASIC / "openapi.yaml")


def test_basic_bundle_has_no_findings_and_only_local_refs(basic: LoadResult) -> None:
    assert basic.diagnostics == [] and basic.spec is not None
    all_refs = refs(basic.spec.root)
    data_ref = "not-a-reference-just-data.yaml"  # inside an `example`: data, left alone
    assert [r for r in all_refs if not r.startswith("#/")] == [data_ref]
    assert sorted({r for r in all_refs if r.startswith("#/")}) == [
        "#/components/schemas/Error",
        "#/components/schemas/IdSchema",
        "#/components/schemas/Tag_2",
        "#/components/schemas/User",
        "#/components/schemas/address",
    ]


def test_schemas_are_hoisted_once_and_named_after_their_fragment(basic: LoadResult) -> None:
    assert basic.spec is not None
    schemas = basic.spec.root["components"]["schemas"]
    assert list(schemas) == ["Error", "Tag", "IdSchema", "User", "address", "Tag_2"]
    assert schemas["Tag"] == {"type": "integer"}  # the entry's own, untouched
    assert schemas["Tag_2"] == {"type": "string"}  # user.yaml#/Tag, renamed to stay unique
    assert schemas["Error"]["properties"] == {"message": {"type": "string"}}
    user = schemas["User"]
    assert user["properties"]["friend"] == {"$ref": "#/components/schemas/User"}
    assert user["properties"]["address"] == {"$ref": "#/components/schemas/address"}
    assert user["properties"]["tags"]["items"] == {"$ref": "#/components/schemas/Tag_2"}
    assert user["example"]["friend"] == {"$ref": "not-a-reference-just-data.yaml"}


def test_non_schema_refs_are_inlined_with_their_own_refs_rewritten(basic: LoadResult) -> None:
    assert basic.spec is not None
    paths = basic.spec.root["paths"]
    parameter = paths["/users/{id}"]["parameters"][0]
    assert parameter == {
        "name": "id",
        "in": "path",
        "required": True,
        "schema": {"$ref": "#/components/schemas/IdSchema"},
    }
    responses = paths["/users/{id}"]["get"]["responses"]
    not_found = {
        "description": "not found",
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    }
    assert responses["404"] == not_found
    assert responses["409"] == not_found  # responses.yaml#/Conflict is a ref to #/NotFound
    assert responses["200"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/User"
    }
    pets = paths["/pets"]["get"]
    assert pets["parameters"][0] == parameter
    assert pets["parameters"][0] is not parameter  # inlined twice: two independent copies
    items = pets["responses"]["200"]["content"]["application/json"]["schema"]["items"]
    assert items == {"$ref": "#/components/schemas/User"}


def test_bundled_pointers_locate_in_their_own_files(basic: LoadResult) -> None:
    assert basic.spec is not None
    spec = basic.spec

    def at(pointer: str) -> tuple[str, int, int]:
        loc = spec.locate(pointer)
        return str(Path(loc.file).relative_to(BASIC)), loc.line, loc.column

    assert at("/paths/~1users~1{id}/get/responses/200") == ("openapi.yaml", 12, 9)
    assert at("/paths/~1users~1{id}/parameters/0/in") == ("params.yaml", 3, 3)
    assert at("/paths/~1users~1{id}/get/responses/409/content") == ("responses.yaml", 3, 3)
    assert at("/paths/~1pets/get/operationId") == ("paths/pets.yaml", 2, 3)
    assert at("/components/schemas/User/properties/friend") == ("schemas/user.yaml", 7, 5)
    assert at("/components/schemas/Tag_2") == ("schemas/user.yaml", 19, 1)
    assert at("/components/schemas/address/properties/street") == ("schemas/address.yaml", 3, 3)
    assert at("/components/schemas/Error/properties/message") == ("schemas/error.json", 7, 11)
    assert at("/components/schemas/IdSchema/format") == ("params.yaml", 9, 3)
    assert at("/components/schemas/Tag") == ("openapi.yaml", 28, 5)


def test_files_lists_every_file_read_once(basic: LoadResult) -> None:
    assert basic.spec is not None
    names = [str(p.relative_to(BASIC)) for p in basic.spec.files]
    assert names[0] == "openapi.yaml"
    assert sorted(names) == sorted(
        [
            "openapi.yaml",
            "params.yaml",
            "responses.yaml",
            "paths/pets.yaml",
            "schemas/user.yaml",
            "schemas/address.yaml",
            "schemas/error.json",
        ]
    )


def test_display_names_follow_the_entry_path_as_given(tmp_path: Path, monkeypatch: Any) -> None:
    monkeypatch.chdir(BASIC.parent)
    result = load_spec(Path("basic/openapi.yaml"))
    assert result.spec is not None
    assert result.spec.locate("/components/schemas/User").file == "basic/schemas/user.yaml"


# --- hoisting and inlining rules --------------------------------------------------------------


def test_recursive_schemas_across_files(tmp_path: Path) -> None:
    result = contract(
        tmp_path,
        {
            "openapi.yaml": schema_site("a.yaml#/A"),
            "a.yaml": "A:\n  type: object\n  properties:\n    b: {$ref: 'b.yaml#/B'}\n",
            "b.yaml": "B:\n  type: array\n  items: {$ref: 'a.yaml#/A'}\n",
        },
    )
    assert result.diagnostics == [] and result.spec is not None
    schemas = result.spec.root["components"]["schemas"]
    assert schemas == {
        "A": {"type": "object", "properties": {"b": {"$ref": "#/components/schemas/B"}}},
        "B": {"type": "array", "items": {"$ref": "#/components/schemas/A"}},
    }


def test_whole_file_schema_named_in_components_is_placed_there(tmp_path: Path) -> None:
    result = contract(
        tmp_path,
        {
            "openapi.yaml": schema_site("user.yaml")
            + "components:\n  schemas:\n    Account:\n      $ref: user.yaml\n",
            "user.yaml": "type: object\nproperties:\n  role: {$ref: '#/definitions/Role'}\n"
            "definitions:\n  Role: {type: string}\n",
        },
    )
    assert result.diagnostics == [] and result.spec is not None
    root = result.spec.root
    schemas = root["components"]["schemas"]
    assert list(schemas) == ["Account", "Role"]
    assert schemas["Account"]["properties"]["role"] == {"$ref": "#/components/schemas/Role"}
    site = root["paths"]["/a"]["get"]["responses"]["200"]["content"]["application/json"]
    assert site["schema"] == {"$ref": "#/components/schemas/Account"}


def test_sibling_keywords_stay_next_to_a_hoisted_ref(tmp_path: Path) -> None:
    text = schema_site("x.yaml#/X").replace(
        "$ref: x.yaml#/X", "$ref: x.yaml#/X\n                description: kept"
    )
    result = contract(tmp_path, {"openapi.yaml": text, "x.yaml": "X: {type: string}\n"})
    assert result.diagnostics == [] and result.spec is not None
    site = result.spec.root["paths"]["/a"]["get"]["responses"]["200"]["content"]
    assert site["application/json"]["schema"] == {
        "$ref": "#/components/schemas/X",
        "description": "kept",
    }


def test_external_refs_back_into_the_entry_become_local(tmp_path: Path) -> None:
    result = contract(
        tmp_path,
        {
            "openapi.yaml": schema_site("schemas/x.yaml#/X")
            + "components:\n  schemas:\n    Base: {type: string}\n",
            "schemas/x.yaml": "X:\n  allOf:\n    - $ref: ../openapi.yaml#/components/schemas/Base\n",
        },
    )
    assert result.diagnostics == [] and result.spec is not None
    assert result.spec.root["components"]["schemas"]["X"] == {
        "allOf": [{"$ref": "#/components/schemas/Base"}]
    }


def test_percent_encoded_file_names_and_fragments(tmp_path: Path) -> None:
    result = contract(
        tmp_path,
        {
            "openapi.yaml": schema_site("'my%20schemas.yaml#/With%20Space'"),
            "my schemas.yaml": "With Space: {type: integer}\n",
        },
    )
    assert result.diagnostics == [] and result.spec is not None
    assert result.spec.root["components"]["schemas"]["WithSpace"] == {"type": "integer"}


def test_parameter_named_schema_is_inlined_not_hoisted(tmp_path: Path) -> None:
    text = HEAD + "paths: {}\ncomponents:\n  parameters:\n    schema:\n      $ref: p.yaml#/P\n"
    p = "P:\n  name: schema\n  in: query\n  schema: {type: string}\n"
    result = contract(tmp_path, {"openapi.yaml": text, "p.yaml": p})
    assert result.diagnostics == [] and result.spec is not None
    components = result.spec.root["components"]
    assert "schemas" not in components
    assert components["parameters"]["schema"]["name"] == "schema"


def test_every_keyword_holding_schemas_hoists_its_refs(tmp_path: Path) -> None:
    # spec/contexts.py and the rules' walk share one keyword table (since the pointers
    # toolkit): `contentSchema` and `additionalItems` hold schemas, so their refs are hoisted
    schema = "{type: string, contentSchema: {$ref: s.yaml#/S}}"
    text = HEAD + f"paths: {{}}\ncomponents:\n  schemas:\n    A: {schema}\n"
    result = contract(tmp_path, {"openapi.yaml": text, "s.yaml": "S: {type: integer}\n"})
    assert result.diagnostics == [] and result.spec is not None
    schemas = result.spec.root["components"]["schemas"]
    assert schemas["A"]["contentSchema"] == {"$ref": "#/components/schemas/S"}
    assert schemas["S"] == {"type": "integer"}


# --- refused and broken references ------------------------------------------------------------


def test_refs_outside_the_contract_folder_are_refused_unread(tmp_path: Path) -> None:
    (tmp_path / "outside.yaml").write_text("X: [unclosed\n")  # reading it would be a syntax error
    (tmp_path / "api").mkdir()
    (tmp_path / "api" / "link.yaml").symlink_to(tmp_path / "outside.yaml")
    text = HEAD + textwrap.dedent(
        f"""\
        paths: {{}}
        components:
          schemas:
            Up:
              $ref: ../outside.yaml#/X
            Absolute:
              $ref: {tmp_path / "outside.yaml"}#/X
            Sneaky:
              $ref: sub/../../outside.yaml#/X
            Linked:
              $ref: link.yaml#/X
        """
    )
    result = contract(tmp_path, {"openapi.yaml": text})
    assert found(result) == [
        ("ref-outside-root", "openapi.yaml", 9, 7),
        ("ref-outside-root", "openapi.yaml", 11, 7),
        ("ref-outside-root", "openapi.yaml", 13, 7),
        ("ref-outside-root", "openapi.yaml", 15, 7),
    ]
    assert result.diagnostics[0].pointer == "/components/schemas/Up"
    assert result.spec is not None and len(result.spec.files) == 1
    assert all(v == {} for v in result.spec.root["components"]["schemas"].values())


@pytest.mark.parametrize(
    "ref",
    [
        "https://example.com/user.yaml#/User",
        "http://localhost:8080/user.yaml",
        "file:///etc/passwd",
        "//example.com/user.yaml",
        "ftp://example.com/user.yaml",
    ],
)
def test_remote_refs_are_refused(tmp_path: Path, ref: str) -> None:
    result = contract(tmp_path, {"openapi.yaml": schema_site(f"'{ref}'")})
    assert found(result) == [("ref-remote", "openapi.yaml", 14, 17)]
    assert "refused" in result.diagnostics[0].message


def test_missing_file_and_missing_fragment_are_unresolved(tmp_path: Path) -> None:
    text = HEAD + "paths: {}\ncomponents:\n  schemas:\n"
    text += "    A: {$ref: nope.yaml}\n    B: {$ref: 'b.yaml#/Nope'}\n    C: {$ref: 'b.yaml#/C'}\n"
    result = contract(tmp_path, {"openapi.yaml": text, "b.yaml": "C: {type: string}\n"})
    assert found(result) == [
        ("unresolved-ref", "openapi.yaml", 8, 9),
        ("unresolved-ref", "openapi.yaml", 9, 9),
    ]
    first, second = (d.message for d in result.diagnostics)
    assert "nope.yaml" in first and "does not exist" in first
    assert "b.yaml#/Nope" in second
    assert result.spec is not None
    assert result.spec.root["components"]["schemas"]["C"] == {"type": "string"}


def test_problems_inside_a_referenced_file_name_that_file(tmp_path: Path) -> None:
    text = schema_site("broken.yaml#/X") + "x-more:\n  $ref: dup.json\n"
    result = contract(
        tmp_path,
        {
            "openapi.yaml": text,
            "broken.yaml": "X:\n  type: object\n  required: [a\n  properties: {}\n",
            "dup.json": '{\n  "a": 1,\n  "a": 2\n}\n',
        },
    )
    assert found(result) == [
        ("yaml-syntax", "broken.yaml", 4, 13),
        ("duplicate-key", "dup.json", 3, 3),
    ]
    syntax, duplicate = result.diagnostics
    entry = str(tmp_path / "api" / "openapi.yaml")
    assert syntax.related[-1] == Location(entry, 14, 17)  # the $ref that pulled it in
    assert duplicate.pointer == "/x-more"
    assert result.spec is not None and result.spec.root["x-more"] == {"a": 2}


def test_inline_cycles_across_files_are_reported_with_file_names(tmp_path: Path) -> None:
    text = HEAD + "paths: {}\ncomponents:\n  parameters:\n    P: {$ref: 'a.yaml#/P'}\n"
    result = contract(
        tmp_path,
        {
            "openapi.yaml": text,
            "a.yaml": "P: {$ref: 'b.yaml#/P'}\n",
            "b.yaml": "P: {$ref: 'a.yaml#/P'}\n",
        },
    )
    assert found(result) == [("ref-cycle", "b.yaml", 1, 5)]
    assert result.diagnostics[0].message.endswith(": a.yaml#/P -> b.yaml#/P -> a.yaml#/P")


def test_pure_schema_cycles_across_files_are_reported_in_the_bundle(tmp_path: Path) -> None:
    result = contract(
        tmp_path,
        {
            "openapi.yaml": schema_site("c.yaml#/A"),
            "c.yaml": "A: {$ref: '#/B'}\nB: {$ref: '#/A'}\n",
        },
    )
    assert found(result) == [("ref-cycle", "c.yaml", 1, 5)]
    assert result.diagnostics[0].message.endswith(
        "#/components/schemas/A -> #/components/schemas/B -> #/components/schemas/A"
    )


def test_file_limit(tmp_path: Path) -> None:
    files = {f"s{n}.yaml": f"S: {{$ref: 's{n + 1}.yaml#/S'}}\n" for n in range(5)}
    files["s5.yaml"] = "S: {type: string}\n"
    result = contract(tmp_path, {"openapi.yaml": schema_site("s0.yaml#/S"), **files}, max_files=4)
    assert [(d.rule, Path(d.location.file).name) for d in result.diagnostics if d.location] == [
        ("too-many-files", "s2.yaml")
    ]


def test_inlining_bombs_are_stopped(tmp_path: Path) -> None:
    level = "\n".join(
        f"L{n}: {{a: {{$ref: '#/L{n + 1}'}}, b: {{$ref: '#/L{n + 1}'}}, c: {{$ref: '#/L{n + 1}'}}}}"
        for n in range(30)
    )
    files = {"openapi.yaml": HEAD + "paths: {}\nx-bomb: {$ref: 'bomb.yaml#/L0'}\n"}
    files["bomb.yaml"] = level + "\nL30: {end: true}\n"
    started = time.perf_counter()
    result = contract(tmp_path, files)  # 3**30 copies if nothing stopped it
    assert time.perf_counter() - started < 0.5
    assert result.spec is None and found(result) == [("too-large", "openapi.yaml", 6, 10)]
    assert result.diagnostics[0].pointer == "/x-bomb"


def test_inlining_bombs_across_files_are_stopped(tmp_path: Path) -> None:
    files = {
        f"f{n}.yaml": f"L: [{{$ref: 'f{n + 1}.yaml#/L'}}, {{$ref: 'f{n + 1}.yaml#/L'}}, "
        f"{{$ref: 'f{n + 1}.yaml#/L'}}, {{$ref: 'f{n + 1}.yaml#/L'}}]\n"
        for n in range(20)
    }
    files["f20.yaml"] = "L: {end: true}\n"
    files["openapi.yaml"] = HEAD + "paths: {}\nx-bomb: {$ref: 'f0.yaml#/L'}\n"
    started = time.perf_counter()
    result = contract(tmp_path, files)
    assert time.perf_counter() - started < 1
    assert result.spec is None and [d.rule for d in result.diagnostics] == ["too-large"]


def test_many_inlined_fragments_stay_fast(tmp_path: Path) -> None:
    """10,000 inlined parameters: linear work (about 0.3 s), not quadratic (over 10 s)."""
    params = "".join(
        f"P{n}: {{name: p{n}, in: query, schema: {{type: string}}}}\n" for n in range(50)
    )
    operations = "".join(
        f"  /op{n}:\n    get:\n      parameters:\n"
        + "".join(f"        - $ref: 'params.yaml#/P{k}'\n" for k in range(50))
        + "      responses: {'200': {description: ok}}\n"
        for n in range(200)
    )
    files = {"openapi.yaml": HEAD + "paths:\n" + operations, "params.yaml": params}
    started = time.perf_counter()
    result = contract(tmp_path, files)
    assert time.perf_counter() - started < 8
    assert result.diagnostics == [] and result.spec is not None
    op = result.spec.root["paths"]["/op199"]["get"]
    assert op["parameters"][49] == {"name": "p49", "in": "query", "schema": {"type": "string"}}
    assert result.spec.locate("/paths/~1op199/get/parameters/49/in").line == 50
