"""Comparing what credentials an operation accepts.

A security requirement list is a set of alternatives (any one suffices), each a set of
schemes (all needed) with scopes. Schemes are compared by what they mean on the wire (type,
location, header name, HTTP scheme...), not by their component names, so renaming a scheme
is not a change. A client is still served when some new alternative needs no scheme and no
scope beyond those of an old alternative it could use.
"""

from __future__ import annotations

import json
from typing import Any

from generator.compat.pairs import OperationPair
from generator.compat.views import at, deref
from generator.spec.document import join_pointer

Signature = tuple[str, ...]
# One alternative: signature → (scopes, the scheme's name in this contract).
Alternative = dict[Signature, tuple[frozenset[str], str]]


def signature(root: Any, name: str) -> Signature:
    """What a scheme means on the wire.

    >>> signature({"components": {"securitySchemes": {"k": {"type": "http", "scheme": "Bearer"}}}}, "k")
    ('http', 'bearer')
    """
    node = deref(root, join_pointer("/components/securitySchemes", name))[0]
    if not isinstance(node, dict):
        return ("undefined", name)
    kind = str(node.get("type", ""))
    if kind == "apiKey":
        where, key = str(node.get("in", "")), str(node.get("name", ""))
        return (kind, where, key.lower() if where == "header" else key)
    if kind == "http":
        return (kind, str(node.get("scheme", "")).lower())
    if kind == "oauth2":
        return (kind, json.dumps(_token_urls(node.get("flows")), sort_keys=True))
    if kind == "openIdConnect":
        return (kind, str(node.get("openIdConnectUrl", "")))
    return (kind, name)


def _token_urls(flows: Any) -> dict[str, Any]:
    if not isinstance(flows, dict):
        return {}
    return {
        flow: {k: v.get(k) for k in ("tokenUrl", "authorizationUrl")}
        for flow, v in flows.items()
        if isinstance(v, dict)
    }


def alternatives(
    root: Any, operation: dict[str, Any], pointer: str
) -> tuple[list[Alternative], str]:
    """The operation's effective requirements (its own, else the contract's) and their pointer."""
    if "security" in operation:
        listed, where = operation["security"], join_pointer(pointer, "security")
    else:
        listed, where = root.get("security", []), "/security"
    found: list[Alternative] = []
    for requirement in listed if isinstance(listed, list) else []:
        if isinstance(requirement, dict):
            found.append(
                {
                    signature(root, name): (
                        frozenset(s for s in scopes if isinstance(s, str))
                        if isinstance(scopes, list)
                        else frozenset(),
                        name,
                    )
                    for name, scopes in requirement.items()
                }
            )
    return found, where


def _public(alts: list[Alternative]) -> bool:
    return not alts or any(not alt for alt in alts)


def _satisfies(held: Alternative, wanted: Alternative) -> bool:
    return all(sig in held and wanted[sig][0] <= held[sig][0] for sig in wanted)


def _scopes(alt: Alternative) -> dict[Signature, frozenset[str]]:
    return {sig: scopes for sig, (scopes, _) in alt.items()}


def _names(alt: Alternative) -> frozenset[str]:
    return frozenset(name for _, name in alt.values())


def _describe(alts: list[Alternative]) -> str:
    def one(alt: Alternative) -> str:
        parts = [
            f"{name}" + (f" [{', '.join(sorted(scopes))}]" if scopes else "")
            for scopes, name in alt.values()
        ]
        return " + ".join(parts) or "no credentials"

    return " or ".join(one(alt) for alt in alts) or "no credentials"


def diff_security(pair: OperationPair) -> None:
    """Security added to a public operation, scopes extended, schemes changed, or relaxed."""
    root_old, root_new = pair.contracts.old.root, pair.contracts.new.root
    old, old_ptr = alternatives(root_old, pair.old, pair.old_pointer)
    new, new_ptr = alternatives(root_new, pair.new, pair.new_pointer)
    if _public(old) != _public(new):
        if _public(old):
            pair.report(
                "security-added", f"now requires {_describe(new)} (was public)", old_ptr, new_ptr
            )
        else:
            pair.report(
                "security-removed",
                f"no longer requires credentials (was {_describe(old)})",
                old_ptr,
                new_ptr,
            )
        return
    if _public(old):
        return
    for held in old:
        if any(_satisfies(held, wanted) for wanted in new):
            continue
        same = [wanted for wanted in new if wanted.keys() == held.keys()]
        if same:
            extra = sorted(
                set().union(*(wanted[s][0] - held[s][0] for wanted in same for s in wanted))
            )
            text = (
                f"scopes {', '.join(repr(s) for s in extra)} now required (was {_describe([held])})"
            )
            pair.report("security-scopes-added", text, old_ptr, new_ptr)
        else:
            _scheme_changed(pair, held, (old_ptr, new_ptr), new)
    old_scopes, old_names = [_scopes(held) for held in old], [_names(held) for held in old]
    for wanted in new:
        same = [held for held in old if held.keys() == wanted.keys()]
        if not same:
            if _names(wanted) not in old_names:  # else a redefined scheme, reported above
                text = f"also accepts {_describe([wanted])}"
                pair.report("security-alternative-added", text, old_ptr, new_ptr)
        elif _scopes(wanted) not in old_scopes and any(_satisfies(h, wanted) for h in same):
            text = f"requires {_describe([wanted])} (was {_describe(same)})"
            pair.report("security-scopes-removed", text, old_ptr, new_ptr)


def _scheme_changed(
    pair: OperationPair, held: Alternative, where: tuple[str, str], new: list[Alternative]
) -> None:
    """Name the redefined scheme when there is one, else the alternative that went away."""
    root_old, root_new = pair.contracts.old.root, pair.contracts.new.root
    for sig, (_, name) in held.items():
        pointer = join_pointer("/components/securitySchemes", name)
        now = signature(root_new, name)
        if now != sig and at(root_new, pointer) is not None:
            text = f"security scheme {name!r} changed: {_wire(sig)} → {_wire(now)}"
            old_where = pointer if at(root_old, pointer) is not None else where[0]
            pair.report("security-scheme-changed", text, old_where, pointer)
            return
    text = f"credentials {_describe([held])} no longer accepted (now {_describe(new)})"
    pair.report("security-scheme-changed", text, *where)


def _wire(sig: Signature) -> str:
    """A scheme signature in words, e.g. `apiKey header x-api-key`."""
    text = " ".join(sig)
    return text if len(text) <= 80 else text[:79] + "…"
