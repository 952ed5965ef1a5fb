"""Settings of a contract-test run: defaults, `[tool.specfirst.test]` in pyproject.toml, CLI flags.

Precedence is flag > pyproject > default. The defaults are the CI gate: every check, every
phase, positive and negative data, 100 examples per operation and a fixed seed (a gate that
passes or fails on the same code every time); `seed = "random"` explores instead.

>>> TestOptions.from_table({"max-examples": 25, "exclude-checks": ["ignored_auth"]}).max_examples
25
"""

from __future__ import annotations

import dataclasses
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

# The checks and phases of schemathesis 4.32 (`st run --help`); the runner maps them 1:1.
CHECKS = (
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_headers_conformance",
    "response_schema_conformance",
    "negative_data_rejection",
    "positive_data_acceptance",
    "missing_required_header",
    "unsupported_method",
    "allow_header_conformance",
    "use_after_free",
    "ensure_resource_availability",
    "ignored_auth",
    "object_level_authorization",
)
PHASES = ("examples", "coverage", "fuzzing", "stateful")
MODES = ("all", "positive", "negative")
DEFAULT_SEED = 20_240_601

Mode = Literal["all", "positive", "negative"]


class OptionsError(ValueError):
    """A setting is unknown or has the wrong type (exit code 2, nothing runs)."""


@dataclass(frozen=True)
class TestOptions:
    """Everything that shapes one run except the target and the credentials."""

    __test__ = False  # not a pytest test class, despite the name

    max_examples: int = 100
    seed: int | None = DEFAULT_SEED  # None: a random seed, reported so the run can be replayed
    workers: int | Literal["auto"] = 1
    phases: tuple[str, ...] = PHASES
    mode: Mode = "all"
    checks: tuple[str, ...] = CHECKS
    exclude_checks: tuple[str, ...] = ()
    include_operation_ids: tuple[str, ...] = ()
    include_tags: tuple[str, ...] = ()
    exclude_operation_ids: tuple[str, ...] = ()
    exclude_tags: tuple[str, ...] = ()
    max_response_time: float | None = None
    request_timeout: float = 10.0
    continue_on_failure: bool = False
    startup_timeout: float = 30.0
    fail_unimplemented: bool = False  # a 501 Not Implemented is a failure, not a note
    # operationId or `tag:NAME` → an `x-specfirst-owner` value (`{field = "owner"}`, `false`...)
    ownership: Mapping[str, Any] = field(default_factory=dict)
    shard: tuple[int, int] | None = None  # (i, n): this job tests the i-th of n shares
    changed_since: str | None = None  # a git revision: test what changed since
    contract_changes_only: bool = False  # with changed_since: ignore implementation changes
    # set by the run from `changed_since`: the operations to test (None: all)
    only_operations: tuple[str, ...] | None = None
    # more test principals: name → scheme → secret (`env:VAR` reads the environment)
    identities: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    schemathesis: Mapping[str, Any] = field(default_factory=dict)

    @property
    def enabled_checks(self) -> tuple[str, ...]:
        """`checks` minus `exclude_checks`, in the canonical order."""
        return tuple(c for c in CHECKS if c in self.checks and c not in self.exclude_checks)

    @classmethod
    def from_table(cls, table: Mapping[str, Any]) -> TestOptions:
        """Options from a `[tool.specfirst.test]` table (kebab-case keys, like schemathesis.toml)."""
        return cls().merged(**{_attribute(key): value for key, value in table.items()})

    def merged(self, **changes: Any) -> TestOptions:
        """A copy with every change that is not None applied and validated."""
        given = {k: v for k, v in changes.items() if v is not None}
        unknown = sorted(set(given) - {f.name for f in dataclasses.fields(self)})
        if unknown:
            raise OptionsError(f"unknown test option(s): {', '.join(unknown)}")
        clean = {name: _validate(name, value) for name, value in given.items()}
        return dataclasses.replace(self, **clean)


def _attribute(key: str) -> str:
    return key.replace("-", "_")


