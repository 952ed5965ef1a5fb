"""The hostile contract (tests/hostile) generates a client that is safe, typed and imports."""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
from pathlib import Path

from generator.pipeline import generate_contract
from tests.hostile.test_hostile_contract import hostile_contract


def test_hostile_contract_generates_a_safe_typed_client(tmp_path: Path) -> None:
    canary = tmp_path / "CANARY"
    contract = tmp_path / "contracts" / "hostile.json"
    contract.parent.mkdir()
    contract.write_text(json.dumps(hostile_contract(canary)), encoding="utf-8")
    out = tmp_path / "build" / "hostile_pkg"
    result = generate_contract(contract, out, label="contracts/hostile.json", client=True)
    assert result.client_report is not None
    client = out.parent / "hostile_pkg_client"
    written = {p for p in tmp_path.rglob("*") if p.is_file()}
    assert all(p.is_relative_to(out) or p.is_relative_to(client) or p == contract for p in written)
    for path in client.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        ast.parse(text)
        assert "\x00" not in text and "\u202e" not in text and "\u2028" not in text, path
    checked = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", "hostile_pkg_client"],
        cwd=out.parent,
        capture_output=True,
        text=True,
        check=False,
    )
    assert checked.returncode == 0, checked.stdout[-3000:]
    script = (
        "import httpx, hostile_pkg_client as c\n"
        "seen = []\n"
        "def answer(request):\n"
        "    seen.append(request)\n"
        "    return httpx.Response(599)\n"
        "http = httpx.Client(base_url='http://test', transport=httpx.MockTransport(answer))\n"
        "client = c.Client(http=http, retry=c.NO_RETRY)\n"
        "for name in dir(client):\n"
        "    method = getattr(client, name)\n"
        "    if name.startswith('get') and callable(method):\n"
        "        try:\n"
        "            method(item_id=1)\n"
        "        except (c.UnexpectedStatus, TypeError):\n"
        "            pass\n"
        "print(len(seen))\n"
    )
    run = subprocess.run(
        [sys.executable, "-c", script],
        cwd=out.parent,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "PYTHONPATH": str(out.parent)},
    )
    assert run.returncode == 0, run.stderr[-3000:]
    assert int(run.stdout) >= 1
    assert not list(tmp_path.glob("CANARY*")), "a payload ran"
