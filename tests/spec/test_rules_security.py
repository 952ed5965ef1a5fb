"""Security rules: requirements name defined schemes and declared oauth2 scopes."""

from __future__ import annotations

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
                  responses: {"200": {description: ok}}
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
                  responses: {"200": {description: ok}}
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
