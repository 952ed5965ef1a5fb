"""Mock implementations: one object per tag whose methods return the success result.

The result is the generated `results.*` class of the operation's success response. Its body and
required headers come from the contract's own examples first, then from the synthesizer over the
response view of the package's `wire.json`. The package's runtime judges every candidate (a
body or a header is rendered alone, see `judge.Judge`) and, last, the whole result must render:
when nothing fits, the method raises NotImplementedError and the service answers 501, never a
response the contract does not allow. A documented media range (`*/*`, `image/*`) goes out as
the concrete type the runtime picks (`ResultSpec.content_type`), with a non-empty body. A
streamed response (SSE, NDJSON) sends a few items the item schema accepts, the same ones to
every request.
"""

from __future__ import annotations

import functools
import itertools
import json
from collections.abc import AsyncIterator, Callable, Iterator, Mapping
from types import ModuleType
from typing import Any

from generator.ir.nodes import Api, Operation, Response, Tag
from generator.ir.refs import as_mapping
from generator.mock.examples import examples_for
from generator.mock.judge import Judge, view_pointer
from generator.mock.synth import Synthesizer
from generator.spec.pointers import deref, join_pointer, resolve_pointer

Factory = Callable[[], object | None]
LIMIT = 24  # synthesized candidates tried for one body or header, in each pass
# A body where the contract gives no schema (any JSON value, text or bytes is then valid).
FALLBACK: Mapping[str, Any] = {"json": {}, "text": "example", "binary": b"example"}
# Statuses that carry no content (RFC 9110 §15.3.5, §15.3.6, §15.4.5): a body documented for
# one cannot be sent, so the mock answers 501 instead.
BODILESS = frozenset({204, 205, 304})
STREAMED = 3  # items a mocked stream sends
_MISSING: Any = object()


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
    """Builds the result of one operation of a generated package, once."""

    def __init__(self, document: Mapping[str, Any], results: ModuleType, judge: Judge) -> None:
        self.document = document
        self.results = results
        self.judge = judge
        accepts = functools.partial(judge.accepts, "response")
        view = judge.view("response")
        self.synths = tuple(
            Synthesizer(view, judge=accepts, source=document, use_examples=flag)
            for flag in (True, False)
        )

    def candidates(self, holder: Mapping[str, Any], ref: str) -> Iterator[Any]:
        """Examples of a media type or header object, then values synthesized for `ref`."""
        yield from examples_for(self.document, holder)
        if ref:
            for synth in self.synths:
                yield from itertools.islice(synth.candidates(view_pointer(ref)), LIMIT)

    def result(self, op: Operation) -> object | None:
        """The success result instance for `op`, or None when none can be sent."""
        keys = response_keys(self.document, op)
        chosen = success_response(keys, op) if len(keys) == len(op.responses) else None
        if chosen is None:
            return None
        key, response = chosen
        at = join_pointer("/paths", op.path, op.method, "responses", key)
        node, at = deref(self.document, resolve_pointer(self.document, at), at)
        return _Result(self, op, response, key, as_mapping(node)).build()


