"""The contract runner: the one module that talks to schemathesis (pinned to 4.32).

It builds a schemathesis configuration (the `schemathesis.toml` format, validated by
schemathesis itself), loads the bundled contract with `schemathesis.openapi.from_dict`,
registers the test identities through the schema's auth extension point, drives
`schemathesis.engine.from_schema(schema).execute()` and turns the engine's events into
`generator.contract.events` values. Nothing here prints.
"""

from __future__ import annotations

import dataclasses
import importlib
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import schemathesis
from schemathesis.config import ConfigError
from schemathesis.core.errors import LoaderError
from schemathesis.engine import from_schema

from generator.contract import checks as specfirst_checks
from generator.contract.credentials import CredentialPlan, Credentials, Identity, operation_security
from generator.contract.events import Event, RunStarted
from generator.contract.expectations import Expectations
from generator.contract.options import CHECKS, PHASES, TestOptions
from generator.contract.selection import shard_of
from generator.contract.translate import Reading, translate


class RunnerError(Exception):
    """Schemathesis refused the configuration or the contract (the run cannot start)."""


@dataclass(frozen=True)
class RunPlan:
    """One run: the bundled contract, where the service is, how to test, who to be."""

    document: Mapping[str, Any]
    base_url: str
    options: TestOptions
    credentials: CredentialPlan
    proxy: str | None = None  # the guard in front of the service (`guard.Guard`)
    judge: specfirst_checks.Judge | None = None  # None: the contract's readings from `document`
    reading: Reading = field(default_factory=lambda: Reading(0))


def selected_operations(document: Mapping[str, Any], options: TestOptions) -> tuple[str, ...]:
    """Operation labels (`GET /notes/{id}`) in contract order, after the filters and the shard."""
    chosen = []
    only = set(options.only_operations) if options.only_operations is not None else None
    for label in operation_security(document):
        method, _, path = label.partition(" ")
        operation = document["paths"][path][method.lower()]
        op_id, tags = operation.get("operationId"), set(operation.get("tags") or ())
        included = not (options.include_operation_ids or options.include_tags) or (
            op_id in options.include_operation_ids or bool(tags & set(options.include_tags))
        )
        excluded = op_id in options.exclude_operation_ids or bool(tags & set(options.exclude_tags))
        if included and not excluded and (only is None or label in only):
            chosen.append(label)
    if options.shard is not None:
        return shard_of(document, chosen, *options.shard)
    return tuple(chosen)


def build_config(plan: RunPlan, seed: int) -> dict[str, Any]:
    """The run's settings in `schemathesis.toml` form (what `[tool.specfirst.test]` maps to).

    The `schemathesis` table of the options is the base (the escape hatch for what specfirst
    has no option for); every setting specfirst owns is merged over it, key by key.
    """
    options = plan.options
    enabled = set(options.enabled_checks)
    checks: dict[str, Any] = {name: {"enabled": name in enabled} for name in CHECKS}
    for name, reading in specfirst_checks.REPLACES.items():  # the contract's reading instead
        checks[reading] = {"enabled": name in enabled}
        if name in enabled:
            checks[name] = {"enabled": False}
    if options.max_response_time is not None:
        checks["max_response_time"] = options.max_response_time
    ours: dict[str, Any] = {
        "seed": seed,
        "base-url": plan.base_url,
        "workers": options.workers,
        "request-timeout": options.request_timeout,
        "continue-on-failure": options.continue_on_failure,
        # Runs must not depend on what earlier runs left in `.schemathesis/` or `.hypothesis/`.
        "cache": {"enabled": False},
        "generation": {
            "max-examples": options.max_examples,
            "mode": options.mode,
            "database": "none",
        },
        "phases": {name: {"enabled": name in options.phases} for name in PHASES},
        "checks": checks,
        # Credentials come from the runner; never sign up or log in through the contract.
        "auth": {"auto-signup": False},
    }
    if plan.proxy is not None:
        ours["proxy"] = plan.proxy
    return merge_tables(options.schemathesis, ours)


def merge_tables(base: Mapping[str, Any], over: Mapping[str, Any]) -> dict[str, Any]:
    """`over` merged into `base`: tables key by key, anything else replaced.

    >>> merge_tables({"checks": {"a": {"x": 1}}, "seed": 1}, {"checks": {"a": {"enabled": True}}, "seed": 2})
    {'checks': {'a': {'x': 1, 'enabled': True}}, 'seed': 2}
    """
    merged = dict(base)
    for key, value in over.items():
        below = merged.get(key)
        if isinstance(below, Mapping) and isinstance(value, Mapping):
            merged[key] = merge_tables(below, value)
        else:
            merged[key] = value
    return merged


def _apply(case: schemathesis.Case[Any], credentials: Credentials) -> None:
    for name, value in credentials.headers.items():
        case.headers[name] = value
    for name, value in credentials.query.items():
        case.query[name] = value
    for name, value in credentials.cookies.items():
        case.cookies[name] = value


