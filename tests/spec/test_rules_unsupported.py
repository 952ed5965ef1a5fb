"""Unsupported features (errors) and what is described but not generated (warnings)."""

from __future__ import annotations

from tests.spec.helpers import doc, summary, validate_yaml


def test_mixed_multipart_but_not_path_styles() -> None:
    found = validate_yaml(
        doc(
            """\
            paths:
              /files/{name}:
                put:
                  operationId: putFile
                  parameters:
                    - {name: name, in: path, required: true, style: label, schema: {type: string}}
                  requestBody:
                    content:
                      multipart/mixed; boundary=x: {schema: {type: string}}
                      application/json: {schema: {type: string}}
                  responses: {"204": {description: ok}, "400": {description: bad}}
            """
        )
    )
    assert summary(found) == [  # label and matrix path styles are read by the runtime
        (
            "unsupported-feature",
            "error",
            "/paths/~1files~1{name}/put/requestBody/content/multipart~1mixed; boundary=x",
            13,
        ),
    ]


def test_querystring_parameter_in_3_2() -> None:
    found = validate_yaml(
        doc(
            """\
            paths:
              /search:
                get:
                  operationId: search
                  parameters:
                    - name: q
                      in: querystring
                      content: {application/x-www-form-urlencoded: {schema: {type: object}}}
                  responses: {"200": {description: ok}, "400": {description: bad}}
            """,
            "3.2.0",
        )
    )
    assert summary(found) == [
        ("unsupported-feature", "error", "/paths/~1search/get/parameters/0/in", 11)
    ]


def test_ref_siblings_in_3_0_but_not_annotations() -> None:
    found = validate_yaml(
        doc(
            """\
            paths: {}
            components:
              schemas:
                Base: {type: object}
                Fine: {$ref: "#/components/schemas/Base", description: Fine.}
                Nullable: {$ref: "#/components/schemas/Base", nullable: true}
            """
        )
    )
    assert summary(found) == [
        ("unsupported-feature", "warning", "/components/schemas/Nullable/nullable", 10)
    ]
    assert found[0].message.endswith("; read as a nullable reference")


def test_webhooks_and_callbacks_generate_unless_their_body_is_not_json() -> None:
    found = validate_yaml(
        doc(
            """\
            paths:
              /subscribe:
                post:
                  operationId: subscribe
                  responses: {"201": {description: ok}, "400": {description: bad}}
                  callbacks:
                    event:
                      "{$request.body#/url}":
                        post:
                          operationId: onEvent
                          responses: {"200": {description: ok}, "400": {description: bad}}
            webhooks:
              newItem:
                post:
                  operationId: newItem
                  responses: {"200": {description: ok}, "400": {description: bad}}
              newFile:
                post:
                  operationId: newFile
                  requestBody:
                    content: {application/octet-stream: {}}
                  responses: {"200": {description: ok}, "400": {description: bad}}
            """,
            "3.1.0",
        )
    )
    assert summary(found) == [("not-generated", "notice", "/webhooks/newFile/post", 22)]
