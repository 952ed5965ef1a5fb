"""`Result`: the base of every generated result class, a frozen keyword-only record.

A contract with a thousand operations has two thousand result classes; `@dataclass` writes
and compiles six methods for each at import, which took a third of such a service's start-up
(issue 23). `Result` gives every subclass the same behaviour from one set of methods: the
fields are the subclass's annotations (never evaluated), in order, with their defaults;
`dataclass_transform` tells type checkers so, and they check each constructor call:

    class GetPetOk(Result):
        body: models.Pet
        etag: str | None = None

    GetPetOk(body=pet) == GetPetOk(body=pet, etag=None)
"""

from __future__ import annotations

import inspect
from dataclasses import FrozenInstanceError
from typing import Any, ClassVar, dataclass_transform

__all__ = ["Result"]


@dataclass_transform(kw_only_default=True, frozen_default=True)
class Result:
    """A handler's answer: the fields its class annotates, given by keyword, then frozen."""

    _fields: ClassVar[tuple[str, ...]] = ()
    _defaults: ClassVar[dict[str, Any]] = {}

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        own = [n for n in inspect.get_annotations(cls) if n not in cls._fields]  # not evaluated
        cls._fields = (*cls._fields, *own)
        cls._defaults = {**cls._defaults, **{n: cls.__dict__[n] for n in own if n in cls.__dict__}}

    def __init__(self, **values: Any) -> None:
        given = 0
        for field in self._fields:
            if field in values:
                object.__setattr__(self, field, values[field])
                given += 1
            elif field in self._defaults:
                object.__setattr__(self, field, self._defaults[field])
            else:
                name = type(self).__name__
                raise TypeError(f"{name}() missing required keyword argument: {field!r}")
        if given != len(values):
            unknown = next(k for k in values if k not in self._fields)
            raise TypeError(
                f"{type(self).__name__}() got an unexpected keyword argument {unknown!r}"
            )

    def _values(self) -> tuple[Any, ...]:
        return tuple(getattr(self, field) for field in self._fields)

    def __setattr__(self, name: str, value: Any) -> None:
        raise FrozenInstanceError(f"cannot assign to field {name!r}")

    def __delattr__(self, name: str) -> None:
        raise FrozenInstanceError(f"cannot delete field {name!r}")

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        assert isinstance(other, Result)
        return self._values() == other._values()

    def __hash__(self) -> int:
        return hash(self._values())

    def __repr__(self) -> str:
        shown = ", ".join(f"{f}={getattr(self, f)!r}" for f in self._fields)
        return f"{type(self).__qualname__}({shown})"
