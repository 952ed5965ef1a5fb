"""The one place the stages are composed: load → validate → IR → emit → format → write.

`generate_contract` reads top to bottom as the pipeline. On a large contract the model stage
(`start_models`) starts its worker beside validation: that changes when models.py is
computed, never what it holds.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from generator.diagnostics import Diagnostic, has_errors
from generator.naming import env_prefix
from generator.rule_config import RuleConfig, apply_rules, rule_config_for
from generator.spec.catalogue import diagnostic
from generator.spec.document import Spec
from generator.stamp import make_stamp, up_to_date
from generator.write import WriteReport, write_files

if TYPE_CHECKING:
    from generator.ir.nodes import Api, PackageIr
    from generator.ir.schemas import ModelPlan
    from generator.spec.load import LoadResult
    from generator.spec.readings import Edit
    from generator.spec.validate import EarlyReadings


@dataclass
class Checked:
    """A contract after loading and validation; `spec` is None when it could not be read.

    `served` is the contract as generation reads it (lenient readings applied,
    `spec/readings.py`); `silenced` counts the findings `[tool.specfirst.rules]` or
    `x-specfirst-ignore` turned off.
    """

    path: Path
    spec: Spec | None
    diagnostics: list[Diagnostic] = field(default_factory=list)
    served: Spec | None = None
    silenced: int = 0
    rules: RuleConfig = field(default_factory=RuleConfig)
    edits: tuple[Edit, ...] = ()  # how `served` reads `spec` leniently (`spec/readings.py`)

    def ok(self, *, strict: bool = False) -> bool:
        return self.spec is not None and not has_errors(self.diagnostics, strict=strict)


def check_contract(path: Path) -> Checked:
    """Load and validate one contract, collecting every finding."""
    # Imported on first use: an up-to-date `generate` never needs the validators.
    from generator.spec.load import load_spec

    return validate_loaded(path, load_spec(path))


def validate_loaded(
    path: Path, loaded: LoadResult, *, early: EarlyReadings | None = None
) -> Checked:
    """Validate a loaded contract: the load's findings plus every rule's, as configured.

    `early` is told the edits of our rules' readings before the standard check runs
    (`check_spec`).
    """
    from generator.spec.validate import check_spec

    rules, problems = rule_config_for(path)
    diagnostics = [*problems, *loaded.diagnostics]
    served = None
    edits: tuple[Edit, ...] = ()
    if loaded.spec is not None:
        validated = check_spec(loaded.spec, early)
        diagnostics.extend(validated.diagnostics)
        served, edits = validated.served, validated.edits
    spec = loaded.spec
    diagnostics, silenced = apply_rules(
        diagnostics, rules, spec.root if spec else {}, spec.locate if spec else None
    )
    unique = {(d.rule, d.pointer, d.location, d.message): d for d in diagnostics}
    ordered = sorted(unique.values(), key=lambda d: d.sort_key())
    return Checked(path, spec, ordered, served=served, silenced=silenced, rules=rules, edits=edits)


@dataclass
class Generated:
    """The outcome of generating one contract: diagnostics, files, and what the writer did."""

    checked: Checked
    files: dict[str, str] = field(default_factory=dict)
    report: WriteReport | None = None
    skipped: bool = False  # inputs and outputs matched the stamp: nothing was redone
    client_report: WriteReport | None = None  # the client package's, when one was asked for


def contract_label(path: Path, root: Path | None = None) -> str:
    """How the contract is named in generated headers: relative to `root` (or cwd), POSIX."""
    base = (root or Path.cwd()).resolve()
    resolved = path.resolve()
    return resolved.relative_to(base).as_posix() if resolved.is_relative_to(base) else path.name


def build_ir(spec: Spec, *, label: str, package: str) -> PackageIr:
    """The IR of a validated contract: everything emission reads (no files yet)."""
    from generator.ir.error_plan import plan_errors
    from generator.ir.nodes import PackageIr
    from generator.ir.schemas import plan_models
    from generator.ir.wire_schemas import build_wire_schemas

    plan = plan_models(spec.root)
    api = _api(spec, plan, label=label, package=package)
    views = build_wire_schemas(spec.root)
    wire = {**views, "errors": plan_errors(spec.root, api, views)}
    return PackageIr(api, plan, wire, document=spec.root, env_prefix=env_prefix(package))


def api_of(spec: Spec, *, label: str, package: str) -> Api:
    """The Api alone, for readers that emit no files (scaffold, check, the mock)."""
    from generator.ir.schemas import plan_models

    return _api(spec, plan_models(spec.root), label=label, package=package)


def _api(spec: Spec, plan: ModelPlan, *, label: str, package: str) -> Api:
    from generator.ir.build import build_api

    return build_api(
        spec.root,
        model_types={ptr: t.code for ptr, t in plan.types.items()},
        model_classes=frozenset(plan.classes),
        model_forms=plan.forms,
        contract=label,
        package=package,
    )


def plan_warnings(plan: ModelPlan, spec: Spec) -> list[Diagnostic]:
    """What the model plan had to change: renamed names, stripped code-carrying extensions."""
    stripped = [
        diagnostic(
            "stripped-extension",
            f"{keyword!r} removed: it would put code from the contract into models.py",
            pointer,
            spec.locate(pointer),
        )
        for pointer, keyword in plan.stripped
    ]
    return [*rename_warnings(plan.renames, plan.field_names, spec), *stripped]


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


def client_folder(output: Path) -> Path:
    """Where the client package of a service package goes: beside it, `<name>_client`.

    >>> client_folder(Path("generated/users")).as_posix()
    'generated/users_client'
    """
    return output.with_name(output.name + "_client")


def generate_contract(
    path: Path, output: Path, *, label: str, check: bool = False, client: bool = False
) -> Generated:
    """The whole pipeline for one contract; with `check`, compare with disk instead of writing.

    With `client`, the typed client package is generated too, into `client_folder(output)`.
    """
    current = up_to_date(output, label) and (not client or up_to_date(client_folder(output), label))
    if not check and current:
        return Generated(Checked(path, None), report=WriteReport(), skipped=True)
    # Imported here so `specfirst validate` does not pay for the code generators' imports.
    from generator.emit.models import ModelGenerationError, start_models
    from generator.emit.package import emit_modules
    from generator.format import format_files
    from generator.spec.load import load_spec

    with start_models(path, label=label) as models:  # leaving it stops an unused worker
        loaded = load_spec(path)
        models.load(loaded.spec)
        checked = validate_loaded(path, loaded, early=models.read_as)
        if not checked.ok() or checked.served is None:
            return Generated(checked)
        spec = checked.served
        if checked.edits != models.edits:
            models.cancel()  # the worker models the contract as our rules read it; more was read
        try:
            ir = build_ir(spec, label=label, package=output.name)
            files = format_files(emit_modules(ir))
            files["models.py"] = models.models_py(ir.models)  # formatted by the model stage
        except ModelGenerationError as exc:
            checked.diagnostics.append(
                diagnostic("model-generation", str(exc), "", spec.locate(""))
            )
            return Generated(checked)
    warnings, silenced = apply_rules(plan_warnings(ir.models, spec), checked.rules, spec.root)
    checked.diagnostics.extend(warnings)
    checked.silenced += silenced
    inputs = spec.files or [path]
    stamp = make_stamp(output, label, inputs, files)
    report = write_files(output, files, check=check, stamp=stamp)
    client_report = None
    if client:
        from generator.emit.client import emit_client

        folder = client_folder(output)
        client_files = format_files(emit_client(ir, files["models.py"]))
        client_stamp = make_stamp(folder, label, inputs, client_files)
        client_report = write_files(folder, client_files, check=check, stamp=client_stamp)
    return Generated(checked, files, report, client_report=client_report)
