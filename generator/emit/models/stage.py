"""The model stage of one contract: on a large contract, started in a worker beside validation.

datamodel-code-generator dominates generation of large contracts (Stripe: ~10 s of 16 when
the worker was written) and validation is the next largest stage (~2 s), and neither needs the
other's result: on a machine with two cores, a forked worker runs the model stage beside
validation. It is forked before the contract is loaded, when the file is large enough to be
worth it, and imports and warms up datamodel-code-generator (~0.5 s) while the parent loads the
contract and runs our rules; it then gets the loaded document and the edits of our rules'
lenient readings (`spec/readings.py`) and models the contract as generation will read it. The
output is the same as the sequential pipeline's; only the time differs:

* the worker's result is used only when validation finds no error (a contract with errors
  never reaches the model stage: leaving the `with` block stops the worker), and only when
  the standard check read nothing more leniently than our rules did (else it is stopped);
* whatever goes wrong in the worker other than a `ModelGenerationError` (which the
  sequential run would report too) makes the parent run the stage itself;
* small contracts, one-core machines and platforms without `fork` stay sequential.

    with start_models(path, label="specs/users.yaml") as models:
        loaded = load_spec(path)
        models.load(loaded.spec)  # handed to the worker, or the worker stopped
        checked = validate_loaded(path, loaded, early=models.read_as)
        if checked.edits != models.edits:
            models.cancel()
        ...  # build the IR, emit the other files
        text = models.models_py(plan)  # formatted models.py
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from types import TracebackType
from typing import Any

from generator.emit.models import forking
from generator.emit.models.emitter import emit_models
from generator.ir.schemas import ModelGenerationError, ModelPlan, plan_models
from generator.spec.document import Spec
from generator.spec.readings import Edit, apply_edits

# Below this many schemas and operations a second process costs more than it saves.
PARALLEL_THRESHOLD = 150
# A contract file this large is likely above the threshold (every corpus contract that is,
# but one multi-file contract, is larger): its worker is forked before loading, to warm up.
PARALLEL_BYTES = 128 * 1024


@dataclass
class ModelStage:
    """models.py of one contract, from a forked worker when one was started, else made here."""

    label: str
    worker: forking.Forked | None = None
    edits: tuple[Edit, ...] | None = None  # what the worker was told to read leniently

    def load(self, spec: Spec | None) -> None:
        """The loaded contract: handed to the worker, one started, or it is stopped.

        A contract below `PARALLEL_THRESHOLD` is modelled here; a larger one whose worker was
        not started before loading (a small entry file of a multi-file contract) gets one now.
        """
        if spec is None or size(spec.root) < PARALLEL_THRESHOLD:
            self.cancel()
            return
        if self.worker is None:
            self.worker = _fork(self.label)
        if self.worker is not None:
            self.worker.send(spec.root)

    def read_as(self, edits: Sequence[Edit]) -> None:
        """The edits of our rules' readings: the worker models the contract read that way."""
        if self.worker is None or self.edits is not None:
            return
        self.edits = tuple(edits)
        self.worker.send(self.edits)

    def models_py(self, plan: ModelPlan) -> str:
        """models.py for `plan`, formatted.

        The worker planned the same document from the same contract read the same way (the
        caller cancels it when the readings differ), so its text is this plan's; when it failed (or none runs) the stage is run here, the same way. Raises the
        `ModelGenerationError` of either, located as the sequential run would.
        """
        if self.edits is None:  # never told how to read the contract: it still waits
            self.cancel()
        worker, self.worker = self.worker, None
        if worker is not None:
            ok, value = worker.result()
            if ok and value[0] == "model-error":
                raise ModelGenerationError(value[1], value[2])
            if ok:
                return str(value[1])
        return _formatted(plan, self.label, parallel=False)

    def cancel(self) -> None:
        """Stop the worker, if one still runs: its result is not wanted."""
        worker, self.worker = self.worker, None
        if worker is not None:
            worker.cancel()

    def __enter__(self) -> ModelStage:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        # Errors in the contract, an interrupt or a bug: the worker must not outlive us.
        self.cancel()


def start_models(path: Path, *, label: str) -> ModelStage:
    """The model stage of the contract at `path`, its worker forked now when it is large."""
    try:
        large = path.stat().st_size >= PARALLEL_BYTES
    except OSError:  # the loader reports it
        large = False
    return ModelStage(label, _fork(label) if large else None)


def _fork(label: str) -> forking.Forked | None:
    return forking.start(_work, label, name="specfirst-models", inbox=True)


def size(root: Mapping[str, Any]) -> int:
    """Component schemas plus path items: how much model and route work a contract holds."""
    components = root.get("components")
    schemas = components.get("schemas") if isinstance(components, Mapping) else None
    paths = root.get("paths")
    return (len(schemas) if isinstance(schemas, Mapping) else 0) + (
        len(paths) if isinstance(paths, Mapping) else 0
    )


def _work(inbox: Connection, label: str) -> tuple[str, ...]:
    """The worker: warm up, then plan, emit and format the models of the contract it is sent
    (the document, then the edits of our rules' readings), not yet validated.

    Any other failure than a `ModelGenerationError` (an unvalidated contract may break any
    stage) reaches the parent as a failed call, and the parent redoes the stage.
    """
    # The document (megabytes) is read while warming up, so the parent's send never waits.
    received: list[Any] = []
    reader = threading.Thread(target=_receive, args=(inbox, received), daemon=True)
    reader.start()
    _warm_up(label)
    reader.join()
    if not received:
        raise EOFError("the parent sent no contract")
    root = received[0]
    apply_edits(root, inbox.recv())
    try:
        text = _formatted(plan_models(root), label, parallel=True)
    except ModelGenerationError as exc:
        return ("model-error", exc.message, exc.pointer)
    return ("ok", text)


def _receive(inbox: Connection, into: list[Any]) -> None:
    with contextlib.suppress(EOFError, OSError):  # the parent is gone: nothing to model
        into.append(inbox.recv())


# Modelled once by a worker before its contract arrives: the first run of the generator
# imports ~240 modules and builds its option models, which then cost nothing on the real run.
_WARM_UP = {
    "openapi": "3.0.3",
    "info": {"title": "warm-up", "version": "1"},
    "paths": {},
    "components": {
        "schemas": {
            "Item": {
                "type": "object",
                "required": ["name"],
                "properties": {
                    "name": {"type": "string", "maxLength": 5},
                    "kind": {"type": "string", "enum": ["a", "b"]},
                    "tags": {"type": "array", "items": {"$ref": "#/components/schemas/Tag"}},
                },
            },
            "Tag": {"oneOf": [{"type": "integer"}, {"type": "string", "format": "date-time"}]},
        }
    },
}


def _warm_up(label: str) -> None:
    with contextlib.suppress(ModelGenerationError):  # a warm-up: the real run reports its own
        _formatted(plan_models(_WARM_UP), label, parallel=False)


def _formatted(plan: ModelPlan, label: str, *, parallel: bool) -> str:
    # Imported on first use: the stage starts before validation, and the fork should come early.
    from generator.emit.package import header_line
    from generator.format import format_files

    source = emit_models(plan, header=header_line(label), parallel=parallel)
    return format_files({"models.py": source})["models.py"]
