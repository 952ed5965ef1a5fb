"""Fidelity: does the running service honour its contract? Schemathesis against the corpus.

    PYTHONPATH=$PWD .venv/bin/python bench/fidelity.py                  # every non-large contract, mock and stub
    PYTHONPATH=$PWD .venv/bin/python bench/fidelity.py --only petstore xkcd --target mock --seed 7
    PYTHONPATH=$PWD .venv/bin/python bench/fidelity.py --reclassify bench/results/fidelity.json

For every selected contract of ../shared/corpus that generates, and for each target (`mock`:
`specfirst serve --mock`; `stub`: `specfirst serve`, every operation 501 after auth and
validation), a probe (bench/fidelity_probe.py, a process session of its own) starts the
service on a free port with test credentials in its settings, runs schemathesis through
specfirst's contract runner (every check, every phase, positive and negative data), and
always stops the service. Each unique failure is then classed (bench/fidelity_classify.py):
`unimplemented` (the stub's 501, by design), `contract` (explained by a `specfirst validate`
finding in the failing operation) or `runtime` (ours to fix). On the stub a 501 does not count
as invalid data rejected, so validation gaps show there too. `--reclassify` classes a saved
run again (after validate learns a rule) without running schemathesis.

Credentials, per security scheme kind (generator/contract/credentials.py, as `specfirst test`):
HTTP bearer, OAuth2 and OpenID Connect get an HS256 JWT minted per request with the scopes
the operation names (the service gets the secret, issuer and audience); API keys (header,
query or cookie) a random key per identity (the service gets its SHA-256); HTTP basic a random
user and password (the service gets its hash). Other kinds (mutual TLS, digest, other HTTP
schemes) and requirements two schemes cannot meet together (both in `Authorization`) are
sent without credentials; such operations are counted in the `notes` column. Curl lines show
credentials as `[Filtered]` (schemathesis); `specfirst token` mints one for a replay.

Writes bench/results/fidelity.json (every failure with its class, message and curl line) and
bench/results/fidelity.md (the tables); `--out` changes the stem.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import signal
import sys
import tempfile
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from pathlib import Path
from types import FrameType
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path[:0] = [str(ROOT), str(HERE)]

from fidelity_classify import CONTRACT, RUNTIME, classify, explaining_rules  # noqa: E402
from fidelity_report import by_check, class_counts, table, write_reports  # noqa: E402
from fidelity_sessions import Processes, Stopped  # noqa: E402

from generator.contract.options import PHASES  # noqa: E402
from generator.naming import snake_name  # noqa: E402

CORPUS = ROOT.parent / "shared" / "corpus"
FOLDERS = ("oai-examples", "real-world")
PROBE = HERE / "fidelity_probe.py"
RESULTS = HERE / "results"
TARGETS = ("mock", "stub")
Row = dict[str, Any]


def discover(large: bool, only: Sequence[str]) -> list[Path]:
    """Corpus contracts, by folder then name; `only` keeps those whose path contains a fragment."""
    folders = [*FOLDERS, "large"] if large else list(FOLDERS)
    found = [
        path
        for folder in folders
        for path in sorted((CORPUS / folder).rglob("*"))
        if path.suffix in {".yaml", ".yml", ".json"}
    ]
    return [p for p in found if not only or any(w in str(p.relative_to(CORPUS)) for w in only)]


def _tail(log: Path, lines: int = 1) -> str:
    text = log.read_text(encoding="utf-8", errors="replace").strip().splitlines()
    errors = [line for line in text if "error[" in line or "Error" in line]
    return " / ".join((errors or text)[-lines:])[:300]


def prepare(contract: Path, work: Path, procs: Processes) -> tuple[str, list[Any]] | str:
    """Generate the package and read `specfirst validate`'s findings; or why generation failed."""
    package = snake_name(f"fid {contract.stem}", reserved=frozenset())
    log = work / "generate.log"
    python = [sys.executable, "-m", "generator"]
    code = procs.run([*python, "generate", str(contract), "-o", str(work / package)], 900, log)
    if code != 0:
        return f"not generated: {_tail(log)}" if code is not None else "generation timed out"
    diagnostics = validate(contract, work, procs)
    return (package, diagnostics) if isinstance(diagnostics, list) else diagnostics


def validate(contract: Path, work: Path, procs: Processes) -> list[Any] | str:
    """The findings of `specfirst validate --format json CONTRACT`, or why there are none."""
    found = work / "validate.json"
    found.unlink(missing_ok=True)
    command = [sys.executable, "-m", "generator", "validate", "--format", "json", str(contract)]
    procs.run(command, 300, found)
    try:
        report = json.loads(found.read_text(encoding="utf-8"))
    except ValueError:
        return f"validate --format json gave no JSON: {_tail(found)}"
    diagnostics: list[Any] = report["contracts"][0]["diagnostics"]
    return diagnostics


