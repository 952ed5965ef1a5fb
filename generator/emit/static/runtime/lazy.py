"""models.py and results.py on first use: most of a large contract's import (issue 23).

Pydantic collects every field of every model class when models.py runs (on GitHub's contract,
816 classes: 60 % of the package's import) and results.py defines a class per documented
response (1,858 there), while a request needs only its operation's few, and a request that no
handler answers none. So the package's `models` and `results` attributes are `LazyModule`s
until something reads a name from them; the generated descriptions of parameters, bodies and
operations name what they need from those modules through a function (`lambda: models.Pet`,
`lambda: results.RESULTS["getPet"]`) called once, by the first request that needs it:

    >>> resolved(lambda: int), resolved(list[int])
    (<class 'int'>, list[int])

A type checker sees the real modules (the package imports them under `TYPE_CHECKING`), so
every generated reference is still checked; at run time `from pkg import models` and
`import pkg.models` both work, the first load taking the import lock like any import.
"""

from __future__ import annotations

import importlib
from types import FunctionType, ModuleType
from typing import Any

__all__ = ["LazyModule", "resolved"]


class LazyModule(ModuleType):
    """Stands for the module `name` and imports it when one of its attributes is first read.

    Importing the real module replaces this object as its package's attribute, so only the
    modules that bound it before then still look names up through it.
    """

    def __getattr__(self, attribute: str) -> Any:
        return getattr(importlib.import_module(self.__name__), attribute)

    def __dir__(self) -> list[str]:
        return dir(importlib.import_module(self.__name__))


def resolved(annotation: Any) -> Any:
    """The type `annotation` names: itself, or what it returns when it is a (deferring) function."""
    return annotation() if isinstance(annotation, FunctionType) else annotation
