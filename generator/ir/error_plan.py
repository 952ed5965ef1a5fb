"""plan_errors: how the generated service fills every error body the contract documents.

For each operation and each documented error status (`4xx`, `5xx`, `4XX`, `5XX`, `default`)
the plan names a format: the media type, the schema (a reference into the response view),
which member carries which fact (roles such as `title`, `status:int`, `detail`, `errors`,
`request_id`), how field-level issues fit the `errors` member, and a skeleton: a body that is
valid against the schema with no fact in it, taken from the contract's examples or synthesized,
and checked here. The runtime fills the facts in and falls back to the skeleton wherever the
schema refuses a fact, so every error body it sends is one the contract allows.
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Iterator, Mapping
from typing import Any

import jsonschema_rs

from generator.ir.messages import body_kind
from generator.ir.nodes import Api, BodyKind, Operation
from generator.ir.refs import as_mapping
from generator.ir.types import schema_types
from generator.ir.wire_schemas import schema_ref
from generator.mock.examples import own_examples
from generator.mock.synth import Synthesizer
from generator.spec.pointers import deref, join_pointer, resolve_pointer

PROBLEM = "application/problem+json"
PROBLEM_FIELDS = (
    ("type", "type"),
    ("title", "title"),
    ("status", "status:int"),
    ("detail", "detail"),
    ("instance", "instance"),
)
_ROLES = {
    "title": "title",
    "error": "title",
    "detail": "detail",
    "message": "detail",
    "description": "detail",
    "error_description": "detail",
    "type": "type",
    "instance": "instance",
    "request_id": "request_id",
    "requestid": "request_id",
    "trace_id": "request_id",
}
_ISSUE_MEMBERS = {"errors", "details", "violations", "invalid_params", "validation_errors"}
_ITEM_ROLES = {
    "pointer": "pointer",
    "json_pointer": "pointer",
    "path": "field",
    "loc": "field",
    "source": "field",
    "field": "field",
    "property": "field",
    "parameter": "parameter",
    "param": "parameter",
    "name": "field",
    "in": "location",
    "location": "location",
    "detail": "detail",
    "message": "detail",
    "msg": "detail",
    "description": "detail",
    "reason": "detail",
    "error": "detail",
    "title": "detail",
    "issue": "detail",
    "problem": "detail",
    "long_message": "text",
    "longmessage": "text",
    "code": "code",
    "kind": "code",
    "type": "code",
}
ErrorBody = tuple[str, Mapping[str, Any], str]  # media type, schema, schema pointer
SKELETON_TRIES = 8  # synthesized candidates looked at for one skeleton, in each pass


def response_error_bodies(root: Mapping[str, Any], node: Any, ptr: str) -> list[ErrorBody]:
    """The JSON bodies one response documents."""
    response, ptr = deref(root, node, ptr)
    found: list[ErrorBody] = []
    for media_type, media in as_mapping(as_mapping(response).get("content")).items():
        if body_kind(media_type) is BodyKind.JSON:
            schema_ptr = join_pointer(ptr, "content", media_type, "schema")
            schema, schema_ptr = deref(root, as_mapping(media).get("schema"), schema_ptr)
            found.append((media_type, as_mapping(schema), schema_ptr))
    return found


def _resolved(root: Mapping[str, Any], node: Any) -> Mapping[str, Any]:
    return as_mapping(deref(root, node, "")[0])


def _role(root: Mapping[str, Any], name: str, schema: Mapping[str, Any]) -> str | None:
    key = name.lower().replace("-", "_")
    kinds, _ = schema_types(schema)
    if key in _ISSUE_MEMBERS and ({"array", "object"} & set(kinds) or not kinds):
        return "errors"
    enum = schema.get("enum")
    if isinstance(enum, list) and enum and isinstance(enum[0], str) and key != "type":
        return "const:" + enum[0]  # e.g. OAuth2's `error`: the first documented code
    if key in {"status", "code", "status_code", "statuscode"}:
        if "integer" in kinds or "number" in kinds:
            return "status:int"
        return "status:str" if "string" in kinds else None
    role = _ROLES.get(key)
    if role is not None and kinds and "string" not in kinds:
        return None  # a `message` object, say: the skeleton's value stands
    return role


def _issues(root: Mapping[str, Any], schema: Mapping[str, Any]) -> dict[str, Any] | None:
    """How field-level issues fit the `errors` member's schema (None: they do not)."""
    kinds, _ = schema_types(schema)
    if "array" in kinds or "items" in schema:
        item = _resolved(root, schema.get("items"))
        item_kinds, _ = schema_types(item)
        if "string" in item_kinds:
            return {"kind": "strings"}
        props = as_mapping(item.get("properties"))
        roles = [[n, _ITEM_ROLES[n.lower()]] for n in props if n.lower() in _ITEM_ROLES]
        listed = item.get("required")
        for name in (
            listed if isinstance(listed, list) else []
        ):  # a required text member nothing names: the issue as a sentence
            kinds, _ = schema_types(_resolved(root, props.get(name)))
            if name in props and name.lower() not in _ITEM_ROLES and kinds == ["string"]:
                roles.append([name, "text"])
        return {"kind": "objects", "roles": roles or [["detail", "detail"]]}
    props = as_mapping(schema.get("properties"))
    for name, prop in props.items():
        prop_kinds, _ = schema_types(_resolved(root, prop))
        if "array" in prop_kinds or "string" in prop_kinds:
            values = "strings" if "array" in prop_kinds else "string"
            return {"kind": "object", "property": name, "values": values}
    extra = schema.get("additionalProperties")
    if isinstance(extra, Mapping) or extra is True or (not props and extra is None):
        extra_kinds, _ = (
            schema_types(_resolved(root, extra)) if isinstance(extra, Mapping) else ([], False)
        )
        return {"kind": "map", "values": "string" if extra_kinds == ["string"] else "strings"}
    return None


