"""Start-up: a whole process that imports a generated package, calls `create_app()` and answers
its first request, against `python -c 'import fastapi'` as the floor.

    .venv/bin/python bench/run.py --only startup --contracts github,stripe
    .venv/bin/python bench/startup.py /tmp/main/github /tmp/mine/github   # side by side

Each contract's package (generated into the work folder, or left there by the generate suite)
starts in fresh interpreters, alternating with the floor, REPEATS times each; the ratio is
taken per pair and reported as the median with its range, beside the median wall times and
the CPU time (user + sys) of the processes, which a loaded machine disturbs far less than the
wall clock. The child also times two requests over bare ASGI: a 404 (every route refused) and
one to the contract's first operation (validated, then 501: nothing implements it), and
reports its peak resident memory beside the floor's. Targets (issue 23): GitHub <= 1.0 s,
Stripe <= 1.5 s, the whole process.

Given folders (each holding a generated `pkg/`), it alternates the floor and every folder in
one loop instead, so two generations of the same contract are compared side by side.

`bench_startup()` is a suite of bench/run.py.
"""

from __future__ import annotations

import json
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import targets

PY = sys.executable
REPEATS = 5
TARGETS = {"github": 1.0, "stripe": 1.5}  # seconds, whole process, by contract name fragment

CHILD = """
import asyncio, json, sys, time
t0 = time.perf_counter()
import {pkg}
app = {pkg}.create_app()
created = time.perf_counter() - t0


async def request(method, path):
    scope = {{"type": "http", "asgi": {{"version": "3.0"}}, "http_version": "1.1",
              "method": method, "scheme": "http", "path": path, "raw_path": path.encode(),
              "root_path": "", "query_string": b"", "headers": [], "server": ("x", 80),
              "client": ("127.0.0.1", 1), "state": {{}}}}
    sent = []

    async def receive():
        return {{"type": "http.request", "body": b"", "more_body": False}}

    async def send(message):
        sent.append(message)

    t = time.perf_counter()
    await app(scope, receive, send)
    return sent[0]["status"], time.perf_counter() - t


first = next(r for r in app.router.routes if getattr(r, "operation", None) is not None)
path = first.path.replace("{{", "").replace("}}", "")
missing = asyncio.run(request("GET", "/__bench_missing__"))
operation = asyncio.run(request(sorted(first.methods)[0], path))
print(json.dumps({{"created": created, "missing": missing, "operation": operation,
                  "routes": len(app.router.routes),
                  "rss_mib": {rss}}}))
"""
# Peak resident memory of this process (VmHWM: ru_maxrss survives exec, so a child would
# report its parent's peak).
RSS = "int(next(x for x in open('/proc/self/status') if x.startswith('VmHWM')).split()[1]) / 1024"
FLOOR = f"import fastapi; print({RSS})"


