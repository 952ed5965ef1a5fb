"""Security rules: requirements name defined schemes and declared oauth2 scopes; schemes are
ones the generated service can verify."""

from __future__ import annotations

from generator.ir.build import build_schemes
from tests.spec.helpers import doc, summary, validate_yaml

SCHEMES = """\
components:
  securitySchemes:
    key: {type: apiKey, in: header, name: X-Key}
    oidc: {type: openIdConnect, openIdConnectUrl: "https://id.example/.well-known/openid-configuration"}
    oauth:
      type: oauth2
      flows:
        implicit:
          authorizationUrl: https://id.example/auth
          scopes: {read: Read}
        clientCredentials:
          tokenUrl: https://id.example/token
          scopes: {write: Write}
"""


def test_undefined_scheme_globally_and_per_operation() -> None:
    found = validate_yaml(
        doc(
            """\
            security:
              - missing: []
            paths:
              /a:
                get:
                  operationId: getA
                  security:
                    - key: []
                      nope: []
                  responses: {"200": {description: ok}, "4XX": {description: refused}}
            """
        )
        + SCHEMES
    )
    assert summary(found) == [
        ("undefined-security-scheme", "error", "/security/0/missing", 6),
        ("undefined-security-scheme", "error", "/paths/~1a/get/security/0/nope", 13),
    ]
    assert found[0].message == (
        'security scheme "missing" is not defined in components.securitySchemes '
        "(declared: key, oauth, oidc)"
    )


def test_undefined_scheme_without_any_components() -> None:
    found = validate_yaml(
        doc(
            """\
            security:
              - key: []
            paths: {}
            """
        )
    )
    assert summary(found) == [("undefined-security-scheme", "error", "/security/0/key", 6)]
    assert found[0].message.endswith("(there are none)")


def test_scopes_from_any_flow_count_and_openid_scopes_are_not_checked() -> None:
    found = validate_yaml(
        doc(
            """\
            paths:
              /a:
                get:
                  operationId: getA
                  security:
                    - oauth: [read, write, admin]
                    - oidc: [anything]
                  responses: {"200": {description: ok}, "4XX": {description: refused}}
            """
        )
        + SCHEMES
    )
    assert summary(found) == [
        ("undeclared-scope", "error", "/paths/~1a/get/security/0/oauth/2", 10)
    ]
    assert found[0].message == (
        'scope "admin" is not declared by any flow of the oauth2 scheme "oauth" '
        "(declared: read, write)"
    )


def test_security_scheme_behind_a_ref_is_resolved() -> None:
    found = validate_yaml(
        doc(
            """\
            security:
              - oauth: [read, admin]
            paths: {}
            components:
              securitySchemes:
                oauth: {$ref: "#/components/x-schemes/oauth"}
              x-schemes:
                oauth:
                  type: oauth2
                  flows:
                    clientCredentials: {tokenUrl: "https://t.example", scopes: {read: r}}
            """
        )
    )
    assert [(d.rule, d.pointer) for d in found] == [("undeclared-scope", "/security/0/oauth/1")]


def test_schemes_the_runtime_cannot_verify_are_located() -> None:
    found = validate_yaml(
        doc(
            """\
            paths: {}
            components:
              securitySchemes:
                tls: {type: mutualTLS}
                digest: {type: http, scheme: Digest}
                bearer: {type: http, scheme: Bearer}
                basic: {type: http, scheme: basic}
                cookie: {type: apiKey, in: cookie, name: session}
                oidc: {type: openIdConnect, openIdConnectUrl: "https://id.example/.well-known/x"}
            """,
            "3.1.0",
        )
    )
    assert summary(found) == [
        ("unverifiable-security-scheme", "warning", "/components/securitySchemes/tls/type", 8),
        ("unverifiable-security-scheme", "warning", "/components/securitySchemes/digest/scheme", 9),
    ]
    assert found[0].message == (
        'security scheme "tls" uses mutual TLS, which the generated service cannot verify by '
        "itself: the application must pass a verifier to create_app; until then, operations "
        "requiring it answer 501"
    )
    assert "uses HTTP 'Digest' authentication" in found[1].message


def test_the_rule_and_the_generator_classify_schemes_alike() -> None:
    root = {
        "components": {
            "securitySchemes": {
                "tls": {"type": "mutualTLS"},
                "hoba": {"type": "http", "scheme": "hoba"},
                "bearer": {"type": "http", "scheme": "bearer"},
                "key": {"type": "apiKey", "in": "query", "name": "k"},
            }
        }
    }
    kinds = {
        s.wire: s.kind
        for s in build_schemes(root, {k: k for k in ("tls", "hoba", "bearer", "key")})
    }
    assert kinds == {"tls": "unsupported", "hoba": "unsupported", "bearer": "jwt", "key": "apiKey"}
