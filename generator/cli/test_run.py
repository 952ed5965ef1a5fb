"""The terminal side of `specfirst test`: options, the run's events rendered with rich, reports.

Kept apart from the command's signature (`cli/test.py`) so that every other command starts
without importing rich's console and progress, or the contract-test event types.
"""

from __future__ import annotations

import contextlib
import dataclasses
import signal
import threading
from collections.abc import Iterator
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)
from rich.text import Text

from generator.cli.exits import ExitCode
from generator.config import ProjectConfig
from generator.contract.events import (
    Event,
    PhaseFinished,
    PhaseStarted,
    Problem,
    RunAborted,
    RunFinished,
    RunStarted,
    ScenarioFinished,
    Selected,
    ServiceReady,
    ServiceStarting,
    Summary,
)
from generator.contract.options import OptionsError, TestOptions, load_project_options
from generator.contract.report import (
    render_aborted_json,
    render_aborted_junit,
    render_json,
    render_junit,
)
from generator.report import printable, render_text

if TYPE_CHECKING:
    from generator.contract.session import Target


@contextlib.contextmanager
def _sigterm_as_interrupt() -> Iterator[None]:
    """A CI runner's SIGTERM unwinds like Ctrl-C, so the service is stopped on the way out."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def interrupt(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


class Renderer:
    """Shows a run as it happens: a live progress bar per phase on a terminal, lines otherwise."""

    def __init__(self, console: Console) -> None:
        self.console = console
        self.progress: Progress | None = None
        self.tasks: dict[str, TaskID] = {}
        self.counts: dict[str, list[int]] = {}  # phase → [cases, failures]
        self.links: set[str] = set()

    def line(self, text: str, style: str = "") -> None:
        """Print service- or contract-supplied text inertly: no markup, control characters escaped."""
        for part in text.splitlines() or [""]:
            self.console.print(Text(printable(part), style=style), highlight=False)

    def show(self, event: Event) -> None:
        """Render one event as it arrives."""
        if isinstance(event, Selected):
            self.line(event.reason, "dim")
        elif isinstance(event, ServiceStarting):
            self.line(f"Starting {event.app} with uvicorn on 127.0.0.1 …", "dim")
        elif isinstance(event, ServiceReady):
            self.line(f"Service up at {event.url} ({event.seconds:.1f} s)", "dim")
        elif isinstance(event, RunStarted):
            self._started(event)
        elif isinstance(event, PhaseStarted):
            self._phase_started(event)
        elif isinstance(event, ScenarioFinished):
            self._scenario(event)
        elif isinstance(event, PhaseFinished):
            self._phase_finished(event)
        elif isinstance(event, Problem):
            where = f"{event.operation}: " if event.operation else ""
            self.line(f"error: {where}{event.message}", "red")

    def _started(self, event: RunStarted) -> None:
        peers = f" (object-level checks: {' vs '.join(event.peers)})" if event.peers else ""
        self.line(f"Testing {len(event.operations)} operations at {event.base_url}", "bold")
        self.line(
            f"  seed {event.seed} · phases {', '.join(event.phases)} · identities "
            f"{', '.join(event.identities)}{peers}"
        )
        if self.console.is_terminal:
            self.progress = Progress(
                TextColumn("{task.description:<10}"),
                BarColumn(),
                MofNCompleteColumn(),
                TextColumn("{task.fields[stats]}"),
                TimeElapsedColumn(),
                console=self.console,
            )
            self.progress.start()

    def _phase_started(self, event: PhaseStarted) -> None:
        """One bar per phase: operations done, or for `stateful` the links followed so far."""
        self.counts.setdefault(event.phase, [0, 0])
        if self.progress is None:
            return
        task = self.tasks.get(event.phase)
        if task is None:
            self.tasks[event.phase] = self.progress.add_task(
                event.phase, total=event.expected or None, stats=""
            )
        elif event.phase != "stateful":  # fuzzing runs again while it keeps finding behaviour
            self.progress.reset(task, total=event.expected or None)

    def _scenario(self, event: ScenarioFinished) -> None:
        counts = self.counts.setdefault(event.phase, [0, 0])
        counts[0] += len(event.cases)
        counts[1] += len(event.findings)
        self.links |= event.links
        task = self.tasks.get(event.phase)
        if self.progress is None or task is None:
            return
        stats = f"{counts[0]} cases, {counts[1]} failures"
        if event.phase == "stateful":
            self.progress.update(task, completed=len(self.links), stats=stats)
        else:
            self.progress.update(task, advance=1 if event.label else 0, stats=stats)

    def _phase_finished(self, event: PhaseFinished) -> None:
        cases, failures = self.counts.get(event.phase, [0, 0])
        reason = f" ({event.skip_reason})" if event.skip_reason else ""
        if self.progress is None:
            self.line(
                f"  {event.phase}: {event.status}{reason}, {cases} cases, {failures} failures"
            )

    def stop(self) -> None:
        """End the live display (idempotent)."""
        if self.progress is not None:
            self.progress.stop()
            self.progress = None

    def summary(self, summary: Summary) -> None:
        """Coverage, speed, failures grouped by check with curl lines, warnings, the verdict."""
        self.stop()
        rate = f"{summary.cases_per_second:.0f}/s"
        self.line("")
        self.line("Summary", "bold")
        self.line(f"  operations  {len(summary.tested)}/{len(summary.operations)} tested")
        self.line(f"  cases       {summary.cases} in {summary.seconds:.1f} s ({rate})")
        self.line(f"  links       {summary.links_covered}/{summary.links_total} followed")
        phases = " · ".join(f"{name} {status}" for name, status in summary.phases.items())
        self.line(f"  phases      {phases}")
        self.line(f"  seed        {summary.seed} (rerun with --seed {summary.seed})")
        grouped = summary.by_check()
        if grouped:
            self.line("")
            self.line(f"Failures ({len(summary.failures)} unique)", "bold red")
        for check, findings in grouped.items():
            self.line(f"  {check} ({len(findings)})", "red")
            for finding in findings:
                seen = f" (seen {finding.occurrences} times)" if finding.occurrences > 1 else ""
                self.line(
                    f"    {finding.operation}  [{finding.code}] {finding.title}{seen}", "bold"
                )
                for text in finding.message.splitlines()[:8]:
                    self.line(f"      {text}")
                if finding.why:
                    self.line(
                        f"      {finding.why}", "yellow" if finding.fault == "contract" else ""
                    )
                for command in finding.curl.splitlines():
                    prompt = "" if command.startswith("#") else "$ "
                    self.line(f"      {prompt}{command}", "cyan")
        for title, items, style in (
            ("Unimplemented", summary.unimplemented, "yellow"),
            ("Skipped", summary.skipped, "dim"),
            ("Warnings", summary.warnings, "yellow"),
            ("Errors", summary.errors, "red"),
        ):
            if items:
                self.line("")
                self.line(title, f"bold {style}")
                for item in items:
                    self.line(f"  {item}", style)
        self.line("")
        verdict = "PASSED" if summary.passed else f"FAILED: {len(summary.failures)} failures"
        if summary.stop_reason != "completed":
            verdict = f"STOPPED ({summary.stop_reason}): {len(summary.failures)} failures so far"
        self.line(verdict, "bold green" if summary.passed else "bold red")

    def aborted(self, event: RunAborted) -> None:
        """Why the run could not start: diagnostics, the service's output, hints."""
        self.stop()
        if event.diagnostics:
            self.console.print(render_text(list(event.diagnostics)), markup=False, highlight=False)
        self.line(f"error: {event.reason}", "bold red")
        if event.log.strip():
            self.line("service output (last lines):", "dim")
            self.line(event.log.rstrip())
        for hint in event.hints:
            self.line(f"hint: {hint}", "yellow")