def _names(name: str, value: Any, allowed: Sequence[str] | None) -> tuple[str, ...]:
    """A list (or comma-separated string) of names; `allowed=None` accepts any name."""
    items = value.split(",") if isinstance(value, str) else value
    if not isinstance(items, list | tuple) or not all(isinstance(i, str) for i in items):
        raise OptionsError(f"{name} must be a list of names")
    chosen = tuple(i.strip() for i in items if i.strip())
    if allowed is None:
        return chosen
    if chosen == ("all",):
        return tuple(allowed)
    bad = [i for i in chosen if i not in allowed]
    if bad:
        raise OptionsError(f"{name}: unknown {', '.join(bad)} (known: {', '.join(allowed)})")
    return chosen


def _number(name: str, value: Any, *, integer: bool, minimum: float) -> Any:
    kind = int if integer else (int, float)
    if isinstance(value, bool) or not isinstance(value, kind) or value < minimum:
        raise OptionsError(f"{name} must be a number >= {minimum}, not {value!r}")
    return value


def _validate(name: str, value: Any) -> Any:
    if name in {"checks", "exclude_checks"}:
        return _names(name, value, CHECKS)
    if name == "phases":
        return _names(name, value, PHASES)
    if name.startswith(("include_", "exclude_")):
        return _names(name, value, None)
    if name == "mode":
        if value not in MODES:
            raise OptionsError(f"mode must be one of {', '.join(MODES)}")
        return value
    if name == "seed":
        return None if value == "random" else _number(name, value, integer=True, minimum=0)
    if name == "workers":
        return value if value == "auto" else _number(name, value, integer=True, minimum=1)
    if name == "max_examples":
        return _number(name, value, integer=True, minimum=1)
    if name in {"max_response_time", "request_timeout", "startup_timeout"}:
        return float(_number(name, value, integer=False, minimum=0.001))
    if name == "shard":
        from generator.contract.selection import SelectionError, parse_shard

        try:
            return parse_shard(value) if isinstance(value, str) else _shard_pair(value)
        except SelectionError as exc:
            raise OptionsError(str(exc)) from None
    if name == "only_operations":
        return tuple(value)
    if name == "changed_since":
        if not isinstance(value, str) or not value or value.startswith("-"):
            raise OptionsError(f"changed-since must be a git revision, not {value!r}")
        return value
    if name in {"continue_on_failure", "fail_unimplemented", "contract_changes_only"}:
        if not isinstance(value, bool):
            raise OptionsError(f"{name.replace('_', '-')} must be true or false")
        return value
    if name == "ownership":
        return _ownership(value)
    if name == "identities":
        from generator.contract.identities import validate_table

        return validate_table(value)
    if not isinstance(value, Mapping):
        raise OptionsError("schemathesis must be a table (schemathesis.toml keys)")
    return dict(value)


def _shard_pair(value: Any) -> tuple[int, int]:
    if isinstance(value, tuple) and len(value) == 2 and 1 <= value[0] <= value[1]:
        return int(value[0]), int(value[1])
    raise OptionsError(f"shard must be i/n, not {value!r}")


def _ownership(value: Any) -> dict[str, Any]:
    from generator.contract.expectations import read_owner

    if not isinstance(value, Mapping):
        raise OptionsError("ownership must be a table: operationId or 'tag:NAME' = owner")
    for key, owner in value.items():
        if read_owner(owner) is None:
            raise OptionsError(
                f"ownership {key}: expected {{field = NAME}}, {{shared-by-role = ROLE}}, "
                f"{{owned = true}} or false, not {owner!r}"
            )
    return dict(value)


def load_project_options(pyproject: Path | None) -> TestOptions:
    """Defaults overlaid with `[tool.specfirst.test]` from `pyproject` (if it exists)."""
    if pyproject is None or not pyproject.is_file():
        return TestOptions()
    try:
        data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise OptionsError(f"{pyproject}: {exc}") from None
    table = data.get("tool", {}).get("specfirst", {}).get("test", {})
    if not isinstance(table, dict):
        raise OptionsError(f"{pyproject}: [tool.specfirst.test] must be a table")
    try:
        return TestOptions.from_table(table)
    except OptionsError as exc:
        raise OptionsError(f"{pyproject} [tool.specfirst.test]: {exc}") from None
