"""How the generated service reads a request's parameters, for the tester to agree with it.

The tester must not call a request invalid that the generated service reads as valid (an
empty `explode: false` array, `?species=`, is an empty list to the service). So it does not
keep rules of its own: `WireReader` loads the very runtime every generated package carries
(`generator/emit/static/runtime/`, imported afresh under a private package name, its
`wire.json` given from memory) and reads a sent request with `runtime.params.read_parameters`.
"""

from __future__ import annotations

import asyncio
import importlib
import importlib.util
import itertools
import re
import sys
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any
from urllib.parse import unquote, urlsplit

from generator.ir.nodes import Api, Operation
from generator.ir.wire_schemas import build_wire_schemas, schema_ref
from generator.spec.document import Spec

RUNTIME = Path(__file__).resolve().parents[1] / "emit" / "static" / "runtime"
_COUNTER = itertools.count(1)
_PATH_VARIABLE = re.compile(r"\{([^{}]+)\}")


def load_runtime(views: Mapping[str, Any]) -> ModuleType:
    """A fresh copy of the generated runtime's `params` module, reading `views` as its wire.json."""
    name = f"_specfirst_wire_runtime_{next(_COUNTER)}"
    spec = importlib.util.spec_from_file_location(
        name, RUNTIME / "__init__.py", submodule_search_locations=[str(RUNTIME)]
    )
    assert spec is not None and spec.loader is not None
    package = importlib.util.module_from_spec(spec)
    sys.modules[name] = package
    spec.loader.exec_module(package)
    schemas = importlib.import_module(f"{name}.schemas")
    document = dict(views)
    schemas.document = lambda: document  # type: ignore[attr-defined]  # its readers of wire.json
    schemas.section = document.get  # type: ignore[attr-defined]
    return importlib.import_module(f"{name}.params")


@dataclass(frozen=True)
class _Route:
    pattern: re.Pattern[str]
    specs: tuple[Any, ...]
    claimed: frozenset[str]
    bodies: tuple[Any, ...] = ()
    body_required: bool = False


class WireReader:
    """Reads requests as the generated service would; `valid` says whether it would accept them."""

    def __init__(self, api: Api, views: Mapping[str, Any]) -> None:
        self.params = load_runtime(views)
        self.bodies = importlib.import_module(self.params.__name__.rsplit(".", 1)[0] + ".bodies")
        self.routes = {_label(op): self._route(op) for op in api.operations}

    @classmethod
    def from_spec(cls, spec: Spec) -> WireReader:
        """The reader of one loaded, valid contract."""
        from generator.pipeline import api_of

        api = api_of(spec, label=spec.display_name, package="contract")
        return cls(api, build_wire_schemas(spec.root))

    def _route(self, op: Operation) -> _Route:
        specs = tuple(
            self.params.ParamSpec(
                p.name,
                p.wire,
                p.location.value,
                schema_ref("request", p.schema_pointer) if p.schema_pointer else "",
                Any,
                required=p.required,
                style=p.serialization,
                explode=p.explode,
                media_type=p.media_type,
            )
            for p in op.parameters
        )
        names = {p.wire: p.name for p in op.parameters if p.location.value == "path"}

        def variable(match: re.Match[str]) -> str:
            key = names.get(match.group(1), match.group(1))
            return f"(?P<{_group(key)}>[^/]*)"

        regex = _PATH_VARIABLE.sub(variable, _escaped(op.path))
        claimed = frozenset(p.wire for p in op.parameters if p.location.value == "query")
        bodies = tuple(
            self.bodies.BodySpec(
                b.media_type,
                b.kind.value,
                schema_ref("request", b.schema_pointer) if b.schema_pointer else "",
                Any,
                encoding=b.encoding,
            )
            for b in op.bodies
        )
        required = op.body is not None and op.body.required
        return _Route(re.compile(f"(?:.*?){regex}$"), specs, claimed, bodies, required)

    def request_valid(
        self, label: str, method: str, url: str, headers: Mapping[str, str], body: bytes | None
    ) -> bool | None:
        """Whether the service reads the parameters and the body as valid (None: cannot tell)."""
        parameters = self.parameters_valid(label, method, url, headers)
        route = self.routes.get(label)
        if not parameters or route is None or not route.bodies:
            return parameters
        request = self._request(route, method, url, headers, body or b"")
        if request is None:
            return None

        async def read() -> None:
            await self.bodies.read_body(request, route.bodies, route.body_required)

        try:
            asyncio.run(read())
        except Exception as exc:  # Invalid, a 415, or what the runtime would answer 500 to
            return False if type(exc).__name__ in {"Invalid", "HTTPException"} else None
        return True

    def _request(
        self, route: _Route, method: str, url: str, headers: Mapping[str, str], body: bytes
    ) -> Any:
        """A Starlette request as the service would receive this one (None: not this route)."""
        from starlette.requests import Request

        parts = urlsplit(url)
        matched = route.pattern.match(parts.path)
        if matched is None:
            return None
        # Starlette decodes the path before routing; the runtime then unquotes once more.
        path_params = {_ungroup(key): unquote(value) for key, value in matched.groupdict().items()}
        scope = {
            "type": "http",
            "method": method,
            "path": parts.path,
            "query_string": parts.query.encode("latin-1", errors="replace"),
            "headers": [
                (k.lower().encode("latin-1", "replace"), str(v).encode("latin-1", "replace"))
                for k, v in headers.items()
            ],
            "path_params": path_params,
        }
        sent = [False]

        async def receive() -> dict[str, Any]:
            if sent[0]:
                return {"type": "http.disconnect"}
            sent[0] = True
            return {"type": "http.request", "body": body, "more_body": False}

        return Request(scope, receive)

    def parameters_valid(
        self, label: str, method: str, url: str, headers: Mapping[str, str]
    ) -> bool | None:
        """Whether the service reads every parameter of this request as valid (None: cannot tell)."""
        route = self.routes.get(label)
        if route is None:
            return None
        request = self._request(route, method, url, headers, b"")
        if request is None:
            return None
        try:
            _, issues = self.params.read_parameters(request, route.specs, route.claimed)
        except Exception:  # a reading the runtime itself would answer 500 to: not ours to judge
            return None
        return not issues


