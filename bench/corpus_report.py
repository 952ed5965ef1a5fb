"""Corpus report: every contract of ../shared/corpus through validate, generate, import, serve.

    .venv/bin/python bench/corpus_report.py [--large]

Per contract: validation result and counts, whether generation succeeded, whether the package
imports and `create_app()` starts, the status an unimplemented public operation answers, and
seconds. Writes docs/corpus-report.md. Each contract runs in its own interpreter, so one
contract cannot disturb another and a crash would show as a row, not a stopped report.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus"
OUT = ROOT / "docs" / "corpus-report.md"

PROBE = r"""
import json, sys, time, warnings, importlib
from pathlib import Path
warnings.simplefilter("ignore")
from generator.pipeline import generate_contract
contract, out = Path(sys.argv[1]), Path(sys.argv[2])
row = {"errors": 0, "warnings": 0, "generated": False, "imports": False, "probe": "-", "drift": "-"}
start = time.perf_counter()
result = generate_contract(contract, out / "pkg", label=contract.name)
row["errors"] = sum(d.level.value == "error" for d in result.checked.diagnostics)
row["warnings"] = sum(d.level.value == "warning" for d in result.checked.diagnostics)
first = next((d for d in result.checked.diagnostics if d.is_error), None)
row["first_error"] = f"{first.rule} at {first.location}" if first else ""
if result.report is not None:
    row["generated"] = True
    sys.path.insert(0, str(out))
    from fastapi.testclient import TestClient
    package = importlib.import_module("pkg")
    app = package.create_app()
    row["imports"] = True
    from generator.contract.drift import find_drift
    row["drift"] = sum(d.is_error for d in find_drift(result.checked.spec, app))
    client = TestClient(app, raise_server_exceptions=False)
    document = package.contract.contract()
    for path, item in document.get("paths", {}).items():
        ops = [(m, o) for m, o in item.items() if m in ("get", "delete", "post", "put", "patch")]
        for method, op in ops:
            params = [*item.get("parameters", []), *op.get("parameters", [])]
            if "{" in path or op.get("requestBody") or op.get("security", document.get("security")):
                continue
            if any(p.get("required") or "$ref" in p for p in params):
                continue
            url = package.contract.MOUNT_PREFIX + path
            row["probe"] = f"{method.upper()} {url} -> {client.request(method, url).status_code}"
            break
        if row["probe"] != "-":
            break
row["seconds"] = round(time.perf_counter() - start, 2)
print(json.dumps(row))
"""


def run(contract: Path) -> dict[str, object]:
    with tempfile.TemporaryDirectory() as tmp:
        done = subprocess.run(
            [sys.executable, "-c", PROBE, str(contract), tmp],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
            timeout=600,
        )
    if done.returncode != 0:
        tail = (done.stderr.strip().splitlines() or ["?"])[-1]
        return {"crashed": tail[:120]}
    row: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--large", action="store_true", help="include ../shared/corpus/large")
    args = parser.parse_args()
    folders = ["oai-examples", "real-world"] + (["large"] if args.large else [])
    lines = [
        "# Corpus report",
        "",
        "`bench/corpus_report.py` over `../shared/corpus` (contracts written by others).",
        "",
        "| contract | errors | warnings | generated | imports | drift | unimplemented op answers | s | first error |",
        "|---|---:|---:|---|---|---:|---|---:|---|",
    ]
    totals = {"contracts": 0, "generated": 0, "crashed": 0}
    for folder in folders:
        for contract in sorted((CORPUS / folder).rglob("*")):
            if contract.suffix not in {".yaml", ".yml", ".json"}:
                continue
            started = time.perf_counter()
            row = run(contract)
            totals["contracts"] += 1
            name = f"{folder}/{contract.name}"
            if "crashed" in row:
                totals["crashed"] += 1
                lines.append(
                    f"| {name} | | | CRASH | | | {time.perf_counter() - started:.1f} | {row['crashed']} |"
                )
                continue
            totals["generated"] += bool(row["generated"])
            lines.append(
                f"| {name} | {row['errors']} | {row['warnings']} | {'yes' if row['generated'] else 'no'} "
                f"| {'yes' if row['imports'] else '-'} | {row['drift']} | {row['probe']} | {row['seconds']} "
                f"| {row['first_error']} |"
            )
            print(lines[-1], flush=True)
    lines += [
        "",
        f"{totals['generated']} of {totals['contracts']} contracts generated; {totals['crashed']} crashed.",
        "",
    ]
    OUT.write_text("\n".join(lines), encoding="utf-8")
    print(lines[-2])


if __name__ == "__main__":
    main()
