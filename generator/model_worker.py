"""The model stage of a large contract, run in a second process while the contract is validated.

datamodel-code-generator dominates generation of large contracts (Stripe: ~10 s of 16) and
validation is the next largest stage (~2 s), and neither needs the other's result: on a
machine with two cores, a forked worker starts the model stage as soon as the contract is
loaded. The output is the same as the sequential pipeline's; only the time differs:

* the worker's result is used only when validation finds no error (a contract with errors
  never reaches the model stage, as before: the worker is stopped);
* whatever goes wrong in the worker other than a `ModelGenerationError` (which the
  sequential run would report too) makes the parent run the stage itself;
* small contracts, one-core machines and platforms without `fork` stay sequential.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Mapping
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any

from generator.ir.schemas import ModelGenerationError
from generator.spec.document import Spec

# Below this many schemas and operations a second process costs more than it saves.
PARALLEL_THRESHOLD = 300

# ("ok", source) | ("model-error", message, pointer) | ("failed", reason)
_Message = tuple[str, ...]


@dataclass
class ModelWorker:
    """A forked process computing models.py; `result()` waits for it."""

    process: Any  # multiprocessing's fork-context Process (no public type)
    connection: Connection

    def result(self) -> str | None:
        """The models.py source, or None when the worker failed (run the stage here).

        Raises the worker's `ModelGenerationError`, located as the sequential run would.
        """
        try:
            message: _Message = self.connection.recv()
        except (EOFError, OSError):
            message = ("failed", "the worker exited without a result")
        finally:
            self.connection.close()
            self.process.join()
        if message[0] == "ok":
            return message[1]
        if message[0] == "model-error":
            raise ModelGenerationError(message[1], message[2])
        return None

    def cancel(self) -> None:
        """Stop the worker (validation found errors: its result is not wanted)."""
        self.process.terminate()
        self.process.join()
        self.connection.close()


def start_models(spec: Spec, *, label: str, package: str) -> ModelWorker | None:
    """Fork a worker for models.py when the contract is large enough to gain from it."""
    if size(spec.root) < PARALLEL_THRESHOLD or (os.cpu_count() or 1) < 2:
        return None
    if "fork" not in multiprocessing.get_all_start_methods():
        return None
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    process = context.Process(
        target=_work, args=(spec, label, package, sender), name="specfirst-models", daemon=True
    )
    process.start()
    sender.close()
    return ModelWorker(process, receiver)


def size(root: Mapping[str, Any]) -> int:
    """Component schemas plus path items: how much model and route work a contract holds."""
    components = root.get("components")
    schemas = components.get("schemas") if isinstance(components, Mapping) else None
    paths = root.get("paths")
    return (len(schemas) if isinstance(schemas, Mapping) else 0) + (
        len(paths) if isinstance(paths, Mapping) else 0
    )


def _work(spec: Spec, label: str, package: str, connection: Connection) -> None:
    """The worker: plan and emit the models of a contract not yet validated."""
    from generator.emit.models import emit_models
    from generator.emit.package import header_line
    from generator.pipeline import build_ir

    message: _Message
    try:
        plan, _ = build_ir(spec, label=label, package=package)
        message = ("ok", emit_models(plan, header=header_line(label)))
    except ModelGenerationError as exc:
        message = ("model-error", exc.message, exc.pointer)
    except BaseException as exc:  # an unvalidated contract may break any stage: parent redoes it
        message = ("failed", type(exc).__name__)
    connection.send(message)
    connection.close()
