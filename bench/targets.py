"""Issue 23's targets, each beside its figure, the spread of its repeated runs and a verdict.

A suite records what it measured for a target with `record(target, subject, samples, unit)`:
every sample is one repeat (a side-by-side pair's ratio, one run's peak), never an aggregate,
so the table can show the spread. bench/run.py prints `table()` after the suites and keeps
`recorded()` in latest.json.

The verdict reads the spread, not a lucky moment: `met` when every repeat meets the target,
`median only` when the median does but some repeat does not (within the machine's noise:
not met), `missed` when the median does not.

>>> _reset(); record("4. validate / openapi-spec-validator", "box", [0.41, 0.44, 0.47])
>>> _row(_RECORDED[0])["verdict"], _row(_RECORDED[0])["spread (min-max)"]
('met', '0.41-0.47')
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass


@dataclass(frozen=True)
class Target:
    """One target of issue 23: its bound and whether smaller figures are better."""

    bound: float
    at_most: bool  # True: figure <= bound; False: figure >= bound
    text: str

    def meets(self, figure: float) -> bool:
        return figure <= self.bound if self.at_most else figure >= self.bound


TARGETS: dict[str, Target] = {
    "1. routing, last / first route": Target(1.2, True, "<= 1.2"),
    "1. routing, last route / one-route app": Target(1.2, True, "<= 1.2"),
    "2. start-up, GitHub (s)": Target(1.0, True, "<= 1.0 s"),
    "2. start-up, Stripe (s)": Target(1.5, True, "<= 1.5 s"),
    "3. cold generation, fastapi-code-generator / ours": Target(5.0, False, ">= 5"),
    "3. cold generation, OpenAPI Generator / ours": Target(2.0, False, ">= 2"),
    "3. unchanged regeneration / --version": Target(1.2, True, "<= 1.2"),
    "4. validate / openapi-spec-validator": Target(0.5, True, "<= 0.5"),
    "5. peak memory, generation": Target(250.0, True, "<= 250 MiB"),
    "6. requests, generated / hand-written throughput": Target(1.0, False, ">= 1.0"),
    "6. JWT overhead (%)": Target(10.0, True, "< 10 %"),
}


@dataclass(frozen=True)
class Measured:
    """The repeats of one target on one subject (a contract, an endpoint)."""

    target: str
    subject: str
    samples: tuple[float, ...]
    unit: str


_RECORDED: list[Measured] = []


def record(target: str, subject: str, samples: list[float], unit: str = "") -> None:
    """Keep one target's repeated figures for the summary table (`target` is a TARGETS key)."""
    if target not in TARGETS:
        raise KeyError(f"unknown issue-23 target {target!r}")
    if samples:
        _RECORDED.append(Measured(target, subject, tuple(samples), unit))


def recorded() -> list[dict[str, object]]:
    """Every recorded figure as a table row (for latest.json)."""
    return [_row(m) for m in _RECORDED]


def _reset() -> None:
    _RECORDED.clear()


def _row(m: Measured) -> dict[str, object]:
    target = TARGETS[m.target]
    samples = sorted(m.samples)
    median = statistics.median(samples)
    worst = samples[-1] if target.at_most else samples[0]
    if target.meets(worst):
        verdict = "met"
    elif target.meets(median):
        verdict = "median only"
    else:
        verdict = "missed"
    quartiles = statistics.quantiles(samples, n=4) if len(samples) >= 4 else []
    return {
        "target": m.target,
        "subject": m.subject,
        "bound": target.text,
        "figure (median)": f"{median:.3g}{(' ' + m.unit) if m.unit else ''}",
        "spread (min-max)": f"{samples[0]:.3g}-{samples[-1]:.3g}",
        "IQR": f"{quartiles[0]:.3g}-{quartiles[2]:.3g}" if quartiles else "-",
        "repeats": len(samples),
        "verdict": verdict,
    }


def table() -> str:
    """The summary: every target of issue 23, with its figures or why none was measured."""
    lines = [
        "## Issue 23 targets (figure = median of the repeats; met = every repeat meets it)",
        "",
        "| target | subject | bound | figure (median) | spread (min-max) | IQR | repeats | verdict |",
        "|---|---|---|---|---|---|---|---|",
    ]
    rows = recorded()
    for name, target in TARGETS.items():
        mine = [r for r in rows if r["target"] == name]
        if not mine:
            lines.append(f"| {name} | - | {target.text} | not measured in this run | | | | |")
        for r in mine:
            lines.append("| " + " | ".join(str(v) for v in r.values()) + " |")
    return "\n".join(lines) + "\n"
