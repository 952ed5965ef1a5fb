"""The catalogue of contract diagnostics: every rule id, the stage that reports it, its level.

The one list of what `validate`, `generate` and `check` can say about a contract: each stage
builds its findings through `diagnostic` (an id missing here is a bug, and raises), the
tables in docs/diagnostics.md are `doc_table`'s output (a test compares them), and the tests
take their ids from `RULES`. `specfirst diff` has its own catalogue (`compat/rules.py`).
"""

from __future__ import annotations

from generator.diagnostics import Diagnostic, Level, Location
from generator.spec.catalogue_load import LOAD_RULES
from generator.spec.rule_kinds import (
    _C,
    _E,
    _EW,
    _G,
    _N,
    _NAMES,
    _UNREAD,
    _V,
    _W,
    _WRONG,
    Rule,
    Stage,
)

# openapi-spec-validator's findings: `schema-` and the failed JSON Schema keyword, kebab-case.
SCHEMA_PREFIX = "schema-"


CATALOGUE: tuple[Rule, ...] = (
    *LOAD_RULES,
    # Validation: the OpenAPI standard, then our own rules (generator/spec/rules/).
    Rule(
        "swagger-unsupported",
        _V,
        _E,
        "a Swagger version other than 2.0 (2.0 is converted on loading): convert it to OpenAPI 3",
        blocks=_UNREAD,
    ),
    Rule(
        "not-openapi", _V, _E, "no `openapi` key, or a top level that is no mapping", blocks=_UNREAD
    ),
    Rule(
        "unsupported-version",
        _V,
        _E,
        "a version other than 3.0, 3.1 or 3.2 (or not a string)",
        blocks=_UNREAD,
    ),
    Rule(
        SCHEMA_PREFIX + "<keyword>",
        _V,
        _EW,
        "openapi-spec-validator's findings, located at the offending value (`schema-type`, "
        "`schema-required`, `schema-additional-properties`, ...); warnings where a lenient "
        "reading applies (see Lenient readings): a 3.0 `exclusiveMinimum: true` "
        "in 3.1, `$recursiveAnchor`, `required: true` on a property, repeated items, no `paths`",
        blocks=_WRONG,
    ),
    Rule(
        "openapi-invalid",
        _V,
        _E,
        "any other openapi-spec-validator finding (no location)",
        blocks=_WRONG,
    ),
    Rule(
        "duplicate-operation-id",
        _V,
        _W,
        "two operations share an operationId (both located): the n-th is named `<id>_<n>`",
    ),
    Rule(
        "missing-operation-id",
        _V,
        _W,
        "no operationId: names the method name that will be derived",
    ),
    Rule(
        "duplicate-parameter", _V, _E, "the same (name, in) listed twice in one list", blocks=_WRONG
    ),
    Rule(
        "ref-wrong-target",
        _V,
        _E,
        "a parameter `$ref` leading to something that is no parameter",
        blocks=_WRONG,
    ),
    Rule(
        "path-param-undeclared",
        _V,
        _E,
        "`{x}` in the path template, no `in: path` parameter x",
        blocks=_WRONG,
    ),
    Rule(
        "path-param-unused",
        _V,
        _E,
        "an `in: path` parameter whose name is not in the template",
        blocks=_WRONG,
    ),
    Rule(
        "path-param-not-required",
        _V,
        _E,
        "an `in: path` parameter without `required: true`",
        blocks=_WRONG,
    ),
    Rule(
        "ambiguous-path",
        _V,
        _W,
        "two templates equal once names are ignored (`/u/{id}`, `/u/{n}`): served in contract "
        "order, the shadowed operations named",
    ),
    Rule(
        "undefined-security-scheme",
        _V,
        _E,
        "a requirement names no securitySchemes entry",
        blocks=_WRONG,
    ),
    Rule(
        "undeclared-scope",
        _V,
        _E,
        "an oauth2 requirement names a scope no flow declares",
        blocks=_WRONG,
    ),
    Rule(
        "unverifiable-security-scheme",
        _V,
        _W,
        "a scheme the generated service cannot verify by itself (`mutualTLS`, `http` other than "
        "basic/bearer, `apiKey` outside header/query/cookie): the application must pass a "
        "verifier to `create_app`; until then operations requiring it answer 501",
    ),
    Rule(
        "api-key-parameter",
        _V,
        _W,
        "a parameter with the name and location of an apiKey scheme its operation requires: a "
        "request without the key is refused as malformed (400) before it is unauthenticated (401)",
    ),
    Rule(
        "undocumented-validation-status",
        _V,
        _W,
        "an operation with parameters or a body documents neither 400, 422, `4XX` nor "
        "`default`, yet the service answers 400 to a malformed request",
    ),
    Rule(
        "undocumented-auth-status",
        _V,
        _W,
        "a secured operation (own or top-level `security`; `[]` or an alternative `{}` is "
        "public) documents neither 401, `4XX` nor `default`",
    ),
    Rule(
        "undocumented-forbidden-status",
        _V,
        _W,
        "a requirement lists scopes (the service answers 403 when they are missing) and "
        "neither 403, `4XX` nor `default` is documented",
    ),
    Rule(
        "example-mismatch",
        _V,
        _W,
        "an example that does not match its schema (readOnly/writeOnly honoured): one finding "
        "per violation, its path inside the value in the message, at most 5 per example",
    ),
    Rule(
        "default-mismatch",
        _V,
        _W,
        "a `default` that breaks its schema (each violation, as above): dropped from the models "
        "and the wire views",
    ),
    Rule("name-collision", _V, _W, "different names that become the same Python identifier"),
    Rule("duplicate-tag", _V, _E, "a tag declared twice in the top-level `tags`", blocks=_NAMES),
    Rule(
        "required-property-undefined",
        _V,
        _W,
        "`required` names a property the schema does not define: required and of any type when "
        "`additionalProperties` allows it, else ignored",
    ),
    Rule(
        "nullable-not-in-3-1",
        _V,
        _W,
        "`nullable: true` in a 3.1/3.2 contract, where it is no keyword and null is refused: "
        'write `type: [..., "null"]`',
    ),
    Rule(
        "discriminator-mapping-unresolved",
        _V,
        _E,
        "a discriminator `mapping` value that is neither a component schema name nor a local "
        "reference that resolves (generation would drop it)",
        blocks=_WRONG,
    ),
    Rule(
        "ambiguous-one-of",
        _V,
        _W,
        'two `oneOf` branches accept the same value, which then fails validation ("matches '
        'more than one"); a conservative heuristic, silent when unsure',
    ),
    Rule(
        "unsupported-feature",
        _V,
        _EW,
        "valid OpenAPI the generator cannot build yet: `in: querystring`, `multipart/mixed` "
        "bodies, sibling keys next to a `$ref` in 3.0 (warnings: `nullable` there is a nullable "
        "reference, `required` is ignored as 3.0 says)",
        blocks=_WRONG,
    ),
    Rule(
        "not-generated",
        _V,
        _N,
        "a webhook (`webhooks`, `x-webhooks`) or callback that gets no sender or receiver "
        "because its body is not JSON (a notice: `--strict` passes; see docs/webhooks.md)",
    ),
    Rule(
        "callback-expression",
        _V,
        _W,
        "a callback key that is not a runtime expression template (`{$request.body#/url}`, "
        "`$request.query.x`...): the callback is not generated",
    ),
    Rule(
        "pagination-marker",
        _V,
        _W,
        "an `x-specfirst-pagination` the generated client cannot follow: `cursor` must name a "
        "query parameter of the operation and `next` a property of its success body",
    ),
    Rule(
        "no-responses",
        _V,
        _W,
        "an operation that documents no response: everything the service answers is undocumented",
    ),
    Rule(
        "body-on-no-content-status",
        _V,
        _W,
        "a 204, 205, 304 or 1xx response documented with content, which HTTP never sends",
    ),
    Rule(
        "transport-header-parameter",
        _V,
        _W,
        "a constrained header parameter that HTTP clients and proxies set themselves "
        "(Accept-Encoding, Host, Connection...): ordinary requests break it",
    ),
    Rule(
        "ignored-header-parameter",
        _V,
        _W,
        "a header parameter named Accept, Content-Type or Authorization, which OpenAPI ignores",
    ),
    Rule(
        "discriminator-value-mismatch",
        _V,
        _W,
        "a branch named by its schema name (no mapping) that pins the discriminator property to "
        "other values: no instance of it can pass the discriminator",
    ),
    Rule(
        "enum-type-mismatch",
        _V,
        _W,
        "`enum` values of a type the schema's `type` refuses (no instance can match them)",
    ),
    Rule(
        "typeless-object-schema",
        _V,
        _W,
        "object keywords without `type: object` in what clients send: non-objects are valid "
        "too, and the service refuses them",
    ),
    Rule(
        "unchecked-media-type",
        _V,
        _W,
        "a request body the service reads as bytes (XML...) under an object or array schema: "
        "not checked on the wire",
    ),
    Rule(
        "unenforceable-keyword",
        _V,
        _W,
        "a schema keyword the service's wire validator cannot apply as written (a pattern "
        "jsonschema-rs cannot compile, a bound that is not a number): values breaking it pass",
    ),
    Rule(
        "validator-crashed",
        _V,
        (Level.ERROR, Level.INFO),
        "a rule family or openapi-spec-validator raised: named, never a traceback, the other "
        "findings still shown (info when real errors next to it are the likely cause)",
        blocks=_WRONG,
    ),
    # Generation.
    Rule(
        "model-generation",
        _G,
        _E,
        "datamodel-code-generator could not model a schema (names the schema)",
        blocks=_WRONG,
    ),
    Rule(
        "renamed",
        _G,
        _W,
        "schema and property names that changed to become Python identifiers (wire names are "
        "kept as aliases)",
    ),
    Rule(
        "stripped-extension",
        _G,
        _W,
        "a vendor extension that would put code into models.py (`x-python-type`, "
        "`x-python-import`, `customTypePath`...) was removed",
    ),
    # `specfirst check`, beside drift (see `specfirst drift`).
    Rule(
        "unimplemented",
        _C,
        _E,
        "an operation the app serves with a stub, or not at all",
        blocks="reported by `specfirst check`, not configurable",
    ),
    Rule(
        "app-load",
        _C,
        _E,
        "the app named in `[tool.specfirst.apps]` cannot be built",
        blocks="reported by `specfirst check`, not configurable",
    ),
    Rule(
        "orphaned-method",
        _C,
        _E,
        "an implementation method no operation is named after (its operation was removed, or "
        "renamed: the message names the method to rename it to)",
        blocks="reported by `specfirst check`, not configurable",
    ),
)