class _Result:
    """One operation's success result, assembled part by part, each part judged alone."""

    def __init__(
        self, canned: Canned, op: Operation, response: Response, key: str, raw: Mapping[str, Any]
    ) -> None:
        self.canned, self.raw, self.operation = canned, raw, op.operation_id
        self.cls: type = getattr(canned.results, response.class_name)
        self.specs: Mapping[type, Any] = canned.results.RESULTS[op.operation_id]
        self.spec = self.specs[self.cls]
        self.documented = frozenset(s.status for s in self.specs.values() if s.status is not None)
        self.kwargs: dict[str, Any] = {h.attribute: None for h in self.spec.headers}
        if self.spec.status is None:
            self.kwargs["status_code"] = _status(key, self.documented)

    def make(self, **parts: Any) -> object:
        """The result with the parts chosen so far and `parts`."""
        return self.cls(**{**self.kwargs, **parts})

    def build(self) -> object | None:
        """The result, or None when some part or the whole cannot be sent."""
        if self.spec.kind is not None and self.spec.status in BODILESS:
            return None
        if self.spec.kind is not None:
            body = self.body()
            if body is _MISSING:
                return None
            self.kwargs["body"] = body
        for header in self.spec.headers:
            if header.required:
                value = self.header(header)
                if value is _MISSING:
                    return None
                self.kwargs[header.attribute] = value
        result = self.make()
        judge = self.canned.judge
        return (
            result if judge.renders(result, self.specs, self.operation, self.documented) else None
        )

    def body(self) -> Any:
        """The first candidate body the runtime sends as it is, typed as a handler returns it."""
        spec, judge = self.spec, self.canned.judge
        media = as_mapping(as_mapping(self.raw.get("content")).get(spec.media_type))
        if spec.stream is not None:
            return self.items(media)
        candidates = self.canned.candidates(media, spec.schema)
        if spec.kind in FALLBACK:
            candidates = itertools.chain(candidates, [FALLBACK[spec.kind]])
        for candidate in candidates:
            body = _typed(spec, candidate)
            if body is _MISSING:
                continue
            result = self.make(body=body)
            if judge.renders_part(result, spec, self.operation, self.documented, headers=()):
                return body
        return _MISSING

    def items(self, media: Mapping[str, Any]) -> Any:
        """A streamed body: up to `STREAMED` items the item schema accepts, typed as a handler
        yields them, replayed to every request."""
        spec, found = self.spec, []
        pointer = view_pointer(spec.item_schema) if spec.item_schema else ""
        for candidate in self.canned.candidates(media, spec.item_schema):
            if pointer and not self.canned.judge.accepts("response", pointer, candidate):
                continue
            try:
                found.append(spec.item_adapter.validate_json(json.dumps(candidate, default=str)))
            except (ValueError, TypeError):
                continue
            if len(found) == STREAMED:
                break
        return Replay(tuple(found)) if found else _MISSING

    def header(self, header: Any) -> Any:
        """The first candidate value of a required header that the runtime sends."""
        headers = as_mapping(self.raw.get("headers"))
        wire = next((k for k in headers if k.lower() == header.wire.lower()), header.wire)
        node, _ = deref(self.canned.document, headers.get(wire), "")
        judge = self.canned.judge
        for candidate in self.canned.candidates(as_mapping(node), header.schema):
            if candidate is None:
                continue
            result = self.make(**{header.attribute: candidate})
            narrow = {"headers": (header,), "kind": None}
            if judge.renders_part(result, self.spec, self.operation, self.documented, **narrow):
                return candidate
        return _MISSING


class Replay:
    """The items of a mocked stream: each request iterates them afresh."""

    def __init__(self, items: tuple[Any, ...]) -> None:
        self.items = items

    def __aiter__(self) -> AsyncIterator[Any]:
        return self._each()

    async def _each(self) -> AsyncIterator[Any]:
        for item in self.items:
            yield item


def _status(key: str, documented: frozenset[int]) -> int:
    """A status for a range (`2XX`) or `default` result: the first one not documented alone."""
    first = int(key[0]) * 100 if key[0].isdigit() else 200
    return next((s for s in range(first, first + 100) if s not in documented), first)


def _typed(spec: Any, candidate: Any) -> Any:
    """`candidate` as the handler's body type: the model for JSON, `str`, non-empty bytes."""
    if spec.kind == "json":
        try:
            return spec.adapter.validate_json(json.dumps(candidate, default=str))
        except (ValueError, TypeError):
            return _MISSING
    if spec.kind == "text":
        return candidate if isinstance(candidate, str) and candidate else _MISSING
    if isinstance(candidate, str):
        data = candidate.encode()
    elif isinstance(candidate, bytes):
        data = candidate
    else:
        data = json.dumps(candidate).encode()
    return data or _MISSING


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
    api: Api, document: Mapping[str, Any], results: ModuleType, judge: Judge
) -> dict[str, object]:
    """`create_app` keyword -> mock implementation, for every tag of `api`."""
    canned = Canned(document, results, judge)
    return {tag.module: mock_tag(tag, canned) for tag in api.tags}
