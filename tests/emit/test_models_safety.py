"""models.py is inert under hostile contracts, byte-identical across runs, and lint/type clean."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import tokenize
from pathlib import Path
from typing import Any

import pytest
import yaml
from ruff.__main__ import find_ruff_bin

from generator.emit.models import emit_models
from generator.ir.schemas import plan_models
from tests.emit.models_support import DATA, HEADER, generate, import_source, load_spec

ROOT = Path(__file__).parent.parent.parent
# Characters that hide code from a reviewer (Trojan Source) or end a line early.
FORBIDDEN = [
    "\x00",
    "\r",
    "\u2028",
    "\u2029",
    *map(chr, range(0x202A, 0x202F)),
    *map(chr, range(0x2066, 0x206A)),
]
# The lint rules generated code must pass (generator/format.py applies the same).
RUFF_SELECT = "E,F,W,I,B,UP,SIM,RUF"
RUFF_IGNORE = "E501,RUF001,RUF002,RUF003"


def adversarial(tmp_path: Path) -> str:
    text = (DATA / "adversarial.yaml").read_text(encoding="utf-8")
    return text.replace("CANARY", str(tmp_path / "pwned"))


def test_hostile_contract_yields_inert_models(tmp_path: Path) -> None:
    doc = yaml.safe_load(adversarial(tmp_path))
    plan = plan_models(doc)
    stripped = {key for _, key in plan.stripped}
    assert {
        "x-python-type",
        "x-python-import",
        "customTypePath",
        "customBasePath",
        "default_factory",
        "x-enum-varnames",
    } <= stripped
    source = emit_models(plan, header=HEADER)
    for char in FORBIDDEN:
        assert char not in source, f"raw {char!r} in models.py"
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if "__import__" in token.string or "pwned" in token.string:
            assert token.type == tokenize.STRING, token
    compile(source, "models.py", "exec")
    module = import_source(source, tmp_path)
    assert not list(tmp_path.glob("pwned*")), "a payload ran"
    evil = module.Evil
    values = doc["components"]["schemas"]["Evil"]["properties"]["choice"]["enum"]
    for value in values:  # every hostile enum value is still a valid, unchanged value
        assert evil.model_validate({"choice": value}).model_dump(mode="json")["choice"] == value
    wire = next(iter(doc["components"]["schemas"]["Evil"]["properties"]))
    assert evil.model_validate({wire: "x"}).model_dump(mode="json") == {
        wire: "x",
        "text": evil().text,
        "jinja": evil().jinja,
    }
    assert evil().jinja.startswith("{{ 7*7 }}")  # no template ever re-renders contract text


def test_hostile_contract_imports_cleanly_in_a_fresh_interpreter(tmp_path: Path) -> None:
    source = generate(yaml.safe_load(adversarial(tmp_path)))
    (tmp_path / "models.py").write_text(source, encoding="utf-8")
    env = {**os.environ, "HOME": str(tmp_path), "PYTHONPATH": str(tmp_path)}
    result = subprocess.run(
        [sys.executable, "-W", "error", "-c", "import models"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert not list(tmp_path.glob("pwned*"))


_SCRIPT = """
import sys, yaml
from generator.emit.models import emit_models
from generator.ir.schemas import plan_models
doc = yaml.safe_load(open(sys.argv[1], encoding="utf-8"))
sys.stdout.write(emit_models(plan_models(doc), header="# h"))
"""


@pytest.mark.parametrize("name", ["behaviour.yaml", "operations.yaml"])
def test_output_is_identical_across_hash_seeds(name: str) -> None:
    outputs = set()
    for seed in ("0", "1", "4242"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        result = subprocess.run(
            [sys.executable, "-c", _SCRIPT, str(DATA / name)],
            cwd=ROOT,
            env=env,
            capture_output=True,
            check=True,
        )
        outputs.add(result.stdout)
    assert len(outputs) == 1


def test_generated_models_pass_ruff_and_mypy_strict(tmp_path: Path) -> None:
    names = ["behaviour.yaml", "behaviour31.yaml", "operations.yaml"]
    files = []
    for index, name in enumerate(names):
        path = tmp_path / f"models_{index}.py"
        path.write_text(generate(load_spec(name)), encoding="utf-8")
        files.append(str(path))
    adversarial_path = tmp_path / "models_adversarial.py"
    adversarial_path.write_text(generate(yaml.safe_load(adversarial(tmp_path))), encoding="utf-8")
    files.append(str(adversarial_path))
    ruff = [find_ruff_bin(), "--isolated"]
    common = ["--line-length=100", "--target-version=py311"]
    subprocess.run([*ruff, "format", *common, *files], check=True, capture_output=True)
    lint = subprocess.run(
        [*ruff, "check", *common, f"--select={RUFF_SELECT}", f"--ignore={RUFF_IGNORE}", *files],
        capture_output=True,
        text=True,
        check=False,
    )
    assert lint.returncode == 0, lint.stdout
    mypy = subprocess.run(
        [
            sys.executable,
            "-m",
            "mypy",
            "--strict",
            "--no-incremental",
            "--cache-dir=/dev/null",
            *files,
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert mypy.returncode == 0, mypy.stdout


def _neutralize(node: Any) -> Any:
    """Replace every piece of prose (descriptions, titles, examples) with "x"."""
    if isinstance(node, dict):
        prose = {"description", "title", "summary", "example", "examples"}
        return {k: "x" if k in prose else _neutralize(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_neutralize(v) for v in node]
    return node


def test_prose_never_shapes_the_output(tmp_path: Path) -> None:
    doc = yaml.safe_load(adversarial(tmp_path))
    assert generate(doc) == generate(_neutralize(doc))
