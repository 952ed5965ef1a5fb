"""Scaffold's rules: written once, never overwritten, signatures exactly the Protocol's, and
an existing module edited only by appending methods (or reporting why it could not)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from typer.testing import CliRunner

from generator.cli import app
from generator.orphans import RECORD
from generator.pipeline import api_of, check_contract
from generator.scaffold import impl_name, render_stubs, scaffold_contract
from generator.stub_merge import merge_methods

ROOT = Path(__file__).parents[2]
SPECS = ROOT / "specs"

FRESH = '''\
"""Stubs."""

from __future__ import annotations

from datetime import date

from shop import ShopApi, results


class ShopImpl(ShopApi):
    """Implements `ShopApi`."""

    async def old(self) -> results.OldOk:
        """GET /old: old"""
        raise NotImplementedError

    async def new(self, *, day: date) -> results.NewOk:
        """GET /new: new"""
        raise NotImplementedError
'''

EDITED = '''\
"""My shop."""

from __future__ import annotations

from shop import ShopApi, results


class ShopImpl(ShopApi):
    """Mine."""

    async def old(self) -> results.OldOk:
        return results.OldOk()  # hand-written


def helper() -> int:
    return 1
'''


def test_missing_methods_are_appended_to_the_class_and_nothing_else_moves() -> None:
    merged = merge_methods(EDITED, FRESH, "ShopImpl", first_party="shop")
    assert merged.added == ("new",)
    assert merged.imports == ("date",)
    assert merged.problem is None
    expected = EDITED.replace(
        "from shop import", "from datetime import date\n\nfrom shop import"
    ).replace(
        "        return results.OldOk()  # hand-written\n",
        "        return results.OldOk()  # hand-written\n\n"
        "    async def new(self, *, day: date) -> results.NewOk:\n"
        '        """GET /new: new"""\n'
        "        raise NotImplementedError\n",
    )
    assert merged.text == expected


def test_nothing_to_add_leaves_the_text_alone() -> None:
    current = FRESH
    merged = merge_methods(current, FRESH, "ShopImpl", first_party="shop")
    assert (merged.text, merged.added, merged.problem) == (current, (), None)


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("class Other:\n    pass\n", "class ShopImpl not found; nothing added"),
        ("class ShopImpl(:\n", "does not parse (line 1); nothing added"),
    ],
)
def test_a_module_it_cannot_edit_is_reported_and_untouched(text: str, problem: str) -> None:
    merged = merge_methods(text, FRESH, "ShopImpl", first_party="shop")
    assert (merged.text, merged.added, merged.problem) == (text, (), problem)


def test_impl_names() -> None:
    assert impl_name("UsersApi") == "UsersImpl"
    assert impl_name("Things") == "ThingsImpl"


def _signatures(source: str, cls_name: str | None = None) -> dict[str, str]:
    found: dict[str, str] = {}
    for node in ast.parse(source).body:
        if isinstance(node, ast.ClassDef) and (cls_name is None or node.name == cls_name):
            for item in node.body:
                if isinstance(item, ast.AsyncFunctionDef):
                    returns = ast.unparse(item.returns) if item.returns else ""
                    found[f"{node.name}.{item.name}"] = f"({ast.unparse(item.args)}) -> {returns}"
    return found


@pytest.mark.parametrize("stem", ["users", "showcase"])
def test_stub_signatures_are_the_protocol_signatures(stem: str) -> None:
    checked = check_contract(SPECS / f"{stem}.yaml")
    assert checked.spec is not None
    api = api_of(checked.spec, label=f"specs/{stem}.yaml", package=stem)
    stubs = render_stubs(api, f"generated.{stem}")
    interfaces = (ROOT / "generated" / stem / "interfaces.py").read_text(encoding="utf-8")
    for tag in api.tags:
        protocol = _signatures(interfaces, tag.protocol)
        stub = _signatures(stubs[f"{tag.module}.py"], impl_name(tag.protocol))
        assert {k.split(".", 1)[1]: v for k, v in stub.items()} == {
            k.split(".", 1)[1]: v for k, v in protocol.items()
        }


def test_a_second_run_writes_nothing(tmp_path: Path) -> None:
    contract = SPECS / "users.yaml"
    first = scaffold_contract(contract, tmp_path, package="generated.users", label="users")
    assert first.report is not None
    assert sorted(first.report.created) == [
        "__init__.py",
        "admin.py",
        "auth.py",
        "health.py",
        "users.py",
    ]
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    second = scaffold_contract(contract, tmp_path, package="generated.users", label="users")
    assert second.report is not None and not second.report.changed
    assert sorted(second.report.unchanged) == sorted(n for n in before if n != RECORD)
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == before


def test_a_new_tag_gets_its_module_and_a_note_about_init(tmp_path: Path) -> None:
    contract = SPECS / "users.yaml"
    scaffold_contract(contract, tmp_path, package="generated.users", label="users")
    (tmp_path / "health.py").unlink()
    again = scaffold_contract(contract, tmp_path, package="generated.users", label="users")
    assert again.report is not None
    assert again.report.created == ["health.py"]
    assert again.report.notes == [
        "health.py: new tag 'health'; pass health=HealthImpl() to create_service in __init__.py"
    ]


def test_the_command_reports_what_it_did(tmp_path: Path) -> None:
    out = tmp_path / "impl"
    args = ["scaffold", str(SPECS / "users.yaml"), "-o", str(out), "--package", "generated.users"]
    first = CliRunner().invoke(app, args)
    assert first.exit_code == 0, first.output
    assert f"created {out / 'users.py'}" in first.output.splitlines()
    assert first.output.splitlines()[-1] == f"{out}: 5 created, 0 methods added, 0 unchanged"
    users = out / "users.py"
    text = users.read_text(encoding="utf-8")
    start = text.index("    async def delete_user(")
    end = text.index("    async def update_user(")
    users.write_text(text[:start] + text[end:], encoding="utf-8")
    second = CliRunner().invoke(app, args)
    assert second.exit_code == 0, second.output
    assert second.output.splitlines() == [
        f"added to {users}: UsersImpl.delete_user",
        f"{out}: 0 created, 1 method added, 4 unchanged",
    ]


def test_the_command_needs_a_package_it_can_import(tmp_path: Path) -> None:
    args = ["scaffold", str(SPECS / "users.yaml"), "-o", str(tmp_path), "--package", "not-valid"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 2
    assert "pass --package" in result.output


def test_scaffold_writes_the_contract_test_module_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    contract = SPECS / "users.yaml"
    first = scaffold_contract(
        contract, tmp_path / "impl", package="generated.users", label="specs/users.yaml"
    )
    assert first.report is not None and "test_contract.py" in first.report.created
    module = (tmp_path / "impl" / "test_contract.py").read_text()
    ast.parse(module)
    assert "generated.users" in module and "impl:create_app" in module
    (tmp_path / "impl" / "test_contract.py").write_text(module + "\n# my own edits\n")
    second = scaffold_contract(
        contract, tmp_path / "impl", package="generated.users", label="specs/users.yaml"
    )
    assert second.report is not None and "test_contract.py" in second.report.unchanged
    assert (tmp_path / "impl" / "test_contract.py").read_text().endswith("# my own edits\n")
