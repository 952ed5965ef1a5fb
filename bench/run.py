"""specfirst's benchmarks, each measured side by side with its peer in one run, printed as ratios.

    .venv/bin/python bench/run.py                      # every suite, every large contract
    .venv/bin/python bench/run.py --only generate --contracts github,stripe

Suites (`--only`, comma-separated):
  validate   specfirst's load + every rule vs openapi-spec-validator's read + iter_errors,
             alternated pairs in fresh interpreters, CPU-time ratios (bench/validate_speed.py)
  generate   cold and unchanged `specfirst generate` vs fastapi-code-generator and
             OpenAPI Generator's python-fastapi: wall time (the best of two alternated
             cold runs per tool), peak memory, exit code
  startup    a whole process importing the generated package, calling create_app() and
             answering its first request vs `python -c 'import fastapi'` (bench/startup.py)
  routing    in process: a request to the first and to the last route of each contract,
             with the routing index, without it, and in a one-route app
  requests   generated endpoints vs the same endpoints hand-written in FastAPI, under
             uvicorn, driven by wrk (bench/serving.py); JWT overhead
  inprocess  the same endpoints called over bare ASGI in one process (bench/inprocess.py):
             the applications' own cost per request, steadier on a loaded machine
  contract   `specfirst test` against the example services: schemathesis cases per second
  binding    a handler call through the typed routes class vs the string lookup it replaced
  client     the generated client's call vs a hand-written httpx call over 127.0.0.1
  memory     peak memory of generating the largest contract (the current GitHub description
             from npm, cached outside the repository), the app's RSS beside plain FastAPI
             (bench/memory.py)

After the suites, one table puts each issue-23 target beside its figure: the median of the
repeats, their spread (min-max and IQR) and a verdict that reads the spread, not the best run
(bench/targets.py; bench/RESULTS.md, "Reading bench/run.py's targets table").

Contracts are the large ones in ../shared/corpus/large. Peers run from their own virtualenv,
made by `bench/peers.sh` (they pin an older datamodel-code-generator; OpenAPI Generator needs
Java); a suite whose peer is missing says so in its table. Writes bench/results/latest.md and
latest.json. Tests never assert timings: this is where speed is measured.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path[:0] = [str(ROOT), str(HERE)]

import targets  # noqa: E402
from binding import bench_binding  # noqa: E402
from client_overhead import bench_client  # noqa: E402
from codegen import bench_generate  # noqa: E402
from contract_speed import bench_contract  # noqa: E402
from inprocess import bench_inprocess  # noqa: E402
from memory import bench_memory  # noqa: E402
from routing import bench_routing  # noqa: E402
from serving import bench_requests  # noqa: E402
from startup import bench_startup  # noqa: E402
from validate_speed import bench_validate  # noqa: E402

LARGE = ROOT.parent / "shared" / "corpus" / "large"
RESULTS = HERE / "results"
Rows = list[dict[str, object]]
SUITES: dict[str, tuple[str, Callable[[list[Path], Path], Rows]]] = {
    "validate": (
        "Validate: specfirst vs openapi-spec-validator, CPU-time ratio (target <= 0.5)",
        bench_validate,
    ),
    "generate": (
        "Generate: specfirst vs fastapi-code-generator and OpenAPI Generator",
        bench_generate,
    ),
    "startup": (
        "Start-up: whole process (import, create_app(), first request) vs `import fastapi`",
        bench_startup,
    ),
    "routing": (
        "Routing: the last route vs the first and vs a one-route app, in process (target <= 1.2)",
        bench_routing,
    ),
    "requests": (
        "Requests: generated vs hand-written FastAPI under uvicorn + wrk (target ratio >= 1.0)",
        bench_requests,
    ),
    "inprocess": (
        "Requests in process: generated vs hand-written FastAPI over bare ASGI (target >= 1.0)",
        bench_inprocess,
    ),
    "contract": ("Contract tests: schemathesis cases per second", bench_contract),
    "binding": (
        "Binding: typed routes class vs string lookup per request (target old/new >= 1.0)",
        bench_binding,
    ),
    "client": (
        "Client: generated httpx client vs a hand-written httpx call (target overhead < 10 %)",
        bench_client,
    ),
    "memory": (
        "Memory: peak of generating the largest contract; the app's RSS beside plain FastAPI",
        bench_memory,
    ),
}


def table(title: str, rows: Rows) -> str:
    """A markdown table; rows with other keys than the first row's start a new table."""
    if not rows:
        return f"## {title}\n\n(no rows)\n"
    lines = [f"## {title}", ""]
    keys: list[str] = []
    for row in rows:
        if list(row) != keys:
            keys = list(row)
            lines += ["", "| " + " | ".join(keys) + " |", "|" + "---|" * len(keys)]
        lines.append("| " + " | ".join(str(row.get(k, "")) for k in keys) + " |")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--only", default=",".join(SUITES), help="suites, comma-separated")
    parser.add_argument("--contracts", default="", help="name fragments, e.g. github,stripe")
    args = parser.parse_args()
    if not LARGE.is_dir():
        sys.exit("../shared/corpus/large is absent: the benchmarks run on its contracts")
    wanted = [w for w in args.contracts.split(",") if w]
    contracts = sorted(p for p in LARGE.iterdir() if not wanted or any(w in p.name for w in wanted))
    report: dict[str, object] = {
        "machine": platform.platform(),
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "load_average": os.getloadavg(),
    }
    text = [
        "# specfirst benchmarks",
        "",
        f"{report['machine']}, Python {report['python']}, {report['cpus']} CPUs, "
        f"load average at start {', '.join(f'{x:.1f}' for x in os.getloadavg())}. "
        "Ratios are measured side by side in one run; absolute times drift with the load.",
        "",
    ]
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="specfirst-bench-") as tmp:
        for name in args.only.split(","):
            title, suite = SUITES[name]
            print(f"== {name}", flush=True)
            rows = suite(contracts, Path(tmp))
            report[name] = rows
            text.append(table(title, rows))
            print(text[-1], flush=True)
    text.append(targets.table())
    print(text[-1], flush=True)
    report["targets"] = targets.recorded()
    text.append(f"(whole run {time.perf_counter() - started:.0f} s)\n")
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "latest.md").write_text("\n".join(text), encoding="utf-8")
    (RESULTS / "latest.json").write_text(json.dumps(report, indent=2), encoding="utf-8")
    print(f"written: {RESULTS / 'latest.md'}, {RESULTS / 'latest.json'}")


if __name__ == "__main__":
    main()
