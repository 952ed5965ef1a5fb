"""Time `specfirst diff` on two versions of a large corpus contract (issue 8).

    .venv/bin/python bench/make_diff_pair.py [--contract github|stripe] [--runs 3] [--keep]

Copies the contract into a temporary folder as `old`, writes a mutated `new` (an operation
removed, a shared parameter tightened, a required parameter added, an enum value added, a
response property removed, a request property made required), then times the whole command
in a fresh interpreter (what CI pays) and each stage in-process. Prints the numbers.
"""

from __future__ import annotations

import argparse
import copy
import json
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
LARGE = ROOT.parent / "shared" / "corpus" / "large"
CONTRACTS = {
    "github": LARGE / "github-api.github.com-2022-06.json",
    "stripe": LARGE / "stripe-spec3-2023-09.yaml",
}
METHODS = ("get", "put", "post", "delete", "patch")


def read(path: Path) -> Any:
    """The contract as plain data."""
    if path.suffix == ".json":
        return json.loads(path.read_text(encoding="utf-8"))
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return yaml.load(path.read_text(encoding="utf-8"), Loader=loader)


def write(path: Path, data: Any) -> None:
    """Write `data` in the format `path`'s suffix names."""
    if path.suffix == ".json":
        path.write_text(json.dumps(data, indent=2), encoding="utf-8")
        return
    import yaml

    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    path.write_text(yaml.dump(data, Dumper=dumper, sort_keys=False), encoding="utf-8")


def mutate(doc: dict[str, Any]) -> list[str]:
    """Apply one change of each kind in place; returns what was done."""
    done: list[str] = []
    paths = doc["paths"]
    template = next(t for t, item in paths.items() if sum(m in item for m in METHODS) >= 2)
    method = [m for m in METHODS if m in paths[template]][-1]
    del paths[template][method]
    done.append(f"removed {method.upper()} {template}")
    for name, param in doc.get("components", {}).get("parameters", {}).items():
        schema = param.get("schema", {})
        if schema.get("type") == "integer":
            schema["maximum"] = 50
            done.append(f"parameter component {name!r}: maximum 50 added")
            break
    first = next(item[m] for item in paths.values() for m in METHODS if m in item)
    first.setdefault("parameters", []).append(
        {"name": "tenant", "in": "query", "required": True, "schema": {"type": "string"}}
    )
    done.append("required query parameter 'tenant' added to the first operation")
    schemas = doc["components"]["schemas"]
    for name, schema in schemas.items():
        for prop, sub in schema.get("properties", {}).items():
            if isinstance(sub.get("enum"), list) and all(isinstance(v, str) for v in sub["enum"]):
                sub["enum"].append("brand-new-value")
                done.append(f"schema {name!r}: enum value added to {prop!r}")
                break
        else:
            continue
        break
    for name, schema in schemas.items():
        props = schema.get("properties", {})
        if len(props) >= 5:
            removed = list(props)[-1]
            del props[removed]
            if removed in schema.get("required", []):
                schema["required"].remove(removed)
            done.append(f"schema {name!r}: property {removed!r} removed")
            break
    bodies = [
        (f"{m.upper()} {t}", media.get("schema", {}))
        for t, item in paths.items()
        for m in METHODS
        for media in item.get(m, {}).get("requestBody", {}).get("content", {}).values()
    ]
    done.extend(_tighten_request(bodies[: len(bodies) // 2]))
    done.extend(_require_request(bodies[len(bodies) // 2 :]))
    return done


def _tighten_request(bodies: list[tuple[str, Any]]) -> list[str]:
    """Give the first string property of an inline request body a maxLength of 10."""
    for label, schema in bodies:
        for prop, sub in schema.get("properties", {}).items():
            if sub.get("type") == "string" and "maxLength" not in sub:
                sub["maxLength"] = 10
                return [f"{label} request property {prop!r}: maxLength 10 added"]
    return []


def _require_request(bodies: list[tuple[str, Any]]) -> list[str]:
    """Make the first optional property of an inline request body required."""
    for label, schema in bodies:
        optional = [p for p in schema.get("properties", {}) if p not in schema.get("required", [])]
        if optional:
            schema.setdefault("required", []).append(optional[0])
            return [f"{label} request property {optional[0]!r} made required"]
    return []


def timed_command(old: Path, new: Path, *extra: str) -> tuple[float, int, str]:
    """Wall time, exit code and stdout of the whole CLI in a fresh interpreter."""
    start = time.perf_counter()
    command = ["diff", str(old), str(new), "--format", "json", *extra]
    done = subprocess.run(
        [sys.executable, "-m", "generator", *command],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    return time.perf_counter() - start, done.returncode, done.stdout


def stages(old: Path, new: Path) -> dict[str, float]:
    """Seconds spent loading, validating and diffing, measured in this process."""
    sys.path.insert(0, str(ROOT))
    from generator.compat.diff import diff_specs
    from generator.spec.load import load_spec
    from generator.spec.validate import validate_spec

    times: dict[str, float] = {}
    start = time.perf_counter()
    old_spec, new_spec = load_spec(old).spec, load_spec(new).spec
    times["load both"] = time.perf_counter() - start
    assert old_spec is not None and new_spec is not None
    start = time.perf_counter()
    validate_spec(old_spec)
    validate_spec(new_spec)
    times["validate both"] = time.perf_counter() - start
    start = time.perf_counter()
    diff_specs(old_spec, new_spec)
    times["diff"] = time.perf_counter() - start
    return times


def main() -> None:
    """Make the pair, time it, print the numbers."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contract", choices=sorted(CONTRACTS), default="github")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--keep", action="store_true", help="Keep the temporary folder.")
    args = parser.parse_args()
    source = CONTRACTS[args.contract]
    folder = Path(tempfile.mkdtemp(prefix="specfirst-diff-bench-"))
    try:
        old, new = folder / f"old{source.suffix}", folder / f"new{source.suffix}"
        shutil.copyfile(source, old)
        doc = read(source)
        mutated = copy.deepcopy(doc)
        done = mutate(mutated)
        write(new, mutated)
        print(f"{source.name} ({source.stat().st_size / 1e6:.1f} MB), {len(doc['paths'])} paths")
        print("mutations:\n  " + "\n  ".join(done))
        walls = [timed_command(old, new) for _ in range(args.runs)]
        fast = [timed_command(old, new, "--no-validate") for _ in range(args.runs)]
        code, out = walls[-1][1], walls[-1][2]
        changes = json.loads(out)["changes"] if out else []
        rules = Counter(f"{c['level']} {c['rule']}" for c in changes)
        print(f"exit code {code}; {len(changes)} changes:")
        print("  " + "\n  ".join(f"{n:4} {rule}" for rule, n in rules.most_common()))
        for name, seconds in stages(old, new).items():
            print(f"{name:>14}: {seconds:6.2f} s (in-process)")
        for label, runs in (("specfirst diff", walls), ("--no-validate", fast)):
            walltimes = [run[0] for run in runs]
            same = all(run[1:] == (code, out) for run in runs)
            verdict = "same output" if same else "OUTPUT DIFFERS"
            best, worst = min(walltimes), max(walltimes)
            print(f"{label:>14}: best {best:.2f} s, worst {worst:.2f} s ({verdict})")
    finally:
        if args.keep:
            print(f"kept {folder}")
        else:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
