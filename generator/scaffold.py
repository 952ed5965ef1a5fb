"""scaffold: hand-written implementation stubs, written once and only ever added to.

`specfirst scaffold CONTRACT -o DIR` writes `DIR/<tag>.py` with a class `<Tag>Impl` per tag,
subclassing the generated Protocol (so mypy reports a method whose signature no longer matches
the contract on that method's own line), and `DIR/__init__.py` with `create_app()`. A file that
exists is never rewritten: methods the contract gained are appended to the class. A method
whose operation is gone is reported (`orphans.py`), a renamed operation's method is renamed
on request, and `RECORD` remembers which operation each method stands for. A contract with
webhooks or callbacks also gets `DIR/webhook_receiver.py`: `WebhookReceiverImpl`, subclassing
the generated `WebhookReceiver` Protocol, one method per event, added to the same way.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from generator.format import sort_imports
from generator.ir.nodes import Api, Tag
from generator.orphans import (
    RECORD,
    Orphan,
    Past,
    find_event_orphans,
    find_orphans,
    owners,
    read_record,
    record_text,
    rename_methods,
)
from generator.pipeline import Checked, api_of, check_contract
from generator.scaffold_tests import ContractTests, scaffold_contract_tests
from generator.stub_merge import merge_methods

INIT = "__init__.py"
RECEIVER_IMPL = "WebhookReceiverImpl"


@dataclass(frozen=True)
class Stub:
    """One tag's stub module: file stem, class name and the Protocol it implements."""

    module: str
    impl: str
    protocol: str


@dataclass(frozen=True)
class Added:
    """Methods appended to an existing stub class (and names its imports gained)."""

    file: str
    impl: str
    methods: tuple[str, ...]
    imports: tuple[str, ...] = ()


@dataclass
class ScaffoldReport:
    """What a scaffold run created, added, and could not do (as notes)."""

    created: list[str] = field(default_factory=list)
    added: list[Added] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    orphans: list[Orphan] = field(default_factory=list)  # methods no operation is named after
    renamed: list[Orphan] = field(default_factory=list)  # orphans renamed (`--rename`)

    @property
    def changed(self) -> bool:
        """True when a file was created, added to or had a method renamed."""
        return bool(self.created or self.added or self.renamed)


@dataclass
class Scaffolded:
    """The outcome of `scaffold_contract`: the checked contract and, when valid, the report."""

    checked: Checked
    report: ScaffoldReport | None = None
    files: dict[str, str] = field(default_factory=dict)
    tests: ContractTests | None = None  # the contract-test module, when a tests folder was given


def impl_name(protocol: str) -> str:
    """The stub class for a Protocol.

    >>> impl_name("UsersApi"), impl_name("UsersApi_2")
    ('UsersImpl', 'UsersApi_2Impl')
    """
    return protocol[: -len("Api")] + "Impl" if protocol.endswith("Api") else protocol + "Impl"


def stub_of(tag: Tag) -> Stub:
    """The stub module and class standing for `tag`."""
    return Stub(module=tag.module, impl=impl_name(tag.protocol), protocol=tag.protocol)


def receiver_file(api: Api) -> str | None:
    """The receiver stub's file name (None without events), clear of every tag's module.

    The stem is `webhook_receiver`, with `_` added while a tag's module has that name.
    """
    if not api.events:
        return None
    stem, taken = "webhook_receiver", {tag.module for tag in api.tags}
    while stem in taken:
        stem += "_"
    return f"{stem}.py"


def render_stubs(api: Api, package: str) -> dict[str, str]:
    """Every stub file as it would be written today, formatted; keyed by relative path."""
    from generator.emit.render import render
    from generator.emit.webhooks import webhook_views
    from generator.format import format_files

    files = {
        f"{tag.module}.py": render(
            "scaffold_module.py.jinja", tag=tag, impl=impl_name(tag.protocol), package=package
        )
        for tag in api.tags
    }
    receiver = receiver_file(api)
    if receiver is not None:
        events = webhook_views(api)["events"]
        files[receiver] = render(
            "scaffold_receiver.py.jinja",
            api=api,
            events=events,
            impl=RECEIVER_IMPL,
            package=package,
        )
    stubs = [stub_of(tag) for tag in api.tags]
    files[INIT] = render("scaffold_init.py.jinja", api=api, package=package, stubs=stubs)
    # Sorted again so the generated package is first-party, as in the project that imports it.
    return sort_imports(format_files(files), first_party=package.split(".", 1)[0])


