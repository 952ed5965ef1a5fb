"""Route views: the strings a router template prints for each operation, decided in Python."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Annotated

from generator.ir.nodes import Body, BodyKind, Constraints, Location, Operation, Parameter, Style
from generator.naming import Namespace

_MARKERS = {
    Location.PATH: "Path",
    Location.QUERY: "Query",
    Location.HEADER: "Header",
    Location.COOKIE: "Cookie",
}


@dataclass(frozen=True)
class RouteView:
    """What the router template needs for one operation."""

    op: Operation
    constant: str  # prefix of module-level constants for this route
    signature: tuple[str, ...]
    prelude: tuple[str, ...]
    arguments: tuple[str, ...]
    constants: tuple[str, ...]
    decorator: tuple[str, ...]


@functools.cache
def rust_regex_ok(pattern: str) -> bool:
    """True when pydantic's default (Rust) regex engine compiles `pattern`."""
    from pydantic import StringConstraints, TypeAdapter

    try:
        TypeAdapter(Annotated[str, StringConstraints(pattern=pattern)])
    except Exception:
        return False
    return True


def _constrained(annotation: str, constraints: Constraints) -> str:
    """`Annotated[T, Field(...)]` for element types that carry their own constraints."""
    kwargs = [
        f"{k}={v!r}"
        for k, v in constraints.kwargs()
        if k != "pattern" or (isinstance(v, str) and rust_regex_ok(v))
    ]
    return f"Annotated[{annotation}, Field({', '.join(kwargs)})]" if kwargs else annotation


def _list_annotation(p: Parameter) -> str:
    return f"list[{_constrained(p.item_annotation, p.item_constraints)}]"


def _optional(annotation: str) -> str:
    return annotation if annotation.endswith("| None") else f"{annotation} | None"


def _marker_args(param: Parameter, *, with_constraints: bool) -> tuple[list[str], str | None]:
    args = [f"alias={param.wire!r}"] if param.location is not Location.PATH else []
    python_pattern: str | None = None
    if with_constraints:
        for key, value in param.constraints.kwargs():
            if key == "pattern":
                assert isinstance(value, str)
                if not rust_regex_ok(value):
                    python_pattern = value
                    continue
            args.append(f"{key}={value!r}")
    if param.description:
        args.append(f"description={param.description!r}")
    if param.deprecated:
        args.append("deprecated=True")
    return args, python_pattern


def _declaration(param: Parameter, name: str, annotation: str, *, constraints: bool) -> str:
    args, python_pattern = _marker_args(param, with_constraints=constraints)
    marker = f"{_MARKERS[param.location]}({', '.join(args)})"
    extra = f", matches({python_pattern!r})" if python_pattern else ""
    if annotation.removesuffix(" | None") in {"datetime", "date", "time"}:
        extra += ", NOT_A_NUMBER"
    required = param.required and param.default is None
    if required:
        return f"{name}: Annotated[{annotation}, {marker}{extra}]"
    if param.default is not None:
        return f"{name}: Annotated[{annotation}, {marker}{extra}] = {param.default}"
    return f"{name}: Annotated[{_optional(annotation)}, {marker}{extra}] = None"


def _body_specs(bodies: tuple[Body, ...]) -> str:
    specs = []
    for b in bodies:
        annotation = (
            b.annotation if b.kind in {BodyKind.JSON, BodyKind.FORM, BodyKind.MULTIPART} else "None"
        )
        specs.append(
            f"BodySpec({b.media_type!r}, {b.kind.value!r}, {annotation}, "
            f"files={b.file_fields!r}, arrays={b.array_fields!r}, scalars={b.scalar_fields!r})"
        )
    return "(" + ", ".join(specs) + ",)"


