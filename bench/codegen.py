"""The generation suite of bench/run.py: specfirst generate side by side with its peers."""

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
