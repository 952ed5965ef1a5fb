"""A large real contract: nothing reported against itself, edits found among 900 operations.

Skipped when ../shared/corpus is absent.
"""

from __future__ import annotations

import copy
from pathlib import Path

import pytest

from generator.compat.diff import diff_specs
from generator.spec.document import Spec
from generator.spec.load import load_spec

CORPUS = Path(__file__).parents[3] / "shared" / "corpus" / "large"
GITHUB = CORPUS / "github-api.github.com-2022-06.json"
pytestmark = pytest.mark.skipif(not GITHUB.is_file(), reason="../shared/corpus is absent")


@pytest.fixture(scope="module")
def github() -> Spec:
    spec = load_spec(GITHUB).spec
    assert spec is not None
    return spec


def test_a_contract_has_no_changes_against_itself(github: Spec) -> None:
    again = load_spec(GITHUB).spec
    assert again is not None
    assert diff_specs(github, again) == []


def test_a_shared_schema_edit_is_found_where_it_matters(github: Spec) -> None:
    root = copy.deepcopy(github.root)
    label = root["components"]["schemas"]["label"]
    label["properties"]["color"]["maxLength"] = 6
    root["paths"]["/repos/{owner}/{repo}/issues"]["post"]["requestBody"]["required"] = False
    changes = diff_specs(github, Spec(github.path, root, github.source_map))
    rules = {(c.rule, c.operation) for c in changes}
    assert ("request-body-made-optional", "POST /repos/{owner}/{repo}/issues") in rules
    tightened = [c for c in changes if c.rule == "response-constraint-tightened"]
    assert tightened and all("maxLength none → 6" in c.message for c in tightened)
    assert len({c.operation for c in tightened}) == len(tightened)  # once per operation
