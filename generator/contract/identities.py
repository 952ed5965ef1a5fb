"""The test identities a run uses: `alice` and `bob` by default, any number by name.

`--credential SCHEME=VALUE` is alice's, `--peer-credential SCHEME=VALUE` bob's, and
`--credential NAME:SCHEME=VALUE` names another principal (repeat it for each scheme and each
identity). `[tool.specfirst.test.identities]` does the same from configuration, where a value
`env:VAR` is read from the environment (so CI secrets stay out of the file). Every identity
takes part in the object-level check: each must not read what another owns.

>>> parse_credentials(["apiKey=k1", "carol:apiKey=k3"], "--credential")
{'alice': {'apiKey': 'k1'}, 'carol': {'apiKey': 'k3'}}
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping

from generator.contract.credentials import PEER, PRIMARY
from generator.contract.options import OptionsError

ENV_PREFIX = "env:"


def parse_credentials(
    values: Iterable[str], flag: str, default: str = PRIMARY
) -> dict[str, dict[str, str]]:
    """`[NAME:]SCHEME=VALUE` flags as identity → scheme → value (unnamed ones are `default`'s)."""
    found: dict[str, dict[str, str]] = {}
    for value in values:
        key, sep, secret = value.partition("=")
        name, _, scheme = key.rpartition(":")
        if not sep or not scheme:
            raise OptionsError(f"{flag} takes [NAME:]SCHEME=VALUE, not {value!r}")
        found.setdefault(name or default, {})[scheme] = secret
    return found


def resolve_table(table: Mapping[str, Mapping[str, str]]) -> dict[str, dict[str, str]]:
    """`[tool.specfirst.test.identities]` with `env:VAR` values read from the environment."""
    found: dict[str, dict[str, str]] = {}
    for name, secrets in table.items():
        for scheme, value in secrets.items():
            if value.startswith(ENV_PREFIX):
                variable = value[len(ENV_PREFIX) :]
                if variable not in os.environ:
                    raise OptionsError(
                        f"identity {name}: {scheme} reads ${variable}, which is not set"
                    )
                value = os.environ[variable]
            found.setdefault(name, {})[scheme] = value
    return found


def merge_identities(*layers: Mapping[str, Mapping[str, str]]) -> dict[str, dict[str, str]]:
    """Later layers win per identity and scheme; alice and bob first, then the rest in order.

    >>> merge_identities({"carol": {"k": "1"}}, {"alice": {"k": "2"}})
    {'alice': {'k': '2'}, 'bob': {}, 'carol': {'k': '1'}}
    """
    merged: dict[str, dict[str, str]] = {PRIMARY: {}, PEER: {}}
    for layer in layers:
        for name, secrets in layer.items():
            merged.setdefault(name, {}).update(secrets)
    return merged


def validate_table(value: object) -> dict[str, dict[str, str]]:
    """The `identities` setting checked: a table of tables of strings."""
    if not isinstance(value, Mapping):
        raise OptionsError("identities must be a table: NAME = {SCHEME = VALUE}")
    checked: dict[str, dict[str, str]] = {}
    for name, secrets in value.items():
        if not isinstance(secrets, Mapping) or not all(
            isinstance(v, str) for v in secrets.values()
        ):
            raise OptionsError(f"identities.{name} must be a table of SCHEME = VALUE strings")
        checked[str(name)] = {str(k): v for k, v in secrets.items()}
    return checked
