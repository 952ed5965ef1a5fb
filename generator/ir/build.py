"""build_api: the only reader of the raw contract; turns it into the frozen IR the emitters use."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import replace
from typing import Any
from urllib.parse import urlsplit

from generator.ir.messages import build_bodies, build_responses
from generator.ir.nodes import Api, Form, Operation, Response, SchemeUse, SecurityScheme, Tag
from generator.ir.paging import build_paging
from generator.ir.params import build_parameters
from generator.ir.refs import as_mapping
from generator.ir.schemas import FormPlan
from generator.ir.security import SchemeKind, scheme_kind
from generator.ir.types import qualify
from generator.ir.webhooks import EventBuilder
from generator.naming import Namespace, class_name, derived_operation_name, module_name, snake_name
from generator.spec.pointers import deref, join_pointer

METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
DEFAULT_TAG = "default"
_TEMPLATE = re.compile(r"\{([^{}]*)\}")
# Lower-case names that annotations inside a generated class body use (the Protocols, the
# routes classes): Python looks them up in the class namespace first, so a method of the same
# name would hide the module (`def results(...)` above `-> results.X`). Method names avoid them.
CLASS_SCOPE_NAMES = frozenset(
    {"models", "results", "routes", "interfaces", "datetime", "date", "time", "uploads"}
)
# `create_app`'s own keyword parameters: a tag's keyword must never be one of them.
CREATE_APP_NAMES = frozenset(
    {"settings", "lifespan", "api_key_verifier", "basic_verifier", "scheme_verifiers", "resources"}
)


def mount_prefix(root: Mapping[str, Any]) -> str:
    """The path of the first server URL, e.g. `/api/v1` (variables take their defaults)."""
    servers = root.get("servers")
    if not isinstance(servers, list) or not servers or not isinstance(servers[0], Mapping):
        return ""
    server = servers[0]
    url = str(server.get("url") or "")
    for name, var in as_mapping(server.get("variables")).items():
        url = url.replace("{" + name + "}", str(as_mapping(var).get("default", "")))
    path = urlsplit(url).path if "://" in url else url.split("?", 1)[0]
    path = "/" + "/".join(seg for seg in path.split("/") if seg and "{" not in seg)
    return "" if path == "/" else path


def _security(
    root: Mapping[str, Any], op: Mapping[str, Any], schemes: Mapping[str, str]
) -> tuple[tuple[SchemeUse, ...], ...]:
    raw = op["security"] if "security" in op else root.get("security")
    if not isinstance(raw, list):
        return ()
    alternatives: list[tuple[SchemeUse, ...]] = []
    for requirement in raw:
        uses = tuple(
            SchemeUse(schemes[name], tuple(str(s) for s in scopes if isinstance(s, str)))
            for name, scopes in as_mapping(requirement).items()
            if name in schemes and isinstance(scopes, list)
        )
        alternatives.append(uses)
    return tuple(alternatives)


def scheme_identifiers(root: Mapping[str, Any]) -> dict[str, str]:
    """Security scheme name -> identifier used in security.py, in contract order."""
    names = Namespace()
    components = as_mapping(root.get("components"))
    return {k: names.claim(snake_name(k)) for k in as_mapping(components.get("securitySchemes"))}


def build_schemes(
    root: Mapping[str, Any], identifiers: Mapping[str, str]
) -> tuple[SecurityScheme, ...]:
    """How each declared scheme is verified: JWT, API key (where), basic, or unsupported."""
    declared = as_mapping(as_mapping(root.get("components")).get("securitySchemes"))
    built = []
    for wire, node in declared.items():
        raw = as_mapping(deref(root, node, "")[0])
        kind = scheme_kind(raw)
        scheme = SecurityScheme(identifiers[wire], wire, kind)
        if kind is SchemeKind.JWT:
            url = raw.get("openIdConnectUrl")
            scheme = replace(scheme, discovery_url=url if isinstance(url, str) else None)
        elif kind is SchemeKind.API_KEY:
            location, parameter = str(raw["in"]), str(raw.get("name") or "")
            scheme = replace(scheme, location=location, parameter=parameter)
        built.append(scheme)
    return tuple(built)


def _route_path(path: str, renames: Mapping[str, str]) -> str:
    return _TEMPLATE.sub(lambda m: "{" + renames.get(m[1], m[1]) + "}", path)


def _success(responses: tuple[Response, ...]) -> int:
    return next((r.status for r in responses if r.status and 200 <= r.status < 300), 200)


class _Builder:
    """Walks `paths` once, collecting operations per tag."""

    def __init__(
        self, root: Mapping[str, Any], types: Mapping[str, str], forms: Mapping[str, Form]
    ) -> None:
        self.root = root
        self.types = types
        self.forms = forms
        self.schemes = scheme_identifiers(root)
        self.results = Namespace()
        self.tags: dict[str, list[Operation]] = {}
        self.methods: dict[str, Namespace] = {}
        self.order: list[str] = []  # route paths in contract order
        self.events = EventBuilder(root, types)

    def operation(self, path: str, method: str, op: Mapping[str, Any]) -> None:
        item_ptr = join_pointer("/paths", path)
        op_ptr = join_pointer(item_ptr, method)
        tags = op.get("tags")
        tag = str(tags[0]) if isinstance(tags, list) and tags else DEFAULT_TAG
        op_id = op.get("operationId")
        op_id = op_id if isinstance(op_id, str) and op_id else derived_operation_name(method, path)
        # `context` is the keyword a handler declares to get its request context; the others
        # are names the generated call's annotations use (parameters become its locals)
        reserved = {"context", "auth", *CLASS_SCOPE_NAMES}
        params = build_parameters(self.root, item_ptr, op_ptr, self.types, Namespace(reserved))
        renames = {p.wire: p.name for p in params if p.location == "path"}
        responses = build_responses(
            self.root, op, op_ptr, class_name(op_id), self.types, self.results
        )
        bodies = build_bodies(self.root, op, op_ptr, self.types, self.forms)
        method_names = self.methods.setdefault(tag, Namespace(set(CLASS_SCOPE_NAMES)))
        self.order.append(_route_path(path, renames))
        name = method_names.claim(snake_name(op_id))
        callbacks = self.events.callbacks(name, op, op_ptr)
        self.tags.setdefault(tag, []).append(
            Operation(
                method=method,
                path=path,
                route_path=_route_path(path, renames),
                name=name,
                operation_id=op_id,
                summary=str(op.get("summary") or ""),
                description=str(op.get("description") or ""),
                deprecated=op.get("deprecated") is True,
                parameters=params,
                body=bodies[0] if bodies else None,
                bodies=bodies,
                responses=responses,
                security=_security(self.root, op, self.schemes),
                success_status=_success(responses),
                paging=build_paging(op, params, responses),
                callbacks=callbacks,
                callbacks_class=self.events.callbacks_class(op_id) if callbacks else "",
                callbacks_accessor=self.events.names.claim(name) if callbacks else "",
            )
        )

    def tag_order(self) -> list[str]:
        declared = [str(as_mapping(t).get("name")) for t in self.root.get("tags") or []]
        return [t for t in declared if t in self.tags] + [t for t in self.tags if t not in declared]


def build_api(
    root: Mapping[str, Any],
    *,
    model_types: Mapping[str, str],
    model_classes: frozenset[str],
    contract: str,
    package: str,
    requirements: tuple[str, ...] = (),
    model_forms: Mapping[str, FormPlan] | None = None,
) -> Api:
    """The IR for one contract. `model_types` maps schema pointers to types in models.py;
    `model_forms` the multipart bodies with file parts (`ir/schemas.py`)."""
    types = {ptr: qualify(code, model_classes) for ptr, code in model_types.items()}
    forms = {
        ptr: Form(qualify(form.fields, model_classes), form.files)
        for ptr, form in (model_forms or {}).items()
    }
    builder = _Builder(root, types, forms)
    webhooks = builder.events.webhooks()  # named before callbacks: theirs are the plain names
    for path, item in as_mapping(root.get("paths")).items():
        for method in METHODS:
            op = as_mapping(item).get(method)
            if isinstance(op, Mapping):
                builder.operation(str(path), method, op)
    modules, protocols = Namespace(set(CREATE_APP_NAMES)), Namespace()
    tags = tuple(
        Tag(
            wire=name,
            module=modules.claim(module_name(name)),
            protocol=protocols.claim(class_name(name) + "Api"),
            operations=tuple(builder.tags[name]),
        )
        for name in builder.tag_order()
    )
    info = as_mapping(root.get("info"))
    return Api(
        title=str(info.get("title") or package),
        version=str(info.get("version") or "0"),
        contract=contract,
        package=package,
        mount_prefix=mount_prefix(root),
        tags=tags,
        requirements=requirements,
        schemes=build_schemes(root, builder.schemes),
        route_order=tuple(dict.fromkeys(builder.order)),
        webhooks=webhooks,
    )
