"""Turning contract strings into safe, unique Python identifiers.

The policy (documented in docs/naming.md): NFKC-normalise, fold to ASCII, split into words,
join as snake_case or PascalCase, avoid keywords, builtins and names the generated modules
import, and number collisions in document order (`_2`, `_3`, ...). The wire name is always
kept as an alias by the caller, so renaming never changes what goes over the network.
"""

from __future__ import annotations

import builtins
import keyword
import re
import unicodedata
from dataclasses import dataclass, field

MAX_IDENTIFIER = 64

# Names a generated module imports or Pydantic reserves on models; a field or class named
# like one of them would shadow it (issue 9).
RESERVED_FIELDS = frozenset(
    {
        "self",
        "cls",
        "schema",
        "json",
        "copy",
        "dict",
        "construct",
        "validate",
        "fields",
        "model_config",
        "model_fields",
        "model_computed_fields",
        "model_extra",
        "model_fields_set",
        "model_construct",
        "model_copy",
        "model_dump",
        "model_dump_json",
        "model_json_schema",
        "model_parametrized_name",
        "model_post_init",
        "model_rebuild",
        "model_validate",
        "model_validate_json",
        "model_validate_strings",
        "parse_obj",
        "parse_raw",
        "parse_file",
        "from_orm",
        "update_forward_refs",
        "schema_json",
        "body",
        "principal",
        "request",
        "response",
        "settings",
    }
)
RESERVED_CLASSES = frozenset(
    {
        "Any",
        "Annotated",
        "AwareDatetime",
        "BaseModel",
        "ConfigDict",
        "Decimal",
        "Dict",
        "Enum",
        "Field",
        "List",
        "Literal",
        "Optional",
        "Protocol",
        "RootModel",
        "Union",
        "UUID",
        "date",
        "datetime",
        "time",
        "timedelta",
        "typing",
        "pydantic",
        "fastapi",
        "FastAPI",
        "APIRouter",
        "Request",
        "Response",
        "Principal",
        "Settings",
    }
)
_BUILTINS = frozenset(dir(builtins))
# File names Windows reserves whatever the extension: a module named `con.py` cannot exist there.
WINDOWS_RESERVED = frozenset(
    {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(10)), *(f"lpt{i}" for i in range(10))}
)
_WORD = re.compile(r"[A-Z]+(?=[A-Z][a-z0-9])|[A-Z]?[a-z]+|[A-Z]+|[0-9]+")


def ascii_fold(text: str) -> str:
    """NFKC-normalise and fold to ASCII; characters with no ASCII form become `uXXXX`.

    >>> ascii_fold("Ünïcode ﬁle")
    'Unicode file'
    >>> ascii_fold("名前")
    ' u540d  u524d '
    """
    out: list[str] = []
    for ch in unicodedata.normalize("NFKC", text):
        if ch.isascii():
            out.append(ch)
            continue
        base = "".join(c for c in unicodedata.normalize("NFKD", ch) if c.isascii())
        out.append(base if base else f" u{ord(ch):04x} ")
    return "".join(out)


def words(text: str) -> list[str]:
    """Split a name into lower-case words at case changes, digits and punctuation.

    >>> words("getHTTPResponse_v2-final")
    ['get', 'http', 'response', 'v', '2', 'final']
    """
    return [w.lower() for w in _WORD.findall(ascii_fold(text))]


def snake_name(text: str, *, reserved: frozenset[str] = RESERVED_FIELDS) -> str:
    """A snake_case identifier for a field, parameter, method or module.

    >>> snake_name("userId"), snake_name("class"), snake_name("2fa"), snake_name("__init__")
    ('user_id', 'class_', 'n2_fa', 'init')
    """
    name = "_".join(words(text)) or "value"
    name = name[:MAX_IDENTIFIER].rstrip("_")
    if name[0].isdigit():
        name = "n" + name
    if (
        keyword.iskeyword(name)
        or keyword.issoftkeyword(name)
        or name in _BUILTINS
        or name in reserved
    ):
        name += "_"
    return name


def module_name(text: str) -> str:
    """A snake_case module name that is also a portable file name.

    >>> module_name("Users"), module_name("CON"), module_name("../../etc")
    ('users', 'con_', 'etc')
    """
    name = snake_name(text)
    return name + "_" if name in WINDOWS_RESERVED else name


def env_prefix(package: str) -> str:
    """Environment variable prefix of a generated package's settings.

    >>> env_prefix("users"), env_prefix("my-api")
    ('USERS_', 'MY_API_')
    """
    return snake_name(package, reserved=frozenset()).upper() + "_"


def class_name(text: str, *, reserved: frozenset[str] = RESERVED_CLASSES) -> str:
    """A PascalCase identifier for a class.

    >>> class_name("user-profile"), class_name("BaseModel"), class_name("404error")
    ('UserProfile', 'BaseModelModel', 'N404Error')
    """
    name = "".join(w[:1].upper() + w[1:] for w in words(text)) or "Model"
    name = name[:MAX_IDENTIFIER]
    if name[0].isdigit():
        name = "N" + name
    if name in reserved or name.lower() in reserved or keyword.iskeyword(name):
        name += "Model"
    return name


_TEMPLATE = re.compile(r"\{([^{}]*)\}")


def derived_operation_name(method: str, path: str) -> str:
    """The snake_case name of an operation that has no operationId (one rule for every stage).

    >>> derived_operation_name("get", "/users/{user_id}/posts"), derived_operation_name("post", "/")
    ('get_users_by_user_id_posts', 'post_root')
    """
    parts = [method.lower()]
    for segment in path.strip("/").split("/"):
        match = _TEMPLATE.fullmatch(segment)
        parts.extend(["by", *words(match[1])] if match else words(segment))
    return snake_name("_".join(parts if len(parts) > 1 else [*parts, "root"]))


@dataclass
class Namespace:
    """Hands out unique identifiers in one scope, numbering collisions in claim order.

    >>> ns = Namespace()
    >>> ns.claim("user_id"), ns.claim("user_id"), ns.claim("user_id_2")
    ('user_id', 'user_id_2', 'user_id_2_2')
    """

    taken: set[str] = field(default_factory=set)

    def claim(self, name: str) -> str:
        candidate = name
        n = 2
        while candidate.casefold() in self.taken:
            candidate = f"{name}_{n}" if not name[-1:].isupper() else f"{name}{n}"
            n += 1
        self.taken.add(candidate.casefold())
        return candidate