def _write(path: Path | None, text: str) -> None:
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def options(**flags: Any) -> TestOptions:
    pyproject = ProjectConfig.from_pyproject().root / "pyproject.toml"
    return load_project_options(pyproject).merged(**flags)


def run(
    console: Console,
    contract: Path,
    target: Target,
    options: TestOptions,
    junit: Path | None,
    json_path: Path | None,
) -> ExitCode:
    from generator.contract.session import run_contract_test

    renderer = Renderer(console)
    events = run_contract_test(contract, target, options)
    try:
        with _sigterm_as_interrupt():
            for event in events:
                renderer.show(event)
                if isinstance(event, RunAborted):
                    renderer.aborted(event)
                    _write(json_path, render_aborted_json(event.reason))
                    _write(junit, render_aborted_junit(str(contract), event.reason))
                    return ExitCode.USAGE
                if isinstance(event, RunFinished):
                    renderer.summary(event.summary)
                    _write(json_path, render_json(event.summary))
                    _write(junit, render_junit(event.summary))
                    if event.summary.stop_reason == "interrupted":
                        return ExitCode.INTERRUPTED
                    return ExitCode.OK if event.summary.passed else ExitCode.FOUND
    except KeyboardInterrupt:
        renderer.stop()
        console.print("interrupted; the service was stopped", style="yellow")
        return ExitCode.INTERRUPTED
    finally:
        events.close()  # stops a started service if we left early
        renderer.stop()
    return ExitCode.USAGE


def merge_reports(
    console: Console,
    contract: Path,
    paths: list[Path],
    junit: Path | None,
    json_path: Path | None,
) -> ExitCode:
    """`specfirst test CONTRACT --merge a.json --merge b.json`: one verdict for a CI matrix."""
    from generator.contract.merge import MergeError, merge_summaries, read_report
    from generator.contract.runner import selected_operations
    from generator.pipeline import check_contract

    renderer = Renderer(console)
    checked = check_contract(contract)
    if checked.spec is None or not checked.ok():
        renderer.line(f"error: {contract}: the contract is invalid", "bold red")
        return ExitCode.USAGE
    try:
        reports = [read_report(path) for path in paths]
        every_share = dataclasses.replace(options(), shard=None, only_operations=None)
        every = selected_operations(checked.spec.root, every_share)
    except (MergeError, OptionsError) as exc:
        renderer.line(f"error: {exc}", "bold red")
        return ExitCode.USAGE
    summary = merge_summaries(str(contract), every, reports)
    renderer.line(f"Merged {len(reports)} reports", "bold")
    renderer.summary(summary)
    _write(json_path, render_json(summary))
    _write(junit, render_junit(summary))
    return ExitCode.OK if summary.passed else ExitCode.FOUND
