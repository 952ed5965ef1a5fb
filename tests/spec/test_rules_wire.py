"""`unenforceable-keyword`: what the service's wire validator cannot apply is said, with its place."""

from __future__ import annotations

from tests.spec.helpers import doc, summary, validate_yaml


def _contract(pattern: str, version: str = "3.1.0") -> str:
    return doc(
        f"""\
        paths:
          /a:
            post:
              operationId: postA
              requestBody:
                content:
                  application/json:
                    schema: {{type: string, pattern: '{pattern}'}}
              responses: {{"204": {{description: ok}}, "400": {{description: bad}}}}
        """,
        version=version,
    )


def test_a_pattern_python_reads_but_ecma_262_does_not_is_reported() -> None:
    found = validate_yaml(_contract("\\Z"))
    pointer = "/paths/~1a/post/requestBody/content/application~1json/schema/pattern"
    assert summary(found) == [("unenforceable-keyword", "warning", pointer, 12)]
    assert "cannot be enforced on the wire" in found[0].message


def test_an_ecma_pattern_is_not_reported() -> None:
    assert validate_yaml(_contract("^[a-z]+\\d$")) == []


def test_a_keyword_that_is_already_an_error_is_not_reported_twice() -> None:
    found = validate_yaml(_contract("a{2,1}", "3.0.3"))  # 3.0's meta-schema checks regexes
    assert [d.rule for d in found] == ["schema-format"]


def test_a_structured_body_read_as_bytes_is_reported() -> None:
    found = validate_yaml(
        doc(
            """\
            paths:
              /pet:
                post:
                  operationId: addPet
                  requestBody:
                    content:
                      application/xml: {schema: {type: object, properties: {id: {type: integer}}}}
                      application/json: {schema: {type: object}}
                  responses: {"204": {description: ok}, "400": {description: bad}}
            """,
        )
    )
    pointer = "/paths/~1pet/post/requestBody/content/application~1xml/schema"
    assert [(d.rule, d.pointer) for d in found] == [("unchecked-media-type", pointer)]
