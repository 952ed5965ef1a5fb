"""How evenly `specfirst test --shard i/n` splits a contract's operations (the cost model only).

    python bench/shard_balance.py [CONTRACT ...] [--shards 2,4,8]

For each contract and shard count: operations per shard, and the largest shard's share of
the total expected cost (1/n is perfect). It checks that the shards cover every operation
exactly once. It does not run the tester: wall-clock balance also depends on the service.
Default contract: the GitHub REST description in the shared corpus.
"""

from __future__ import annotations

import argparse
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("contracts", nargs="*", type=Path, default=[GITHUB])
    parser.add_argument("--shards", default="2,4,8")
    args = parser.parse_args()
    counts = [int(n) for n in args.shards.split(",")]
    for contract in args.contracts:
        measure(contract, counts)


if __name__ == "__main__":
    main()
