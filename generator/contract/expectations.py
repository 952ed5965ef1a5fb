"""What the contract lets each operation answer, and who owns what it returns.

Schemathesis' checks carry fixed expectations (a valid request is accepted with `2xx, 3xx,
401, 403, 404, 409, 429, 5xx`); the contract knows better. `Expectations` reads, per
operation, the documented statuses and where they are written, so a documented `412` to a
request that sent `If-Match`, a `428` to one that did not, a documented `410`, `423`, or
anything a `default`/`4XX` response covers (but a rejection: 400, 413, 415, 422) counts as a
valid answer. Ownership (`x-specfirst-owner` on an operation or its tag, or the
`ownership` table of `[tool.specfirst.test]`, keyed by operationId or `tag:NAME`) decides
where the object-level check runs:

>>> read_owner({"field": "owner"}), read_owner({"shared-by-role": "staff"}), read_owner(False)
(Ownership(kind='owned', detail='owner field `owner`', where=''), \
Ownership(kind='shared', detail='shared by role `staff`', where=''), \
Ownership(kind='shared', detail='declared shared', where=''))
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from generator.contract.credentials import HTTP_METHODS
from generator.spec.pointers import join_pointer

OWNER_EXTENSION = "x-specfirst-owner"
# Headers that make a request conditional (RFC 9110 §13.1).
CONDITIONAL = frozenset(
    {"if-match", "if-none-match", "if-modified-since", "if-unmodified-since", "if-range"}
)
# Answers that depend on the resource's state, not on whether the request is well formed.
STATE_ANSWERS = frozenset({409, 410, 423, 429})
# What a service says when it finds the request itself wrong: never a valid answer to valid data.
REJECTIONS = frozenset({400, 413, 415, 422})


@dataclass(frozen=True)
class Ownership:
    """Whether an operation's objects belong to one caller: owned, shared, or undeclared."""

    kind: str  # owned | shared | undeclared
    detail: str = ""
    where: str = ""  # the pointer or setting that declared it

    @property
    def checked(self) -> bool:
        """Whether the object-level check runs."""
        return self.kind == "owned"


UNDECLARED = Ownership("undeclared", "no ownership declared")


def read_owner(value: Any) -> Ownership | None:
    """One `x-specfirst-owner` value (or setting) as an `Ownership`; None when malformed."""
    if value is False or value == "shared":
        return Ownership("shared", "declared shared")
    if isinstance(value, str) and value:
        return Ownership("owned", f"owner field `{value}`")
    if isinstance(value, Mapping):
        role = value.get("shared-by-role")
        if isinstance(role, str) and role:
            return Ownership("shared", f"shared by role `{role}`")
        if value.get("shared") is True:
            return Ownership("shared", "declared shared")
        owner = value.get("field")
        if isinstance(owner, str) and owner:
            return Ownership("owned", f"owner field `{owner}`")
        if value.get("owned") is True:
            return Ownership("owned", "declared owned by its creator")
    return None


@dataclass(frozen=True)
class OperationFacts:
    """One operation as the checks need it: documented statuses, its pointer, its owner."""

    label: str
    pointer: str
    statuses: frozenset[str]  # response keys as written: "200", "4XX", "default"
    ownership: Ownership = UNDECLARED

    def documents(self, status: int) -> bool:
        """Whether a response key covers `status` (exactly, by range, or as `default`)."""
        keys = {key.upper() for key in self.statuses}
        return str(status) in keys or f"{status // 100}XX" in keys or "DEFAULT" in keys

    def response_pointer(self, status: int | None) -> str:
        """The response object the status came from (the operation's responses otherwise)."""
        responses = join_pointer(self.pointer, "responses")
        if status is None:
            return responses
        for key in (str(status), f"{status // 100}XX", f"{status // 100}xx", "default"):
            if key in self.statuses:
                return join_pointer(responses, key)
        return responses

    def valid_answer(self, status: int, headers: Iterable[str]) -> bool:
        """Whether `status` is a documented, valid answer to a well-formed request sent with `headers`."""
        if status in REJECTIONS or not self.documents(status):
            return False
        conditional = any(name.lower() in CONDITIONAL for name in headers)
        if status == 412:
            return conditional
        if status == 428:
            return not conditional
        exact = str(status) in self.statuses
        return (status in STATE_ANSWERS and exact) or (not exact and 400 <= status < 500)


@dataclass(frozen=True)
class Expectations:
    """Every operation's facts, by label (`PUT /pets/{pet_id}`)."""

    operations: Mapping[str, OperationFacts] = field(default_factory=dict)

    @classmethod
    def from_document(
        cls, document: Mapping[str, Any], ownership: Mapping[str, Any] | None = None
    ) -> Expectations:
        """Read the bundled contract; `ownership` is the `[tool.specfirst.test]` table."""
        tags = _tag_owners(document)
        found: dict[str, OperationFacts] = {}
        for path, item in (document.get("paths") or {}).items():
            if not isinstance(item, Mapping):
                continue
            for method in HTTP_METHODS:
                op = item.get(method)
                if not isinstance(op, Mapping):
                    continue
                label, pointer = f"{method.upper()} {path}", join_pointer("/paths", path, method)
                responses = op.get("responses")
                statuses = (
                    frozenset(str(k) for k in responses)
                    if isinstance(responses, Mapping)
                    else frozenset()
                )
                owner = _owner(op, pointer, tags, ownership or {})
                found[label] = OperationFacts(label, pointer, statuses, owner)
        return cls(found)

    def facts(self, label: str) -> OperationFacts | None:
        """The operation's facts, None for one the contract does not have."""
        return self.operations.get(label)


def _tag_owners(document: Mapping[str, Any]) -> dict[str, Ownership]:
    found: dict[str, Ownership] = {}
    for index, tag in enumerate(document.get("tags") or ()):
        if isinstance(tag, Mapping) and OWNER_EXTENSION in tag:
            owner = read_owner(tag[OWNER_EXTENSION])
            if owner is not None:
                where = join_pointer("/tags", str(index), OWNER_EXTENSION)
                found[str(tag.get("name"))] = replace(owner, where=where)
    return found


def _owner(
    op: Mapping[str, Any], pointer: str, tags: Mapping[str, Ownership], table: Mapping[str, Any]
) -> Ownership:
    """The setting first (operationId, then each tag), then the operation, then its tags."""
    keys = [str(op.get("operationId", ""))] + [f"tag:{t}" for t in op.get("tags") or ()]
    for key in keys:
        if key in table:
            owner = read_owner(table[key])
            if owner is not None:
                return replace(owner, where=f"[tool.specfirst.test.ownership] {key}")
    if OWNER_EXTENSION in op:
        owner = read_owner(op[OWNER_EXTENSION])
        if owner is not None:
            return replace(owner, where=join_pointer(pointer, OWNER_EXTENSION))
    for tag in op.get("tags") or ():
        if tag in tags:
            return tags[tag]
    return UNDECLARED
