"""`specfirst check`: is generated code current, is every operation implemented, any drift?

The same pipeline as `generate`, ending in a comparison instead of a write; then, for
contracts with a configured application, the implementations behind `create_app` are
inspected against the generated interfaces, and the app's routes against the contract.
"""

from __future__ import annotations

import ast
import inspect
import textwrap
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator.diagnostics import Diagnostic
from generator.ir.nodes import Api
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
        report = self.generated.report
        return report is None or report.changed

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


def check_contract_package(
    contract: Path, output: Path, *, root: Path | None, app_reference: str | None
) -> ContractCheck:
    """Regenerate in memory and compare; then implementations and drift when an app is named."""
    label = contract_label(contract, root)
    generated = generate_contract(contract, output, label=label, check=True)
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
    result.findings += find_drift(spec, app)
    return result