class _Planner:
    """Collects the distinct formats of one contract and each operation's statuses."""

    def __init__(self, root: Mapping[str, Any], views: Mapping[str, Any]) -> None:
        self.root = root
        self.view: Mapping[str, Any] = views["response"]
        self.registry = jsonschema_rs.Registry(
            [(f"urn:specfirst:{v}", views[v]) for v in ("request", "response")],
            draft=jsonschema_rs.Draft202012,
        )
        self.formats: list[dict[str, Any]] = []
        self.index: dict[tuple[str, str], int] = {}
        self.validators: dict[str, jsonschema_rs.Validator | None] = {}

    def valid(self, ref: str, value: Any) -> bool:
        if ref not in self.validators:  # the synthesizer asks again and again at one place
            try:
                self.validators[ref] = jsonschema_rs.validator_for(
                    {"$ref": ref}, registry=self.registry, validate_formats=True
                )
            except (ValueError, jsonschema_rs.ReferencingError):
                self.validators[ref] = None
        validator = self.validators[ref]
        try:
            return validator is not None and bool(validator.is_valid(value))
        except (ValueError, jsonschema_rs.ReferencingError):
            return False

    def format_of(self, body: ErrorBody, examples: list[Any]) -> int:
        media_type, schema, pointer = body
        key = (media_type, pointer)
        if key in self.index:
            return self.index[key]
        ref = schema_ref("response", pointer)
        props = as_mapping(schema.get("properties"))
        fields: list[list[str]] = []
        issues = None
        for name, prop in props.items():
            resolved = _resolved(self.root, prop)
            role = _role(self.root, name, resolved)
            if role == "errors":
                issues = _issues(self.root, resolved)
                if issues is None:
                    continue
            if role is not None:
                fields.append([name, role])
        if not props and media_type == PROBLEM:
            fields = [list(f) for f in PROBLEM_FIELDS]
        planned = {
            "media_type": media_type,
            "schema": ref,
            "fields": fields,
            "issues": issues,
            "skeleton": self.skeleton(pointer, ref, examples),
        }
        self.index[key] = len(self.formats)
        self.formats.append(planned)
        return self.index[key]

    def accepts(self, pointer: str, value: Any) -> bool:
        """Whether `value` is valid for the schema at `pointer` of the response view."""
        return self.valid(schema_ref("response", pointer), value)

    def text_format(self, media_type: str) -> int:
        """A format for an error documented as text: the runtime writes the title and detail."""
        key = (media_type, "")
        if key not in self.index:
            self.index[key] = len(self.formats)
            self.formats.append({"media_type": media_type, "text": True, "fields": []})
        return self.index[key]

    def skeleton(self, pointer: str, ref: str, examples: list[Any]) -> Any:
        """A body valid against the schema: an example, else a synthesized value; None if neither."""
        for use_examples in (True, False):
            synth = Synthesizer(
                self.view, judge=self.accepts, source=self.root, use_examples=use_examples
            )
            for candidate in itertools.islice(synth.candidates(pointer), SKELETON_TRIES):
                if self.valid(ref, candidate):
                    return self._minimal(ref, candidate)
        found = next((e for e in examples if self.valid(ref, e)), None)
        return self._minimal(ref, found) if found is not None else None

    def _minimal(self, ref: str, value: Any) -> Any:
        """`value` without the members the schema lets go: a skeleton carries no made-up facts
        (placeholder `details`, say), only what the schema demands."""
        if not isinstance(value, dict):
            return value
        smaller = dict(value)
        for key in list(value):
            trial = {k: v for k, v in smaller.items() if k != key}
            if self.valid(ref, trial):
                smaller = trial
        return smaller


