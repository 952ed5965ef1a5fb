"""What a catalogue entry is: the stage reporting a rule, its levels, whether it can be lowered.

The entries themselves are in `generator.spec.catalogue` (and `catalogue_load` for loading).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from generator.diagnostics import Level


class Stage(enum.StrEnum):
    """Which step of the pipeline reports a rule (a section of docs/diagnostics.md)."""

    LOAD = "load"
    VALIDATE = "validate"
    GENERATE = "generate"
    CHECK = "check"


@dataclass(frozen=True)
class Rule:
    """One rule id: its stage, its levels (the first is the usual one) and what it means.

    `blocks` says why generation cannot go on past an error of this rule, so
    `[tool.specfirst.rules]` and `x-specfirst-ignore` cannot lower it below error; it is empty
    for a rule whose findings can be warnings or silenced (see docs/diagnostics.md).
    """

    id: str
    stage: Stage
    levels: tuple[Level, ...]
    summary: str
    blocks: str = ""

    @property
    def lowerable(self) -> bool:
        """Whether its errors may be set to warning or off (generation can still go on)."""
        return not self.blocks


_E, _W, _N = (Level.ERROR,), (Level.WARNING,), (Level.NOTICE,)
_EW = (Level.ERROR, Level.WARNING)
# Why an error cannot be lowered (`Rule.blocks`).
_UNREAD = "there is no contract to generate from"
_UNSAFE = "refused for safety: nothing from this input is used"
_WRONG = "the generated service would not be the contract's"
_NAMES = "generated names or routes would collide"
_L, _V, _G, _C = Stage.LOAD, Stage.VALIDATE, Stage.GENERATE, Stage.CHECK
