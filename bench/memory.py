"""Memory (issue 23, target 5): peak memory of a whole generation, and the generated app's
resident memory after start-up beside a plain FastAPI app with the same routes and models.

    .venv/bin/python bench/run.py --only memory

The contract is the largest we can get: the current GitHub description from the npm package
`@octokit/openapi` (about 13 MB, 1,200 operations), fetched with `npm pack` into a cache folder
outside the repository (`$SPECFIRST_BENCH_CACHE`, default `~/.cache/specfirst-bench`), never
committed; without npm or the network, the corpus's 2022 GitHub file stands in, and the row
says which ran.

Peak of the generation: `specfirst generate` runs as a child while a sampler reads, every
20 ms, the resident memory of the child and of every process below it (the model stage forks
a worker), and keeps the largest total: the sum of RSS (a page shared after the fork counts
once per process, so this errs high) and the sum of PSS (shared pages split between their
processes: the memory actually in use). REPEATS runs give the spread.

The app after start-up: a fresh interpreter imports the generated package, calls
`create_app()`, answers one request, then reports its RSS. The plain equivalent
(`PLAIN_APP`) is what a hand-written service on FastAPI would hold for the same contract: the
same routes (path and method), each a plain `async def` returning a dict, and the same
pydantic models (the package's own models.py imported), without our runtime (wire
validation, routing index, typed results). It answers the same request.
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
PY = sys.executable
REPEATS = 3
TARGET_MIB = 250
NPM_PACKAGE = "@octokit/openapi"
MEMBER = "package/generated/api.github.com.json"
FALLBACK = ROOT.parent / "shared" / "corpus" / "large" / "github-api.github.com-2022-06.json"
CACHE = Path(os.environ.get("SPECFIRST_BENCH_CACHE", Path.home() / ".cache" / "specfirst-bench"))


def largest_contract() -> tuple[Path, str]:
    """The current GitHub description (fetched once into the cache) or the corpus's 2022 one."""
    cached = CACHE / "api.github.com.json"
    if cached.is_file():
        return cached, _label(cached)
    npm = shutil.which("npm")
    if npm is not None:
        try:
            CACHE.mkdir(parents=True, exist_ok=True)
            with tempfile.TemporaryDirectory(dir=CACHE) as tmp:
                subprocess.run(
                    [npm, "pack", NPM_PACKAGE, "--silent"],
                    cwd=tmp,
                    check=True,
                    timeout=300,
                    capture_output=True,
                )
                tarball = next(Path(tmp).glob("*.tgz"))
                subprocess.run(
                    ["tar", "xzf", tarball.name, MEMBER], cwd=tmp, check=True, timeout=120
                )
                version = tarball.stem.rsplit("-", 1)[-1]
                (Path(tmp) / MEMBER).replace(cached)
                (CACHE / "api.github.com.version").write_text(version, encoding="utf-8")
            return cached, _label(cached)
        except (OSError, subprocess.SubprocessError, StopIteration):
            pass
    return FALLBACK, "corpus GitHub 2022-06 (the npm package was unavailable)"


def _label(path: Path) -> str:
    version = path.with_suffix(".version")
    tag = version.read_text(encoding="utf-8").strip() if version.is_file() else "?"
    return f"{NPM_PACKAGE} {tag}, {path.stat().st_size / 1e6:.1f} MB"


def _tree(pid: int) -> list[int]:
    """`pid` and every process below it (Linux /proc)."""
    found, stack = [], [pid]
    while stack:
        current = stack.pop()
        found.append(current)
        for task in Path(f"/proc/{current}/task").glob("*"):
            try:
                stack.extend(int(c) for c in (task / "children").read_text().split())
            except OSError:
                continue
    return found


def _memory(pid: int) -> tuple[int, int]:
    """(RSS, PSS) of one process in KiB; zeros once it has gone."""
    try:
        rss = pss = 0
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Rss:"):
                rss = int(line.split()[1])
            elif line.startswith("Pss:"):
                pss = int(line.split()[1])
        return rss, pss
    except (OSError, ValueError):
        return 0, 0


