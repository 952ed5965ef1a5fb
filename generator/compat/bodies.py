"""Comparing what travels in bodies: the request body and every documented response."""

from __future__ import annotations

from typing import Any

from generator.compat.keywords import Direction
from generator.compat.pairs import OperationPair
from generator.spec.pointers import deref_pointer, join_pointer


def media_types(root: Any, pointer: str) -> dict[str, tuple[str, str]]:
    """`content` of the object at `pointer`: normalised type → (type as written, pointer)."""
    node, target = deref_pointer(root, pointer)
    content = node.get("content") if isinstance(node, dict) else None
    if not isinstance(content, dict):
        return {}
    return {
        media.split(";")[0].strip().lower(): (media, join_pointer(target, "content", media))
        for media in content
    }


def _covered(media: str, offered: dict[str, tuple[str, str]]) -> bool:
    """True when `media` is still accepted: listed, or matched by `type/*` or `*/*`."""
    kind = media.split("/")[0]
    return media in offered or f"{kind}/*" in offered or "*/*" in offered


def _distinct(root: Any, content: dict[str, tuple[str, str]]) -> bool:
    """True when media types carry different schemas (then messages name the media type)."""
    targets = set()
    for _, pointer in content.values():
        schema = _schema(root, pointer)
        targets.add(deref_pointer(root, schema)[1] if schema else None)
    return len(targets) > 1


def _schema(root: Any, pointer: str) -> str | None:
    node, target = deref_pointer(root, pointer)
    return join_pointer(target, "schema") if isinstance(node, dict) and "schema" in node else None


def compare_content(
    pair: OperationPair, direction: Direction, where: str, old_pointer: str, new_pointer: str
) -> None:
    """Media types removed or added, and the schema of each one kept."""
    old_root, new_root = pair.contracts.old.root, pair.contracts.new.root
    old, new = media_types(old_root, old_pointer), media_types(new_root, new_pointer)
    several = _distinct(old_root, old) or _distinct(new_root, new)
    side = direction.value
    for media, (written, pointer) in old.items():
        label = f"{where} ({written})" if several else where
        if media not in new:
            if direction is Direction.REQUEST and _covered(media, new):
                continue
            pair.report(
                f"{side}-media-type-removed",
                f"media type {written!r} removed",
                pointer,
                new_pointer,
                where,
            )
            continue
        new_media = new[media][1]
        schemas = _schema(old_root, pointer), _schema(new_root, new_media)
        pair.compare_schemas(direction, label, *schemas, (pointer, new_media))
    for media, (written, pointer) in new.items():
        if media not in old:
            pair.report(
                f"{side}-media-type-added",
                f"media type {written!r} added",
                old_pointer,
                pointer,
                where,
            )


def _body(root: Any, operation: dict[str, Any], pointer: str) -> tuple[Any, str]:
    """The operation's request body (None when it has none) and its pointer."""
    where = join_pointer(pointer, "requestBody")
    node, target = deref_pointer(root, where) if "requestBody" in operation else (None, where)
    return (node if isinstance(node, dict) else None), target


def diff_request_body(pair: OperationPair) -> None:
    """Request body added, removed, made required, or changed in media types or schema."""
    old, old_ptr = _body(pair.contracts.old.root, pair.old, pair.old_pointer)
    new, new_ptr = _body(pair.contracts.new.root, pair.new, pair.new_pointer)
    where = "request body"
    if old is None and new is not None:
        required = new.get("required") is True
        rule = "request-body-added" + ("-required" if required else "")
        text = "added as required" if required else "added"
        pair.report(rule, text, pair.old_pointer, new_ptr, where)
    elif new is None and old is not None:
        pair.report("request-body-removed", "removed", old_ptr, pair.new_pointer, where)
    elif old is not None and new is not None:
        was, now = old.get("required") is True, new.get("required") is True
        if was != now:
            verb = "required" if now else "optional"
            pair.report(f"request-body-made-{verb}", f"made {verb}", old_ptr, new_ptr, where)
        if old.get("description") != new.get("description"):
            pair.report("description-changed", "description changed", old_ptr, new_ptr, where)
        compare_content(pair, Direction.REQUEST, where, old_ptr, new_ptr)


def _responses(root: Any, operation: dict[str, Any], pointer: str) -> dict[str, str]:
    responses = operation.get("responses")
    if not isinstance(responses, dict):
        return {}
    base = join_pointer(pointer, "responses")
    return {str(code).upper(): join_pointer(base, str(code)) for code in responses}


def diff_responses(pair: OperationPair) -> None:
    """Statuses removed or added; for each kept one its description, headers and content."""
    root_old, root_new = pair.contracts.old.root, pair.contracts.new.root
    old = _responses(root_old, pair.old, pair.old_pointer)
    new = _responses(root_new, pair.new, pair.new_pointer)
    responses_new = join_pointer(pair.new_pointer, "responses")
    for code, pointer in old.items():
        where = f"response {code}"
        if code not in new:
            pair.report("response-status-removed", "removed", pointer, responses_new, where)
            continue
        old_node, old_ptr = deref_pointer(root_old, pointer)
        new_node, new_ptr = deref_pointer(root_new, new[code])
        if not isinstance(old_node, dict) or not isinstance(new_node, dict):
            continue
        if old_node.get("description") != new_node.get("description"):
            pair.report("description-changed", "description changed", old_ptr, new_ptr, where)
        _headers(pair, where, (old_node, old_ptr), (new_node, new_ptr))
        compare_content(pair, Direction.RESPONSE, where, old_ptr, new_ptr)
    for code, pointer in new.items():
        if code not in old:
            old_responses = join_pointer(pair.old_pointer, "responses")
            pair.report(
                "response-status-added", "added", old_responses, pointer, f"response {code}"
            )


def _header_names(node: dict[str, Any], pointer: str) -> dict[str, tuple[str, str]]:
    headers = node.get("headers")
    if not isinstance(headers, dict):
        return {}
    return {name.lower(): (name, join_pointer(pointer, "headers", name)) for name in headers}


def _headers(
    pair: OperationPair,
    where: str,
    old: tuple[dict[str, Any], str],
    new: tuple[dict[str, Any], str],
) -> None:
    before, after = _header_names(*old), _header_names(*new)
    root_old, root_new = pair.contracts.old.root, pair.contracts.new.root
    for name, (written, pointer) in before.items():
        if name not in after:
            pair.report(
                "response-header-removed", f"header {written!r} removed", pointer, new[1], where
            )
            continue
        old_header, new_header = (
            deref_pointer(root_old, pointer)[1],
            deref_pointer(root_new, after[name][1])[1],
        )
        old_schema, new_schema = _schema(root_old, old_header), _schema(root_new, new_header)
        if old_schema is not None and new_schema is not None:
            label = f"{where} header {written!r}"
            pair.compare_schemas(Direction.RESPONSE, label, old_schema, new_schema)
    for name, (written, pointer) in after.items():
        if name not in before:
            pair.report(
                "response-header-added", f"header {written!r} added", old[1], pointer, where
            )
