"""Our own semantic rules: what openapi-spec-validator misses or cannot locate.

Each family is a function `Contract -> list[Diagnostic]`; the ids it reports, their levels
and meanings are in `generator.spec.catalogue` (stage `validate`). A family that crashes is
reported as `validator-crashed` (or `too-deep`) instead of hiding the others' findings.
"""

from __future__ import annotations

from collections.abc import Callable, Collection

from generator.diagnostics import Diagnostic
from generator.spec.rules.contract import Contract
from generator.spec.rules.examples import check_examples
from generator.spec.rules.names import check_names
from generator.spec.rules.operations import check_operations
from generator.spec.rules.paths import check_paths
from generator.spec.rules.responses import check_responses
from generator.spec.rules.schemas import check_schemas
from generator.spec.rules.security import check_security
from generator.spec.rules.typeless import check_typeless
from generator.spec.rules.unions import check_unions
from generator.spec.rules.unsupported import check_unsupported
from generator.spec.rules.wire import check_wire

Family = Callable[[Contract], list[Diagnostic]]

FAMILIES: tuple[tuple[str, Family], ...] = (
    ("operations", check_operations),
    ("paths", check_paths),
    ("security", check_security),
    ("responses", check_responses),
    ("examples", check_examples),
    ("names", check_names),
    ("schemas", check_schemas),
    ("unions", check_unions),
    ("typeless", check_typeless),
    ("unsupported", check_unsupported),
    ("wire", check_wire),
)


# The families whose findings have lenient readings (`spec/readings.py`): run first, so the
# model stage's worker learns how the contract is read before the rest of validation ends.
READ_LENIENTLY = ("operations", "examples", "schemas", "unsupported")


def run_rules(contract: Contract) -> list[Diagnostic]:
    """Every finding of every rule family, in family order."""
    return in_family_order(run_families(contract))


def run_families(
    contract: Contract, names: Collection[str] | None = None, *, exclude: Collection[str] = ()
) -> dict[str, list[Diagnostic]]:
    """The findings of the named families (default: all) but the excluded ones, by family."""
    return {
        name: _run(contract, name, family)
        for name, family in FAMILIES
        if (names is None or name in names) and name not in exclude
    }


def in_family_order(found: dict[str, list[Diagnostic]]) -> list[Diagnostic]:
    """Findings by family as one list, in `FAMILIES` order (what `run_rules` returns)."""
    return [d for name, _ in FAMILIES for d in found.get(name, [])]


def _run(contract: Contract, name: str, family: Family) -> list[Diagnostic]:
    try:
        return family(contract)
    except RecursionError:
        message = f"the {name} rules ran out of stack on this contract (nesting too deep)"
        return [contract.diag("too-deep", message, "")]
    except Exception as exc:  # a rule bug must not hide what the other rules found
        message = f"the {name} rules crashed ({type(exc).__name__}); please report this bug"
        return [contract.diag("validator-crashed", message, "")]
