"""Request bodies: the media type negotiated, the bytes decoded, the value checked by its schema.

JSON is parsed strictly (no `NaN`/`Infinity`, any depth refused cleanly), forms are read by
their schema's shape, multipart parts by their `encoding` content type (a JSON part is parsed
and validated as JSON, a part sent with a content type the contract does not allow is a 415),
text is decoded by its charset. A body that breaks its schema is refused before the handler.
"""

from __future__ import annotations

import functools
import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any
from urllib.parse import parse_qsl

from fastapi import Request
from pydantic import TypeAdapter, ValidationError
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException

from . import text
from .lazy import resolved
from .schemas import Issue, check, escape_token, node, pointer_text, resolve
from .shapes import Shape, shape_of
from .uploads import Form, Upload, size_issues, spool

_JSON_SUFFIX = "+json"


@dataclass(frozen=True)
class BodySpec:
    """One accepted request media type: how to read it and what validates it."""

    media_type: str  # as the contract writes it (ranges such as `image/*` allowed)
    kind: str  # json | form | multipart | binary | text
    schema: str = ""  # reference in the request view ("" for none)
    annotation: Any = None  # the handler's type for json, form and multipart bodies (lazy.py)
    encoding: tuple[tuple[str, str], ...] = ()  # (part, allowed content types) of form parts
    spooled: bool = False  # application/octet-stream: read into a spooled file (`Upload`)
    files: tuple[tuple[str, bool], ...] = ()  # multipart file properties (wire, array): `Form`

    @functools.cached_property
    def adapter(self) -> TypeAdapter[Any]:
        return TypeAdapter(resolved(self.annotation))

    @functools.cached_property
    def shape(self) -> Shape:
        return shape_of(self.schema)

    def matches(self, content_type: str) -> bool:
        """True when a request's media type (lower case, no parameters) is this one."""
        want = self.media_type.split(";", 1)[0].strip().lower()
        if want in {"*/*", ""}:
            return True
        if want.endswith("/*"):
            return content_type.startswith(want[:-1])
        return content_type == want


