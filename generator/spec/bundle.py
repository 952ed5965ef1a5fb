"""Bundling: follow `$ref`s into other files until every `$ref` in the contract is local.

A reference inside a Schema Object is hoisted to `#/components/schemas/<Name>` (once per
file and fragment, so recursive schemas across files just work); any other reference
(parameters, responses, path items...) is inlined where it stands. Each hoisted or inlined
fragment is mounted in the source map so findings inside it name its own file and line.
A reference that is refused, unresolved or cyclic is reported and replaced by `{}`, so no
later stage can follow it (or loop on it).
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator.diagnostics import Diagnostic, Location, quote
from generator.naming import class_name
from generator.spec.contexts import ROOT, Context, child_context, context_of, is_data, is_name_map
from generator.spec.document import Mount, SourceMap
from generator.spec.expansion import InlineSizes
from generator.spec.files import FileSet, SourceFile
from generator.spec.pointers import (
    MISSING,
    Refused,
    Target,
    escape_token,
    join_pointer,
    local_ref,
    lookup,
    parse_ref,
    schema_ref,
    split_pointer,
)
from generator.spec.read import LoadLimits
from generator.spec.source import error

_COMPONENT_NAME = re.compile(r"[A-Za-z0-9._-]+")
_SCHEMAS = "/components/schemas/"
# One unit of work: put the processed `value` at `holder[key]`. `fptr` is the value's
# pointer inside `file`, `ptr` its pointer in the bundle; `chain` lists the fragments being
# inlined around it (to catch inline cycles); `fresh` says the value must be copied first.
_Task = tuple[Any, Any, Any, SourceFile, str, str, Context, int, tuple[Any, ...], bool]


@dataclass
class LocalRef:
    """A local `$ref` left in the bundle, checked once bundling is done."""

    holder: Any
    key: Any
    site: str
    target: str
    ref: str
    file: SourceFile
    fptr: str


@dataclass
class Bundle:
    """The bundled tree with its source map, the files read and what went wrong."""

    root: Any
    source_map: SourceMap
    files: list[SourceFile]
    local_refs: list[LocalRef] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    ok: bool = True


class _TooBig(Exception):
    """The bundle grew past the node budget (an inlining bomb), here."""

    def __init__(self, location: Location, pointer: str) -> None:
        super().__init__(pointer)
        self.location, self.pointer = location, pointer


class _Bundler:
    """Walks the entry document with a work stack (no recursion), following `$ref`s."""

    def __init__(self, entry: SourceFile, limits: LoadLimits) -> None:
        self.files = FileSet(entry, limits)
        self.limits = limits
        self.box: dict[str, Any] = {"root": entry.parsed.data}
        # Mounts are collected and sorted once: `SourceMap.mount` re-sorts on every call,
        # which turns thousands of inlined fragments into quadratic work.
        self.mounts = [Mount("", "", entry.parsed.resolver)]
        self.out = Bundle(None, SourceMap(), self.files.order)
        self.tasks: list[_Task] = []
        self.seen: set[int] = set()
        self.hoisted: dict[tuple[Any, str], str] = {}
        self.budget = limits.max_nodes
        self.sizes = InlineSizes(self.files)
        self.parsed_refs: dict[tuple[Path, str], Target | Refused] = {}

    def run(self) -> Bundle:
        """Bundle everything reachable from the entry document."""
        entry = self.files.entry
        self._preregister()
        self.tasks.append((self.box, "root", self.box["root"], entry, "", "", ROOT, 1, (), False))
        try:
            while self.tasks:
                self._step(*self.tasks.pop())
        except _TooBig as big:
            nodes = self.limits.max_nodes
            message = f"inlining external $refs grows the document beyond {nodes} nodes"
            self.out.diagnostics.append(error("too-large", message, big.location, big.pointer))
            self.out.ok = False
        self.out.root = self.box["root"]
        self.out.source_map.mounts = sorted(self.mounts, key=lambda m: len(m.prefix), reverse=True)
        return self.out

    def _report(self, rule: str, message: str, file: SourceFile, fptr: str, ptr: str) -> None:
        self.out.diagnostics.append(error(rule, message, file.locate(fptr), ptr))

    def _preregister(self) -> None:
        """Claim `components/schemas/<Name>: {$ref: file}` entries as that file's hoisted name."""
        root = self.box["root"]
        components = root.get("components") if isinstance(root, dict) else None
        schemas = components.get("schemas") if isinstance(components, dict) else None
        if not isinstance(schemas, dict):
            return
        entry = self.files.entry
        for name, value in schemas.items():
            if isinstance(value, dict) and len(value) == 1 and isinstance(value.get("$ref"), str):
                target = parse_ref(value["$ref"], entry.real.parent, self.files.root_dir)
                if isinstance(target, Refused) or target.file in (None, entry.real):
                    continue
                self.hoisted.setdefault((target.file, target.pointer), name)

    def _step(
        self,
        holder: Any,
        key: Any,
        value: Any,
        file: SourceFile,
        fptr: str,
        ptr: str,
        ctx: Context,
        depth: int,
        chain: tuple[Any, ...],
        fresh: bool,
    ) -> None:
        self.budget -= 1
        if self.budget < 0:
            raise _TooBig(file.locate(fptr), ptr)
        if depth > self.limits.max_depth:
            message = f"bundled $refs nest the document deeper than {self.limits.max_depth} levels"
            self._report("too-deep", message, file, fptr, ptr)
            holder[key] = {}
            return
        if isinstance(value, dict):
            ref = value.get("$ref")
            if isinstance(ref, str) and not is_name_map(ctx):
                self._ref(holder, key, value, ref, file, fptr, ptr, ctx, depth, chain, fresh)
                return
            items: list[tuple[Any, Any]] = list(value.items())
        elif isinstance(value, list):
            items = list(enumerate(value))
        else:
            holder[key] = value  # an inlined scalar fragment
            return
        if fresh:
            value = dict(value) if isinstance(value, dict) else list(value)
            holder[key] = value
        elif id(value) in self.seen:  # shared through a YAML alias: already processed
            return
        else:
            self.seen.add(id(value))
        self._children(value, items, file, fptr, ptr, ctx, depth, chain, fresh)

    def _children(
        self,
        value: Any,
        items: list[tuple[Any, Any]],
        file: SourceFile,
        fptr: str,
        ptr: str,
        ctx: Context,
        depth: int,
        chain: tuple[Any, ...],
        fresh: bool,
    ) -> None:
        is_map = isinstance(value, dict)
        for k, v in reversed(items):
            if not isinstance(v, dict | list):
                continue
            if is_map and is_data(ctx, k, v):
                if fresh:
                    value[k] = copy.deepcopy(v)
                continue
            token = str(k)
            sub = child_context(ctx, token)
            task = (value, k, v, file, join_pointer(fptr, token), join_pointer(ptr, token))
            self.tasks.append((*task, sub, depth + 1, chain, fresh))

    def _ref(
        self,
        holder: Any,
        key: Any,
        value: dict[str, Any],
        ref: str,
        file: SourceFile,
        fptr: str,
        ptr: str,
        ctx: Context,
        depth: int,
        chain: tuple[Any, ...],
        fresh: bool,
    ) -> None:
        def site() -> Location:
            return file.locate(join_pointer(fptr, "$ref"))

        target = self._parse(ref, file)
        if isinstance(target, Refused):
            self.out.diagnostics.append(error(target.rule, target.message, site(), ptr))
            holder[key] = {}
            return
        real = target.file or file.real
        siblings = [(k, v) for k, v in value.items() if k != "$ref"]
        if real == self.files.entry.real:
            new = dict(value) if fresh or target.file is not None else value
            if new is not value:
                new["$ref"] = local_ref(target.pointer)
            holder[key] = new
            self.out.local_refs.append(LocalRef(holder, key, ptr, target.pointer, ref, file, fptr))
            self._children(new, siblings, file, fptr, ptr, ctx, depth, chain, fresh)
            return
        source, findings = self.files.get(real, site, ptr)
        self.out.diagnostics.extend(findings)
        data = MISSING if source is None else lookup(source.parsed.data, target.pointer)
        if source is None or data is MISSING:
            if source is not None:
                shown = quote(f"{self.files.relative(real)}#{target.pointer}", 120)
                message = f"$ref target {shown} does not exist"
                self.out.diagnostics.append(error("unresolved-ref", message, site(), ptr))
            holder[key] = {}
            return
        fragment = (real, target.pointer)
        name = self.hoisted.get(fragment)
        if ctx.in_schema and not (name is not None and ptr == _SCHEMAS + escape_token(name)):
            name = name if name is not None else self._hoist(fragment, source, data)
            if name is not None:
                new = {k: schema_ref(name) if k == "$ref" else v for k, v in value.items()}
                holder[key] = new
                hoisted = _SCHEMAS + escape_token(name)
                self.out.local_refs.append(
                    LocalRef(holder, key, ptr, hoisted, new["$ref"], file, fptr)
                )
                self._children(new, siblings, file, fptr, ptr, ctx, depth, chain, fresh)
                return
        if fragment in chain:
            self._cycle(chain, fragment, site(), ptr)
            holder[key] = {}
            return
        self.budget -= self.sizes.size(source, target.pointer, data, ctx, max(self.budget, 0))
        if self.budget < 0:
            raise _TooBig(site(), ptr)
        if siblings and isinstance(data, dict):
            data = {**data, **dict(siblings)}
        if not (isinstance(data, dict) and isinstance(data.get("$ref"), str)):
            # A chain of refs mounts only its last hop: equal mount prefixes keep the first.
            self.mounts.append(Mount(ptr, target.pointer, source.parsed.resolver))
        task = (holder, key, data, source, target.pointer, ptr, ctx, depth)
        self.tasks.append((*task, (*chain, fragment), True))

    def _parse(self, ref: str, file: SourceFile) -> Target | Refused:
        """`parse_ref`, remembered per folder and string: resolving paths costs system calls."""
        key = (file.real.parent, ref)
        found = self.parsed_refs.get(key)
        if found is None:
            found = self.parsed_refs[key] = parse_ref(ref, key[0], self.files.root_dir)
        return found

    def _hoist(self, fragment: tuple[Any, str], source: SourceFile, data: Any) -> str | None:
        """Place a schema fragment under `#/components/schemas` and return its name."""
        root = self.box["root"]
        components = root.setdefault("components", {}) if isinstance(root, dict) else None
        schemas = components.setdefault("schemas", {}) if isinstance(components, dict) else None
        if not isinstance(schemas, dict):
            return None  # not a usable document: inline instead, the validator says why
        tokens = split_pointer(fragment[1])
        base = tokens[-1] if tokens and tokens[-1] else source.real.stem
        base = base if _COMPONENT_NAME.fullmatch(base) else class_name(base)
        name, n = base, 2
        while name in schemas:
            name, n = f"{base}_{n}", n + 1
        schemas[name] = {}
        self.hoisted[fragment] = name
        ptr = _SCHEMAS + escape_token(name)
        self.mounts.append(Mount(ptr, fragment[1], source.parsed.resolver))
        self.tasks.append(
            (schemas, name, data, source, fragment[1], ptr, context_of(ptr), 4, (), True)
        )
        return name

    def _cycle(
        self, chain: tuple[Any, ...], fragment: tuple[Any, str], site: Location, ptr: str
    ) -> None:
        loop = [*chain[chain.index(fragment) :], fragment]
        names = " -> ".join(f"{self.files.relative(real)}#{pointer}" for real, pointer in loop)
        message = f"$ref cycle with no schema in between: {names}"
        if len(message) > 280:
            message = message[:279] + "…"
        self.out.diagnostics.append(error("ref-cycle", message, site, ptr))


def bundle_refs(entry: SourceFile, limits: LoadLimits) -> Bundle:
    """Bundle `entry` and every file it references into one tree whose `$ref`s are all local."""
    return _Bundler(entry, limits).run()