RULES: dict[str, Rule] = {rule.id: rule for rule in CATALOGUE}


def rule_of(rule_id: str) -> Rule:
    """The catalogue entry of an id (`schema-type` is `schema-<keyword>`); KeyError if none.

    >>> rule_of("schema-type").id, rule_of("duplicate-tag").levels
    ('schema-<keyword>', (<Level.ERROR: 'error'>,))
    """
    if rule_id.startswith(SCHEMA_PREFIX) and rule_id not in RULES:
        return RULES[SCHEMA_PREFIX + "<keyword>"]
    return RULES[rule_id]


def diagnostic(
    rule_id: str,
    message: str,
    pointer: str = "",
    location: Location | None = None,
    related: tuple[Location, ...] = (),
    *,
    level: Level | None = None,
) -> Diagnostic:
    """A finding of a catalogued rule, at its usual level unless `level` is another it has."""
    rule = rule_of(rule_id)
    chosen = rule.levels[0] if level is None else level
    if chosen not in rule.levels:
        raise ValueError(f"{rule_id} is never reported as {chosen}")
    return Diagnostic(rule_id, chosen, message, pointer, location, related)


def doc_table(stage: Stage) -> str:
    """The Markdown table of one stage's rules, as docs/diagnostics.md shows it.

    "below error" says whether `[tool.specfirst.rules]` may set the rule to warning or off.
    """
    rows = ["| rule | level | what | below error |", "| --- | --- | --- | --- |"]
    for rule in CATALOGUE:
        if rule.stage is stage:
            levels = ", ".join(level.value for level in rule.levels)
            lowered = "yes" if rule.lowerable else f"no: {rule.blocks}"
            rows.append(f"| `{rule.id}` | {levels} | {rule.summary} | {lowered} |")
    return "\n".join(rows) + "\n"