def _error_keys(responses: Mapping[str, Any]) -> Iterator[str]:
    for key in responses:
        if key == "default" or key[:1] in {"4", "5"}:
            yield key


_STABLE_ROLES = frozenset({"type", "title", "status:str"})


def _values(examples: list[Any], fields: list[list[str]]) -> dict[str, Any]:
    """What a documented example says for the members that name the kind of error (a problem
    `type`, a `title`, a `code`): the same for every occurrence, so the runtime sends them."""
    stable = [wire for wire, role in fields if role in _STABLE_ROLES]
    for example in examples:
        if isinstance(example, Mapping):
            found = {k: example[k] for k in stable if isinstance(example.get(k), str)}
            if found:
                return found
    return {}


def _operation(planner: _Planner, op: Operation) -> dict[str, Any]:
    root = planner.root
    op_ptr = join_pointer("/paths", op.path, op.method)
    responses = as_mapping(as_mapping(resolve_pointer(root, op_ptr)).get("responses"))
    statuses: dict[str, Any] = {}
    for key in _error_keys(responses):
        ptr = join_pointer(op_ptr, "responses", key)
        bodies = response_error_bodies(root, responses[key], ptr)
        response = _resolved(root, responses[key])
        if not bodies:
            text = _text_media_type(response)
            if text is not None:  # a documented text error (text/html, text/plain...)
                statuses[key] = {"format": planner.text_format(text)}
            continue
        media = as_mapping(as_mapping(response.get("content")).get(bodies[0][0]))
        examples = own_examples(root, media)
        index = planner.format_of(bodies[0], examples)
        entry: dict[str, Any] = {"format": index}
        values = _values(examples, planner.formats[index]["fields"])
        if values:
            entry["values"] = values
        statuses[key] = entry
    validation = 422 if "422" in responses and "400" not in responses else 400
    documented = [
        str(key).upper() if str(key).upper().endswith("XX") else str(key) for key in responses
    ]
    return {"validation": validation, "statuses": statuses, "documented": documented}


def _text_media_type(response: Mapping[str, Any]) -> str | None:
    """The first text media type a response documents, when it documents no JSON."""
    content = as_mapping(response.get("content"))
    return next((str(m) for m in content if str(m).lower().startswith("text/")), None)


def plan_errors(root: Mapping[str, Any], api: Api, views: Mapping[str, Any]) -> dict[str, Any]:
    """The `errors` member of wire.json: formats, the service-wide default, each operation's."""
    planner = _Planner(root, views)
    operations = {op.operation_id: _operation(planner, op) for op in api.operations}
    used = Counter(
        entry["format"] for op in operations.values() for entry in op["statuses"].values()
    )
    default = used.most_common(1)[0][0] if used else None
    return {"formats": planner.formats, "default": default, "operations": operations}
