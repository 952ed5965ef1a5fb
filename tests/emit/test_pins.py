"""A generated package's requirements.txt asks for the ranges specfirst itself is tested with."""

from __future__ import annotations

import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from generator.emit.pins import ALWAYS, PINS

ROOT = Path(__file__).parents[2]
GENERATED = ROOT / "generated"


def _pyproject() -> dict[str, Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    parsed = (Requirement(line) for line in project["dependencies"])
    return {canonicalize_name(r.name): r for r in parsed}


def test_every_pin_is_the_range_in_pyproject() -> None:
    ours = _pyproject()
    for name, line in PINS.items():
        pin = Requirement(line)
        assert canonicalize_name(pin.name) == name
        wanted = ours[name]  # a generated package needs nothing specfirst does not depend on
        assert (pin.specifier, pin.extras) == (wanted.specifier, wanted.extras), name
    assert set(ALWAYS) <= set(PINS)


def test_committed_packages_pin_only_from_the_table() -> None:
    lines = {pin for pin in PINS.values()}
    for requirements in sorted(GENERATED.glob("*/requirements.txt")):
        if requirements.parent.name.endswith("_client"):
            continue  # a client package: see the test below
        listed = requirements.read_text(encoding="utf-8").splitlines()
        assert {PINS[name] for name in ALWAYS} <= set(listed), requirements
        assert set(listed) <= lines, requirements


def test_committed_clients_need_httpx_httpx_sse_and_pydantic_only() -> None:
    clients = sorted(GENERATED.glob("*_client/requirements.txt"))
    assert clients, "no committed client package"
    for requirements in clients:
        listed = requirements.read_text(encoding="utf-8").splitlines()
        assert listed == [PINS["httpx"], PINS["httpx-sse"], PINS["pydantic"]], requirements
