"""Comparing what credentials an operation accepts.

A security requirement list is a set of alternatives (any one suffices), each a set of
schemes (all needed) with scopes. Schemes are compared by what they mean on the wire (type,
location, header name, HTTP scheme...), not by their component names, so renaming a scheme
is not a change. A client is still served when some new alternative needs no scheme and no
scope beyond those of an old alternative it could use.
"""

from __future__ import annotations

from typing import Any

from generator.compat.pairs import OperationPair
from generator.ir.security import SchemeKind, scheme_kind
from generator.spec.pointers import deref_pointer, join_pointer, resolve_pointer

Signature = tuple[str, ...]
# One alternative: signature → (scopes, the scheme's name in this contract).
Alternative = dict[Signature, tuple[frozenset[str], str]]


def signature(root: Any, name: str) -> Signature:
    """What a scheme means on the wire.

    >>> signature({"components": {"securitySchemes": {"k": {"type": "http", "scheme": "Bearer"}}}}, "k")
    ('http', 'bearer')
    """
    node = deref_pointer(root, join_pointer("/components/securitySchemes", name))[0]
    if not isinstance(node, dict):
        return ("undefined", name)
    kind, wire = scheme_kind(node), str(node.get("type", ""))
    if kind is SchemeKind.API_KEY:
        where, key = str(node.get("in", "")), str(node.get("name", ""))
        return (wire, where, key.lower() if where == "header" else key)
    if wire == "http":  # bearer, basic or digest...: the HTTP scheme tells them apart
        return (wire, str(node.get("scheme", "")).lower())
    if kind is SchemeKind.JWT:  # oauth2, openIdConnect: a bearer token; flows may be added
        return (wire,)
    return (wire, name)


def alternatives(
    root: Any, operation: dict[str, Any], pointer: str
) -> tuple[list[Alternative], str]:
    """The operation's effective requirements (its own, else the contract's) and their pointer."""
    if "security" in operation:
        listed, where = operation["security"], join_pointer(pointer, "security")
    else:
        listed, where = root.get("security", []), "/security"
    requirements = listed if isinstance(listed, list) else []
    return [_alternative(root, r) for r in requirements if isinstance(r, dict)], where


def _alternative(root: Any, requirement: dict[str, Any]) -> Alternative:
    """One Security Requirement Object keyed by what its schemes mean."""
    found: Alternative = {}
    for name, scopes in requirement.items():
        listed = scopes if isinstance(scopes, list) else []
        sig = signature(root, name)
        scopes_held = frozenset(s for s in listed if isinstance(s, str))
        found[sig] = (scopes_held | found.get(sig, (frozenset(), name))[0], name)
    return found


def _public(alts: list[Alternative]) -> bool:
    return not alts or any(not alt for alt in alts)


def _satisfies(held: Alternative, wanted: Alternative) -> bool:
    return all(sig in held and wanted[sig][0] <= held[sig][0] for sig in wanted)


def _scopes(alt: Alternative) -> dict[Signature, frozenset[str]]:
    return {sig: scopes for sig, (scopes, _) in alt.items()}


def _names(alt: Alternative) -> frozenset[str]:
    return frozenset(name for _, name in alt.values())


def _one(alt: Alternative) -> str:
    parts = [
        name + (f" [{', '.join(sorted(scopes))}]" if scopes else "")
        for scopes, name in alt.values()
    ]
    return " + ".join(parts) or "no credentials"


def _describe(alts: list[Alternative]) -> str:
    """Alternatives in words, e.g. `oauth [read] or apiKey`."""
    return " or ".join(_one(alt) for alt in alts) or "no credentials"


def diff_security(pair: OperationPair) -> None:
    """Security added to a public operation, scopes extended, schemes changed, or relaxed."""
    old, old_ptr = alternatives(pair.contracts.old.root, pair.old, pair.old_pointer)
    new, new_ptr = alternatives(pair.contracts.new.root, pair.new, pair.new_pointer)
    where = old_ptr, new_ptr
    if _public(old) and not _public(new):
        pair.report("security-added", f"now requires {_describe(new)} (was public)", *where)
    elif _public(new) and not _public(old):
        text = f"no longer requires credentials (was {_describe(old)})"
        pair.report("security-removed", text, *where)
    elif not _public(old):
        _lost(pair, old, new, where)
        _gained(pair, old, new, where)


def _lost(
    pair: OperationPair, old: list[Alternative], new: list[Alternative], where: tuple[str, str]
) -> None:
    """Old alternatives no new one is satisfied by: more scopes, or other schemes."""
    for held in old:
        if any(_satisfies(held, wanted) for wanted in new):
            continue
        same = [wanted for wanted in new if wanted.keys() == held.keys()]
        if not same:
            _scheme_changed(pair, held, where, new)
            continue
        extra = set().union(*(wanted[s][0] - held[s][0] for wanted in same for s in wanted))
        listed = ", ".join(repr(scope) for scope in sorted(extra))
        text = f"scopes {listed} now required (was {_describe([held])})"
        pair.report("security-scopes-added", text, *where)


def _gained(
    pair: OperationPair, old: list[Alternative], new: list[Alternative], where: tuple[str, str]
) -> None:
    """New alternatives: other credentials accepted, or the same ones with fewer scopes."""
    old_scopes, old_names = [_scopes(held) for held in old], [_names(held) for held in old]
    for wanted in new:
        same = [held for held in old if held.keys() == wanted.keys()]
        if not same:
            if _names(wanted) not in old_names:  # else a redefined scheme, reported as lost
                text = f"also accepts {_describe([wanted])}"
                pair.report("security-alternative-added", text, *where)
        elif _scopes(wanted) not in old_scopes and any(_satisfies(h, wanted) for h in same):
            text = f"requires {_describe([wanted])} (was {_describe(same)})"
            pair.report("security-scopes-removed", text, *where)


def _scheme_changed(
    pair: OperationPair, held: Alternative, where: tuple[str, str], new: list[Alternative]
) -> None:
    """Name the redefined scheme when there is one, else the alternative that went away."""
    root_old, root_new = pair.contracts.old.root, pair.contracts.new.root
    for sig, (_, name) in held.items():
        pointer = join_pointer("/components/securitySchemes", name)
        now = signature(root_new, name)
        if now != sig and resolve_pointer(root_new, pointer) is not None:
            text = f"security scheme {name!r} changed: {_wire(sig)} → {_wire(now)}"
            old_where = pointer if resolve_pointer(root_old, pointer) is not None else where[0]
            pair.report("security-scheme-changed", text, old_where, pointer)
            return
    text = f"credentials {_describe([held])} no longer accepted (now {_describe(new)})"
    pair.report("security-scheme-changed", text, *where)


def _wire(sig: Signature) -> str:
    """A scheme signature in words, e.g. `apiKey header x-api-key`."""
    return " ".join(sig)