class FilePart(bytes):
    """A file part of a multipart body: its bytes, with the name and type the client sent.

    Models type file parts as `bytes`; the value a handler receives is this subclass, so
    `isinstance(body.cover, FilePart)` gives the filename, content type and part headers.
    """

    filename: str | None
    content_type: str | None
    headers: Mapping[str, str]

    def __new__(
        cls,
        data: bytes,
        filename: str | None = None,
        content_type: str | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> FilePart:
        part = super().__new__(cls, data)
        part.filename = filename
        part.content_type = content_type
        part.headers = MappingProxyType(dict(headers or {}))
        return part

    def stream(self) -> io.BytesIO:
        """The content as a binary file object, positioned at the start."""
        return io.BytesIO(self)


class Invalid(Exception):
    """The request breaks the contract; `issues` says where and how."""

    def __init__(self, issues: Sequence[Issue]) -> None:
        super().__init__(f"{len(issues)} issue(s)")
        self.issues = list(issues)


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def parse_json(raw: bytes | str) -> Any:
    """Strict JSON: RFC 8259 only (no NaN or Infinity, no unpaired surrogate escapes such as
    `"\\ud800"`, which RFC 8259 §8.2 leaves unpredictable and no UTF-8 text can hold);
    ValueError for anything else."""
    try:
        return text.loads(raw, parse_constant=_refuse_constant)
    except RecursionError:
        raise ValueError("nested too deeply") from None
    except UnicodeDecodeError:
        raise ValueError("not UTF-8") from None


def media_type_of(request: Request) -> str:
    """The request's media type, lower case, without parameters."""
    return request.headers.get("content-type", "").split(";", 1)[0].strip().lower()


def select(accepted: Sequence[BodySpec], content_type: str) -> BodySpec | None:
    """The body spec for a request media type: an exact match first, then ranges."""
    exact = [s for s in accepted if "*" not in s.media_type and s.matches(content_type)]
    ranges = [s for s in accepted if s.matches(content_type)]
    return exact[0] if exact else (ranges[0] if ranges else None)


async def read_body(request: Request, accepted: Sequence[BodySpec], required: bool) -> Any:
    """The body in whichever accepted media type it came, validated and typed; None if absent."""
    content_type = media_type_of(request)
    if content_type:
        chosen = select(accepted, content_type)
        if chosen is not None and chosen.spooled:
            return await _upload(request, chosen, content_type)
        if chosen is not None and chosen.files:  # parsed as it streams in, files spooled
            return await file_form(request, chosen)
    raw = await request.body()
    if not raw and not content_type:  # no body at all (an empty one has a media type)
        if required:
            raise Invalid([Issue("body", "", "", "A request body is required")])
        return None
    spec = select(accepted, content_type)
    if spec is None:
        documented = ", ".join(s.media_type for s in accepted)
        raise HTTPException(415, f"Unsupported media type; expected {documented}")
    if spec.kind == "binary":
        _check_bytes(spec, raw, request, content_type)
        return raw
    if spec.kind == "text":
        return _text(raw, request, spec)
    if spec.kind == "json":
        _checked(spec, _json(raw))
        return _typed(spec, lambda: spec.adapter.validate_json(raw))
    if spec.kind == "form":
        value = _form(raw, spec)
    else:
        value, files = await _multipart(request, spec)
        _checked(spec, value)
        return _typed(spec, lambda: spec.adapter.validate_python({**value, **files}))
    _checked(spec, value)
    return _typed(spec, lambda: spec.adapter.validate_python(value))


async def _upload(request: Request, spec: BodySpec, content_type: str) -> Upload:
    """A body spooled to a file past the settings' threshold, its schema judged as for bytes."""
    threshold = getattr(request.app.state["settings"], "upload_spool_bytes", 1 << 20)
    upload = await spool(request, threshold)
    if spec.schema:
        found = size_issues(spec.schema, upload.size) if spec.shape.binary else None
        if found is None:  # the schema says more than a length: judge the bytes themselves
            _check_bytes(spec, upload.read(), request, content_type)
            upload.seek(0)
        elif found:
            raise Invalid(found)
    return upload


def _json(raw: bytes) -> Any:
    """The body parsed as strict JSON, or a 400 saying why not."""
    try:
        return parse_json(raw)
    except ValueError as error:
        raise Invalid([Issue("body", "", "", f"The body is not valid JSON ({error})")]) from None


def _check_bytes(spec: BodySpec, raw: bytes, request: Request, content_type: str) -> None:
    """A body documented as bytes (or as a range such as `*/*`) is still checked by its schema,
    read as what the request says it is: JSON as JSON, text as text, anything else as a string
    of one character per byte."""
    if not spec.schema:
        return
    if spec.shape.binary:  # raw bytes whatever the type says: only their length can be judged
        _checked(spec, raw.decode("latin-1"))
    elif content_type == "application/json" or content_type.endswith(_JSON_SUFFIX):
        _checked(spec, _json(raw))
    elif content_type.startswith("text/"):
        _text(raw, request, spec)
    elif content_type == "application/x-www-form-urlencoded":
        _checked(spec, _form(raw, spec))
    elif not content_type.startswith("multipart/") and not spec.shape.types - {"string"}:
        # bytes read as a string; a structured schema over XML and the like is not checked
        # (`validate` says so: unchecked-media-type)
        _checked(spec, raw.decode("latin-1"))


def _checked(spec: BodySpec, value: Any) -> None:
    found = check(spec.schema, value, "body")
    if found:
        raise Invalid(found)


def _typed(spec: BodySpec, convert: Any) -> Any:
    try:
        return convert()
    except ValidationError as error:
        raise Invalid(
            [
                Issue("body", "", pointer_text(e.get("loc", ())), str(e.get("msg", "invalid")))
                for e in error.errors()
            ]
        ) from None


def _charset(request: Request) -> str:
    for param in request.headers.get("content-type", "").split(";")[1:]:
        key, _, value = param.strip().partition("=")
        if key.lower() == "charset" and value:
            return value.strip('"')
    return "utf-8"


def _text(raw: bytes, request: Request, spec: BodySpec) -> str:
    try:
        decoded = raw.decode(_charset(request))
    except (UnicodeDecodeError, LookupError):
        raise Invalid([Issue("body", "", "", "The body is not text in its charset")]) from None
    _checked(spec, decoded)
    return decoded


def _form(raw: bytes, spec: BodySpec) -> dict[str, Any]:
    try:
        pairs = parse_qsl(raw.decode("utf-8"), keep_blank_values=True, strict_parsing=False)
    except UnicodeDecodeError:
        raise Invalid([Issue("body", "", "", "The form is not UTF-8")]) from None
    grouped: dict[str, list[str]] = {}
    for key, value in pairs:
        grouped.setdefault(key, []).append(value)
    return _with_empty_arrays(
        {key: _field(key, values, spec) for key, values in grouped.items()}, spec
    )


def _with_empty_arrays(form: dict[str, Any], spec: BodySpec) -> dict[str, Any]:
    """A required array a form leaves out is an empty one: a form cannot spell `[]` (an empty
    multi-select sends nothing), so absence is the only way it can be sent."""
    shape = spec.shape
    for name in shape.required - form.keys():
        member = shape.properties.get(name)
        if member is not None and (member.is_array or not member.types):  # [] is valid there
            form[name] = []
    return form


def _field(key: str, values: list[str], spec: BodySpec) -> Any:
    """One form field's values as the schema's shape reads them."""
    shape = spec.shape.properties.get(key) or spec.shape.additional or Shape()
    declared = dict(spec.encoding).get(key, "")
    if shape.is_array or (len(values) > 1 and not shape.types):  # an open value: an array
        member = shape.items or Shape()
        return [_part_value(v, member, declared) for v in values]
    if len(values) > 1:
        raise Invalid([Issue("body", "", "/" + escape_token(key), f"{key} must be given once")])
    return _part_value(values[0], shape, declared)


def _part_value(raw: str, shape: Shape, declared: str) -> Any:
    if "json" in declared or (not declared and shape.types and shape.types <= {"object", "array"}):
        try:
            return parse_json(raw)
        except ValueError:
            return raw  # the schema refuses a string where it wants structure
    return text.scalar(raw, shape.types)


async def _multipart(request: Request, spec: BodySpec) -> tuple[dict[str, Any], dict[str, Any]]:
    """Parts as JSON values for the schema, and file parts' bytes for the handler's type."""
    try:
        form = await request.form()
    except (AssertionError, ValueError, KeyError) as error:
        issue = Issue("body", "", "", f"The multipart body is malformed ({error})")
        raise Invalid([issue]) from None
    grouped: dict[str, list[Any]] = {}
    for key, part in form.multi_items():
        grouped.setdefault(key, []).append(part)
    values: dict[str, Any] = {}
    files: dict[str, Any] = {}
    for key, parts in grouped.items():
        shape = spec.shape.properties.get(key) or spec.shape.additional or Shape()
        member = (shape.items or Shape()) if shape.is_array else shape
        read = [await _part(key, p, member, dict(spec.encoding).get(key, "")) for p in parts]
        if not shape.is_array and len(read) > 1 and shape.types:
            raise Invalid([Issue("body", "", "/" + escape_token(key), f"{key} must be given once")])
        as_json = [r[0] for r in read]
        values[key] = as_json if shape.is_array or len(as_json) > 1 else as_json[0]
        if any(r[1] is not None for r in read):
            content = [r[1] if r[1] is not None else r[0] for r in read]
            files[key] = content if shape.is_array or len(content) > 1 else content[0]
    return _with_empty_arrays(values, spec), files


async def _part(key: str, part: UploadFile | str, shape: Shape, declared: str) -> tuple[Any, Any]:
    """(the part as a JSON value, its bytes when it is a file) after its content type check."""
    if isinstance(part, str):
        return _part_value(part, shape, declared), None
    data = await part.read()
    sent = (part.content_type or "").split(";", 1)[0].strip().lower()
    allowed = [t.split(";", 1)[0].strip().lower() for t in declared.split(",") if t.strip()]
    if allowed and sent and not any(_media_matches(a, sent) for a in allowed):
        raise HTTPException(415, f"Part {key!r} must be sent as {declared}")
    if shape.binary or (not shape.types and not declared) or shape.types == {"string"}:
        if shape.binary or not _is_text(sent):
            file = FilePart(data, part.filename, part.content_type or None, dict(part.headers))
            return data.decode("latin-1"), file  # a string of the same length, for the schema
        try:
            return data.decode("utf-8"), None
        except UnicodeDecodeError:
            file = FilePart(data, part.filename, part.content_type or None, dict(part.headers))
            return data.decode("latin-1"), file
    try:
        return _part_value(data.decode("utf-8"), shape, declared), None
    except UnicodeDecodeError:
        raise Invalid([Issue("body", "", "/" + escape_token(key), f"{key} is not UTF-8")]) from None


def _is_text(media_type: str) -> bool:
    return (
        media_type.startswith("text/")
        or media_type.endswith(_JSON_SUFFIX)
        or media_type
        in {
            "",
            "application/json",
        }
    )


def _media_matches(allowed: str, sent: str) -> bool:
    if allowed in {"*/*", ""}:
        return True
    if allowed.endswith("/*"):
        return sent.startswith(allowed[:-1])
    return sent == allowed


async def file_form(request: Request, spec: BodySpec) -> Form[Any]:
    """A multipart body with file parts: the parts left spooled (`Upload`s, judged by their
    size), the other fields read and typed as `_multipart` reads them (`spec.annotation` is
    their class). The whole body is checked by its schema, each file part standing in as an
    empty string whose own findings are replaced by the ones its size gives."""
    form = await _parsed(request)
    arrays = dict(spec.files)
    grouped: dict[str, list[Any]] = {}
    for key, part in form.multi_items():
        grouped.setdefault(key, []).append(part)
    values: dict[str, Any] = {}
    uploads: dict[str, list[Upload]] = {}
    issues: list[Issue] = []
    for key, parts in grouped.items():
        if key not in arrays:
            shape = spec.shape.properties.get(key) or spec.shape.additional or Shape()
            member = (shape.items or Shape()) if shape.is_array else shape
            declared = dict(spec.encoding).get(key, "")
            read = [(await _part(key, p, member, declared))[0] for p in parts]
            if not shape.is_array and len(read) > 1 and shape.types:
                raise Invalid(
                    [Issue("body", "", "/" + escape_token(key), f"{key} must be given once")]
                )
            values[key] = read if shape.is_array or len(read) > 1 else read[0]
            continue
        if not arrays[key] and len(parts) > 1:
            raise Invalid([Issue("body", "", "/" + escape_token(key), f"{key} must be given once")])
        uploads[key] = [_file_part(key, p, dict(spec.encoding).get(key, "")) for p in parts]
        values[key] = [""] * len(parts) if arrays[key] else ""
        issues += _size_issues(spec, key, arrays[key], uploads[key])
    values = _with_empty_arrays(values, spec)
    for key in arrays.keys() & values.keys() - uploads.keys():
        uploads[key] = []  # a required array of files left out: none
    found = check(spec.schema, values, "body")
    sent = {key: arrays[key] for key in grouped.keys() & arrays.keys()}  # stood in for
    issues += [i for i in found if not _stands_in(i.pointer, sent)]
    if issues:
        raise Invalid(issues)
    fields = {k: v for k, v in values.items() if k not in arrays}
    return Form(_typed(spec, lambda: spec.adapter.validate_python(fields)), uploads)


async def _parsed(request: Request) -> Any:
    try:
        return await request.form()
    except (AssertionError, ValueError, KeyError) as error:
        issue = Issue("body", "", "", f"The multipart body is malformed ({error})")
        raise Invalid([issue]) from None


def _file_part(key: str, part: UploadFile | str, declared: str) -> Upload:
    """One file part as an `Upload` of its spooled file (a plain field's text as its bytes)."""
    if isinstance(part, str):
        data = part.encode("utf-8")
        file = io.BytesIO(data)
        return Upload(file, len(data), None)
    sent = (part.content_type or "").split(";", 1)[0].strip().lower()
    allowed = [t.split(";", 1)[0].strip().lower() for t in declared.split(",") if t.strip()]
    if allowed and sent and not any(_media_matches(a, sent) for a in allowed):
        raise HTTPException(415, f"Part {key!r} must be sent as {declared}")
    part.file.seek(0)
    size = part.size if part.size is not None else _length(part.file)
    headers = dict(part.headers)
    return Upload(part.file, size, part.content_type or None, part.filename, headers)


def _length(file: Any) -> int:
    end = int(file.seek(0, io.SEEK_END))
    file.seek(0)
    return end


def _size_issues(spec: BodySpec, key: str, array: bool, parts: list[Upload]) -> list[Issue]:
    """A file property's length keywords judged by each part's size (its other keywords, a
    pattern say, by its bytes, read once)."""
    ref, _ = resolve(spec.schema, node(spec.schema))
    prop = ref + "/properties/" + escape_token(key)
    if array:
        prop = resolve(prop, node(prop))[0] + "/items"
    found: list[Issue] = []
    for index, part in enumerate(parts):
        at = "/" + escape_token(key) + (f"/{index}" if array else "")
        judged = size_issues(prop, part.size)
        if judged is None:
            judged = check(prop, part.read().decode("latin-1"), "body")
            part.seek(0)
        found += [Issue("body", "", at + i.pointer, i.message) for i in judged]
    return found


def _stands_in(pointer: str, arrays: Mapping[str, bool]) -> bool:
    """True for a finding about a file part's stand-in (not about how many parts there are)."""
    tokens = pointer.split("/")[1:]
    if not tokens or tokens[0].replace("~1", "/").replace("~0", "~") not in arrays:
        return False
    key = tokens[0].replace("~1", "/").replace("~0", "~")
    return len(tokens) >= (2 if arrays[key] else 1)
