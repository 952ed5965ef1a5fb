"""The model stage of one contract: on a large contract, started in a worker beside validation.

datamodel-code-generator dominates generation of large contracts (Stripe: ~10 s of 16 when
the worker was written) and validation is the next largest stage (~2 s), and neither needs the
other's result: on a machine with two cores, a forked worker starts the model stage as soon as
the contract is loaded. The output is the same as the sequential pipeline's; only the time
differs:

* the worker's result is used only when validation finds no error (a contract with errors
  never reaches the model stage: leaving the `with` block stops the worker);
* whatever goes wrong in the worker other than a `ModelGenerationError` (which the
  sequential run would report too) makes the parent run the stage itself;
* small contracts, one-core machines and platforms without `fork` stay sequential.

    with start_models(spec, label="specs/users.yaml") as models:
        ...  # validate, build the IR, emit the other files
        text = models.models_py(plan)  # formatted models.py
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import TracebackType
from typing import Any

from generator.emit.models import forking
from generator.emit.models.emitter import emit_models
from generator.ir.schemas import ModelGenerationError, ModelPlan, plan_models
from generator.spec.document import Spec

# Below this many schemas and operations a second process costs more than it saves.
PARALLEL_THRESHOLD = 150


@dataclass
class ModelStage:
    """models.py of one contract, from a forked worker when one was started, else made here."""

    label: str
    worker: forking.Forked | None = None

    def models_py(self, plan: ModelPlan) -> str:
        """models.py for `plan`, formatted.

        The worker planned the same document from the same contract, so its text is this
        plan's; when it failed (or none runs) the stage is run here, the same way. Raises the
        `ModelGenerationError` of either, located as the sequential run would.
        """
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


def start_models(spec: Spec | None, *, label: str) -> ModelStage:
    """The model stage of a loaded contract, its worker forked when that can pay."""
    if spec is None or size(spec.root) < PARALLEL_THRESHOLD:
        return ModelStage(label)
    return ModelStage(label, forking.start(_work, spec, label, name="specfirst-models"))


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
    try:
        text = _formatted(plan_models(spec.root), label, parallel=True)
    except ModelGenerationError as exc:
        return ("model-error", exc.message, exc.pointer)
    return ("ok", text)


def _formatted(plan: ModelPlan, label: str, *, parallel: bool) -> str:
    # Imported on first use: the stage starts before validation, and the fork should come early.
    from generator.emit.package import header_line
    from generator.format import format_files

    source = emit_models(plan, header=header_line(label), parallel=parallel)
    return format_files({"models.py": source})["models.py"]
