"""The code-generation suites of bench/run.py: validate and generate, side by side with peers."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
PEER_VENV = HERE / ".venv-peers"
PY = sys.executable

CHILD_VALIDATE_OURS = """
import sys, time
from pathlib import Path
from generator.pipeline import check_contract
t = time.perf_counter(); r = check_contract(Path(sys.argv[1])); d = time.perf_counter() - t
print(d, sum(x.is_error for x in r.diagnostics))
"""
# Every error, as our validate reports every error: the library's `validate()` stops at the
# first one, which on a broken contract (OpenAI's) is no comparison.
CHILD_VALIDATE_OSV = """
import sys, time
from jsonschema_path import SchemaPath
from openapi_spec_validator.readers import read_from_filename
from openapi_spec_validator.shortcuts import get_validator_cls
t = time.perf_counter()
doc, _ = read_from_filename(sys.argv[1])
errors = sum(1 for _ in get_validator_cls(doc)(SchemaPath.from_dict(doc)).iter_errors())
print(time.perf_counter() - t, errors)
"""


def child(code: str, *args: str, python: str = PY) -> tuple[float, str]:
    """Run `code` in a fresh interpreter; returns (wall seconds, stdout). Peak RSS via rusage."""
    start = time.perf_counter()
    out = subprocess.run(
        [python, "-c", code, *args], cwd=ROOT, capture_output=True, text=True, check=False
    )
    return time.perf_counter() - start, out.stdout.strip() or out.stderr.strip()[-300:]


# Runs a command and prints the peak RSS (KiB) of it and its descendants to stderr's last line.
_PEAK = (
    "import resource, subprocess, sys\n"
    "code = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode\n"
    "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr)\n"
    "sys.exit(code)\n"
)


def timed(
    cmd: list[str], cwd: Path = ROOT, env: dict[str, str] | None = None
) -> tuple[float, int, int]:
    """Wall time, exit code and peak RSS (MiB, the command's own) of a command."""
    start = time.perf_counter()
    out = subprocess.run(
        [PY, "-c", _PEAK, *cmd], cwd=cwd, capture_output=True, text=True, check=False, env=env
    )
    elapsed = time.perf_counter() - start
    lines = out.stderr.strip().splitlines()
    peak = int(lines[-1]) // 1024 if lines and lines[-1].isdigit() else -1
    return elapsed, out.returncode, peak


def median(cmd: list[str], runs: int = 5) -> float:
    """The median wall time of a short command (one run of it is mostly noise)."""
    return statistics.median(timed(cmd)[0] for _ in range(runs))


def imports(python: str, statement: str, path: Path) -> str:
    """ "yes", or the last line of the error when `statement` fails with `path` importable."""
    env = {**os.environ, "PYTHONPATH": str(path)}
    out = subprocess.run(
        [python, "-c", statement], cwd=path, capture_output=True, text=True, check=False, env=env
    )
    if out.returncode == 0:
        return "yes"
    return "no: " + ((out.stderr.strip().splitlines() or ["?"])[-1])[:120]


def bench_validate(contracts: list[Path], work: Path) -> list[dict[str, object]]:
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
                "errors_ours": ours.split()[1],
                "errors_osv": osv.split()[1],
                "ratio": round(t_ours / t_osv, 2),
                "target": "<= 1.5",
            }
        )
    return rows


# Cold runs per tool, alternated (ours, fastapi-code-generator, OpenAPI Generator, ours, ...);
# each tool's fastest counts. One cold run of a multi-second command is at the machine's mercy.
COLD_ROUNDS = 2
Run = tuple[float, int, int]  # wall seconds, exit code, peak MiB


def bench_generate(contracts: list[Path], work: Path) -> list[dict[str, object]]:
    """Cold, then unchanged, generation; peers on the same contract. Outputs stay in `work`."""
    rows = []
    specfirst = str(Path(PY).with_name("specfirst"))
    startup = median([specfirst, "--version"])
    fcg = PEER_VENV / "bin" / "fastapi-codegen"
    oag = PEER_VENV / "bin" / "openapi-generator-cli"
    for path in contracts:
        folder = work / path.stem
        ours: list[Run] = []
        theirs: dict[str, list[Run]] = {"fcg": [], "oag": []}
        for round_ in range(COLD_ROUNDS):
            out = folder / _round_name("pkg", round_)
            ours.append(timed([specfirst, "generate", str(path), "-o", str(out)]))
            if fcg.exists():
                theirs["fcg"].append(
                    timed(
                        [str(fcg), "-i", str(path), "-o", str(folder / _round_name("fcg", round_))]
                    )
                )
            if oag.exists():
                theirs["oag"].append(_run_oag(oag, path, folder / _round_name("oag", round_)))
        cold, code, _ = min(ours)
        warm = median([specfirst, "generate", str(path), "-o", str(folder / "pkg")])
        row: dict[str, object] = {
            "contract": path.name,
            "cold_s": round(cold, 2),
            "exit": code,
            "peak_mib": max(run[2] for run in ours),
            "unchanged_s": round(warm, 2),
            "unchanged_vs_startup": round(warm / startup, 2),
        }
        row |= _peer("fcg", theirs["fcg"], cold, "import fcg.main", folder)
        row |= _peer("oag", theirs["oag"], cold, "import openapi_server.main", folder)
        row["targets"] = "fcg/ours >= 3, oag/ours > 1, unchanged <= 1.5"
        rows.append(row)
    return rows


def _round_name(name: str, round_: int) -> str:
    """`pkg`, `pkg1`, ...: the first round's outputs keep the names the start-up suite reads."""
    return f"{name}{round_}" if round_ else name


def _run_oag(oag: Path, path: Path, out: Path) -> Run:
    # Java; its YAML reader refuses files over 3 Mi code points unless told otherwise.
    env = {**os.environ, "JAVA_OPTS": "-DmaxYamlCodePoints=99999999"}
    cmd = [str(oag), "generate", "-g", "python-fastapi", "--skip-validate-spec"]
    return timed([*cmd, "-i", str(path), "-o", str(out)], env=env)


def _peer(
    key: str, runs: list[Run], ours: float, statement: str, folder: Path
) -> dict[str, object]:
    """A peer's columns: its fastest cold run, exit code, peak memory, whether output imports."""
    if not runs:
        return {f"{key}_s": "not installed (bench/peers.sh)"}
    seconds, code, _ = min(runs)
    # The first round's outputs: fastapi-code-generator's package is imported as `fcg`,
    # OpenAPI Generator's as `openapi_server` from `oag/src`.
    where = folder if key == "fcg" else folder / "oag" / "src"
    return {
        f"{key}_s": round(seconds, 2),
        f"{key}_exit": code,
        f"{key}_peak_mib": max(run[2] for run in runs),
        f"{key}_imports": imports(PY, statement, where) if code == 0 else "-",
        f"{key}_vs_ours": round(seconds / ours, 2),
    }
