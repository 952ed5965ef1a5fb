"""Which Python type a schema becomes in models.py, to tell when a change renames one.

A change can leave the wire alone and still break the hand-written implementation: an inline
enum moved to a component (`PetSpecies.DOG` → `DogSpecies.DOG`), a component renamed, an
inline body replaced by a `$ref`. The names come from the model plan (`ir/schemas.py`, the
one place they are decided), computed only when two compared schemas sit at different
pointers: an edit in place never renames a type, and big contracts are mostly such edits.
"""

from __future__ import annotations

from typing import Any

from generator.ir.schemas import ModelGenerationError, plan_models


def _names(root: Any) -> dict[str, str]:
    """Schema pointer → the first class models.py defines for it (`{}` if it cannot plan)."""
    names: dict[str, str] = {}
    try:
        origins = plan_models(root).origins
    except ModelGenerationError:
        return names
    for name, pointer in origins.items():  # plan order: a response form before its request form
        names.setdefault(pointer, name)
    return names


class TypeNames:
    """The generated type names of two contracts, planned on first need."""

    def __init__(self, old_root: Any, new_root: Any) -> None:
        self._roots = old_root, new_root
        self._planned: tuple[dict[str, str], dict[str, str]] | None = None
        self._defined: set[str] = set()

    def renamed(self, old_pointer: str, new_pointer: str) -> tuple[str, str] | None:
        """(old name, new name) when the old schema had a type of its own that models.py no
        longer defines, and the new one is named otherwise (or not at all); None when every
        name an implementation can use is still there (`Address` → `Address | None` keeps it)."""
        if old_pointer == new_pointer:
            return None
        if self._planned is None:
            self._planned = _names(self._roots[0]), _names(self._roots[1])
            self._defined = set(self._planned[1].values())
        before = self._planned[0].get(old_pointer)
        if before is None or before in self._defined:
            return None
        return before, self._planned[1].get(new_pointer) or "an unnamed type"
