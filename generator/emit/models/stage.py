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

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from generator.emit.models import forking
from generator.ir.schemas import ModelGenerationError
from generator.spec.document import Spec

# Below this many schemas and operations a second process costs more than it saves.
PARALLEL_THRESHOLD = 150


@dataclass
class ModelWorker:
    """A forked process computing models.py; `result()` waits for it."""

    forked: forking.Forked

    @property
    def process(self) -> Any:
        return self.forked.process

    def result(self) -> str | None:
        """models.py, formatted; None when the worker failed (run the stage here).

        Raises the worker's `ModelGenerationError`, located as the sequential run would.
        """
        ok, value = self.forked.result()
        if not ok:
            return None
        if value[0] == "model-error":
            raise ModelGenerationError(value[1], value[2])
        return str(value[1])

    def cancel(self) -> None:
        """Stop the worker (validation found errors: its result is not wanted)."""
        self.forked.cancel()


def start_models(spec: Spec, *, label: str) -> ModelWorker | None:
    """Fork a worker for models.py when the contract is large enough to gain from it."""
    if size(spec.root) < PARALLEL_THRESHOLD:
        return None
    forked = forking.start(_work, spec, label, name="specfirst-models")
    return ModelWorker(forked) if forked else None


def size(root: Mapping[str, Any]) -> int:
    """Component schemas plus path items: how much model and route work a contract holds."""
    components = root.get("components")
    schemas = components.get("schemas") if isinstance(components, Mapping) else None
    paths = root.get("paths")
    return (len(schemas) if isinstance(schemas, Mapping) else 0) + (
        len(paths) if isinstance(paths, Mapping) else 0
    )


def _work(spec: Spec, label: str) -> tuple[str, ...]:
    """The worker: plan, emit and format the models of a contract not yet validated.

    Any other failure than a `ModelGenerationError` (an unvalidated contract may break any
    stage) reaches the parent as a failed call, and the parent redoes the stage.
    """
    from generator.emit.models.emitter import emit_models
    from generator.emit.package import header_line
    from generator.format import format_files
    from generator.ir.schemas import plan_models

    try:
        source = emit_models(plan_models(spec.root), header=header_line(label), parallel=True)
    except ModelGenerationError as exc:
        return ("model-error", exc.message, exc.pointer)
    return ("ok", format_files({"models.py": source})["models.py"])
