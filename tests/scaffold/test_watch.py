"""`watch`: regenerate on every save of the contract or of a file it references.

The loop runs in a thread (the stage) and in a subprocess (the command, stopped with Ctrl-C).
Waits are bounded by a generous timeout; nothing asserts how fast a change is picked up.
"""

from __future__ import annotations

import os
import queue
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from generator.watch import Run, watch_contract

TIMEOUT = 60.0
CONTRACT = """\
openapi: 3.0.3
info: {title: Notes, version: "1"}
paths:
  /notes:
    get:
      operationId: listNotes
      responses:
        '200':
          description: The notes.
          content:
            application/json:
              schema: {type: array, items: {$ref: 'schemas.yaml#/Note'}}
"""
SCHEMAS = "Note:\n  type: object\n  properties:\n    text: {type: string}\n"
ADDED_OPERATION = """\
    post:
      operationId: addNote
      responses:
        '201': {description: Added.}
"""


@pytest.fixture
def contract(tmp_path: Path) -> Path:
    (tmp_path / "schemas.yaml").write_text(SCHEMAS, encoding="utf-8")
    path = tmp_path / "notes.yaml"
    path.write_text(CONTRACT, encoding="utf-8")
    return path


@pytest.fixture
def runs(contract: Path, tmp_path: Path) -> Iterator[queue.Queue[Run]]:
    found: queue.Queue[Run] = queue.Queue()
    stop = threading.Event()

    def loop() -> None:
        for run in watch_contract(
            contract, tmp_path / "notes_api", label="notes.yaml", stop=stop, debounce_ms=100
        ):
            found.put(run)

    thread = threading.Thread(target=loop, daemon=True)
    thread.start()
    yield found
    stop.set()
    thread.join(TIMEOUT)
    assert not thread.is_alive()


def _save(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8")


def _save_until_seen(path: Path, text: str, runs: queue.Queue[Run]) -> Run:
    """Save until a run reports this file (the watcher may not have started yet); runs from
    earlier saves of other content are skipped, so the run returned saw `text`."""
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        _save(path, text)
        try:
            run = runs.get(timeout=2.0)
        except queue.Empty:
            continue
        if path.resolve() in {p.resolve() for p in run.changed}:
            while not runs.empty():  # repeated saves of the same text: keep the latest run
                run = runs.get_nowait()
            return run
    raise AssertionError(f"no run after saving {path}")


def test_each_save_regenerates(contract: Path, tmp_path: Path, runs: queue.Queue[Run]) -> None:
    first = runs.get(timeout=TIMEOUT)
    assert first.changed == () and first.generated.report is not None
    interfaces = tmp_path / "notes_api" / "interfaces.py"
    assert "async def add_note" not in interfaces.read_text(encoding="utf-8")

    second = _save_until_seen(contract, CONTRACT + ADDED_OPERATION, runs)
    assert second.generated.report is not None
    assert "async def add_note" in interfaces.read_text(encoding="utf-8")

    schemas = tmp_path / "schemas.yaml"
    third = _save_until_seen(schemas, SCHEMAS + "    done: {type: boolean}\n", runs)
    assert third.generated.report is not None
    assert "done:" in (tmp_path / "notes_api" / "models.py").read_text(encoding="utf-8")

    broken_text = CONTRACT.replace("operationId: listNotes\n", "operationId: listNotes\n  oops\n")
    broken = _save_until_seen(contract, broken_text, runs)
    assert broken.generated.report is None
    assert any(d.is_error for d in broken.generated.checked.diagnostics)


def test_the_command_prints_each_run_and_stops_on_ctrl_c(contract: Path, tmp_path: Path) -> None:
    command = [
        sys.executable,
        "-m",
        "generator",
        "watch",
        str(contract),
        "-o",
        str(tmp_path / "out"),
    ]
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
        preexec_fn=_interruptible,
    )
    lines: queue.Queue[str] = queue.Queue()
    reader = threading.Thread(target=lambda: [lines.put(line) for line in process.stdout or ()])
    reader.start()

    def wait_for(prefix: str, *, then_save: bool = False) -> str:
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline:
            if then_save:  # again and again: the watcher may not have started yet
                _save(contract, CONTRACT + ADDED_OPERATION)
            try:
                line = lines.get(timeout=2.0)
            except queue.Empty:
                continue
            if line.startswith(prefix):
                return line
        raise AssertionError(f"no line starting with {prefix!r}")

    try:
        assert "1 referenced file" in wait_for("watching ")
        assert str(contract) in wait_for("changed: ", then_save=True)
        assert wait_for(f"{tmp_path / 'out'}: ").endswith("removed\n")
    finally:
        process.send_signal(signal.SIGINT)
        code = process.wait(TIMEOUT)
        reader.join(TIMEOUT)
    assert code == 0
    assert "stopped watching" in "".join(list(lines.queue))


def _interruptible() -> None:
    """Ctrl-C reaches the child even when this suite runs in a background job of a
    non-interactive shell, which starts every process with SIGINT ignored (Python then
    installs no KeyboardInterrupt handler)."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)
