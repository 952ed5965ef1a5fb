"""Rewrite contract schemas into the flat component set datamodel-code-generator receives.

Every schema that becomes a class (objects, `allOf`, string enums) is hoisted into
`components/schemas` under a name we chose, and every `$ref` points at those names, so the
generator never has to invent a class name. Keywords are whitelisted (`schema_keywords`).

Each schema is normalized in a form (`schema_directions`): requests without readOnly
properties, responses without writeOnly ones, or both (neither kind required). References and
hoisted children take the form of the schema they sit in, unless their forms are all one.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from generator.ir.schema_directions import (
    Direction,
    Directions,
    flags_of,
    hides,
    required_in,
    target_pointer,
)
from generator.ir.schema_keywords import (
    SITE_KEYS,
    is_dangerous,
    is_union,
    json_safe,
    member_names,
    needs_alias,
    needs_class,
    resolve,
    scalar_keyword,
    split_null,
    string_enum,
)
from generator.ir.schema_merge import merge_all_of
from generator.ir.schema_python import COMPONENT_PREFIX
from generator.naming import class_name
from generator.spec.pointers import join_pointer, split_pointer

_POINTER_NOISE = frozenset({"components", "schemas", "properties", "definitions", "$defs"})


class ModelGenerationError(Exception):
    """The model stage could not handle a schema; `pointer` locates it in the contract."""

    def __init__(self, message: str, pointer: str = "") -> None:
        super().__init__(f"{message} (at #{pointer})" if pointer else message)
        self.message = message
        self.pointer = pointer


@dataclass
class Normalizer:
    """Collects normalized class schemas, each in a `form`; `claim` hands out class names."""

    root: Mapping[str, Any]
    claim: Callable[[str, str], str]  # (hint, suffix) -> a new class name
    components: dict[str, str]  # original component name -> class name
    directions: Directions = field(default_factory=Directions)
    classes: dict[str, Any] = field(default_factory=dict)  # class -> normalized schema
    origins: dict[str, str] = field(default_factory=dict)  # class -> original pointer
    stripped: list[tuple[str, str]] = field(default_factory=list)  # (pointer, keyword)
    forms: dict[tuple[str, Direction], str] = field(default_factory=dict)  # -> class
    pending: dict[str, tuple[Any, str, Direction, str]] = field(default_factory=dict)
    active: set[str] = field(default_factory=set)
    form: Direction = Direction.BOTH  # of the schema being normalized

    def expect(self, name: str, schema: Any, pointer: str, form: Direction, base: str = "") -> None:
        """Reserve `name` in plan order for the schema at `pointer` in `form`, defined later."""
        self.classes[name] = None
        self.pending[name] = (schema, pointer, form, base)
        self.forms[(pointer, form)] = name

    def define(
        self, name: str, schema: Any, pointer: str, form: Direction = Direction.BOTH, base: str = ""
    ) -> None:
        """Normalize `schema` as class `name` in `form`; children are named from `base` or `name`."""
        self.pending.pop(name, None)
        self.origins[name] = pointer
        self.classes.setdefault(name, None)
        if not isinstance(schema, Mapping):
            self.classes[name] = schema if isinstance(schema, bool) else {}
            return
        self.active.add(name)
        plain, is_null = split_null(schema)
        outer, self.form = self.form, form
        try:
            if "$ref" in plain:
                body = self.site(self.ref(plain["$ref"], pointer), plain, is_null)
            else:
                body = self.keywords(plain, pointer, base or name)
                if is_null:
                    body["nullable"] = True
        finally:
            self.form = outer
        self.classes[name] = body
        self.active.discard(name)

    def define_pending(self) -> None:
        """Define every reserved class not yet defined, in plan order."""
        while self.pending:
            name, how = next(iter(self.pending.items()))
            self.define(name, *how)

    def use(self, node: Any, pointer: str, hint: str, form: Direction, unions: bool) -> Any:
        """A schema an operation uses in `form`'s direction (see `child`)."""
        outer, self.form = self.form, form
        try:
            return self.child(node, pointer, hint, unions=unions)
        finally:
            self.form = outer

    def body_of(self, ref: str) -> Mapping[str, Any] | None:
        """The normalized body behind a component `$ref`, defining it first if needed."""
        name = ref.removeprefix(COMPONENT_PREFIX)
        if name in self.pending and name not in self.active:
            self.define(name, *self.pending[name])
        body = self.classes.get(name)
        return body if isinstance(body, Mapping) else None

    def flatten(self, out: dict[str, Any]) -> dict[str, Any]:
        """Merge an `allOf` into one schema (see `schema_merge`), or leave it when a part
        is a union, a boolean or a schema still being defined (a reference cycle)."""
        parts: list[Mapping[str, Any]] = []
        for member in out["allOf"]:
            if not isinstance(member, Mapping):
                return out
            if "$ref" in member and len(member) == 1:
                body = self.body_of(member["$ref"])
                if body is None:
                    return out
                member = {k: v for k, v in body.items() if k not in {"nullable", "discriminator"}}
            parts.append(member)
        merged = merge_all_of([*parts, {k: v for k, v in out.items() if k != "allOf"}])
        return out if merged is None else merged

    def child(
        self, node: Any, pointer: str, hint: str, *, unions: bool = False, nested: bool = False
    ) -> Any:
        """Normalize a nested schema, hoisting it into its own class when it needs one
        (and, in a `nested` spot, into a named alias when it carries constraints)."""
        if not isinstance(node, Mapping):
            return node if isinstance(node, bool) else {}
        plain, is_null = split_null(node)
        if "$ref" in plain:
            return self.site(self.ref(plain["$ref"], pointer), plain, is_null)
        if needs_class(plain) or (unions and is_union(plain)) or (nested and needs_alias(plain)):
            body = {k: v for k, v in plain.items() if k not in SITE_KEYS}
            name = self.hoist(body, pointer, hint)
            return self.site({"$ref": COMPONENT_PREFIX + name}, plain, is_null)
        out = self.keywords(plain, pointer, hint)
        if is_null:
            out["nullable"] = True
        return out

    def site(self, target: dict[str, Any], plain: Mapping[str, Any], is_null: bool) -> Any:
        """A reference plus what belongs to the place it is used (nullable, readOnly, default)."""
        extras = {
            k: plain[k] for k in SITE_KEYS if plain.get(k) is not None and json_safe(plain[k])
        }
        if is_null:
            extras["nullable"] = True
        return {"allOf": [target], **extras} if extras else target

    def ref(self, ref: Any, pointer: str) -> dict[str, Any]:
        """The `$ref` to the class for `ref`'s target in the current form (hoisted if deep)."""
        target_ptr = target_pointer(ref)
        if target_ptr is None:
            raise ModelGenerationError(f"unsupported $ref {ref!r}", pointer)
        tokens = split_pointer(target_ptr)
        component = len(tokens) == 3 and tokens[:2] == ["components", "schemas"]
        if component and tokens[2] not in self.components:
            raise ModelGenerationError(f"unresolvable $ref {ref!r}", pointer)
        name = self.forms.get((target_ptr, self.directions.form(target_ptr, self.form)))
        if name is None or (not component and name in self.pending):
            # a deep target, or a component form nobody foresaw (the others wait their turn)
            target = resolve(self.root, target_ptr)
            if target is None:
                raise ModelGenerationError(f"unresolvable $ref {ref!r}", pointer)
            hint = " ".join(t for t in tokens if t not in _POINTER_NOISE) or "Schema"
            name = self.hoist(target, target_ptr, self.components[tokens[2]] if component else hint)
        return {"$ref": COMPONENT_PREFIX + name}

    def hoist(self, body: Any, pointer: str, hint: str) -> str:
        """The class for the schema at `pointer` in the current form, defined on first use."""
        form = self.directions.form(pointer, self.form)
        name = self.forms.get((pointer, form))
        if name is None:
            suffix = self.directions.suffix(pointer, form)
            if suffix and (pointer, Direction.RESPONSE) not in self.forms:  # the plain name first
                self.expect(self.claim(hint, ""), body, pointer, Direction.RESPONSE)
            name = self.forms[(pointer, form)] = self.claim(hint, suffix)
            self.define(name, body, pointer, form, hint if suffix else "")
        elif name in self.pending and name not in self.active:
            self.define(name, *self.pending[name])
        return name

    def distribute(self, out: dict[str, Any], pointer: str) -> dict[str, Any]:
        """`{properties, oneOf: [A, B]}` -> `{oneOf: [props+A, props+B]}` when the branches
        are inline (ours to change); the generator would otherwise subclass each branch."""
        key = "oneOf" if out.get("oneOf") else "anyOf"
        base = {k: v for k, v in out.items() if k not in {key, "discriminator", "nullable"}}
        merged: dict[str, dict[str, Any]] = {}
        for index, member in enumerate(out[key]):
            ref = member.get("$ref") if isinstance(member, Mapping) and len(member) == 1 else None
            name = str(ref).removeprefix(COMPONENT_PREFIX)
            body = self.classes.get(name)
            inline = self.origins.get(name) == join_pointer(pointer, key, index)
            result = merge_all_of([base, body]) if inline and isinstance(body, Mapping) else None
            if result is None:
                return out
            merged[name] = result
        self.classes.update(merged)
        return {k: v for k, v in out.items() if k in {key, "discriminator", "nullable"}}

    def keywords(self, plain: Mapping[str, Any], pointer: str, base: str) -> dict[str, Any]:
        """The whitelisted keywords of a null-free schema, children normalized."""
        out: dict[str, Any] = {}
        for key, value in plain.items():
            at = join_pointer(pointer, key)
            kept = self.keyword(key, value, at, base, plain)
            if kept is not None:
                out[key] = kept
            elif is_dangerous(key):
                self.stripped.append((at, key))
        if "contentMediaType" in plain and "contentEncoding" not in plain and "format" not in out:
            # OAS 3.1 spells raw binary (a file part, an upload) as a media type, not a format
            out["format"] = "binary"
        if isinstance(out.get("required"), list):
            props = plain.get("properties")
            flagged = (
                {k: flags_of(self.root, v) for k, v in (props or {}).items()}
                if isinstance(props, Mapping)
                else {}
            )
            out["required"] = required_in(self.form, out["required"], flagged)
        for key in ("oneOf", "anyOf"):  # a member admitting null makes the whole union nullable
            members = out.get(key)
            if isinstance(members, list) and any(_nullable(m) for m in members):
                out[key] = [_without_null(m) for m in members]
                out["nullable"] = True
        if "allOf" in out and needs_class(out):
            out = self.flatten(out)
        if "properties" in out and is_union(out):
            out = self.distribute(out, pointer)
        if "enum" in out and not ("x-enum-varnames" in out or "x-enum-field-as-literal" in out):
            values = string_enum(out)
            if values is not None:
                out["x-enum-varnames"] = member_names(values)
            else:  # non-string enums become Literal[...]: IntEnum would accept "1" (lax)
                out["x-enum-field-as-literal"] = True
        return out

    def keyword(self, key: str, value: Any, at: str, base: str, plain: Mapping[str, Any]) -> Any:
        """One normalized keyword value, or None to drop it."""
        if key == "properties" and isinstance(value, Mapping):
            return {
                str(name): self.child(v, join_pointer(at, name), base + _pascal(name))
                for name, v in value.items()
                if not hides(flags_of(self.root, v), self.form)
            }
        if key in {"items", "additionalProperties"}:
            suffix = "Item" if key == "items" else "Value"
            if isinstance(value, list):
                return [
                    self.child(v, join_pointer(at, i), base + suffix, nested=True)
                    for i, v in enumerate(value)
                ]
            if isinstance(value, bool):
                return value
            return self.child(value, at, base + suffix, nested=True)
        if key == "prefixItems" and isinstance(value, list):
            return [
                self.child(v, join_pointer(at, i), f"{base}Item{i + 1}", nested=True)
                for i, v in enumerate(value)
            ]
        if key == "allOf" and isinstance(value, list):
            return [self.part(v, join_pointer(at, i), base) for i, v in enumerate(value)]
        if key in {"oneOf", "anyOf"} and isinstance(value, list):
            return [
                self.child(v, join_pointer(at, i), f"{base}Variant{i + 1}", nested=True)
                for i, v in enumerate(value)
            ]
        if key == "discriminator" and isinstance(value, Mapping):
            return self.discriminator(value, at, plain)
        return scalar_keyword(key, value)

    def part(self, node: Any, pointer: str, base: str) -> Any:
        """An `allOf` member: references stay references, inline parts merge into `base`."""
        if not isinstance(node, Mapping):
            return node if isinstance(node, bool) else {}
        plain, _ = split_null(node)
        if "$ref" in plain:
            return self.ref(plain["$ref"], pointer)
        return self.keywords(plain, pointer, base)

    def discriminator(self, value: Mapping[str, Any], at: str, plain: Mapping[str, Any]) -> Any:
        """Keep `propertyName`; make the mapping explicit with the *original* schema names,
        since implicit values are component names and ours may have been renamed."""
        name = value.get("propertyName")
        if not isinstance(name, str):
            return None
        mapping: dict[str, str] = {}
        raw = value.get("mapping")
        for key, target in raw.items() if isinstance(raw, Mapping) else []:
            if isinstance(target, str):
                full = target if target.startswith("#") else COMPONENT_PREFIX + target
                try:
                    mapping[str(key)] = self.ref(full, join_pointer(at, "mapping", key))["$ref"]
                except ModelGenerationError:  # a dangling mapping entry: drop it, keep the union
                    self.stripped.append((join_pointer(at, "mapping", key), "mapping"))
        for member in plain.get("oneOf") or plain.get("anyOf") or []:
            ref = member.get("$ref") if isinstance(member, Mapping) else None
            tokens = split_pointer(ref[1:]) if isinstance(ref, str) and ref.startswith("#") else []
            if len(tokens) == 3 and tokens[:2] == ["components", "schemas"]:
                known = tokens[2] in self.components
                target = self.ref(ref, at)["$ref"] if known else COMPONENT_PREFIX + tokens[2]
                if target not in mapping.values():
                    mapping.setdefault(tokens[2], target)
        return {"propertyName": name, "mapping": mapping} if mapping else {"propertyName": name}


def _pascal(name: str) -> str:
    """PascalCase of a property name for nested class names (`class_name` may add a suffix)."""
    return class_name(name, reserved=frozenset())


def _nullable(member: Any) -> bool:
    return isinstance(member, Mapping) and member.get("nullable") is True


def _without_null(member: Any) -> Any:
    if not _nullable(member):
        return member
    rest = {k: v for k, v in member.items() if k != "nullable"}
    return rest["allOf"][0] if list(rest) == ["allOf"] and len(rest["allOf"]) == 1 else rest