def probe(job: dict[str, Any], work: Path, procs: Processes) -> dict[str, Any]:
    """Run one probe; its result, or why there is none."""
    job_file = work / f"{job['target']}.job.json"
    job_file.write_text(json.dumps(job), encoding="utf-8")
    log = work / f"{job['target']}.probe.log"
    hard_limit = job["budget"] + 180  # start-up, loading, schemathesis finishing its report
    code = procs.run([sys.executable, str(PROBE), str(job_file)], hard_limit, log)
    out = Path(job["out"])
    if out.is_file():
        result: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
        return result
    reason = f"killed after {hard_limit:.0f} s" if code is None else f"exit {code}"
    return {"error": f"the probe gave no result ({reason}): {_tail(log, 3)}"}


def notes(result: dict[str, Any]) -> list[str]:
    """What a reader must know to trust a row: credentials, refusals, cut-short runs."""
    found = []
    credentials = result.get("credentials") or {}
    if credentials.get("unsatisfied"):
        kinds = sorted(set(credentials["schemes"].values()))
        found.append(
            f"{len(credentials['unsatisfied'])} ops sent without usable credentials ({', '.join(kinds)})"
        )
    refused = [
        op
        for op, seen in (result.get("statuses") or {}).items()
        if seen.get("401") and set(seen) <= {"401", "400", "422", "405", "415"}
    ]
    if refused and credentials.get("secured"):
        # refused credentials, or a request no valid case could be built for
        found.append(f"{len(refused)} ops only ever answered 400/401/405/415/422")
    if result.get("stop_reason", "completed") != "completed":
        found.append(f"stopped: {result['stop_reason']}")
    if result.get("problems"):
        found.append(f"{len(result['problems'])} schemathesis errors")
    if result.get("error"):
        found.append(str(result["error"]).strip().splitlines()[0][:200])
    return found


def assemble(name: str, target: str, result: dict[str, Any], diagnostics: list[Any]) -> Row:
    """One table row: the probe's result with every failure classed."""
    failures = []
    for failure in result.get("failures", []):
        for stale in ("class", "explained_by", "awaiting"):  # a saved run classed again
            failure.pop(stale, None)
        scopes = result.get("scopes", {}).get(failure["operation"], {})
        kind, explained = classify(failure, target, scopes, diagnostics)
        failure["class"] = kind
        if kind == CONTRACT and explained is not None:
            failure["explained_by"] = {
                key: explained.get(key) for key in ("rule", "pointer", "line", "message")
            }
        elif kind == RUNTIME and (rules := explaining_rules(failure, pending=True)):
            failure["awaiting"] = sorted(rules)  # contract, once validate reports these
        failures.append(failure)
    state = "tested" if "cases" in result else "not tested"
    return {
        "contract": name,
        "target": target,
        "state": state,
        **result,
        "failures": failures,
        "notes": notes(result),
    }


def run_contract(
    contract: Path, args: argparse.Namespace, seed: int, root: Path, procs: Processes
) -> list[Row]:
    """Every row of one contract: one per target, or one saying why it was not tested."""
    name = str(contract.relative_to(CORPUS))
    work = root / snake_name(name, reserved=frozenset())
    work.mkdir()
    started = time.monotonic()
    prepared = prepare(contract, work, procs)
    if isinstance(prepared, str):
        seconds = round(time.monotonic() - started, 1)
        return [{"contract": name, "target": "-", "state": prepared, "seconds": seconds}]
    package, diagnostics = prepared
    rows = []
    for target in args.targets:
        job = {
            "contract": str(contract),
            "package": package,
            "package_dir": str(work),
            "target": target,
            "max_examples": args.max_examples,
            "seed": seed,
            "workers": args.workers,
            "phases": args.phases,
            "budget": args.budget,
            "out": str(work / f"{target}.result.json"),
            "log": str(work / f"{target}.service.log"),
        }
        started = time.monotonic()
        row = assemble(name, target, probe(job, work, procs), diagnostics)
        row["seconds"] = round(time.monotonic() - started, 1)
        rows.append(row)
    return rows


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--only",
        nargs="+",
        default=[],
        metavar="NAME",
        help="contracts whose corpus path contains NAME",
    )
    parser.add_argument("--large", dest="large", action="store_true", help="include corpus/large")
    parser.add_argument(
        "--skip-large", dest="large", action="store_false", help="leave corpus/large out (default)"
    )
    parser.add_argument(
        "--max-examples", type=int, default=20, help="per operation and phase (default 20)"
    )
    parser.add_argument(
        "--seed", type=int, default=None, help="default: random, printed for a rerun"
    )
    parser.add_argument("--target", choices=("mock", "stub", "both"), default="both")
    parser.add_argument(
        "--phases", default=",".join(PHASES), help="comma-separated schemathesis phases"
    )
    parser.add_argument(
        "--workers", default="1", help="schemathesis workers per run: a number or 'auto'"
    )
    parser.add_argument("--jobs", type=int, default=1, help="contracts tested at once (default 1)")
    parser.add_argument(
        "--budget", type=float, default=300.0, help="seconds of testing per contract and target"
    )
    parser.add_argument(
        "--reclassify",
        type=Path,
        metavar="JSON",
        help="class a saved run's failures again (validate runs again, schemathesis does not)",
    )
    parser.add_argument(
        "--out", type=Path, default=RESULTS / "fidelity", help="report stem (.json, .md)"
    )
    args = parser.parse_args(argv)
    args.targets = TARGETS if args.target == "both" else (args.target,)
    args.phases = [p.strip() for p in args.phases.split(",") if p.strip()]
    if unknown := set(args.phases) - set(PHASES):
        parser.error(f"unknown phases {sorted(unknown)} (known: {', '.join(PHASES)})")
    args.workers = args.workers if args.workers == "auto" else int(args.workers)
    return args


