"""The loading stage: read a contract (YAML or JSON), bundle its `$ref`s, map pointers to lines.

A Swagger 2.0 entry file is converted to OpenAPI 3.0.3 right after reading (`generator/swagger2`),
and its pointer->position map is read through the conversion's trace, so every later finding
names the line of the original node.

>>> result = load_spec(Path("specs/users.yaml"))  # doctest: +SKIP
>>> result.spec.locate("/paths/~1users/get")  # doctest: +SKIP
Location(file='specs/users.yaml', line=12, column=5)
"""

from __future__ import annotations

import dataclasses
import gc
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator.diagnostics import Diagnostic, Location
from generator.spec.bundle import bundle_refs
from generator.spec.catalogue import diagnostic
from generator.spec.document import Spec
from generator.spec.files import SourceFile
from generator.spec.read import LoadLimits, read_source
from generator.spec.ref_check import check_local_refs
from generator.spec.source import Parsed, error
from generator.swagger2 import SOURCE_FORMAT, convert_swagger2, is_swagger2

__all__ = ["DEFAULT_LIMITS", "LoadLimits", "LoadResult", "load_spec"]

DEFAULT_LIMITS = LoadLimits()


@dataclass
class LoadResult:
    """A loaded contract (None when no document could be built) and the loader's findings."""

    spec: Spec | None
    diagnostics: list[Diagnostic] = field(default_factory=list)


@contextmanager
def _gc_paused() -> Iterator[None]:
    """Pause the cyclic GC while building big trees of fresh objects.

    Loading creates hundreds of thousands of containers and nothing cyclic; left on, the
    collector re-scans them over and over and triples the load time of a 4 MB contract.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def load_spec(path: Path, *, limits: LoadLimits = DEFAULT_LIMITS) -> LoadResult:
    """Load and bundle the contract at `path`; findings are values, nothing is raised.

    Problems that leave a usable document (unresolved, refused or cyclic `$ref`s, duplicate
    keys) come back with the `Spec`; each offending `$ref` is replaced by `{}` so that later
    stages never follow it. `spec` is None when there is no document to work on.
    """
    with _gc_paused():
        result = _load(path, limits)
    result.diagnostics.sort(key=Diagnostic.sort_key)
    return result


def _load(path: Path, limits: LoadLimits) -> LoadResult:
    display = str(path)
    parsed = read_source(path, display, limits)
    if not parsed.ok:
        return LoadResult(None, parsed.diagnostics)
    diagnostics = list(parsed.diagnostics)
    if not isinstance(parsed.data, dict):
        diagnostics.append(_not_a_mapping(display, parsed.data, parsed.resolver("")))
        return LoadResult(None, diagnostics)
    converted_from = ""
    if is_swagger2(parsed.data):
        parsed, notes = _converted(parsed)
        diagnostics.extend(notes)
        converted_from = SOURCE_FORMAT
    try:
        real = path.resolve()
    except (OSError, RuntimeError) as exc:
        message = f"cannot resolve the path: {exc}"
        return LoadResult(None, [error("io-error", message[:280], Location(display, 1, 1))])
    bundle = bundle_refs(SourceFile(real, display, parsed), limits)
    diagnostics.extend(bundle.diagnostics)
    if not bundle.ok:
        return LoadResult(None, diagnostics)
    if not isinstance(bundle.root, dict):
        diagnostics.append(_not_a_mapping(display, bundle.root, parsed.resolver("")))
        return LoadResult(None, diagnostics)
    diagnostics.extend(check_local_refs(bundle.root, bundle.local_refs))
    files = [path] + [Path(f.display) for f in bundle.files[1:]]
    spec = Spec(
        path=path,
        root=bundle.root,
        source_map=bundle.source_map,
        files=files,
        converted_from=converted_from,
    )
    return LoadResult(spec, diagnostics)


def _converted(parsed: Parsed) -> tuple[Parsed, list[Diagnostic]]:
    """A Swagger 2.0 file as OpenAPI 3.0.3, positions traced back; what had no 3.0 form, located."""
    conversion = convert_swagger2(parsed.data)
    trace = conversion.trace
    notes = [
        diagnostic(
            "swagger2-unconverted",
            note.message,
            note.target,
            parsed.resolver(note.source) or Location(parsed.display, 1, 1),
        )
        for note in trace.notes
    ]
    resolver = trace.resolver(parsed.resolver)
    return dataclasses.replace(parsed, data=conversion.document, resolver=resolver), notes


def _not_a_mapping(display: str, data: Any, where: Location | None) -> Diagnostic:
    kinds = {list: "a list", str: "a string", bool: "a boolean", int: "a number", float: "a number"}
    kind = "null" if data is None else kinds.get(type(data), type(data).__name__)
    message = f"the top level of a contract must be a mapping (found {kind})"
    return error("not-a-mapping", message, where or Location(display, 1, 1))
