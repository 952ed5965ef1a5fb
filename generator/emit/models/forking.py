"""Run one function call in a forked process and collect its result: the pipeline's parallelism.

Only where it can pay: a platform with `fork` (the child starts with the parent's loaded
contract, nothing is pickled on the way in) and at least two cores. Callers get None
otherwise and run the call themselves, so results never depend on the machine.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
import threading
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any

_in_child = False  # set in a forked child (and so in whatever it forks)
CHILD_NICENESS = 5  # added to the parent's; inherited by what a child forks


@dataclass
class Forked:
    """A call running in a child process."""

    process: Any  # the fork context's Process (multiprocessing has no public type for it)
    connection: Connection
    outbox: Connection | None = None  # to the child's inbox, when it was started with one
    sender: threading.Thread | None = None  # the last `send`, still writing perhaps

    def send(self, value: Any) -> None:
        """Hand the child `value` on its inbox, in the background: a value of megabytes fills
        the pipe long before the child reads it, and the caller has other work. Values arrive
        in the order sent; a child that is gone gets none (its result says why)."""
        outbox, previous = self.outbox, self.sender
        if outbox is None:
            return

        def write() -> None:
            if previous is not None:
                previous.join()
            with contextlib.suppress(OSError, ValueError):  # a broken pipe: the child ended
                outbox.send(value)

        self.sender = threading.Thread(target=write, name="specfirst-send", daemon=True)
        self.sender.start()

    def result(self) -> tuple[bool, Any]:
        """(True, the call's return value) or (False, why it gave none); waits for the child."""
        try:
            message: tuple[bool, Any] = self.connection.recv()
        except (EOFError, OSError):
            message = (False, "the child exited without a result")
        finally:
            self.process.join()
            self._close()
        return message

    def cancel(self) -> None:
        """Stop the child and whatever it forked in turn: its result is not wanted."""
        try:
            os.killpg(self.process.pid, signal.SIGKILL)  # the child leads its own group
        except OSError:  # not yet its own group leader, or gone already
            self.process.kill()
        self.process.join()
        self._close()

    def _close(self) -> None:
        # The child has ended, so a send still writing fails at once: wait for it, then close.
        self.connection.close()
        if self.sender is not None:
            self.sender.join()
        if self.outbox is not None:
            self.outbox.close()


def can_fork() -> bool:
    """Whether a second process can run beside this one."""
    return "fork" in multiprocessing.get_all_start_methods() and (os.cpu_count() or 1) >= 2


def start(
    call: Callable[..., Any], *args: Any, name: str = "specfirst", inbox: bool = False
) -> Forked | None:
    """`call(*args)` in a forked child, or None when forking cannot pay here.

    With `inbox`, the call gets a `Connection` first, on which it receives what the parent
    hands it later with `Forked.send` (EOFError when the parent is gone).
    """
    if not can_fork():
        return None
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    unused = [receiver]
    if inbox:
        mail, outbox = context.Pipe(duplex=False)
        args = (mail, *args)
        unused.append(outbox)
    process = context.Process(
        target=_child, args=(call, args, sender, unused), name=name, daemon=False
    )
    process.start()
    sender.close()
    if not inbox:
        return Forked(process, receiver)
    mail.close()
    return Forked(process, receiver, outbox)


def _child(
    call: Callable[..., Any],
    args: tuple[Any, ...],
    connection: Connection,
    unused: list[Connection],
) -> None:
    # The first child leads a process group of its own, and what it forks stays in it, so
    # `cancel` reaches them all; no copy of the read end is kept, so a send to a parent that
    # is gone fails instead of waiting for a reader forever (and no copy of the inbox's write end,
    # so a parent that is gone ends the child's wait). Children are speculative work
    # (the parent may find errors and cancel them): they run at a lower priority than the
    # parent, all at the same one, so the two halves of a model stage finish together.
    global _in_child
    if not _in_child:
        _in_child = True
        os.setpgid(0, 0)
        os.nice(CHILD_NICENESS)
    for end in unused:
        end.close()
    message: tuple[bool, Any]
    try:
        message = (True, call(*args))
    except BaseException as exc:  # the parent decides what a failed call means
        message = (False, type(exc).__name__)
    connection.send(message)
    connection.close()
