"""The one place the stages are composed: load → validate → (IR → emit → format → write)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from generator.diagnostics import Diagnostic, has_errors
from generator.naming import snake_name
from generator.spec.catalogue import diagnostic
from generator.spec.document import Spec
from generator.stamp import make_stamp, up_to_date
from generator.write import WriteReport, write_files

if TYPE_CHECKING:
    from generator.emit.models.stage import ModelWorker
    from generator.ir.nodes import Api
    from generator.ir.schemas import ModelPlan
    from generator.spec.load import LoadResult


@dataclass
class Checked:
    """A contract after loading and validation; `spec` is None when it could not be read."""

    path: Path
    spec: Spec | None
    diagnostics: list[Diagnostic] = field(default_factory=list)

    def ok(self, *, strict: bool = False) -> bool:
        return self.spec is not None and not has_errors(self.diagnostics, strict=strict)


def check_contract(path: Path) -> Checked:
    """Load and validate one contract, collecting every finding."""
    # Imported on first use: an up-to-date `generate` never needs the validators.
    from generator.spec.load import load_spec

    return validate_loaded(path, load_spec(path))


def validate_loaded(path: Path, loaded: LoadResult) -> Checked:
    """Validate a loaded contract: the load's findings plus every rule's."""
    from generator.spec.validate import validate_spec

    diagnostics = list(loaded.diagnostics)
    if loaded.spec is not None:
        diagnostics.extend(validate_spec(loaded.spec))
    unique = {(d.rule, d.pointer, d.location, d.message): d for d in diagnostics}
    ordered = sorted(unique.values(), key=lambda d: d.sort_key())
    return Checked(path=path, spec=loaded.spec, diagnostics=ordered)


@dataclass
class Generated:
    """The outcome of generating one contract: diagnostics, files, and what the writer did."""

    checked: Checked
    files: dict[str, str] = field(default_factory=dict)
    report: WriteReport | None = None
    skipped: bool = False  # inputs and outputs matched the stamp: nothing was redone


def contract_label(path: Path, root: Path | None = None) -> str:
    """How the contract is named in generated headers: relative to `root` (or cwd), POSIX."""
    base = (root or Path.cwd()).resolve()
    resolved = path.resolve()
    return resolved.relative_to(base).as_posix() if resolved.is_relative_to(base) else path.name


def build_ir(spec: Spec, *, label: str, package: str) -> tuple[ModelPlan, Api]:
    """The model plan and the IR of a validated contract (no files yet)."""
    from generator.ir.build import build_api
    from generator.ir.schemas import plan_models

    plan = plan_models(spec.root)
    api = build_api(
        spec.root,
        model_types={ptr: t.code for ptr, t in plan.types.items()},
        model_classes=frozenset(plan.classes),
        contract=label,
        package=package,
    )
    return plan, api


def render_package(
    checked: Checked, output: Path, *, label: str, worker: ModelWorker | None = None
) -> tuple[dict[str, str], list[Diagnostic]]:
    """IR → emit → format for a validated contract; returns files keyed by relative path.

    `worker`, when given, is computing models.py in a second process (`emit/models/stage.py`): the
    other files are rendered and formatted here meanwhile.
    """
    # Imported here so `specfirst validate` does not pay for the code generators' imports.
    from generator.emit.models import ModelGenerationError, emit_models
    from generator.emit.package import add_models, emit_modules, header_line
    from generator.format import format_files

    assert checked.spec is not None
    try:
        plan, api = build_ir(checked.spec, label=label, package=output.name)
        modules = emit_modules(api, document=checked.spec.root, env_prefix=env_prefix(output.name))
        if worker is None:
            models = emit_models(plan, header=header_line(label))
            files = format_files(add_models(modules, api, models))
        else:  # models.py comes formatted on its own; the rest is formatted meanwhile
            modules = format_files(modules)
            formatted = worker.result()
            if formatted is None:  # the worker failed: its share is done here, the same way
                source = emit_models(plan, header=header_line(label))
                formatted = format_files({"models.py": source})["models.py"]
            files = add_models(modules, api, formatted)
    except ModelGenerationError as exc:
        if worker:
            worker.cancel()
        location = checked.spec.locate("")
        return {}, [diagnostic("model-generation", str(exc), "", location)]
    stripped = [
        diagnostic(
            "stripped-extension",
            f"{keyword!r} removed: it would put code from the contract into models.py",
            pointer,
            checked.spec.locate(pointer),
        )
        for pointer, keyword in plan.stripped
    ]
    return files, [
        *rename_warnings(plan.renames, plan.field_names, checked.spec),
        *stripped,
    ]


def env_prefix(package: str) -> str:
    """Environment variable prefix of a generated package's settings, e.g. `USERS_`."""
    return snake_name(package, reserved=frozenset()).upper() + "_"


def rename_warnings(
    renames: tuple[tuple[str, str], ...], fields: Mapping[str, str], spec: Spec
) -> list[Diagnostic]:
    """One warning listing the contract names that had to change to become Python names.

    Wire names never change: every renamed field keeps its original as its alias.
    """
    pairs = [(old, new) for old, new in renames] + sorted(fields.items())
    if not pairs:
        return []
    listed = ", ".join(f"{old!r} -> {new}" for old, new in pairs[:20])
    more = f" (and {len(pairs) - 20} more)" if len(pairs) > 20 else ""
    return [
        diagnostic(
            "renamed",
            f"names changed to become Python identifiers (wire names unchanged): {listed}{more}",
            "/components/schemas",
            spec.locate("/components/schemas"),
        )
    ]


def generate_contract(path: Path, output: Path, *, label: str, check: bool = False) -> Generated:
    """The whole pipeline for one contract; with `check`, compare with disk instead of writing."""
    if not check and up_to_date(output, label):
        return Generated(Checked(path, None), report=WriteReport(), skipped=True)
    from generator.emit.models.stage import start_models
    from generator.spec.load import load_spec

    loaded = load_spec(path)
    worker = None
    if loaded.spec is not None:  # the model stage starts while the contract is validated
        worker = start_models(loaded.spec, label=label)
    try:
        checked = validate_loaded(path, loaded)
        if checked.ok():
            files, extra = render_package(checked, output, label=label, worker=worker)
    except BaseException:  # an interrupt, or a bug: the worker must not outlive us
        if worker:
            worker.cancel()
        raise
    if not checked.ok():  # a contract with errors never reaches the model stage's result
        if worker:
            worker.cancel()
        return Generated(checked)
    checked.diagnostics.extend(extra)
    if not files:
        return Generated(checked)
    assert checked.spec is not None
    stamp = make_stamp(output, label, checked.spec.files or [path], files)
    report = write_files(output, files, check=check, stamp=stamp)
    return Generated(checked, files, report)