def route_view(op: Operation, constants: Namespace) -> RouteView:
    """Decide the signature, parsing steps and handler call for one operation."""
    const = constants.claim(op.name.upper())
    locals_ = Namespace({"request", "handler", "result", "body"})
    for p in op.parameters:
        locals_.taken.add(p.name.casefold())
    signature: list[str] = ["request: Request"]
    prelude: list[str] = []
    module_constants: list[str] = []
    for p in op.parameters:
        if p.style is Style.SIMPLE:
            signature.append(_declaration(p, p.name, p.annotation, constraints=True))
            continue
        if p.style is Style.FORM_EXPLODE:
            signature.append(_declaration(p, p.name, _list_annotation(p), constraints=True))
            continue
        adapter = f"{const}_{p.name.upper()}"
        module_constants.append(f"{adapter}: TypeAdapter[Any] = TypeAdapter({_item_list(p)})")
        if p.style is Style.JSON:
            raw = locals_.claim(f"{p.name}_raw")
            raw_type = "list[str]" if p.annotation.startswith("list[") else "str"
            signature.append(_declaration(p, raw, raw_type, constraints=False))
            prelude.append(
                f"{p.name} = parse_json_value({raw}, {adapter}, ({p.location.value!r}, {p.wire!r}))"
            )
            continue
        if p.style is Style.DEEP_OBJECT:
            prelude.append(
                f"{p.name} = parse_deep_object(request.query_params, {p.wire!r}, {adapter}, "
                f"{p.required!r})"
            )
            continue
        raw = locals_.claim(f"{p.name}_raw")
        signature.append(_declaration(p, raw, "str", constraints=False))
        prelude.append(
            f"{p.name} = parse_delimited({raw}, {p.delimiter!r}, {adapter}, "
            f"({p.location.value!r}, {p.wire!r}))"
        )
    arguments = [f"{p.name}={p.name}" for p in op.parameters]
    if op.bodies:
        module_constants.append(f"{const}_BODIES = {_body_specs(op.bodies)}")
        required = op.body is not None and op.body.required
        prelude.append(f"body = await read_body(request, {const}_BODIES, required={required!r})")
        arguments.append("body=body")
    decorator = _decorator(op)
    if op.security:  # checked by the route class before any parameter is read
        requirement = tuple(tuple((u.scheme, u.scopes) for u in alt) for alt in op.security)
        route_class = constants.claim(f"{const}_SECURED_ROUTE")
        module_constants.append(f"{route_class} = secured_route(SCHEMES, {requirement!r})")
        decorator.append(f"route_class_override={route_class}")
        prelude.insert(0, "principal = current_principal(request)")
        arguments.append("principal=principal")
    else:
        decorator.append("route_class_override=ContractRoute")
    signature = signature[:1] + sorted(signature[1:], key=lambda s: " = " in s)
    return RouteView(
        op=op,
        constant=const,
        signature=tuple(signature),
        prelude=tuple(prelude),
        arguments=tuple(arguments),
        constants=tuple(module_constants),
        decorator=tuple(decorator),
    )


def _item_list(p: Parameter) -> str:
    if p.style is Style.JSON:
        return p.annotation.removesuffix(" | None")
    if p.style is Style.DEEP_OBJECT:
        return p.annotation.removesuffix(" | None")
    bounds = Constraints(min_length=p.constraints.min_length, max_length=p.constraints.max_length)
    return _constrained(_list_annotation(p), bounds)


def _decorator(op: Operation) -> list[str]:
    responses = ", ".join(
        f"{r.status if r.status is not None else r.key!r}: {{'description': {r.description!r}}}"
        for r in op.responses
    )
    kwargs = [
        f"operation_id={op.operation_id!r}",
        f"status_code={op.success_status}",
        f"responses={{{responses}}}",
        "response_class=Response",
    ]
    if op.summary:
        kwargs.append(f"summary={op.summary!r}")
    if op.description:
        kwargs.append(f"description={op.description!r}")
    if op.deprecated:
        kwargs.append("deprecated=True")
    # FastAPI's derived schema cannot see what the route reads itself: say it (for drift).
    extra = [f"**request_body({op.operation_id!r})"] if op.bodies else []
    deep = [_deep_object(p) for p in op.parameters if p.style is Style.DEEP_OBJECT]
    if deep:
        extra.append(f"'parameters': [{', '.join(deep)}]")
    if op.bodies and not deep:
        kwargs.append(f"openapi_extra=request_body({op.operation_id!r})")
    elif extra:
        kwargs.append("openapi_extra={" + ", ".join(extra) + "}")
    return kwargs


def _deep_object(p: Parameter) -> str:
    """The parameter object of a deepObject query parameter, as a Python literal."""
    declared = {"name": p.wire, "in": "query", "required": p.required, "style": "deepObject"}
    return repr({**declared, "explode": True, "schema": {"type": "object"}})
