"""Response rules: statuses the generated service answers by itself are documented."""

from __future__ import annotations

import pytest

from tests.spec.helpers import doc, summary, validate_yaml

SCHEMES = """\
components:
  securitySchemes:
    key: {type: apiKey, in: header, name: X-Key}
    oauth:
      type: oauth2
      flows:
        clientCredentials:
          tokenUrl: https://id.example/token
          scopes: {read: Read, write: Write}
"""


def test_input_without_400_is_reported_at_responses() -> None:
    found = validate_yaml(
        doc(
            """\
            paths:
              /items/{id}:
                parameters:
                  - {name: id, in: path, required: true, schema: {type: integer}}
                get:
                  operationId: getItem
                  responses: {"200": {description: ok}, "404": {description: missing}}
              /items:
                post:
                  operationId: addItem
                  requestBody:
                    content: {application/json: {schema: {type: object}}}
                  responses:
                    "201": {description: ok}
            """
        )
    )
    assert summary(found) == [
        ("undocumented-validation-status", "warning", "/paths/~1items~1{id}/get/responses", 11),
        ("undocumented-validation-status", "warning", "/paths/~1items/post/responses", 17),
    ]
    assert found[0].message == (
        "GET /items/{id} takes input, so the generated service answers a malformed request "
        "with 400, but it documents neither 400, 422, 4XX nor default; add a 400 response "
        "(in the contract's error format)"
    )


@pytest.mark.parametrize("status", ["400", "422", "4XX", "default"])
def test_any_of_400_422_4xx_or_default_documents_it(status: str) -> None:
    text = f"""\
        paths:
          /items:
            get:
              operationId: listItems
              parameters:
                - {{name: limit, in: query, schema: {{type: integer}}}}
              responses: {{"200": {{description: ok}}, "{status}": {{description: refused}}}}
        """
    assert validate_yaml(doc(text)) == []


def test_no_input_needs_no_400() -> None:
    text = """\
        paths:
          /health:
            get:
              operationId: health
              responses: {"200": {description: ok}}
        """
    assert validate_yaml(doc(text)) == []


def test_secured_operations_need_401_and_scoped_ones_403() -> None:
    found = validate_yaml(
        doc(
            """\
            security:
              - key: []
            paths:
              /items:
                get:
                  operationId: listItems
                  responses: {"200": {description: ok}}
                delete:
                  operationId: clearItems
                  security:
                    - oauth: [write]
                  responses: {"204": {description: ok}, "401": {description: denied}}
            """
        )
        + SCHEMES
    )
    assert summary(found) == [
        ("undocumented-auth-status", "warning", "/paths/~1items/get/responses", 11),
        ("undocumented-forbidden-status", "warning", "/paths/~1items/delete/responses", 16),
    ]
    assert found[0].message.startswith("GET /items requires authentication (key), so the")
    assert [r.line for r in found[0].related] == [5]  # the top-level requirement it inherits
    assert found[1].message.startswith("DELETE /items requires scopes (write), so the")
    assert [r.line for r in found[1].related] == [14]


@pytest.mark.parametrize(
    "security",
    [
        "security: []",  # public
        "security: [{}, {key: []}]",  # anonymous allowed
        'security: [{key: []}]\n      responses: {"200": {description: ok}, "4XX": {description: denied}}',
    ],
)
def test_public_operations_and_documented_refusals_are_fine(security: str) -> None:
    text = """\
paths:
  /items:
    get:
      operationId: listItems
      SECURITY
"""
    if "responses" not in security:
        text += '      responses: {"200": {description: ok}}\n'
    found = validate_yaml(doc(text.replace("SECURITY", security)) + SCHEMES)
    assert found == []


def test_403_is_not_needed_without_scopes_and_is_enough_with_them() -> None:
    text = """\
        paths:
          /a:
            get:
              operationId: getA
              security: [{key: []}]
              responses: {"200": {description: ok}, "401": {description: denied}}
          /b:
            get:
              operationId: getB
              security: [{oauth: [read]}]
              responses:
                "200": {description: ok}
                "401": {description: denied}
                "403": {description: denied}
        """
    assert validate_yaml(doc(text) + SCHEMES) == []


def test_webhooks_and_callbacks_are_not_checked() -> None:
    # the response rules judge the service's own operations; this webhook generates (a JSON
    # body), so nothing at all is reported
    text = """\
        paths: {}
        webhooks:
          newItem:
            post:
              operationId: newItem
              requestBody:
                content: {application/json: {schema: {type: object}}}
              responses: {"200": {description: ok}}
        """
    assert [d.rule for d in validate_yaml(doc(text, "3.1.0"))] == []


def test_an_operation_without_responses_and_ignored_header_parameters() -> None:
    found = validate_yaml(
        doc(
            """\
            paths:
              /a:
                get:
                  operationId: getA
                  parameters:
                    - {name: Accept, in: header, schema: {type: string}}
                    - {name: X-Trace, in: header, schema: {type: string}}
                  responses: {}
            """,
            version="3.1.0",
        )
    )
    rules = {(d.rule, d.pointer) for d in found}
    assert ("no-responses", "/paths/~1a/get/responses") in rules
    assert ("ignored-header-parameter", "/paths/~1a/get/parameters/0") in rules
    assert not any(d.pointer.endswith("/parameters/1") for d in found)


def test_a_body_documented_for_204_is_reported() -> None:
    found = validate_yaml(
        doc(
            """\
            paths:
              /a:
                post:
                  operationId: postA
                  responses:
                    "204":
                      description: none
                      content: {application/json: {schema: {type: object}}}
            """
        )
    )
    assert [(d.rule, d.pointer) for d in found if d.rule == "body-on-no-content-status"] == [
        ("body-on-no-content-status", "/paths/~1a/post/responses/204/content")
    ]


def test_a_constrained_transport_header_parameter_is_reported() -> None:
    found = validate_yaml(
        doc(
            """\
            paths:
              /a:
                get:
                  operationId: getA
                  parameters:
                    - {name: Accept-Encoding, in: header, schema: {type: string, enum: [gzip]}}
                    - {name: Host, in: header, schema: {type: string}}
                  responses: {"200": {description: ok}, "400": {description: bad}}
            """
        )
    )
    assert [(d.rule, d.pointer) for d in found] == [
        ("transport-header-parameter", "/paths/~1a/get/parameters/0")
    ]
