"""validate: generated webhooks and callbacks get no notice; what is not generated is located."""

from __future__ import annotations

from tests.spec.helpers import rules, summary, validate_yaml

HEAD = """
openapi: 3.0.3
info: {title: Events, version: "1"}
paths:
  /subscriptions:
    post:
      operationId: subscribe
      responses:
        "201": {description: Subscribed.}
      callbacks:
        onEvent:
          "{$request.body#/url}":
            post:
              requestBody:
                content:
                  application/json:
                    schema: {type: object}
              responses:
                "200": {description: Received.}
"""


def test_generated_events_are_not_reported() -> None:
    text = (
        HEAD
        + """
x-webhooks:
  userCreated:
    post:
      requestBody:
        content:
          application/json:
            schema: {type: object}
      responses:
        "200": {description: Received.}
"""
    )
    found = validate_yaml(text)
    assert "not-generated" not in rules(found) and "callback-expression" not in rules(found)


def test_an_x_webhook_with_an_xml_body_is_a_located_notice() -> None:
    text = (
        HEAD
        + """
x-webhooks:
  userCreated:
    post:
      requestBody:
        content:
          application/xml:
            schema: {type: string}
      responses:
        "200": {description: Received.}
"""
    )
    found = [f for f in summary(validate_yaml(text)) if f[0] == "not-generated"]
    assert found == [("not-generated", "notice", "/x-webhooks/userCreated/post", 23)]


TWO = """
openapi: 3.0.3
info: {title: Events, version: "1"}
paths:
  /extensions:
    post:
      responses:
        "201": {description: Created.}
      callbacks:
        webhookV1:
          endpoint_url:
            post:
              responses:
                "200": {description: Received.}
            put:
              responses:
                "200": {description: Received.}
        webhookV2:
          endpoint_url:
            post:
              responses:
                "200": {description: Received.}
"""


def test_each_unparseable_callback_key_is_reported_once() -> None:
    found = [f for f in summary(validate_yaml(TWO)) if f[0] == "callback-expression"]
    assert found == [
        (
            "callback-expression",
            "warning",
            "/paths/~1extensions/post/callbacks/webhookV1/endpoint_url",
            11,
        ),
        (
            "callback-expression",
            "warning",
            "/paths/~1extensions/post/callbacks/webhookV2/endpoint_url",
            19,
        ),
    ]
