"""Our own semantic rules: what openapi-spec-validator misses or cannot locate.

| rule | level | what |
| --- | --- | --- |
| `duplicate-operation-id` | error | two operations share an operationId (both locations) |
| `missing-operation-id` | warning | no operationId: names the function name that will be derived |
| `duplicate-parameter` | error | the same (name, in) listed twice in one parameters list |
| `ref-wrong-target` | error | a parameter `$ref` leading to something that is no parameter |
| `path-param-undeclared` | error | `{x}` in the path template, no `in: path` parameter `x` |
| `path-param-unused` | error | an `in: path` parameter whose name is not in the template |
| `path-param-not-required` | error | an `in: path` parameter without `required: true` |
| `ambiguous-path` | error | two templates equal once parameter names are ignored |
| `undefined-security-scheme` | error | a security requirement names no securitySchemes entry |
| `undeclared-scope` | error | an oauth2 requirement names a scope none of its flows declare |
| `unverifiable-security-scheme` | warning | a scheme the runtime cannot verify itself (mutualTLS, digest...) |
| `undocumented-validation-status` | warning | takes input but documents no 400/422/4XX/default |
| `undocumented-auth-status` | warning | secured but documents no 401/4XX/default |
| `undocumented-forbidden-status` | warning | requires scopes but documents no 403/4XX/default |
| `example-mismatch` | warning | an `example`/`examples` value breaks its schema (each violation) |
| `default-mismatch` | error | a schema's `default` breaks the schema |
| `name-collision` | warning | different names that become the same Python identifier |
| `duplicate-tag` | error | a tag declared twice in the top-level `tags` |
| `unsupported-feature` | error | valid OpenAPI the generator cannot produce (see `unsupported`) |
| `not-generated` | warning | described but deliberately not generated (webhooks, callbacks) |
| `required-property-undefined` | warning | `required` names a property the schema does not define |
|  | error | ... in a schema with `allOf` (as openapi-spec-validator rules) |
| `nullable-not-in-3-1` | warning | `nullable: true` in 3.1/3.2, where it has no effect |
| `discriminator-mapping-unresolved` | error | a discriminator `mapping` value that names no schema |
| `ambiguous-one-of` | warning | two `oneOf` branches accept the same value |

Each family is a function `Contract -> list[Diagnostic]`; a family that crashes is reported
as `validator-crashed` instead of hiding the others.
"""

from __future__ import annotations

from collections.abc import Callable

from generator.diagnostics import Diagnostic, Level
from generator.spec.rules.contract import Contract
from generator.spec.rules.examples import check_examples
from generator.spec.rules.names import check_names
from generator.spec.rules.operations import check_operations
from generator.spec.rules.paths import check_paths
from generator.spec.rules.responses import check_responses
from generator.spec.rules.schemas import check_schemas
from generator.spec.rules.security import check_security
from generator.spec.rules.unions import check_unions
from generator.spec.rules.unsupported import check_unsupported

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
    ("unsupported", check_unsupported),
)


def run_rules(contract: Contract) -> list[Diagnostic]:
    """Every finding of every rule family, in family order."""
    found: list[Diagnostic] = []
    for name, family in FAMILIES:
        try:
            found.extend(family(contract))
        except RecursionError:
            message = f"the {name} rules ran out of stack on this contract (nesting too deep)"
            found.append(contract.diag("too-deep", Level.ERROR, message, ""))
        except Exception as exc:  # a rule bug must not hide what the other rules found
            message = f"the {name} rules crashed ({type(exc).__name__}); please report this bug"
            found.append(contract.diag("validator-crashed", Level.ERROR, message, ""))
    return found
