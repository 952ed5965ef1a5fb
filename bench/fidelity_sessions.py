"""The children of a fidelity run, each in a process session of its own, always stopped.

A probe starts the service under test as its own child; killing the probe's session ends
both, after a timeout, on Ctrl-C or SIGTERM, whatever the probe was doing.
"""

from __future__ import annotations

import os
import signal
import subprocess
import threading
import time
from collections.abc import Sequence
from pathlib import Path


class Stopped(Exception):
    """The run is being interrupted: start nothing new."""


class Processes:
    """Every child runs in a session of its own and is killed, with its children, on the way out."""

    def __init__(self, root: Path) -> None:
        self.root = root  # working directory, first on PYTHONPATH
        self.live: set[subprocess.Popen[bytes]] = set()
        self.stopping = False
        self.lock = threading.Lock()

    def run(self, command: Sequence[str], timeout: float, log: Path) -> int | None:
        """Run `command` (output to `log`); its exit code, None when killed at `timeout`."""
        env = {
            **os.environ,
            "PYTHONPATH": os.pathsep.join([str(self.root), os.environ.get("PYTHONPATH", "")]),
        }
        with self.lock, log.open("ab") as sink:
            if self.stopping:
                raise Stopped
            process = subprocess.Popen(
                command,
                stdin=subprocess.DEVNULL,
                stdout=sink,
                stderr=subprocess.STDOUT,
                env=env,
                cwd=self.root,
                start_new_session=True,
            )
            self.live.add(process)
        try:
            return process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            return None
        finally:
            self.kill(process)
            with self.lock:
                self.live.discard(process)
            if self.stopping:
                raise Stopped

    def kill(self, process: subprocess.Popen[bytes]) -> None:
        """SIGTERM to the process's session (the probe and its service), SIGKILL if still there."""
        for sig, grace in ((signal.SIGTERM, 5.0), (signal.SIGKILL, 0.0)):
            try:
                os.killpg(process.pid, sig)
            except ProcessLookupError:
                break
            try:
                process.wait(timeout=grace or None)
            except subprocess.TimeoutExpired:
                continue
            time.sleep(0.2)  # the service may outlive the probe by a moment

    def stop_all(self) -> None:
        """Kill every running child; start no more."""
        with self.lock:
            self.stopping = True
            running = list(self.live)
        for process in running:
            self.kill(process)
