"""The catalogue's loading rules: reading, parsing and bundling the files (every one an error)."""

from __future__ import annotations

from generator.diagnostics import Level
from generator.spec.rule_kinds import _E, _L, _UNREAD, _UNSAFE, _W, _WRONG, Rule

LOAD_RULES: tuple[Rule, ...] = (
    # Loading: reading, parsing and bundling the files (every finding is an error).
    Rule("io-error", _L, _E, "the file cannot be read (exit 2)", blocks=_UNREAD),
    Rule("too-large", _L, _E, "over the size limit (32 MiB) or the node limit", blocks=_UNSAFE),
    Rule("too-many-files", _L, _E, "more than 200 files referenced", blocks=_UNSAFE),
    Rule("yaml-syntax", _L, _E, "YAML that does not parse", blocks=_UNREAD),
    Rule("yaml-tabs", _L, _E, "tab characters in indentation", blocks=_UNREAD),
    Rule("yaml-key", _L, _E, "a mapping key that is not a scalar", blocks=_UNREAD),
    Rule(
        "yaml-tag",
        _L,
        _E,
        "a tag such as `!!python/object` (contracts are plain data; nothing is constructed)",
        blocks=_UNSAFE,
    ),
    Rule(
        "yaml-aliases",
        _L,
        _E,
        "aliases expanding beyond the node limit (billion laughs), refused in milliseconds",
        blocks=_UNSAFE,
    ),
    Rule(
        "json-syntax",
        _L,
        _E,
        "strict JSON: trailing commas, NaN, comments are errors",
        blocks=_UNREAD,
    ),
    Rule(
        "duplicate-key",
        _L,
        _E,
        "a mapping key given twice (at the second, naming the first)",
        blocks=_UNREAD,
    ),
    Rule("empty-document", _L, _E, "nothing there (empty, or only comments)", blocks=_UNREAD),
    Rule("not-a-mapping", _L, _E, "a top level that is not a mapping", blocks=_UNREAD),
    Rule(
        "too-deep",
        _L,
        _E,
        "nesting deeper than 128 levels, or a validator that ran out of stack; never a traceback",
        blocks=_UNSAFE,
    ),
    Rule(
        "unresolved-ref",
        _L,
        _E,
        "a `$ref` to a missing file or a pointer that leads nowhere",
        blocks=_WRONG,
    ),
    Rule(
        "ref-outside-root",
        _L,
        _E,
        "a `$ref` leaving the contract's folder or naming an absolute path: refused unread",
        blocks=_UNSAFE,
    ),
    Rule(
        "ref-remote", _L, _E, "a `$ref` to `file://` or the network: refused unread", blocks=_UNSAFE
    ),
    Rule(
        "ref-cycle",
        _L,
        _E,
        "references with no structure in between (A is B is A), named",
        blocks=_WRONG,
    ),
    Rule(
        "swagger2-unconverted",
        _L,
        _W,
        "Swagger 2.0 (converted to OpenAPI 3.0.3 on loading): something with no 3.0 "
        "equivalent, such as `collectionFormat: tsv`, located in the original file",
    ),
    Rule(
        "rule-config",
        _L,
        (Level.ERROR, Level.WARNING),
        "a `[tool.specfirst.rules]` entry naming an unknown rule, a severity other than error, "
        "warning or off, an invalid pointer glob, or lowering a rule generation cannot go past "
        "(an error located in pyproject.toml); an `x-specfirst-ignore` naming an unknown rule "
        "(a warning)",
        blocks="the configuration must be fixed first",
    ),
)
