"""How many containers inlining a fragment adds to the bundle, known before copying it.

Inlining copies a fragment to every site that references it, so fragments that reference
each other several times over grow the bundle exponentially (a multi-file "billion laughs").
Sizes are memoised per fragment and context, which makes the estimate linear in the size of
the files, and lets the bundler refuse a bomb before it builds any of it.
"""

from __future__ import annotations

from typing import Any

from generator.spec.contexts import Context, child_context, is_data, is_name_map
from generator.spec.files import FileSet, SourceFile
from generator.spec.pointers import MISSING, Refused, lookup, parse_ref

# Fragments inlined inside fragments inlined inside...: real contracts nest a handful.
MAX_CHAIN = 64


class InlineSizes:
    """Memoised expanded sizes of fragments as the bundler would inline them."""

    def __init__(self, files: FileSet) -> None:
        self._files = files
        self._memo: dict[tuple[Any, str, Context], int] = {}
        self._active: set[tuple[Any, str, Context]] = set()
        self._guessed = False  # the walk met a file not read yet: do not memoise

    def size(self, source: SourceFile, pointer: str, data: Any, ctx: Context, limit: int) -> int:
        """Containers that inlining `data` (at `pointer` in `source`) under `ctx` creates.

        Stops counting early once `limit` is passed; a fragment that takes part in a cycle,
        or lives in a file not read yet, counts as one (the bundler reports or reads it).
        """
        key = (source.real, pointer, ctx)
        known = self._memo.get(key)
        if known is not None:
            return known
        if key in self._active or len(self._active) >= MAX_CHAIN:
            return 1
        self._active.add(key)
        outer, self._guessed = self._guessed, False
        try:
            total = self._walk(source, data, ctx, limit)
        finally:
            self._active.discard(key)
        if not self._guessed:
            self._memo[key] = total
        self._guessed = self._guessed or outer
        return total

    def _walk(self, source: SourceFile, data: Any, ctx: Context, limit: int) -> int:
        total = 0
        stack = [(data, ctx)]
        while stack and total <= limit:
            value, here = stack.pop()
            if isinstance(value, dict):
                ref = value.get("$ref")
                if isinstance(ref, str) and not is_name_map(here):
                    total += self._ref(source, ref, here, limit - total)
                    continue
                stack.extend(
                    (v, child_context(here, str(k)))
                    for k, v in value.items()
                    if isinstance(v, dict | list) and not is_data(here, k, v)
                )
            elif isinstance(value, list):
                stack.extend((v, child_context(here, str(n))) for n, v in enumerate(value))
            else:
                continue
            total += 1
        return total

    def _ref(self, source: SourceFile, ref: str, ctx: Context, limit: int) -> int:
        if ctx.in_schema:
            return 1  # hoisted: the site keeps a one-line `$ref`
        target = parse_ref(ref, source.real.parent, self._files.root_dir)
        if isinstance(target, Refused):
            return 1
        real = target.file or source.real
        other = self._files.peek(real)
        if other is None:
            self._guessed = True
            return 1
        if other is self._files.entry:
            return 1
        data = lookup(other.parsed.data, target.pointer)
        if data is MISSING:
            return 1
        return self.size(other, target.pointer, data, ctx, limit)
