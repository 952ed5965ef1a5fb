"""Start-up: a whole process that imports a generated package, calls `create_app()` and answers
its first request, against `python -c 'import fastapi'` as the floor.

    .venv/bin/python bench/run.py --only startup --contracts github,stripe

Each contract's package (generated into the work folder, or left there by the generate suite)
starts in fresh interpreters, alternating with the floor, REPEATS times each; the ratio is
taken per pair and reported as the median with its range, beside the median wall times. The
child also times two requests over bare ASGI: a 404 (every route refused) and one to the
contract's first operation (validated, then 501: nothing implements it), and reports its peak
resident memory beside the floor's. Targets (issue 23): GitHub <= 1.0 s, Stripe <= 1.5 s.

`bench_startup()` is a suite of bench/run.py.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

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


def _timed(code: str, cwd: Path) -> tuple[float, str]:
    """Wall time of a fresh interpreter running `code`, and its stdout (raises on failure)."""
    start = time.perf_counter()
    out = subprocess.run([PY, "-c", code], cwd=cwd, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - start
    if out.returncode != 0:
        raise RuntimeError((out.stderr.strip().splitlines() or ["failed"])[-1][:200])
    return wall, out.stdout


def _target(name: str) -> float | None:
    return next((s for fragment, s in TARGETS.items() if fragment in name), None)


def measure(name: str, folder: Path, package: str) -> dict[str, object]:
    """One contract's row: REPEATS alternated pairs of (floor, ours)."""
    code = CHILD.format(pkg=package, rss=RSS)
    # A deployed package has its bytecode (pip writes it; PYTHONDONTWRITEBYTECODE may be set
    # here): compile it first, or every start would compile the sources again.
    subprocess.run([PY, "-m", "compileall", "-q", str(folder / package)], check=True)
    _timed(code, folder)
    floors, ours, ratios, details = [], [], [], []
    for i in range(REPEATS):
        pair: dict[str, float] = {}
        for side in ("floor", "ours") if i % 2 == 0 else ("ours", "floor"):
            wall, out = _timed(FLOOR if side == "floor" else code, folder)
            pair[side] = wall
            if side == "ours":
                details.append(json.loads(out))
            else:
                floor_rss = float(out)
        floors.append(pair["floor"])
        ours.append(pair["ours"])
        ratios.append(pair["ours"] / pair["floor"])
    last = details[-1]
    target = _target(name)
    return {
        "contract": name,
        "routes": last["routes"],
        "ours_s": round(statistics.median(ours), 2),
        "ours_range": f"{min(ours):.2f}-{max(ours):.2f}",
        "floor_s": round(statistics.median(floors), 2),
        "ratio": round(statistics.median(ratios), 2),
        "ratio_range": f"{min(ratios):.2f}-{max(ratios):.2f}",
        "target": f"<= {target} s" if target else "-",
        "in_process_s": round(statistics.median(d["created"] for d in details), 2),
        "404_ms": round(statistics.median(d["missing"][1] for d in details) * 1000, 1),
        "first_op_ms": round(statistics.median(d["operation"][1] for d in details) * 1000, 1),
        "first_op_status": last["operation"][0],
        "rss_mib": round(last["rss_mib"]),
        "floor_rss_mib": round(floor_rss),
    }


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
