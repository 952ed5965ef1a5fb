"""Error bodies in the format the contract declares for each operation and status.

The generator plans every documented error response (`errors` in wire.json): its media type,
schema, which member carries which fact (`title`, `status`, `detail`, the request id, the
field-level issues...) and a `skeleton`, a body that is valid against the schema before any
fact is filled in. A body is the skeleton with the facts filled in; it is checked against its
schema, and a fact the schema cannot hold gives way to the skeleton's value. Where the contract
documents nothing, the body is an RFC 9457 problem with `errors` and `request_id` members.
"""

from __future__ import annotations

import copy
import functools
import html
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any

from fastapi.responses import Response

from . import schemas
from .schemas import Issue

PROBLEM = "application/problem+json"
_PROBLEM_FIELDS = (
    ("type", "type"),
    ("title", "title"),
    ("status", "status:int"),
    ("detail", "detail"),
    ("errors", "errors"),
    ("request_id", "request_id"),
)
_DEFAULT_ISSUES = {"kind": "objects", "roles": []}


@dataclass(frozen=True)
class Facts:
    """What one error response says, before it is shaped by a format."""

    status: int
    title: str
    detail: str | None = None
    issues: Sequence[Issue] = ()
    request_id: str | None = None
    instance: str | None = None
    documented: Mapping[str, Any] = field(default_factory=dict)  # member -> documented value


@dataclass(frozen=True)
class ErrorFormat:
    """One documented error body: media type, schema, where each fact goes, a valid skeleton."""

    media_type: str = PROBLEM
    fields: tuple[tuple[str, str], ...] = _PROBLEM_FIELDS
    schema: str = ""  # reference in the response view; "" when nothing constrains the body
    skeleton: Any = None
    issues: Mapping[str, Any] | None = field(default_factory=lambda: dict(_DEFAULT_ISSUES))
    text: bool = False  # a text error (text/plain, text/html): the title and detail as text

    def body(self, facts: Facts) -> Any:
        """A body for `facts`, valid against the schema whenever the skeleton is."""
        if self.skeleton is not None and not isinstance(self.skeleton, dict):
            return copy.deepcopy(self.skeleton)
        skeleton: dict[str, Any] = self.skeleton or {}
        body = copy.deepcopy(skeleton)
        for wire, role in self.fields:
            value = facts.documented.get(wire, self._value(role, facts))
            if value is not None:
                body[wire] = value
            elif wire not in skeleton:
                body.pop(wire, None)
        if not self.schema:
            return body
        for _ in range(len(self.fields) + 1):
            issues = schemas.check(self.schema, body, "response")
            if not issues:
                return body
            for issue in issues:  # give way to the skeleton where the schema objects
                key = _top_key(issue.pointer, body)
                if key is None:
                    return copy.deepcopy(skeleton) if skeleton else body
                if key in skeleton:
                    body[key] = copy.deepcopy(skeleton[key])
                else:
                    body.pop(key, None)
        return copy.deepcopy(skeleton) if skeleton else body

    def _value(self, role: str, facts: Facts) -> Any:
        if role.startswith("const:"):
            return role[6:]
        if role == "errors":
            if facts.issues:
                return render_issues(facts.issues, self.issues)
            # an error list the schema demands carries the error itself (`errors: [{message}]`)
            required = isinstance(self.skeleton, dict) and any(
                wire in self.skeleton for wire, r in self.fields if r == "errors"
            )
            slug = facts.title.lower().replace(" ", "_").replace("-", "_")
            whole = Issue("", "", "", facts.detail or facts.title, slug)
            return render_issues([whole], self.issues) if required else None
        return {
            "type": "about:blank",
            "title": facts.title,
            "status:int": facts.status,
            "status:str": facts.title.lower().replace(" ", "_").replace("-", "_"),
            "detail": facts.detail or facts.title,
            "instance": facts.instance,
            "request_id": facts.request_id,
        }.get(role)

    def response(self, facts: Facts, headers: Mapping[str, str] | None = None) -> Response:
        """A complete error response."""
        if self.text:
            return Response(
                _text(facts, self.media_type),
                facts.status,
                headers=dict(headers or {}),
                media_type=self.media_type,
            )
        content = json.dumps(self.body(facts), ensure_ascii=False).encode()
        return Response(
            content, facts.status, headers=dict(headers or {}), media_type=self.media_type
        )


def _text(facts: Facts, media_type: str) -> str:
    """An error as text: the title and the detail (escaped and in a page for text/html)."""
    detail = facts.detail or facts.title
    if media_type.split(";", 1)[0].strip().lower() != "text/html":
        return f"{facts.title}: {detail}\n"
    title, body = html.escape(facts.title), html.escape(detail)
    return f"<!doctype html><title>{title}</title><h1>{title}</h1><p>{body}</p>\n"


def _top_key(pointer: str, body: Mapping[str, Any]) -> str | None:
    if not pointer:
        return None
    key = pointer.split("/")[1].replace("~1", "/").replace("~0", "~")
    return key if key in body else None


def issue_text(issue: Issue) -> str:
    """One issue as a sentence, naming where it is."""
    where = issue.name or ("body" + issue.pointer if issue.location == "body" else issue.location)
    return issue.message if issue.message.startswith(where) else f"{where}: {issue.message}"


