"""emit_client: the files of a generated client package, from the same IR as the service.

The client package (`<package>_client/`, `docs/client.md`) holds `client.py` (`AsyncClient`,
`Client`, `Credentials`), `operations.py` (what each call sends and may receive),
`results.py` (the service's result classes), `models.py` (the service's models.py, the same
text) and `runtime/`, a verbatim copy of `static/client/` and of `static/runtime/result.py`
(the result classes' base). It imports httpx, httpx-sse and pydantic only.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from generator.emit.package import STATIC, header_line
from generator.emit.pins import PINS
from generator.emit.render import render
from generator.ir.build import CLASS_SCOPE_NAMES
from generator.ir.nodes import Api, Operation, PackageIr, PagingKind, Parameter, StreamKind
from generator.ir.security import SchemeKind
from generator.naming import Namespace

CLIENT_RUNTIME = STATIC / "client"
RESULT_BASE = STATIC / "runtime" / "result.py"
# Names the client classes' annotations and bodies use: a method of that name would hide them.
CLIENT_RESERVED = frozenset(
    {"aclose", "close", "authorize", "http", "transport", "operations", "httpx", "body"}
    | CLASS_SCOPE_NAMES
)
CLIENT_REQUIREMENTS = ("httpx", "httpx-sse", "pydantic")


@dataclass(frozen=True)
class Keyword:
    """One keyword of a client method."""

    name: str
    annotation: str
    optional: bool


@dataclass(frozen=True)
class CredentialField:
    """One `Credentials` field: the scheme's identifier, its type, what it is."""

    identifier: str
    annotation: str
    note: str


@dataclass(frozen=True)
class ClientOperation:
    """What the client templates print for one operation (names decided here)."""

    op: Operation
    name: str
    constant: str
    keywords: tuple[Keyword, ...]
    pages_name: str | None
    success_class: str
    stream_name: str | None = None  # `<name>_stream`, for an operation whose success streams
    stream_item: str = "Any"  # what the stream yields: the item type, or `ServerEvent[item]`

    @property
    def result_union(self) -> str:
        return self.op.result_union

    @property
    def values(self) -> str:
        return "{" + ", ".join(f"{p.name!r}: {p.name}" for p in self.op.parameters) + "}"

    @property
    def page_keywords(self) -> tuple[Keyword, ...]:
        return tuple(k for k in self.keywords if k.name != "body")

    @property
    def page_values(self) -> str:
        return self.values

    @property
    def paging_note(self) -> str:
        paging = self.op.paging
        if paging is None or paging.kind is PagingKind.LINK:
            return 'the `Link: rel="next"` header'
        return f"the `{paging.next_field}` cursor into `{paging.cursor}`"


def _keyword(param: Parameter) -> Keyword:
    if param.required:
        return Keyword(param.name, param.annotation, optional=False)
    nullable = param.annotation.endswith("| None")
    annotation = param.annotation if nullable else f"{param.annotation} | None"
    return Keyword(param.name, annotation, optional=True)


def _operation(op: Operation, names: Namespace) -> ClientOperation:
    name = names.claim(op.name)
    keywords = [_keyword(p) for p in op.parameters]
    if op.bodies:
        required = op.body is not None and op.body.required
        keywords.append(Keyword("body", op.body_union, optional=not required))
    success = next((r for r in op.responses if r.status == op.success_status), None)
    pageable = (
        op.paging is not None
        and success is not None
        and not any(k.name == "body" and not k.optional for k in keywords)
    )
    streaming = next(
        (r for r in op.responses if r.stream and r.status and 200 <= r.status < 300), None
    )
    item = "Any"
    if streaming is not None:
        sse = streaming.stream is StreamKind.SSE
        item = f"ServerEvent[{streaming.item_annotation}]" if sse else streaming.item_annotation
    return ClientOperation(
        op=op,
        name=name,
        constant="SPEC_" + name.upper(),
        keywords=tuple(keywords),
        pages_name=names.claim(f"{name}_pages") if pageable else None,
        success_class=success.class_name if success is not None else "",
        stream_name=names.claim(f"{name}_stream") if streaming is not None else None,
        stream_item=item,
    )


def client_operations(api: Api) -> list[ClientOperation]:
    """Every operation as a client method, in contract order, names unique across tags."""
    names = Namespace(set(CLIENT_RESERVED))
    return [_operation(op, names) for op in api.operations]


def _credentials(api: Api) -> list[CredentialField]:
    fields: list[CredentialField] = []
    for scheme in api.schemes:
        if scheme.kind is SchemeKind.UNSUPPORTED:
            continue  # bring a configured `http` client (mutual TLS, digest...)
        if scheme.kind is SchemeKind.BASIC:
            fields.append(
                CredentialField(scheme.identifier, "tuple[str, str] | None", "user, password")
            )
            continue
        where = (
            "bearer token"
            if scheme.kind is SchemeKind.JWT
            else f"key ({scheme.location} {scheme.parameter})"
        )
        fields.append(CredentialField(scheme.identifier, "str | None", f"{scheme.wire}: {where}"))
    return fields


def emit_client(ir: PackageIr, models_py: str) -> dict[str, str]:
    """Every file of the client package; `models_py` is the service's models.py, reused as is."""
    api = ir.api
    header = header_line(api.contract)
    files: dict[str, str] = {
        "py.typed": "",
        "models.py": models_py,
        "requirements.txt": "".join(f"{PINS[name]}\n" for name in CLIENT_REQUIREMENTS),
    }
    # the result classes' base is the service runtime's, copied as it is (no second source)
    for module in sorted([*CLIENT_RUNTIME.glob("*.py"), RESULT_BASE], key=lambda m: m.name):
        files[f"runtime/{module.name}"] = f"{header}\n" + module.read_text(encoding="utf-8")
    views = client_operations(api)
    common: dict[str, Any] = {"header": header, "api": api, "views": views}
    files["__init__.py"] = render("client_init.py.jinja", **common)
    files["results.py"] = render("client_results.py.jinja", served=False, **common)
    files["operations.py"] = render("client_operations.py.jinja", **common)
    files["client.py"] = render("client.py.jinja", credentials=_credentials(api), **common)
    return files
