"""Route views: the Python a router template prints for each operation, decided here.

A router module holds three things per tag: a class whose methods call the tag's Protocol
with typed arguments (locals annotated with the Protocol's own types, so mypy checks the
generated side of every call), the operations' descriptions for the runtime (`routes.Operation`), and
`add_routes`. Contract names only ever become method names, keyword arguments and string
literals: nothing from the contract is a module-level name beside the runtime's modules.
"""

from __future__ import annotations

from dataclasses import dataclass

from generator.emit.render import type_value
from generator.ir.nodes import Body, BodyKind, Operation, Parameter, Response
from generator.ir.wire_schemas import schema_ref


@dataclass(frozen=True)
class RouteView:
    """What the router template needs for one operation."""

    op: Operation
    locals: tuple[str, ...]  # `name: Type = _call.values[...]`, one per argument
    arguments: tuple[str, ...]  # keyword arguments of the handler call
    operation: tuple[str, ...]  # lines of the `routes.Operation(...)` expression


def parameter_annotation(p: Parameter) -> str:
    """The Protocol's annotation of a parameter (optional ones without a default may be None)."""
    if not p.required and p.default is None and not p.annotation.endswith("| None"):
        return f"{p.annotation} | None"
    return p.annotation


def _locals(op: Operation) -> list[str]:
    """Each argument as a local of the Protocol's type (what mypy checks the call with)."""
    found = [
        f"{p.name}: {parameter_annotation(p)} = _call.values[{p.name!r}]" for p in op.parameters
    ]
    if op.body is not None:
        found.append(f"body: {op.handler_body_union} = _call.body")
    if op.security:  # the route class has checked the requirement: the principal is there
        principal = "auth.Principal" if op.secured else "auth.Principal | None"
        found.append(f"principal: {principal} = _call.principal")
    return found


def _arguments(op: Operation) -> list[str]:
    names = [p.name for p in op.parameters]
    names += ["body"] if op.body is not None else []
    names += ["principal"] if op.security else []
    return [f"{name}={name}" for name in names]


def param_spec(p: Parameter) -> str:
    """The `params.ParamSpec(...)` expression the runtime reads a parameter with."""
    schema = schema_ref("request", p.schema_pointer) if p.schema_pointer else ""
    args = [repr(p.name), repr(p.wire), repr(p.location.value), repr(schema)]
    args.append(type_value(p.annotation))
    if p.required:
        args.append("required=True")
    if p.serialization:
        args.append(f"style={p.serialization!r}")
    if p.explode is not None:
        args.append(f"explode={p.explode!r}")
    if p.media_type is not None:
        args.append(f"media_type={p.media_type!r}")
    if p.default is not None:
        args.append(f"default={p.default}")
    return f"params.ParamSpec({', '.join(args)})"


def body_spec(b: Body) -> str:
    typed = b.kind in {BodyKind.JSON, BodyKind.FORM, BodyKind.MULTIPART}
    schema = schema_ref("request", b.schema_pointer) if b.schema_pointer else ""
    args = [repr(b.media_type), repr(b.kind.value), repr(schema)]
    args.append(type_value(b.annotation) if typed else "None")
    if b.encoding:
        args.append(f"encoding={b.encoding!r}")
    if b.spooled:
        args.append("spooled=True")
    if b.form is not None:  # the handler's type is the other fields' class, files apart
        args[3] = type_value(b.form.fields)
        args.append(f"files={b.form.files!r}")
    return f"bodies.BodySpec({', '.join(args)})"


def _responses(responses: tuple[Response, ...]) -> str:
    entries = ", ".join(
        f"{r.status if r.status is not None else r.key!r}: {{'description': {r.description!r}}}"
        for r in responses
    )
    return "{" + entries + "}"


def _docs(op: Operation) -> str:
    """FastAPI's documentation of the route (what `specfirst drift` reads back)."""
    docs = [
        "'tags': TAGS",
        f"'status_code': {op.success_status}",
        f"'responses': {_responses(op.responses)}",
    ]
    if op.summary:
        docs.append(f"'summary': {op.summary!r}")
    if op.description:
        docs.append(f"'description': {op.description!r}")
    if op.deprecated:
        docs.append("'deprecated': True")
    return "{" + ", ".join(docs) + "}"


def _operation(op: Operation) -> list[str]:
    lines = [
        repr(op.operation_id),
        repr(op.method.upper()),
        repr(op.route_path),
        repr(op.name),
        f"lambda: results.RESULTS[{op.operation_id!r}]",
    ]
    if op.parameters:
        lines.append(f"parameters=({''.join(param_spec(p) + ', ' for p in op.parameters)})")
    if op.bodies:
        lines.append(f"bodies=({''.join(body_spec(b) + ', ' for b in op.bodies)})")
        lines.append(f"body_required={op.body is not None and op.body.required!r}")
    if op.security:
        requirement = tuple(tuple((u.scheme, u.scopes) for u in alt) for alt in op.security)
        lines.append(f"route_class=auth.secured_route(SCHEMES, {requirement!r})")
    lines.append(f"docs={_docs(op)}")
    if op.callbacks:
        lines.append("callbacks=True")
    return lines


def route_view(op: Operation) -> RouteView:
    """Decide the handler call and the runtime description of one operation."""
    return RouteView(
        op=op,
        locals=tuple(_locals(op)),
        arguments=tuple(_arguments(op)),
        operation=tuple(_operation(op)),
    )
