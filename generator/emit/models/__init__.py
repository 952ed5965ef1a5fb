"""models.py from the model plan, and the machinery that makes it fast on large contracts.

Why the machinery exists: on a large contract datamodel-code-generator is the critical path of
`specfirst generate` (bench/RESULTS.md: Box 1.9 s of 2.4, Stripe 5.6 s of 8.0). So a
worker is forked before a large contract file is loaded, warms up the generator while the
parent loads it and runs our rules, and models it beside the standard check (`stage.py`,
`forking.py`); a plan of thousands of schemas is generated in two reference-closed parts, the
second in a further fork (`parts.py`); identical schemas are generated once and copied
(`leaves.py`). The plain path is `emitter.py` (`emit_models`), `datamodel.py` (the one caller
of datamodel-code-generator) and `assemble.py` (the final text).

What it guarantees: models.py is byte for byte what the plain sequential path makes (every
step in one process, then ruff) on any machine: one core, no `fork`, a worker that dies or is
not started all give the same bytes, only slower. The parts and the shared leaves depend on the
schemas alone, never on the machine. `tests/emit/test_model_stage.py` and
`tests/emit/test_model_parts.py` prove it.
"""

from generator.emit.models.emitter import emit_models
from generator.emit.models.stage import ModelStage, start_models
from generator.ir.schemas import ModelGenerationError

__all__ = ["ModelGenerationError", "ModelStage", "emit_models", "start_models"]
