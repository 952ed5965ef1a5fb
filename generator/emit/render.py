"""The one jinja2 environment: strict undefined, a few named filters, templates from templates/."""

from __future__ import annotations

import enum
import functools
import re
from pathlib import Path
from typing import Any

import jinja2

from generator.ir.wire_schemas import schema_ref

TEMPLATES = Path(__file__).parent / "templates"
MAX_DOC = 600
_MODELS_NAME = re.compile(r"\bmodels\.")


def py_literal(value: object) -> str:
    """A Python literal for a string, number, bool, None, or list/dict of them (via repr).

    An enum member (an IR kind such as `SchemeKind.JWT`) is written as its value:

    >>> from generator.ir.security import SchemeKind
    >>> print(py_literal("a'b"), py_literal(SchemeKind.JWT))
    "a'b" 'jwt'
    """
    if isinstance(value, jinja2.Undefined):
        raise jinja2.UndefinedError("a template printed an undefined value")
    return repr(value.value if isinstance(value, enum.Enum) else value)


def doc_text(value: object) -> str:
    """Text that is safe inside a triple-quoted docstring: one paragraph, escaped, bounded.

    >>> print(doc_text('say "hi"\\n  twice'))
    say \\"hi\\" twice
    """
    text = " ".join(str(value).split())[:MAX_DOC]
    out: list[str] = []
    for ch in text:
        if ch == "\\":
            out.append("\\\\")
        elif ch == '"':
            out.append('\\"')
        elif not ch.isprintable():
            out.append(f"\\u{ord(ch):04x}" if ord(ch) <= 0xFFFF else f"\\U{ord(ch):08x}")
        else:
            out.append(ch)
    return "".join(out)


def type_value(annotation: str) -> str:
    """A type as the runtime's specs hold it: one naming models.py's types is deferred.

    models.py is imported on first use (the runtime's `lazy.py`, issue 23), so a route's
    description names its types through a function the first request calls:

    >>> print(type_value("int"), type_value("list[models.Pet]"), sep="; ")
    int; lambda: list[models.Pet]
    """
    return f"lambda: {annotation}" if _MODELS_NAME.search(annotation) else annotation


@functools.cache
def environment() -> jinja2.Environment:
    """The shared environment (templates are trusted; values reach them through filters)."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        autoescape=False,
    )
    env.filters["py"] = py_literal
    env.filters["doc"] = doc_text
    env.filters["type_value"] = type_value
    env.filters["response_ref"] = lambda pointer: schema_ref("response", pointer) if pointer else ""
    return env


def render(template: str, **context: Any) -> str:
    """Render one template with the given IR values."""
    return environment().get_template(template).render(**context)
