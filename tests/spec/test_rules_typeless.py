"""`typeless-object-schema`: object keywords without `type: object` where clients send them."""

from __future__ import annotations

from tests.spec.helpers import doc, validate_yaml


def test_only_schemas_a_request_reaches_are_reported() -> None:
    found = validate_yaml(
        doc(
            """\
            paths:
              /a:
                post:
                  operationId: postA
                  requestBody:
                    content:
                      application/json: {schema: {$ref: '#/components/schemas/In'}}
                  responses:
                    "200":
                      description: ok
                      content: {application/json: {schema: {$ref: '#/components/schemas/Out'}}}
                    "400": {description: bad}
            components:
              schemas:
                In:
                  type: object
                  properties: {perms: {type: array, items: {$ref: '#/components/schemas/Perm'}}}
                Perm: {required: [action], properties: {action: {type: string}}}
                Out: {properties: {id: {type: string}}}
            """
        )
    )
    assert [(d.rule, d.pointer) for d in found] == [
        ("typeless-object-schema", "/components/schemas/Perm")
    ]