def plan_scaffold(
    api: Api,
    fresh: dict[str, str],
    existing: dict[str, str],
    package: str,
    *,
    rename: bool = False,
    label: str = "",
) -> tuple[dict[str, str], ScaffoldReport]:
    """Decide what to write: absent files whole, missing methods appended to existing ones.

    An orphaned method is reported; one whose operation was renamed is renamed when `rename`,
    and otherwise no stub is appended for the new name (the user renames the method instead).
    """
    report = ScaffoldReport()
    writes: dict[str, str] = {}
    past = read_record(existing.get(RECORD))
    current = owners((impl_name(tag.protocol), tag.operations) for tag in api.tags)
    for tag in api.tags:
        stub = stub_of(tag)
        name = f"{stub.module}.py"
        if name not in existing:
            writes[name] = fresh[name]
            report.created.append(name)
            if INIT in existing:
                report.notes.append(
                    f"{name}: new tag {tag.wire!r}; pass {stub.module}={stub.impl}() to "
                    f"create_service in {INIT}"
                )
            continue
        source = existing[name]
        orphans = find_orphans(source, name, stub.impl, current, past)
        if rename:
            source, renamed = rename_methods(source, orphans)
            report.renamed += renamed
            orphans = [o for o in orphans if o not in renamed]
        report.orphans += orphans
        awaited = frozenset(filter(None, (o.rename_to for o in orphans)))
        merged = merge_methods(source, fresh[name], stub.impl, first_party=package, skip=awaited)
        if merged.problem:
            report.notes.append(f"{name}: {merged.problem}")
        if merged.added:
            report.added.append(Added(name, stub.impl, merged.added, merged.imports))
        if merged.added or merged.text != existing[name]:
            writes[name] = merged.text
        elif not merged.problem:
            report.unchanged.append(name)
    _plan_receiver(api, fresh, existing, package, writes, report)
    if INIT in existing:  # written when absent, never touched again
        report.unchanged.append(INIT)
    else:
        writes[INIT] = fresh[INIT]
        report.created.append(INIT)
    record = _record(api, past, report.orphans, label)
    if existing.get(RECORD) != record:
        writes[RECORD] = record
    return writes, report


def _plan_receiver(
    api: Api,
    fresh: dict[str, str],
    existing: dict[str, str],
    package: str,
    writes: dict[str, str],
    report: ScaffoldReport,
) -> None:
    """The receiver stub: written when absent, else the events it lacks appended.

    A method whose event is gone is reported, by the docstring scaffold wrote (events have no
    record to tell a rename).
    """
    name = receiver_file(api)
    if name is None:
        return
    if name not in existing:
        writes[name] = fresh[name]
        report.created.append(name)
        return
    events = {event.name for event in api.events}
    report.orphans += find_event_orphans(existing[name], name, RECEIVER_IMPL, events)
    merged = merge_methods(existing[name], fresh[name], RECEIVER_IMPL, first_party=package)
    if merged.problem:
        report.notes.append(f"{name}: {merged.problem}")
    if merged.added:
        report.added.append(Added(name, RECEIVER_IMPL, merged.added, merged.imports))
        writes[name] = merged.text
    elif not merged.problem:
        report.unchanged.append(name)


def _record(api: Api, past: dict[str, Past], orphans: list[Orphan], label: str) -> str:
    """Which operation each method stands for now; an orphan keeps its entry until resolved."""
    entries = {
        f"{impl_name(tag.protocol)}.{op.name}": Past.of(op)
        for tag in api.tags
        for op in tag.operations
    }
    for orphan in orphans:
        key = f"{orphan.impl}.{orphan.method}"
        if key in past:
            entries.setdefault(key, past[key])
    return record_text(label, entries)


def write_stubs(root: Path, writes: dict[str, str], created: list[str]) -> None:
    """The one place scaffold touches disk; a file meant to be new is never overwritten."""
    root.mkdir(parents=True, exist_ok=True)
    for name, text in writes.items():
        target = root / name
        mode = "x" if name in created else "w"
        with target.open(mode, encoding="utf-8", newline="\n") as handle:
            handle.write(text)


def read_existing(root: Path, names: list[str]) -> dict[str, str]:
    """The stub files already in `root` (any of `names`)."""
    return {
        name: (root / name).read_text(encoding="utf-8") for name in names if (root / name).is_file()
    }


def scaffold_contract(
    path: Path,
    output: Path,
    *,
    package: str,
    label: str,
    rename: bool = False,
    tests: Path | None = None,
    root: Path | None = None,
) -> Scaffolded:
    """Check the contract, render today's stubs and add what `output` lacks (`plan_scaffold`).

    With `tests`, the contract-test module goes there too (`scaffold_tests.py`), importing the
    stubs package by its path below the project `root` (default: the cwd).
    """
    checked = check_contract(path)
    if not checked.ok() or checked.served is None:
        return Scaffolded(checked)
    api = api_of(checked.served, label=label, package=package.rsplit(".", 1)[-1])
    fresh = render_stubs(api, package)
    existing = read_existing(output, [*fresh, RECORD])
    writes, report = plan_scaffold(api, fresh, existing, package, rename=rename, label=label)
    write_stubs(output, writes, report.created)
    contract_tests = None
    if tests is not None:
        contract_tests = scaffold_contract_tests(
            path, label=label, package=package, stubs=output, tests=tests, root=root or Path.cwd()
        )
    return Scaffolded(checked, report, writes, contract_tests)


def default_package(generated: Path, root: Path) -> str | None:
    """The import path of a generated package folder below the project root, if it has one.

    >>> default_package(Path("/p/generated/users"), Path("/p"))
    'generated.users'
    """
    try:
        parts = generated.resolve().relative_to(root.resolve()).parts
    except ValueError:
        return None
    if not parts or not all(part.isidentifier() for part in parts):
        return None
    return ".".join(parts)
