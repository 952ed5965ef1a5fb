"""Synthesizer: a small deterministic generator of JSON values that fit a schema.

It honours `$ref`, `allOf` (merged), `oneOf`/`anyOf` (the first branch the whole schema
accepts, discriminator set), `const`, `enum`, `type`, `format`, `pattern`, length, item and
numeric bounds, `multipleOf` and `required`. Optional properties are filled in up to a depth,
and recursive schemas shrink to their required parts. Examples and defaults found on the way are
used when `use_examples` is set (the caller validates the result and can retry without them).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from generator.ir.refs import as_mapping, deref
from generator.mock.numbers import number
from generator.mock.strings import text
from generator.spec.document import join_pointer

MAX_DEPTH = 6  # optional properties below this depth are left out
MAX_NESTING = 40  # beyond this even required parts stop (a schema that requires itself)
Accept = Callable[[str, Any], bool]  # (schema pointer, value) -> valid there?


@dataclass(frozen=True)
class _Walk:
    depth: int = 0
    seen: frozenset[str] = frozenset()
    minimal: bool = False
    index: int = 0

    def deeper(self, index: int = 0) -> _Walk:
        return replace(self, depth=self.depth + 1, index=index)


def _sub(pointer: str | None, *tokens: str | int) -> str | None:
    return join_pointer(pointer, *tokens) if pointer is not None else None


@dataclass
class Synthesizer:
    """Values for schemas of one document; `skip` names the properties a direction omits."""

    document: Mapping[str, Any]
    use_examples: bool = True
    skip: str = "writeOnly"  # responses omit writeOnly properties, requests readOnly ones
    accept: Accept | None = None
    legacy_bounds: bool = field(init=False)

    def __post_init__(self) -> None:
        # OpenAPI 3.0 writes exclusiveMinimum/Maximum as booleans beside minimum/maximum.
        self.legacy_bounds = str(self.document.get("openapi", "")).startswith("3.0")

    def value(self, schema: Any, pointer: str | None = None) -> Any:
        """A value for `schema` (found at `pointer`, when known)."""
        return self._value(schema, pointer, _Walk())

    def _value(self, node: Any, pointer: str | None, walk: _Walk) -> Any:
        if isinstance(node, Mapping) and isinstance(node.get("$ref"), str):
            ref = node["$ref"]
            node, pointer = deref(self.document, node, pointer or "")
            walk = replace(walk, minimal=walk.minimal or ref in walk.seen, seen=walk.seen | {ref})
        if walk.depth > MAX_NESTING or node is False:
            return None
        if not isinstance(node, Mapping) or not node:
            return "string" if walk.index == 0 else f"string{walk.index}"
        if self.use_examples and walk.index == 0:
            for key in ("example", "default"):
                if key in node:
                    return node[key]
            if isinstance(node.get("examples"), list) and node["examples"]:
                return node["examples"][0]
        if "const" in node:
            return node["const"]
        if isinstance(node.get("enum"), list) and node["enum"]:
            values = [v for v in node["enum"] if v is not None] or node["enum"]
            return values[walk.index % len(values)]
        if isinstance(node.get("allOf"), list):
            return self._value(self._merged(node, pointer), None, walk)
        for key in ("oneOf", "anyOf"):
            if isinstance(node.get(key), list) and node[key]:
                return self._choice(node, key, pointer, walk)
        return self._typed(node, pointer, walk)

    def _typed(self, node: Mapping[str, Any], pointer: str | None, walk: _Walk) -> Any:
        kind = _type(node)
        if kind == "object":
            return self._object(node, pointer, walk)
        if kind == "array":
            return self._array(node, pointer, walk)
        if kind in {"integer", "number"}:
            return number(
                node, integer=kind == "integer", index=walk.index, legacy=self.legacy_bounds
            )
        if kind == "boolean":
            return walk.index % 2 == 0
        if kind == "null":
            return None
        return text(node, walk.index)

    def _merged(self, node: Mapping[str, Any], pointer: str | None) -> dict[str, Any]:
        """`allOf` as one schema; each property refers back to where it was declared."""
        merged: dict[str, Any] = {}
        properties: dict[str, Any] = {}
        required: list[str] = []
        parts = [(node, pointer)]
        while parts:
            part, at = parts.pop(0)
            for i, sub in enumerate(part.get("allOf") or []):
                resolved, sub_at = deref(self.document, sub, _sub(at, "allOf", i) or "")
                known = sub_at if (at is not None or "$ref" in as_mapping(sub)) else None
                parts.append((as_mapping(resolved), known))
            for name, prop in as_mapping(part.get("properties")).items():
                where = _sub(at, "properties", name)
                properties[name] = {"$ref": "#" + where} if where is not None else prop
            required += [r for r in part.get("required") or [] if r not in required]
            for key, value in part.items():
                if key not in {"allOf", "properties", "required"}:
                    merged.setdefault(key, value)
        if properties:
            merged["properties"] = properties
            merged.setdefault("type", "object")
        if required:
            merged["required"] = required
        return merged

    def _choice(self, node: Mapping[str, Any], key: str, pointer: str | None, walk: _Walk) -> Any:
        branches = list(enumerate(node[key]))
        branches.sort(key=lambda pair: _type(as_mapping(pair[1])) == "null")  # null last
        first: tuple[Any] | None = None
        for i, branch in branches:
            value = self._tagged(node, branch, self._value(branch, _sub(pointer, key, i), walk))
            if first is None:
                first = (value,)
            if self.accept is None or pointer is None or self.accept(pointer, value):
                return value
        return first[0] if first else None

    def _tagged(self, node: Mapping[str, Any], branch: Any, value: Any) -> Any:
        """Set the discriminator property to the name that selects `branch`."""
        discriminator = as_mapping(node.get("discriminator"))
        prop = discriminator.get("propertyName")
        ref = as_mapping(branch).get("$ref")
        if not isinstance(prop, str) or not isinstance(ref, str) or not isinstance(value, dict):
            return value
        name = ref.rsplit("/", 1)[-1]
        mapping = as_mapping(discriminator.get("mapping"))
        tag = next((k for k, v in mapping.items() if v in {ref, name}), name)
        return {**value, prop: tag}

    def _object(self, node: Mapping[str, Any], pointer: str | None, walk: _Walk) -> Any:
        properties = as_mapping(node.get("properties"))
        required = [r for r in node.get("required") or [] if isinstance(r, str)]
        out: dict[str, Any] = {}
        for name, prop in properties.items():
            target = as_mapping(deref(self.document, prop, "")[0])
            if target.get(self.skip) is True:  # required only in the other direction (OAS 3.x)
                continue
            if name not in required and (walk.minimal or walk.depth >= MAX_DEPTH):
                continue
            out[name] = self._value(prop, _sub(pointer, "properties", name), walk.deeper())
        extra = node.get("additionalProperties")
        extra_at = _sub(pointer, "additionalProperties")
        for name in required:
            if name not in out and name not in properties:
                out[name] = self._value(extra if isinstance(extra, Mapping) else {}, extra_at, walk)
        least = node.get("minProperties")
        while isinstance(least, int) and len(out) < least:
            out[f"key{len(out)}"] = self._value(
                extra if isinstance(extra, Mapping) else {}, extra_at, walk
            )
        return out

    def _array(self, node: Mapping[str, Any], pointer: str | None, walk: _Walk) -> list[Any]:
        least, most = node.get("minItems"), node.get("maxItems")
        low = least if isinstance(least, int) else 0
        high = most if isinstance(most, int) else None
        count = low if walk.minimal else max(low, 1)
        count = min(count, high) if high is not None else count
        items = node.get("items", {})
        return [self._value(items, _sub(pointer, "items"), walk.deeper(i)) for i in range(count)]


def _type(node: Mapping[str, Any]) -> str:
    """The one JSON type to produce: the first non-null declared, else inferred from keywords."""
    raw = node.get("type")
    kinds = [raw] if isinstance(raw, str) else [t for t in raw or [] if isinstance(t, str)]
    chosen = next((k for k in kinds if k != "null"), kinds[0] if kinds else None)
    if chosen:
        return chosen
    if "properties" in node or "additionalProperties" in node or "required" in node:
        return "object"
    if "items" in node:
        return "array"
    if any(k in node for k in ("minimum", "maximum", "multipleOf")):
        return "number"
    return "string"