def sampled_peak(cmd: list[str], cwd: Path = ROOT) -> dict[str, object]:
    """Run `cmd`; the largest total RSS and PSS of its process tree, and its wall time."""
    start = time.perf_counter()
    process = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak = {"rss": 0, "pss": 0, "processes": 1}
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            pids = _tree(process.pid)
            sizes = [_memory(p) for p in pids]
            peak["rss"] = max(peak["rss"], sum(s[0] for s in sizes))
            peak["pss"] = max(peak["pss"], sum(s[1] for s in sizes))
            peak["processes"] = max(peak["processes"], len(pids))
            done.wait(0.02)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, err = process.communicate()
    done.set()
    sampler.join()
    return {
        "wall_s": round(time.perf_counter() - start, 1),
        "exit": process.returncode,
        "rss_mib": peak["rss"] // 1024,
        "pss_mib": peak["pss"] // 1024,
        "processes": peak["processes"],
        "stderr": err.decode(errors="replace").strip().splitlines()[-1:] if err else [],
    }


APP = """
import asyncio, json, sys
sys.path.insert(0, sys.argv[1])
{body}
scope = {{"type": "http", "asgi": {{"version": "3.0"}}, "http_version": "1.1", "method": "GET",
          "scheme": "http", "path": "/__missing__", "raw_path": b"/__missing__", "root_path": "",
          "query_string": b"", "headers": [], "server": ("x", 80), "client": ("127.0.0.1", 1),
          "state": {{}}}}
sent = []
async def receive():
    return {{"type": "http.request", "body": b"", "more_body": False}}
async def send(message):
    sent.append(message)
asyncio.run(app(scope, receive, send))
status = {{l.split(":")[0]: int(l.split()[1]) for l in open("/proc/self/status")
           if l.startswith(("VmRSS", "VmHWM"))}}
print(json.dumps({{"status": sent[0]["status"], "routes": len(app.router.routes),
                  "rss_mib": status["VmRSS"] // 1024, "peak_mib": status["VmHWM"] // 1024}}))
"""
GENERATED_APP = "import {pkg}\napp = {pkg}.create_app()"
# The same routes and models on plain FastAPI: what a hand-written service would hold.
PLAIN_APP = """
import json
import fastapi
import {pkg}.models
spec = json.load(open(sys.argv[1] + "/{pkg}/openapi.json"))
app = fastapi.FastAPI(title=spec["info"]["title"])
def handler():
    async def endpoint() -> dict:
        return {{}}
    return endpoint
methods = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
for path, item in spec.get("paths", {{}}).items():
    for method, operation in item.items():
        if method in methods:
            app.add_api_route(path, handler(), methods=[method.upper()],
                              operation_id=operation.get("operationId"))
"""


def _app(code: str, folder: Path) -> dict[str, object]:
    out = subprocess.run(
        [PY, "-c", code, str(folder)], cwd=folder, capture_output=True, text=True, check=False
    )
    try:
        return dict(json.loads(out.stdout.strip().splitlines()[-1]))
    except (ValueError, IndexError):
        return {"error": (out.stderr.strip().splitlines() or ["?"])[-1][:160]}


def bench_memory(contracts: list[Path], work: Path) -> list[dict[str, object]]:
    """Peak memory of generating the largest contract; the app's RSS beside a plain app."""
    from targets import record

    contract, label = largest_contract()
    specfirst = str(Path(PY).with_name("specfirst"))
    runs = []
    for n in range(REPEATS):
        out = work / f"memory{n}"
        shutil.rmtree(out, ignore_errors=True)
        runs.append(sampled_peak([specfirst, "generate", str(contract), "-o", str(out / "pkg")]))
    peaks = [int(str(r["rss_mib"])) for r in runs]
    record("5. peak memory, generation", contract.stem, [float(p) for p in peaks], "MiB")
    rows: list[dict[str, object]] = [
        {
            "contract": label,
            "peak_rss_mib": statistics.median(peaks),
            "rss_range": f"{min(peaks)}-{max(peaks)}",
            "peak_pss_mib": statistics.median(int(str(r["pss_mib"])) for r in runs),
            "processes": max(int(str(r["processes"])) for r in runs),
            "wall_s": statistics.median(float(str(r["wall_s"])) for r in runs),
            "exit": runs[0]["exit"],
            "target": f"<= {TARGET_MIB} MiB",
        }
    ]
    folder = work / "memory0"
    if (folder / "pkg" / "app.py").is_file():
        pkg = "pkg"
        generated = _app(APP.format(body=GENERATED_APP.format(pkg=pkg)), folder)
        plain = _app(APP.format(body=PLAIN_APP.format(pkg=pkg)), folder)
        rows.append({"app": "generated (create_app + one request)", **generated})
        rows.append({"app": "plain FastAPI, same routes and models", **plain})
    return rows
