"""Validate (issue 23, target 4): `specfirst validate` against openapi-spec-validator, side by side.

    .venv/bin/python bench/run.py --only validate --contracts github,twilio

Both sides list every finding: ours is `check_contract` (load with the pointer->line map,
bundle, the library's checks located, every rule family), the library's is its reader plus
`iter_errors()` (its `validate()` stops at the first error, no comparison on a broken
contract). Each side runs in a fresh interpreter with its modules imported before the clock
starts; PAIRS pairs alternate which side goes first. Per pair: the ratio of CPU time (user +
sys) of the call, the figure the target reads, since wall time on a shared machine measures
the neighbours; the wall-time ratio and the whole process's CPU ratio (imports included, as
a user of the command pays it) stand beside it. The rows give the median and range of each.
"""

from __future__ import annotations

import json
import resource
import statistics
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
PY = sys.executable
PAIRS = 5

OURS = """
import json, sys, time
from pathlib import Path
import generator.spec.load, generator.spec.validate, generator.spec.standard
from generator.pipeline import check_contract
w, c = time.perf_counter(), time.process_time()
result = check_contract(Path(sys.argv[1]))
print(json.dumps({"wall": time.perf_counter() - w, "cpu": time.process_time() - c,
                  "errors": sum(d.is_error for d in result.diagnostics),
                  "findings": len(result.diagnostics)}))
"""
LIBRARY = """
import json, sys, time
from jsonschema_path import SchemaPath
from openapi_spec_validator.readers import read_from_filename
from openapi_spec_validator.shortcuts import get_validator_cls
w, c = time.perf_counter(), time.process_time()
doc, _ = read_from_filename(sys.argv[1])
errors = sum(1 for _ in get_validator_cls(doc)(SchemaPath.from_dict(doc)).iter_errors())
print(json.dumps({"wall": time.perf_counter() - w, "cpu": time.process_time() - c,
                  "errors": errors, "findings": errors}))
"""


def _run(code: str, contract: Path) -> dict[str, float]:
    """One fresh interpreter: the call's wall and CPU time, and the whole process's CPU time."""
    before = _children_cpu()
    out = subprocess.run(
        [PY, "-c", code, str(contract)], cwd=ROOT, capture_output=True, text=True, check=False
    )
    try:
        figures = dict(json.loads(out.stdout.strip().splitlines()[-1]))
    except (ValueError, IndexError):
        raise RuntimeError(out.stderr[-400:]) from None
    figures["process_cpu"] = _children_cpu() - before
    return figures


def _children_cpu() -> float:
    """CPU seconds (user + sys) of every child this process has reaped so far."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def bench_validate(contracts: list[Path], work: Path) -> list[dict[str, object]]:
    """PAIRS alternated pairs per contract; ratios ours / library, median and range."""
    from targets import record

    rows: list[dict[str, object]] = []
    for path in contracts:
        pairs = []
        for n in range(PAIRS):
            order = [("ours", OURS), ("library", LIBRARY)]
            runs = dict(
                (name, _run(code, path)) for name, code in order[:: 1 if n % 2 == 0 else -1]
            )
            pairs.append(runs)
        cpu = [p["ours"]["cpu"] / p["library"]["cpu"] for p in pairs]
        wall = [p["ours"]["wall"] / p["library"]["wall"] for p in pairs]
        whole = [p["ours"]["process_cpu"] / p["library"]["process_cpu"] for p in pairs]
        record("4. validate / openapi-spec-validator", path.stem, cpu)
        rows.append(
            {
                "contract": path.name,
                "ours_cpu_s": _median(p["ours"]["cpu"] for p in pairs),
                "library_cpu_s": _median(p["library"]["cpu"] for p in pairs),
                "ratio_cpu": _median(cpu),
                "ratio_cpu_range": f"{min(cpu):.2f}-{max(cpu):.2f}",
                "ratio_wall": _median(wall),
                "ratio_wall_range": f"{min(wall):.2f}-{max(wall):.2f}",
                "ratio_process_cpu": _median(whole),
                "errors_ours": int(pairs[0]["ours"]["errors"]),
                "errors_library": int(pairs[0]["library"]["errors"]),
                "target": "<= 0.5",
            }
        )
    return rows


def _median(values: object) -> float:
    return round(statistics.median(values), 2)  # type: ignore[call-overload]
