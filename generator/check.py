"""`specfirst check`: is generated code current, is every operation implemented, any drift?

The same pipeline as `generate`, ending in a comparison instead of a write; then, for
contracts with a configured application, the implementations behind `create_app` are
inspected against the generated interfaces (unimplemented operations, and methods whose
operation is gone: `orphans.py`), and the app's routes against the contract.
"""

from __future__ import annotations

import ast
import inspect
import textwrap
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator.diagnostics import Diagnostic, Location
from generator.ir.nodes import Api, Tag
from generator.orphans import RECORD, find_orphans, owners, read_record
from generator.pipeline import Generated, api_of, contract_label, generate_contract
from generator.spec.catalogue import diagnostic
from generator.spec.pointers import join_pointer


@dataclass
class ContractCheck:
    """What `check` found for one contract."""

    contract: Path
    generated: Generated
    findings: list[Diagnostic] = field(default_factory=list)

    @property
    def stale(self) -> bool:
        report, client = self.generated.report, self.generated.client_report
        return report is None or report.changed or (client is not None and client.changed)

    @property
    def ok(self) -> bool:
        return not self.stale and not any(f.is_error for f in self.findings)


def is_stub(method: Any) -> bool:
    """True for a method whose body only raises NotImplementedError or is `...`/`pass`.

    >>> class A:
    ...     def f(self): raise NotImplementedError
    ...     def g(self): return 1
    >>> is_stub(A.f), is_stub(A.g)
    (True, False)
    """
    try:
        tree = ast.parse(textwrap.dedent(inspect.getsource(method)))
    except (OSError, TypeError, SyntaxError):
        return False
    func = tree.body[0]
    if not isinstance(func, ast.FunctionDef | ast.AsyncFunctionDef):
        return False
    body = list(func.body)
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
        body = body[1:]  # the docstring
    if len(body) != 1:
        return not body
    only = body[0]
    if isinstance(only, ast.Pass) or (
        isinstance(only, ast.Expr) and isinstance(only.value, ast.Constant)
    ):
        return True
    if isinstance(only, ast.Raise) and only.exc is not None:
        target = only.exc.func if isinstance(only.exc, ast.Call) else only.exc
        return isinstance(target, ast.Name) and target.id == "NotImplementedError"
    return False


def unimplemented(api: Api, app: Any, spec: Any) -> list[Diagnostic]:
    """Operations the app does not implement (no method, the Protocol's, or still a stub)."""
    bound = {
        route.operation.operation_id: route
        for route in app.router.routes
        if getattr(route, "operation", None) is not None
    }
    found: list[Diagnostic] = []
    for tag in api.tags:
        for op in tag.operations:
            route = bound.get(op.operation_id)
            impl = route.implementation if route is not None else None
            method = getattr(type(impl), op.name, None) if impl is not None else None
            served = route is not None and route.handler is not None
            if served and method is not None and not is_stub(method):
                continue
            owner = (
                type(impl).__name__ if impl is not None else f"no implementation for {tag.protocol}"
            )
            pointer = join_pointer("/paths", op.path, op.method)
            found.append(
                diagnostic(
                    "unimplemented",
                    f"{op.method.upper()} {op.path} ({tag.protocol}.{op.name}) is not implemented: {owner}",
                    pointer,
                    spec.locate(pointer),
                )
            )
    return found


def _implementations(api: Api, app: Any) -> list[tuple[Tag, Any]]:
    """Each tag with the object implementing it in `app` (tags without one left out)."""
    by_operation = {
        route.operation.operation_id: route.implementation
        for route in app.router.routes
        if getattr(route, "operation", None) is not None
        and getattr(route, "implementation", None) is not None
    }
    found = []
    for tag in api.tags:
        impl = next(
            (
                by_operation[op.operation_id]
                for op in tag.operations
                if op.operation_id in by_operation
            ),
            None,
        )
        if impl is not None:
            found.append((tag, impl))
    return found


def orphaned(api: Api, app: Any) -> list[Diagnostic]:
    """Methods of the app's implementation classes that no operation is named after."""
    pairs = _implementations(api, app)
    current = owners((type(impl).__name__, tag.operations) for tag, impl in pairs)
    found: list[Diagnostic] = []
    classes = {type(impl): None for _, impl in pairs}  # one class may implement several tags
    for cls in classes:
        try:
            path = Path(inspect.getsourcefile(cls) or "")
            source = path.read_text(encoding="utf-8")
        except (OSError, TypeError):
            continue  # a class without a source file (built at run time): nothing to read
        record = path.parent / RECORD
        past = read_record(record.read_text(encoding="utf-8") if record.is_file() else None)
        shown = _shown(path)
        for orphan in find_orphans(source, shown, cls.__name__, current, past):
            where = Location(orphan.file, orphan.line, orphan.column)
            found.append(diagnostic("orphaned-method", orphan.advice(), "", where))
    return found


def _shown(path: Path) -> str:
    """`path` relative to the working directory when it is below it."""
    cwd = Path.cwd()
    return str(path.relative_to(cwd)) if path.is_relative_to(cwd) else str(path)


def check_contract_package(
    contract: Path,
    output: Path,
    *,
    root: Path | None,
    app_reference: str | None,
    client: bool = False,
) -> ContractCheck:
    """Regenerate in memory and compare; then implementations and drift when an app is named.

    With `client`, the client package beside `output` is compared too.
    """
    label = contract_label(contract, root)
    generated = generate_contract(contract, output, label=label, check=True, client=client)
    result = ContractCheck(contract, generated)
    spec = generated.checked.served
    if spec is None or generated.report is None or app_reference is None:
        return result
    from generator.apps import AppLoadError, load_app
    from generator.contract.drift import find_drift

    try:
        app = load_app(app_reference)
    except AppLoadError as exc:
        result.findings.append(diagnostic("app-load", str(exc), "", spec.locate("")))
        return result
    api = api_of(spec, label=label, package=output.name)
    result.findings += unimplemented(api, app, spec)
    result.findings += orphaned(api, app)
    result.findings += find_drift(spec, app)
    return result