def _timed(code: str, cwd: Path) -> tuple[float, float, str]:
    """Wall and CPU time (user + sys) of a fresh interpreter running `code`, and its stdout."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    out = subprocess.run([PY, "-c", code], cwd=cwd, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    if out.returncode != 0:
        raise RuntimeError((out.stderr.strip().splitlines() or ["failed"])[-1][:200])
    return wall, cpu, out.stdout


def _target(name: str) -> float | None:
    return next((s for fragment, s in TARGETS.items() if fragment in name), None)


def _spread(values: list[float]) -> str:
    return f"{min(values):.2f}-{max(values):.2f}"


def measure_all(sides: dict[str, Path]) -> dict[str, dict[str, object]]:
    """REPEATS rounds, each starting the floor and every side's `pkg` once (the order turning
    round every other time): per side, its rows' figures against the floor of its round."""
    code = CHILD.format(pkg="pkg", rss=RSS)
    for folder in sides.values():
        # A deployed package has its bytecode (pip writes it; PYTHONDONTWRITEBYTECODE may be
        # set here): compile it first, or every start would compile the sources again.
        subprocess.run([PY, "-m", "compileall", "-q", str(folder / "pkg")], check=True)
        _timed(code, folder)
    runs: dict[str, list[tuple[float, float]]] = {"floor": [], **{k: [] for k in sides}}
    details: dict[str, list[dict[str, Any]]] = {k: [] for k in sides}
    floor_rss = 0.0
    order = ["floor", *sides]
    for i in range(REPEATS):
        for side in order if i % 2 == 0 else order[::-1]:
            folder = sides.get(side, Path.cwd())
            wall, cpu, out = _timed(FLOOR if side == "floor" else code, folder)
            runs[side].append((wall, cpu))
            if side == "floor":
                floor_rss = float(out)
            else:
                details[side].append(json.loads(out))
    floors = runs["floor"]
    rows: dict[str, dict[str, object]] = {}
    for side in sides:
        walls = [w for w, _ in runs[side]]
        cpus = [c for _, c in runs[side]]
        ratios = [w / f[0] for (w, _), f in zip(runs[side], floors, strict=True)]
        cpu_ratios = [c / f[1] for (_, c), f in zip(runs[side], floors, strict=True)]
        last = details[side][-1]
        rows[side] = {
            "routes": last["routes"],
            "ours_s": round(statistics.median(walls), 2),
            "ours_range": _spread(walls),
            "cpu_s": round(statistics.median(cpus), 2),
            "cpu_range": _spread(cpus),
            "floor_s": round(statistics.median(w for w, _ in floors), 2),
            "floor_cpu_s": round(statistics.median(c for _, c in floors), 2),
            "ratio": round(statistics.median(ratios), 2),
            "ratio_range": _spread(ratios),
            "cpu_ratio": round(statistics.median(cpu_ratios), 2),
            "cpu_ratio_range": _spread(cpu_ratios),
            "in_process_s": round(statistics.median(d["created"] for d in details[side]), 2),
            "404_ms": round(statistics.median(d["missing"][1] for d in details[side]) * 1000, 1),
            "first_op_ms": round(
                statistics.median(d["operation"][1] for d in details[side]) * 1000, 1
            ),
            "first_op_status": last["operation"][0],
            "rss_mib": round(last["rss_mib"]),
            "floor_rss_mib": round(floor_rss),
            "samples": walls,
        }
    return rows


def measure(name: str, folder: Path, package: str) -> dict[str, object]:
    """One contract's row: REPEATS alternated pairs of (floor, ours), the target beside."""
    assert package == "pkg", "the child imports `pkg`"
    row = measure_all({name: folder})[name]
    walls = row.pop("samples")
    target = _target(name)
    for fragment, label in (("github", "GitHub"), ("stripe", "Stripe")):
        if fragment in name:
            targets.record(f"2. start-up, {label} (s)", name, list(walls), "s")  # type: ignore[arg-type]
    met = "-" if target is None else ("yes" if float(str(row["ours_s"])) <= target else "no")
    return {"contract": name, "target": f"<= {target} s" if target else "-", "met": met, **row}


def bench_startup(contracts: list[Path], work: Path) -> list[dict[str, object]]:
    """Whole-process start-up of each contract's package vs `import fastapi`."""
    from generator.pipeline import generate_contract

    rows: list[dict[str, object]] = []
    for contract in contracts:
        folder = work / contract.stem
        if not (folder / "pkg" / "__init__.py").is_file():
            generate_contract(contract, folder / "pkg", label=contract.name)
        if not (folder / "pkg" / "__init__.py").is_file():
            rows.append({"contract": contract.name, "ours_s": "does not generate"})
            continue
        try:
            rows.append(measure(contract.name, folder, "pkg"))
        except RuntimeError as failed:
            rows.append({"contract": contract.name, "ours_s": f"fails: {failed}"})
    return rows


if __name__ == "__main__":
    sides = {folder: Path(folder) for folder in sys.argv[1:]}
    if not sides:
        sys.exit(f"usage: {sys.argv[0]} FOLDER [FOLDER...] (each holding a generated pkg/)")
    for side, row in measure_all(sides).items():
        row.pop("samples")
        print(side, json.dumps(row), flush=True)