def _provider_class(plan: CredentialPlan, identity: Identity) -> type[Any]:
    """An `AuthProvider` sending `identity`'s credentials for each operation's requirement."""

    class ContractCredentials:
        def get(self, case: schemathesis.Case[Any], context: schemathesis.AuthContext) -> Any:
            return plan.credentials(context.operation.label, identity)

        def set(
            self, case: schemathesis.Case[Any], data: Credentials, context: schemathesis.AuthContext
        ) -> None:
            _apply(case, data)

    ContractCredentials.__name__ = f"ContractCredentials[{identity.name}]"
    return ContractCredentials


def _escalating_provider_type() -> Any | None:
    """Schemathesis 4.32's multi-identity provider, which `object_level_authorization` looks for.

    4.32 exposes peers only through `[auth.wfc]` documents, whose fixed headers cannot carry
    per-operation scopes or query/cookie keys; so the runner registers the provider that
    `[auth.wfc]` would, over its own identities. If a later schemathesis moves it, the run
    goes on with one identity and `object_level_authorization` has nothing to compare.
    """
    try:
        module = importlib.import_module("schemathesis.wfc.escalation")
    except ImportError:
        return None
    return getattr(module, "EscalatingAuthProvider", None)


def register_auth(schema: Any, plan: CredentialPlan) -> tuple[str, ...]:
    """Attach the plan's identities to `schema`; returns the peers object-level checks compare."""
    classes = [_provider_class(plan, identity) for identity in plan.identities]
    escalating = _escalating_provider_type()
    if plan.peers and escalating is not None:
        names = [identity.name for identity in plan.identities]
        # Pinned to the first identity: every request is hers; the peer only replays reads.
        schema.auth.providers.append(
            escalating([cls() for cls in classes], names, peers=plan.peers, pinned=names[0])
        )
        return plan.peers
    schema.auth(refresh_interval=None)(classes[0])
    return ()


def _raw(ctx: Any, value: Any) -> bytes:
    """A value as the bytes a client would send for an opaque media type."""
    if isinstance(value, bytes):
        return value
    return value.encode() if isinstance(value, str) else json.dumps(value).encode()


def register_serializers(document: Mapping[str, Any]) -> tuple[str, ...]:
    """Serializers for the contract's opaque media types (a PDF multipart part...).

    Schemathesis refuses to send a case whose body or part has a media type it knows no
    serializer for ("Serialization not possible"); the bytes are what a client sends.
    """
    from schemathesis.transport.requests import REQUESTS_TRANSPORT

    wanted: set[str] = set()
    for item in (document.get("paths") or {}).values():
        for operation in item.values() if isinstance(item, Mapping) else ():
            body = operation.get("requestBody") if isinstance(operation, Mapping) else None
            content = body.get("content") if isinstance(body, Mapping) else None
            for media in content.values() if isinstance(content, Mapping) else ():
                encoding = media.get("encoding") if isinstance(media, Mapping) else None
                for part in encoding.values() if isinstance(encoding, Mapping) else ():
                    types = part.get("contentType", "") if isinstance(part, Mapping) else ""
                    wanted.update(t.strip() for t in str(types).split(",") if "/" in t)
    missing = tuple(
        sorted(t for t in wanted if REQUESTS_TRANSPORT.get_first_matching_media_type(t) is None)
    )
    if missing:
        schemathesis.serializer(*missing)(_raw)
    return missing


def load_schema(plan: RunPlan, seed: int) -> Any:
    """The contract as a schemathesis schema, filtered, with credentials attached."""
    selected = set(selected_operations(plan.document, plan.options))
    table = build_config(plan, seed)
    for _ in range(2):
        try:
            config = schemathesis.Config.from_dict(table)
            loaded = schemathesis.openapi.from_dict(dict(plan.document), config=config)
        except (ConfigError, LoaderError) as exc:
            raise RunnerError(str(exc)) from None
        # An exclusion, not an inclusion: schemathesis ORs include filters, and a per-operation
        # table in the config (`[[...schemathesis.operations]]`) adds one matching everything.
        schema = loaded.exclude(lambda ctx: ctx.operation.label not in selected)
        links = schema.statistic.transitions
        if not (table["phases"]["stateful"]["enabled"] and links.total and not links.selected):
            break
        # a shard (or filter) that keeps no link of the contract has no stateful phase to run;
        # schemathesis would stop with "links excluded by filters"
        table = merge_tables(table, {"phases": {"stateful": {"enabled": False}}})
    return schema


def run_schemathesis(plan: RunPlan, seed: int) -> Iterator[Event]:
    """Run every selected phase against the service; raises RunnerError before the first event."""
    register_serializers(plan.document)
    schema = load_schema(plan, seed)
    peers = register_auth(schema, plan.credentials)
    operations = selected_operations(plan.document, plan.options)
    secured = frozenset(label for label, req in plan.credentials.requirements.items() if req)
    judge = plan.judge or specfirst_checks.Judge(
        Expectations.from_document(plan.document), secured=secured
    )
    reading = dataclasses.replace(plan.reading, operations=len(operations))
    yield RunStarted(
        base_url=plan.base_url,
        operations=operations,
        seed=seed,
        phases=plan.options.phases,
        checks=plan.options.enabled_checks,
        identities=tuple(i.name for i in plan.credentials.identities),
        peers=peers,
    )
    specfirst_checks.attach(schema, judge)
    try:
        for event in from_schema(schema).execute():
            yield from translate(event, reading)
    finally:
        specfirst_checks.detach(schema)