def run_all(contracts: list[Path], args: argparse.Namespace, seed: int) -> tuple[list[Row], bool]:
    """Every row of every contract (printed as each contract finishes); and if interrupted."""
    procs, rows, interrupted = Processes(ROOT), [], False
    with tempfile.TemporaryDirectory(prefix="specfirst-fidelity-") as tmp:
        pool = ThreadPoolExecutor(max(1, args.jobs))
        futures = [
            pool.submit(run_contract, contract, args, seed, Path(tmp), procs)
            for contract in contracts
        ]
        try:
            for future in as_completed(futures):
                try:
                    done = future.result()
                except Stopped:
                    continue
                rows.extend(done)
                for line in table(done)[2:-1]:
                    print(line, flush=True)
        except KeyboardInterrupt:
            interrupted = True
            print("interrupted: stopping every service", flush=True)
            procs.stop_all()
        pool.shutdown(wait=True, cancel_futures=True)
    order = {str(c.relative_to(CORPUS)): i for i, c in enumerate(contracts)}
    rows.sort(key=lambda r: (order[r["contract"]], r["target"]))
    return rows, interrupted


def reclassify(saved: Path) -> tuple[dict[str, Any], list[Row]]:
    """A saved run's failures classed again by today's table and `specfirst validate`."""
    data = json.loads(saved.read_text(encoding="utf-8"))
    procs, rows = Processes(ROOT), []
    found: dict[str, list[Any] | str] = {}
    with tempfile.TemporaryDirectory(prefix="specfirst-fidelity-") as tmp:
        for row in data["rows"]:
            name = row["contract"]
            if row["state"] == "tested" and name not in found:
                found[name] = validate(CORPUS / name, Path(tmp), procs)
            diagnostics = found.get(name)
            if row["state"] == "tested" and isinstance(diagnostics, list):
                row = assemble(name, row["target"], row, diagnostics)
            rows.append(row)
    return {**data["run"], "reclassified": str(saved)}, rows


def _interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    for sig in (signal.SIGINT, signal.SIGTERM):  # also when started with SIGINT ignored (`&`)
        signal.signal(sig, _interrupt)
    started = time.monotonic()
    if args.reclassify is not None:
        run, rows = reclassify(args.reclassify)
        interrupted = bool(run["interrupted"])
    else:
        seed = args.seed if args.seed is not None else random.SystemRandom().randrange(2**32)
        contracts = discover(args.large, args.only)
        print(
            f"{len(contracts)} contracts, targets {', '.join(args.targets)}, max-examples "
            f"{args.max_examples}, seed {seed} (rerun with --seed {seed})",
            flush=True,
        )
        print("\n".join(table([])[:2]), flush=True)
        rows, interrupted = run_all(contracts, args, seed)
        run = settings(args, seed, interrupted, time.monotonic() - started)
    written = write_reports(args.out, run, rows)
    failures = [f for r in rows for f in r.get("failures", [])]
    print(table(rows)[-1])
    print(f"unique failures: {dict(class_counts(failures))}; by check: {by_check(failures)}")
    print(
        f"wall time {time.monotonic() - started:.0f} s; seed {run['seed']}; "
        f"written: {', '.join(map(str, written))}"
    )
    return 130 if interrupted else 0


def settings(args: argparse.Namespace, seed: int, interrupted: bool, wall: float) -> Row:
    """What the report says about the run: settings, machine, wall time."""
    return {
        "seed": seed,
        "max_examples": args.max_examples,
        "targets": list(args.targets),
        "phases": args.phases,
        "workers": args.workers,
        "budget": args.budget,
        "large": args.large,
        "only": args.only,
        "interrupted": interrupted,
        "wall_seconds": round(wall, 1),
        "machine": platform.platform(),
        "cpus": os.cpu_count(),
        "load_average": os.getloadavg(),
    }


if __name__ == "__main__":
    sys.exit(main())