def _item(issue: Issue, roles: Sequence[Sequence[str]]) -> dict[str, Any]:
    in_body, whole = issue.location == "body", not issue.location
    facts = {
        "detail": issue.message,
        "pointer": issue.pointer if in_body else None,
        "parameter": None if in_body or whole else issue.name,
        "location": issue.location or None,
        "field": None
        if whole
        else (
            "body" + issue.pointer.replace("/", ".")
            if in_body
            else f"{issue.location}.{issue.name}"
        ),
        "text": issue.message if whole else issue_text(issue),
        "code": issue.code,
    }
    if not roles:  # RFC 9457 `errors`: a pointer into the body, or the parameter and where
        keys = ("detail", "pointer") if in_body else ("detail", "parameter", "location")
        item = {k: facts[k] for k in keys}
        if not in_body:
            item["in"] = item.pop("location")
        return item
    return {wire: facts[role] for wire, role in roles if facts.get(role) is not None}


def render_issues(issues: Sequence[Issue], shape: Mapping[str, Any] | None) -> Any:
    """Field-level issues in the shape the error schema has room for (None: no room)."""
    if shape is None:
        return None
    kind = shape.get("kind")
    if kind == "objects":
        return [_item(i, shape.get("roles") or []) for i in issues]
    if kind == "strings":
        return [issue_text(i) for i in issues]
    keyed: dict[str, list[str]] = {}
    for issue in issues:
        key = (issue.pointer.lstrip("/") or "body") if issue.location == "body" else issue.name
        keyed.setdefault(key or issue.location, []).append(issue.message)
    if kind == "map":
        if shape.get("values") == "string":
            return {k: "; ".join(v) for k, v in keyed.items()}
        return keyed
    if kind == "object":  # fixed members: every message in the one that holds them
        messages = [issue_text(i) for i in issues]
        member = str(shape.get("property"))
        return {member: "; ".join(messages) if shape.get("values") == "string" else messages}
    return None


def phrase(status: int) -> str:
    """The reason phrase of a status (RFC 9110 wording), e.g. `Content Too Large` for 413."""
    if status == 413:
        return "Content Too Large"
    if status == 422:
        return "Unprocessable Content"
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


@dataclass(frozen=True)
class Documented:
    """What the contract says about one status of one operation: the format, and the values
    its example gives the members that name the kind of error (`type`, `title`, `code`)."""

    format: ErrorFormat
    values: Mapping[str, Any] = field(default_factory=dict)


class ErrorBook:
    """Every error format of the contract, by operation and status (from wire.json)."""

    @functools.cached_property
    def _plan(self) -> Mapping[str, Any]:
        plan: Mapping[str, Any] = schemas.section("errors") or {}
        return plan

    @functools.cached_property
    def formats(self) -> tuple[ErrorFormat, ...]:
        return tuple(_format(raw) for raw in self._plan.get("formats") or ())

    @functools.cached_property
    def default(self) -> ErrorFormat:
        index = self._plan.get("default")
        return self.formats[index] if isinstance(index, int) else ErrorFormat()

    def validation_status(self, operation: str | None) -> int:
        """The status a malformed request to `operation` gets: 400, or 422 where documented."""
        entry = (self._plan.get("operations") or {}).get(operation or "") or {}
        status = entry.get("validation", 400)
        return status if isinstance(status, int) else 400

    def documents(self, operation: str | None, status: int) -> bool:
        """True when `operation` documents `status` (itself, its range or `default`)."""
        entry = (self._plan.get("operations") or {}).get(operation or "") or {}
        keys = set(entry.get("documented") or ())
        return bool(keys & {str(status), f"{str(status)[0]}XX", "default"})

    def lookup(self, operation: str | None, status: int) -> Documented:
        """The documented error for a status: exact, then its range (`4XX`), then `default`."""
        entry = (self._plan.get("operations") or {}).get(operation or "") or {}
        statuses: Mapping[str, Any] = entry.get("statuses") or {}
        for key in (str(status), f"{str(status)[0]}XX", "default"):
            found = statuses.get(key)
            if isinstance(found, dict):
                return Documented(self.formats[found["format"]], found.get("values") or {})
        return Documented(self.default)

    def response(
        self,
        operation: str | None,
        status: int,
        *,
        detail: str | None = None,
        issues: Sequence[Issue] = (),
        request_id: str | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> Response:
        """The error response the contract documents for `operation` and `status`."""
        documented = self.lookup(operation, status)
        facts = Facts(
            status=status,
            title=phrase(status),
            detail=detail,
            issues=issues,
            request_id=request_id,
            documented=documented.values,
        )
        return documented.format.response(facts, headers)


def _format(raw: Mapping[str, Any]) -> ErrorFormat:
    return ErrorFormat(
        media_type=str(raw.get("media_type") or PROBLEM),
        fields=tuple((str(w), str(r)) for w, r in raw.get("fields") or ()),
        schema=str(raw.get("schema") or ""),
        skeleton=raw.get("skeleton"),
        issues=raw.get("issues"),
        text=raw.get("text") is True,
    )


BOOK = ErrorBook()  # this package's error formats (wire.json is read on first use)
