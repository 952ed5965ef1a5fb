"""Issue 22, item 5: validate's blind spots stay closed, and generate names the real problem.

A discriminator mapping to a schema that does not exist is an error (generate used to drop it
and call it a stripped extension); `nullable` in a 3.1 contract is a warning; an example that
breaks its schema reports every violation, not the first.
"""

from __future__ import annotations

from pathlib import Path

from generator.pipeline import generate_contract
from tests.spec.helpers import validate_yaml

CONTRACT = """\
openapi: 3.1.0
info: {title: Pets, version: "1"}
paths:
  /items:
    get:
      operationId: listItems
      responses:
        "200":
          description: Items.
          content:
            application/json:
              schema:
                type: array
                items: {$ref: "#/components/schemas/Item"}
              example:
                - {id: two, name: 3}
                - {id: 1, extra: true}
components:
  schemas:
    Item:
      type: object
      additionalProperties: false
      required: [id, name]
      properties:
        id: {type: integer}
        name: {type: string}
        nick: {type: string, nullable: true}
    Pet:
      oneOf:
        - $ref: "#/components/schemas/Cat"
      discriminator:
        propertyName: kind
        mapping:
          cat: "#/components/schemas/Cta"
    Cat:
      type: object
      required: [kind]
      properties:
        kind: {type: string}
"""


def test_each_blind_spot_is_reported() -> None:
    found = [(d.rule, d.level.value, d.pointer) for d in validate_yaml(CONTRACT)]
    assert (
        "discriminator-mapping-unresolved",
        "error",
        "/components/schemas/Pet/discriminator/mapping/cat",
    ) in found
    assert (
        "nullable-not-in-3-1",
        "warning",
        "/components/schemas/Item/properties/nick/nullable",
    ) in found
    examples = [pointer for rule, _, pointer in found if rule == "example-mismatch"]
    assert (
        len(examples) == 4
    )  # wrong id and name in the first item, no name and an extra key in the second


def test_generate_refuses_an_unresolved_mapping_by_its_name(tmp_path: Path) -> None:
    contract = tmp_path / "pets.yaml"
    contract.write_text(CONTRACT, encoding="utf-8")
    result = generate_contract(contract, tmp_path / "pets", label="pets.yaml")
    rules = {d.rule for d in result.checked.diagnostics}
    assert "discriminator-mapping-unresolved" in rules
    assert "stripped-extension" not in rules
    assert result.report is None and not (tmp_path / "pets").exists()
