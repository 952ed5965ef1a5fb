"""Valid OpenAPI that the generator cannot turn into a faithful FastAPI service.

`unsupported-feature` (error, nothing is generated) — the table below is the whole list:

| feature | where | why |
| --- | --- | --- |
| `in: querystring` (3.2) | parameter | FastAPI has no whole-query-string parameter |
| `multipart/mixed` | request body | FastAPI parses form data, not mixed multipart |
| `$ref` with sibling keywords (3.0) | schema | 3.0 ignores them; tools disagree, so refuse to guess |

A parameter `content` with several media types is not listed: every meta-schema already
rejects it (`schema-max-properties`). Annotations beside a 3.0 `$ref` (description, example,
readOnly...) are harmless and allowed; the fix for the rest is `allOf: [{$ref: ...}]`.

`not-generated` (a notice: output is written and `--strict` passes): a webhook (`webhooks`,
3.0's `x-webhooks`) or callback that gets no sender or receiver (`spec/hooks.py` judges, the
IR builder skips by the same judgement): its body is not JSON. `callback-expression` (a
warning): a callback key that is not a runtime expression template, so it is not generated.

`nullable` and `required` beside a 3.0 `$ref` are read leniently (warnings, `readings.py`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from generator.diagnostics import Diagnostic
from generator.spec.expressions import ExpressionError, parse_template
from generator.spec.hooks import callback_operations, gap, webhook_operations
from generator.spec.pointers import join_pointer
from generator.spec.rules.contract import Contract
from generator.spec.rules.walk import Node

# Beside a 3.0 `$ref` these only annotate; anything else would change validation.
_ANNOTATIONS = frozenset(
    {
        "description",
        "summary",
        "title",
        "example",
        "examples",
        "externalDocs",
        "xml",
        "deprecated",
        "readOnly",
        "writeOnly",
        "default",
    }
)

Finder = Callable[[Contract, Node], Iterator[tuple[str, str]]]


def _querystring(c: Contract, node: Node) -> Iterator[tuple[str, str]]:
    if node.value.get("in") == "querystring":
        yield (
            join_pointer(node.pointer, "in"),
            "querystring parameters (in: querystring) are not supported",
        )


def _mixed_multipart(c: Contract, node: Node) -> Iterator[tuple[str, str]]:
    content = node.value.get("content")
    for media_type in content if isinstance(content, dict) else ():
        if str(media_type).split(";")[0].strip().lower() == "multipart/mixed":
            pointer = join_pointer(node.pointer, "content", str(media_type))
            yield pointer, "multipart/mixed request bodies are not supported"


def _ref_siblings(c: Contract, node: Node) -> Iterator[tuple[str, str]]:
    if c.version != "3.0" or "$ref" not in node.value:
        return
    for key in node.value:
        if key != "$ref" and key not in _ANNOTATIONS and not str(key).startswith("x-"):
            message = (
                f'"{key}" beside a $ref is not supported: OpenAPI 3.0 ignores it, '
                "so wrap the reference in allOf: [{$ref: ...}]"
            )
            yield join_pointer(node.pointer, str(key)), message


FEATURES: tuple[tuple[str, Finder], ...] = (
    ("parameter", _querystring),
    ("requestbody", _mixed_multipart),
    ("schema", _ref_siblings),
)


def check_unsupported(contract: Contract) -> list[Diagnostic]:
    """Unsupported features (errors) and parts that are not generated (warnings)."""
    found: list[Diagnostic] = []
    for kind, finder in FEATURES:
        for node in contract.index[kind]:
            for pointer, message in finder(contract, node):
                found.append(contract.diag("unsupported-feature", message, pointer))
    found.extend(_not_generated(contract))
    return found


def _not_generated(c: Contract) -> Iterator[Diagnostic]:
    for key, method, pointer, op in webhook_operations(c.root):
        why = gap(c.root, op)
        if why is not None:
            message = f"webhook {key} ({method.upper()}) is not generated: {why}"
            yield c.diag("not-generated", message, pointer)
    for owner in c.operations:
        reported: set[tuple[str, str]] = set()  # (callback, key): once, whatever its methods
        for name, key, method, pointer, op in callback_operations(
            c.root, owner.node, owner.pointer
        ):
            try:
                parse_template(key)
            except ExpressionError as error:
                if (name, key) not in reported:
                    reported.add((name, key))
                    message = f"{owner.label}: callback {name} is not generated: {error}"
                    yield c.diag("callback-expression", message, pointer.rsplit("/", 1)[0])
                continue
            why = gap(c.root, op)
            if why is not None:
                message = (
                    f"{owner.label}: callback {name} ({method.upper()}) is not generated: {why}"
                )
                yield c.diag("not-generated", message, pointer)
