"""The examples in the implementation's docstrings."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import examples.showcase

MODULES = sorted(
    m.name for m in pkgutil.iter_modules(examples.showcase.__path__, "examples.showcase.")
)


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str) -> None:
    result = doctest.testmod(importlib.import_module(name))
    assert result.failed == 0
