"""watch_contract: generate, then regenerate on every save of the contract or a file it references.

A stage like the others: it yields one `Generated` per run and never prints (the `watch`
command renders each). The folders holding the files are watched (editors often save by
replacing a file, which a watch on the file itself would miss), filtered to those files;
when the set of referenced files changes, the watch starts over on the new set.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import watchfiles

from generator.pipeline import Generated, generate_contract


@dataclass(frozen=True)
class Run:
    """One generation: what it produced and the saved files that triggered it (none at first)."""

    generated: Generated
    changed: tuple[Path, ...] = ()


def watched_files(contract: Path, generated: Generated) -> frozenset[Path]:
    """The contract and every file it references (as last read), resolved."""
    spec = generated.checked.spec
    files = [contract, *(spec.files if spec is not None else [])]
    return frozenset(f.resolve() for f in files)


def _only(files: frozenset[Path]) -> Callable[[watchfiles.Change, str], bool]:
    """A watchfiles filter letting through changes to `files` only."""

    def wanted(_: watchfiles.Change, name: str) -> bool:
        return Path(name).resolve() in files

    return wanted


def watch_contract(
    contract: Path,
    output: Path,
    *,
    label: str,
    stop: threading.Event | None = None,
    debounce_ms: int = 300,
    client: bool = False,
) -> Iterator[Run]:
    """Yield a run now and one after each change, until `stop` is set (or Ctrl-C).

    With `client`, each run regenerates the client package beside `output` too.
    """
    run = Run(generate_contract(contract, output, label=label, client=client))
    yield run
    files = watched_files(contract, run.generated)
    while stop is None or not stop.is_set():
        folders = sorted({f.parent for f in files if f.parent.is_dir()})
        if not folders:  # nothing left to watch (the folders were removed)
            return
        restart = False
        for changes in watchfiles.watch(
            *folders,
            watch_filter=_only(files),
            debounce=debounce_ms,
            stop_event=stop,
            recursive=False,
        ):
            changed = tuple(sorted({Path(name) for _, name in changes}))
            run = Run(generate_contract(contract, output, label=label, client=client), changed)
            yield run
            now = watched_files(contract, run.generated)
            if now != files:  # a reference was added or dropped: watch the new set
                files, restart = now, True
                break
        if not restart:
            return
