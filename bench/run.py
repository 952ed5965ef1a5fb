"""Benchmarks, measured side by side in one run and printed as ratios (never asserted in tests).

    .venv/bin/python bench/run.py [--only validate,generate] [--contracts github,stripe]

Writes bench/results/latest.md and latest.json. Peers (fastapi-code-generator) run from their
own virtualenv, made by `bench/peers.sh`, because they pin older datamodel-code-generator.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LARGE = ROOT.parent / "shared" / "corpus" / "large"
RESULTS = ROOT / "bench" / "results"
PEER_VENV = ROOT / "bench" / ".venv-peers"
PY = sys.executable

CHILD_VALIDATE_OURS = """
import sys, time
from pathlib import Path
from generator.pipeline import check_contract
t = time.perf_counter(); r = check_contract(Path(sys.argv[1])); d = time.perf_counter() - t
print(d, sum(x.is_error for x in r.diagnostics))
"""
CHILD_VALIDATE_OSV = """
import sys, time
from openapi_spec_validator import validate
from openapi_spec_validator.readers import read_from_filename
t = time.perf_counter()
doc, _ = read_from_filename(sys.argv[1])
try:
    validate(doc); errors = 0
except Exception:
    errors = 1
print(time.perf_counter() - t, errors)
"""


def child(code: str, *args: str, python: str = PY) -> tuple[float, str]:
    """Run `code` in a fresh interpreter; returns (wall seconds, stdout). Peak RSS via rusage."""
    start = time.perf_counter()
    out = subprocess.run(
        [python, "-c", code, *args], cwd=ROOT, capture_output=True, text=True, check=False
    )
    return time.perf_counter() - start, out.stdout.strip() or out.stderr.strip()[-300:]


def timed(
    cmd: list[str], cwd: Path = ROOT, env: dict[str, str] | None = None
) -> tuple[float, int, int]:
    """Wall time, exit code and peak RSS (MiB) of a command."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    code = subprocess.run(cmd, cwd=cwd, capture_output=True, check=False, env=env).returncode
    elapsed = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return elapsed, code, max(peak, before) // 1024


def bench_validate(contracts: list[Path]) -> list[dict[str, object]]:
    rows = []
    for path in contracts:
        _, ours = child(CHILD_VALIDATE_OURS, str(path))
        _, osv = child(CHILD_VALIDATE_OSV, str(path))
        t_ours, t_osv = float(ours.split()[0]), float(osv.split()[0])
        rows.append(
            {
                "contract": path.name,
                "specfirst_s": round(t_ours, 2),
                "osv_s": round(t_osv, 2),
                "ratio": round(t_ours / t_osv, 2),
                "target": "<= 1.5",
            }
        )
    return rows


def bench_generate(contracts: list[Path]) -> list[dict[str, object]]:
    rows = []
    specfirst = str(Path(PY).with_name("specfirst"))
    startup, _, _ = timed([specfirst, "--version"])
    for path in contracts:
        with tempfile.TemporaryDirectory() as tmp:
            out = Path(tmp) / "pkg"
            cold, code, peak = timed([specfirst, "generate", str(path), "-o", str(out)])
            warm, _, _ = timed([specfirst, "generate", str(path), "-o", str(out)])
            row: dict[str, object] = {
                "contract": path.name,
                "cold_s": round(cold, 2),
                "exit": code,
                "peak_mib": peak,
                "unchanged_s": round(warm, 2),
                "unchanged_vs_startup": round(warm / startup, 2),
            }
            peer = PEER_VENV / "bin" / "fastapi-codegen"
            if peer.exists():
                fcg, fcg_code, fcg_peak_mib = timed(
                    [str(peer), "-i", str(path), "-o", str(Path(tmp) / "fcg")]
                )
                row.update(
                    {
                        "fcg_s": round(fcg, 2),
                        "fcg_exit": fcg_code,
                        "fcg_peak_mib": fcg_peak_mib,
                        "fcg_vs_ours": round(fcg / cold, 2),
                    }
                )
            oag = PEER_VENV / "bin" / "openapi-generator-cli"
            if oag.exists():  # Java; its YAML reader refuses files over 3 Mi code points by default
                env = {**os.environ, "JAVA_OPTS": "-DmaxYamlCodePoints=99999999"}
                cmd = [str(oag), "generate", "-g", "python-fastapi", "--skip-validate-spec"]
                oag_s, oag_code, _ = timed(
                    [*cmd, "-i", str(path), "-o", str(Path(tmp) / "oag")], env=env
                )
                row.update(
                    {
                        "oag_s": round(oag_s, 2),
                        "oag_exit": oag_code,
                        "oag_vs_ours": round(oag_s / cold, 2),
                    }
                )
            rows.append(row)
    return rows


def table(title: str, rows: list[dict[str, object]]) -> str:
    if not rows:
        return f"## {title}\n\n(no rows)\n"
    keys = list(rows[0])
    lines = [f"## {title}", "", "| " + " | ".join(keys) + " |", "|" + "---|" * len(keys)]
    lines += ["| " + " | ".join(str(r.get(k, "")) for k in keys) + " |" for r in rows]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--only", default="validate,generate")
    parser.add_argument("--contracts", default="")
    args = parser.parse_args()
    if not LARGE.is_dir():
        sys.exit("../shared/corpus/large is absent")
    wanted = [w for w in args.contracts.split(",") if w]
    contracts = sorted(p for p in LARGE.iterdir() if not wanted or any(w in p.name for w in wanted))
    suites: dict[str, Callable[[list[Path]], list[dict[str, object]]]] = {
        "validate": bench_validate,
        "generate": bench_generate,
    }
    report: dict[str, object] = {
        "machine": platform.platform(),
        "python": platform.python_version(),
    }
    text = ["# specfirst benchmarks", "", f"{report['machine']}, Python {report['python']}", ""]
    for name in args.only.split(","):
        rows = suites[name](contracts)
        report[name] = rows
        text.append(table(name, rows))
        print(text[-1], flush=True)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "latest.md").write_text("\n".join(text), encoding="utf-8")
    (RESULTS / "latest.json").write_text(json.dumps(report, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
