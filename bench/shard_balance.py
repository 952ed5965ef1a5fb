"""How evenly `specfirst test --shard i/n` splits a contract's operations.

    python bench/shard_balance.py [CONTRACT ...] [--shards 2,4,8]
    python bench/shard_balance.py --run github_stub:create_app --shards 4 --args "--max-examples 3"

For each contract and shard count: operations per shard, and the largest shard's share of
the total expected cost (1/n is perfect). It checks that the shards cover every operation
exactly once. With `--run APP`, it also runs `specfirst test --app APP` unsharded and then
each `--shard i/n` as whole processes, one after another (`--args` go to each run), and prints each run's wall time, CPU time (its own and the service's) and testing time
from its JSON summary, and the slowest shard's share of the unsharded run.
Default contract: the GitHub REST description in the shared corpus.
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from generator.contract.options import TestOptions
from generator.contract.runner import selected_operations
from generator.contract.selection import costs, shard_of
from generator.spec.load import load_spec

GITHUB = Path("/work/shared/corpus/large/github-api.github.com-2022-06.json")


def measure(contract: Path, counts: list[int]) -> None:
    """Print the split of `contract` for each shard count."""
    spec = load_spec(contract).spec
    if spec is None:
        print(f"{contract}: cannot be loaded")
        return
    started = time.perf_counter()
    every = selected_operations(spec.root, TestOptions())
    weights = costs(spec.root, every)
    for count in counts:
        shards = [shard_of(spec.root, every, i, count) for i in range(1, count + 1)]
        assert sorted(op for shard in shards for op in shard) == sorted(every)
        loads = [sum(weights[op] for op in shard) for shard in shards]
        share = max(loads) / sum(loads)
        sizes = ", ".join(str(len(shard)) for shard in shards)
        print(
            f"{contract.name}: {len(every)} operations, {count} shards [{sizes}]: "
            f"largest {share:.1%} of the cost (ideal {1 / count:.1%})"
        )
    print(f"  split computed in {time.perf_counter() - started:.2f} s")


def run_once(
    contract: Path, app: str, extra: list[str], shard: str | None, keep: Path | None = None
) -> dict[str, float]:
    """One whole `specfirst test` process: wall and CPU seconds, testing seconds, operations."""
    with tempfile.TemporaryDirectory() as folder:
        summary = Path(folder) / "summary.json"
        if keep is not None:
            keep.mkdir(parents=True, exist_ok=True)
            summary = keep / f"{(shard or 'unsharded').replace('/', '-of-')}.json"
        command = [sys.executable, "-m", "generator", "test", str(contract), "--app", app]
        command += [*(["--shard", shard] if shard else []), "--json", str(summary), *extra]
        before, started = os.times(), time.perf_counter()
        subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        wall, after = time.perf_counter() - started, os.times()
        cpu = (after.children_user - before.children_user) + (
            after.children_system - before.children_system
        )
        data = json.loads(summary.read_text()) if summary.is_file() else {}
    return {
        "wall": wall,
        "cpu": cpu,
        "testing": float(data.get("seconds", 0.0)),
        "operations": float(len(data.get("statuses", {}))),
        "cases": float(data.get("cases", 0)),
    }


def run_shards(
    contract: Path, app: str, count: int, extra: list[str], keep: Path | None = None
) -> None:
    """The unsharded run, then every shard, as whole processes; the slowest shard's share."""
    print(f"load average before: {os.getloadavg()[0]:.1f}")
    rows = [("unsharded", run_once(contract, app, extra, None, keep))]
    rows += [
        (f"{i}/{count}", run_once(contract, app, extra, f"{i}/{count}", keep))
        for i in range(1, count + 1)
    ]
    print("| run | operations | cases | testing s | whole process s | CPU s |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, r in rows:
        print(
            f"| {name} | {r['operations']:.0f} | {r['cases']:.0f} | {r['testing']:.1f} | "
            f"{r['wall']:.1f} | {r['cpu']:.1f} |"
        )
    whole = rows[0][1]
    for key in ("testing", "wall", "cpu"):
        slowest = max(r[key] for _, r in rows[1:])
        print(f"slowest shard / unsharded, {key}: {slowest / max(whole[key], 1e-9):.1%}")
    print(f"load average after: {os.getloadavg()[0]:.1f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("contracts", nargs="*", type=Path, default=[GITHUB])
    parser.add_argument("--shards", default="2,4,8")
    parser.add_argument("--run", metavar="APP", help="also run `specfirst test --app APP`")
    parser.add_argument("--args", default="", help="more `specfirst test` arguments, quoted")
    parser.add_argument("--keep", type=Path, help="keep each run's JSON summary in this folder")
    args = parser.parse_args()
    extra = shlex.split(args.args)
    counts = [int(n) for n in args.shards.split(",")]
    for contract in args.contracts:
        measure(contract, counts)
        if args.run:
            for count in counts:
                run_shards(contract, args.run, count, extra, args.keep)


if __name__ == "__main__":
    main()
