"""`specfirst test`: contract-test a service with schemathesis; renders the run's events with rich.

Exit codes: 0 passed, 1 contract violations (or errors while testing), 2 the run could not
start (bad contract or settings, service did not come up), 130 interrupted.
"""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Iterator
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, Annotated, Any

import typer
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

EXIT_OK, EXIT_FAILED, EXIT_NOT_STARTED, EXIT_INTERRUPTED = 0, 1, 2, 130

Opt = typer.Option

if TYPE_CHECKING:
    from generator.contract.session import Target


def _pairs(values: list[str] | None, flag: str) -> dict[str, str]:
    pairs = {}
    for value in values or []:
        name, sep, secret = value.partition("=")
        if not sep or not name:
            raise OptionsError(f"{flag} takes SCHEME=VALUE, not {value!r}")
        pairs[name] = secret
    return pairs


def _number_or(value: str | None, word: str) -> int | str | None:
    if value is None or value == word:
        return value
    try:
        return int(value)
    except ValueError:
        raise OptionsError(f"expected a number or {word!r}, not {value!r}") from None


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
        if isinstance(event, ServiceStarting):
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
                for command in finding.curl.splitlines():
                    prompt = "" if command.startswith("#") else "$ "
                    self.line(f"      {prompt}{command}", "cyan")
        for title, items, style in (
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


def _options(**flags: Any) -> TestOptions:
    pyproject = ProjectConfig.from_pyproject().root / "pyproject.toml"
    return load_project_options(pyproject).merged(**flags)


def test(
    contract: Annotated[Path, typer.Argument(help="The contract (source of truth), YAML or JSON.")],
    app: Annotated[str | None, Opt("--app", help="module:factory to start with uvicorn.")] = None,
    url: Annotated[str | None, Opt("--url", help="Test a service that is already running.")] = None,
    env_prefix: Annotated[
        str | None, Opt("--env-prefix", help="Settings prefix of the package, e.g. USERS_.")
    ] = None,
    jwt_secret_env: Annotated[
        str | None, Opt("--jwt-secret-env", help="With --url: variable holding the JWT secret.")
    ] = None,
    credential: Annotated[
        list[str] | None,
        Opt(
            "--credential",
            help="SCHEME=key (API key), SCHEME=user:pass (basic, or log in at an OAuth2 "
            "password flow's tokenUrl instead of minting).",
        ),
    ] = None,
    peer_credential: Annotated[
        list[str] | None, Opt("--peer-credential", help="The same for the peer identity.")
    ] = None,
    max_examples: Annotated[int | None, Opt("--max-examples", "-n", help="Per operation.")] = None,
    seed: Annotated[str | None, Opt("--seed", help="A number, or 'random'.")] = None,
    workers: Annotated[str | None, Opt("--workers", "-w", help="A number, or 'auto'.")] = None,
    phases: Annotated[
        str | None, Opt("--phases", help="examples,coverage,fuzzing,stateful")
    ] = None,
    mode: Annotated[str | None, Opt("--mode", help="all | positive | negative data.")] = None,
    checks: Annotated[str | None, Opt("--checks", "-c", help="Checks to run, or 'all'.")] = None,
    exclude_checks: Annotated[str | None, Opt("--exclude-checks", help="Checks to skip.")] = None,
    include_operation_id: Annotated[list[str] | None, Opt("--include-operation-id")] = None,
    include_tag: Annotated[list[str] | None, Opt("--include-tag")] = None,
    exclude_operation_id: Annotated[list[str] | None, Opt("--exclude-operation-id")] = None,
    exclude_tag: Annotated[list[str] | None, Opt("--exclude-tag")] = None,
    max_response_time: Annotated[float | None, Opt("--max-response-time", help="Seconds.")] = None,
    request_timeout: Annotated[float | None, Opt("--request-timeout", help="Seconds.")] = None,
    continue_on_failure: Annotated[
        bool | None, Opt("--continue-on-failure/--stop-on-failure", help="Per operation.")
    ] = None,
    startup_timeout: Annotated[
        float | None, Opt("--startup-timeout", help="Seconds to wait for the service.")
    ] = None,
    junit: Annotated[Path | None, Opt("--junit", help="Write a JUnit XML report here.")] = None,
    json_path: Annotated[Path | None, Opt("--json", help="Write the JSON summary here.")] = None,
) -> None:
    """Contract-test a service against CONTRACT with schemathesis: every check, every phase.

    [bold]--app module:factory[/bold] starts the service (uvicorn on 127.0.0.1, a free port) with fresh
    test credentials; [bold]--url[/bold] tests one that is already running. Project defaults come
    from \\[tool.specfirst.test] in pyproject.toml; flags override them.
    """
    console = Console(highlight=False, soft_wrap=True)
    if (app is None) == (url is None):
        console.print("error: give exactly one of --app or --url", style="red")
        raise typer.Exit(EXIT_NOT_STARTED)
    try:
        options = _options(
            max_examples=max_examples,
            seed=_number_or(seed, "random"),
            workers=_number_or(workers, "auto"),
            phases=phases,
            mode=mode,
            checks=checks,
            exclude_checks=exclude_checks,
            include_operation_ids=include_operation_id,
            include_tags=include_tag,
            exclude_operation_ids=exclude_operation_id,
            exclude_tags=exclude_tag,
            max_response_time=max_response_time,
            request_timeout=request_timeout,
            continue_on_failure=continue_on_failure,
            startup_timeout=startup_timeout,
        )
        from generator.contract.session import Target  # schemathesis: only for this command

        target = Target(
            app=app,
            url=url,
            env_prefix=env_prefix,
            jwt_secret_env=jwt_secret_env,
            credentials=_pairs(credential, "--credential"),
            peer_credentials=_pairs(peer_credential, "--peer-credential"),
        )
    except OptionsError as exc:
        console.print(Text(f"error: {exc}", style="red"))
        raise typer.Exit(EXIT_NOT_STARTED) from None
    raise typer.Exit(_run(console, contract, target, options, junit, json_path))


def _run(
    console: Console,
    contract: Path,
    target: Target,
    options: TestOptions,
    junit: Path | None,
    json_path: Path | None,
) -> int:
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
                    return EXIT_NOT_STARTED
                if isinstance(event, RunFinished):
                    renderer.summary(event.summary)
                    _write(json_path, render_json(event.summary))
                    _write(junit, render_junit(event.summary))
                    if event.summary.stop_reason == "interrupted":
                        return EXIT_INTERRUPTED
                    return EXIT_OK if event.summary.passed else EXIT_FAILED
    except KeyboardInterrupt:
        renderer.stop()
        console.print("interrupted; the service was stopped", style="yellow")
        return EXIT_INTERRUPTED
    finally:
        events.close()  # stops a started service if we left early
        renderer.stop()
    return EXIT_NOT_STARTED


def register(app: typer.Typer) -> None:
    """Add `specfirst test` to the CLI."""
    app.command(name="test")(test)