class LazyWireReader:
    """A `WireReader` built on first use, for one run's checks.

    Building it reads the contract into the IR, seconds on a large contract; a run whose
    service rejects every invalid request never asks, and a shard asks about its share only.
    """

    def __init__(self, spec: Spec) -> None:
        self.spec = spec
        self.problem: str | None = None  # why the reading is unavailable, once tried
        self._reader: WireReader | None = None
        self._tried = False
        self._lock = threading.Lock()

    def reader(self) -> WireReader | None:
        """The reader (built now if not yet), or None when it cannot be built."""
        with self._lock:
            if not self._tried:
                self._tried = True
                try:
                    self._reader = WireReader.from_spec(self.spec)
                except Exception as exc:  # a bug to report, not a reason to stop the gate
                    self.problem = f"the runtime's reading is unavailable ({exc!r})"
            return self._reader

    def request_valid(
        self, label: str, method: str, url: str, headers: Mapping[str, str], body: bytes | None
    ) -> bool | None:
        """`WireReader.request_valid`; None when the reader cannot be built."""
        reader = self.reader()
        return None if reader is None else reader.request_valid(label, method, url, headers, body)

    def parameters_valid(
        self, label: str, method: str, url: str, headers: Mapping[str, str]
    ) -> bool | None:
        """`WireReader.parameters_valid`; None when the reader cannot be built."""
        reader = self.reader()
        return None if reader is None else reader.parameters_valid(label, method, url, headers)


def _label(op: Operation) -> str:
    return f"{op.method.upper()} {op.path}"


def _group(name: str) -> str:
    """A regex group name for any identifier-safe handler name (already `[A-Za-z_]\\w*`)."""
    return "p_" + name


def _ungroup(group: str) -> str:
    return group.removeprefix("p_")


def _escaped(path: str) -> str:
    """`path` with its literal parts escaped for a regex and its `{variables}` kept.

    >>> _escaped("/a.b/{id}") == "/a" + chr(92) + ".b/{id}"
    True
    """
    parts = _PATH_VARIABLE.split(path)
    return "".join("{" + text + "}" if i % 2 else re.escape(text) for i, text in enumerate(parts))
