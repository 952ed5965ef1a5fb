"""Mock implementations: one object per tag whose methods return the success result.

The result is the generated `results.*` class of the operation's success response, with a body
taken from the contract's own examples first and synthesized from the schema otherwise; each
candidate must validate against the contract's schema, then against the generated model, and
still validate once dumped. Required response headers get values the same way. The service then
renders it like any hand-written result: status, headers and media type come from the contract.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Iterator, Mapping
from types import ModuleType
from typing import Any

from generator.ir.nodes import Api, BodyKind, Operation, Response, Tag
from generator.ir.refs import as_mapping, deref, resolve_pointer
from generator.mock.conform import Conformance
from generator.mock.examples import examples_for
from generator.mock.synth import Synthesizer
from generator.spec.document import join_pointer

Factory = Callable[[], object | None]


def response_keys(document: Mapping[str, Any], op: Operation) -> list[str]:
    """The operation's status keys in the order the IR builder made `op.responses`."""
    item = as_mapping(as_mapping(document.get("paths")).get(op.path))
    raw = as_mapping(as_mapping(item.get(op.method)).get("responses"))
    keys = [str(k) for k in raw if k != "default"]
    return keys + (["default"] if "default" in raw else [])


def success_response(keys: list[str], op: Operation) -> tuple[str, Response] | None:
    """The response a mock answers with (the success status, else any 2XX/3XX), and its key."""
    pairs = list(zip(keys, op.responses, strict=True))
    tests: tuple[Callable[[str, Response], bool], ...] = (
        lambda _, r: r.status == op.success_status,
        lambda _, r: r.status is not None and 200 <= r.status < 400,
        lambda key, r: r.status is None and key[0] in "23d",
    )
    for test in tests:
        for key, response in pairs:
            if test(key, response):
                return key, response
    return None


class Canned:
    """Builds the result of one operation from one document, once."""

    def __init__(self, document: Mapping[str, Any], results: ModuleType) -> None:
        self.document = document
        self.results = results
        self.conformance = Conformance(document)

    def synthesized(self, schema: Any, pointer: str) -> Iterator[Any]:
        """Schema-built candidates: with the examples found on the way, then without."""
        for use_examples in (True, False):
            synth = Synthesizer(
                self.document, use_examples=use_examples, accept=self.conformance.accepts
            )
            yield synth.value(schema, pointer)

    def candidates(self, holder: Mapping[str, Any], pointer: str) -> Iterator[Any]:
        """Examples of a media type or header object first, then synthesized values."""
        schema_node = holder.get("schema")
        yield from examples_for(self.document, holder)
        if schema_node is not None:
            yield from self.synthesized(schema_node, pointer)

    def valid(self, pointer: str | None, value: Any) -> bool:
        """True when `value` fits the schema at `pointer` (anything fits where there is none)."""
        return pointer is None or self.conformance.accepts(pointer, value)

    def result(self, op: Operation) -> object | None:
        """The success result instance for `op`, or None when none could be built."""
        keys = response_keys(self.document, op)
        chosen = success_response(keys, op) if len(keys) == len(op.responses) else None
        if chosen is None:
            return None
        key, response = chosen
        at = join_pointer("/paths", op.path, op.method, "responses", key)
        node, at = deref(self.document, resolve_pointer(self.document, at), at)
        raw = as_mapping(node)
        kwargs: dict[str, Any] = {}
        if response.status is None:
            kwargs["status_code"] = int(key[0]) * 100 if key[0].isdigit() else 200
        if response.body_kind is not None and response.media_type is not None:
            body = self.body(op, response, raw, at)
            if body is None:
                return None
            kwargs["body"] = body[0]
        for header in response.headers:
            if header.required:
                value = self.header(header.wire, at)
                if value is None:
                    return None
                kwargs[header.name] = value[0]
        result: object = getattr(self.results, response.class_name)(**kwargs)
        return result

    def body(
        self, op: Operation, response: Response, raw: Mapping[str, Any], at: str
    ) -> tuple[Any] | None:
        """The first candidate body that the contract and the generated types both accept."""
        assert response.media_type is not None
        media_at = join_pointer(at, "content", response.media_type)
        media = as_mapping(as_mapping(raw.get("content")).get(response.media_type))
        schema_at = media_at + "/schema" if "schema" in media else None
        spec = self.results.RESULTS[op.operation_id][getattr(self.results, response.class_name)]
        for candidate in self.candidates(media, schema_at or media_at):
            if response.body_kind is BodyKind.JSON:
                if not self.valid(schema_at, candidate):
                    continue
                try:
                    value = spec.adapter.validate_json(json.dumps(candidate, default=str))
                    dumped = json.loads(
                        spec.adapter.dump_json(value, by_alias=True, exclude_unset=True)
                    )
                except (ValueError, TypeError):
                    continue
                if self.valid(schema_at, dumped):
                    return (value,)
            elif response.body_kind is BodyKind.TEXT:
                if isinstance(candidate, str) and self.valid(schema_at, candidate):
                    return (candidate,)
            elif isinstance(candidate, str | bytes):
                return (candidate.encode() if isinstance(candidate, str) else candidate,)
        if response.body_kind is BodyKind.BINARY:
            return (b"",)
        return None

    def header(self, wire: str, at: str) -> tuple[Any] | None:
        """A value for a required response header: its examples, else one from its schema."""
        header_at = join_pointer(at, "headers", wire)
        found = resolve_pointer(self.document, header_at)
        node, header_at = deref(self.document, found, header_at)
        header = as_mapping(node)
        schema_at = header_at + "/schema"
        for candidate in self.candidates(header, schema_at):
            if candidate is not None and self.valid(schema_at, candidate):
                return (candidate,)
        return None


def _method(factory: Factory) -> Callable[..., Any]:
    cached = functools.cache(factory)

    async def answer(self: object, **_: Any) -> object:
        result = cached()
        if result is None:
            raise NotImplementedError  # the service answers 501
        return result

    return answer


def mock_tag(tag: Tag, canned: Canned) -> object:
    """An instance of a class implementing `tag`'s Protocol with canned results."""
    namespace: dict[str, Any] = {
        op.name: _method(functools.partial(canned.result, op)) for op in tag.operations
    }
    namespace["__doc__"] = f"Mock {tag.protocol}: the contract's examples, else synthesized data."
    return type(f"Mock{tag.protocol}", (), namespace)()


def mock_implementations(
    api: Api, document: Mapping[str, Any], results: ModuleType
) -> dict[str, object]:
    """`create_app` keyword -> mock implementation, for every tag of `api`."""
    canned = Canned(document, results)
    return {tag.module: mock_tag(tag, canned) for tag in api.tags}
