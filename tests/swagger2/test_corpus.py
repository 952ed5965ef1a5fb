"""The 8 Swagger 2.0 contracts of the shared corpus: converted, valid 3.0, served, drift 0, 501s.

Skipped when ../shared/corpus is absent. Each contract is converted on loading, checked by
openapi-spec-validator as OpenAPI 3.0 (no finding the Swagger file lacks), generated, imported, compared with the app's routes
(drift) and sent one valid request per operation (with test credentials for its security),
which an unimplemented service must answer 501. A contract refused by a rule is reported
with the rule (`pytest -rs` shows it), so the refusals that rule configuration will lift
stay visible; a crash, code that does not import, drift or another answer fails.
"""

from __future__ import annotations

import importlib
import re
import secrets
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from fastapi.testclient import TestClient
from openapi_spec_validator.validation.validators import (
    OpenAPIV2SpecValidator,
    OpenAPIV30SpecValidator,
)

from generator.contract.credentials import generated_identities, plan_credentials, service_env
from generator.contract.drift import find_drift
from generator.pipeline import generate_contract
from generator.spec.load import load_spec
from tests.swagger2.valid_calls import calls

CORPUS = Path(__file__).parents[3] / "shared" / "corpus"
SWAGGER = (
    "healthcare-gov.swagger.yaml",
    "jira-7.6.1.swagger.yaml",
    "netlify.swagger.yaml",
    "nytimes-article-search.yaml",
    "nytimes-books.yaml",
    "nytimes-top-stories.yaml",
    "trello.swagger.yaml",
    "yelp-v3.swagger.yaml",
)
pytestmark = pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpus is absent")


@pytest.fixture(scope="module")
def package_root(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    root = tmp_path_factory.mktemp("swagger2")
    sys.path.insert(0, str(root))
    yield root
    sys.path.remove(str(root))


def _findings(validator: Any) -> set[tuple[str, str]]:
    return {(type(e).__name__, str(e)) for e in validator.iter_errors()}


@pytest.mark.parametrize("name", SWAGGER)
def test_corpus_swagger_contract_converts_to_valid_openapi_3_0(name: str) -> None:
    source = CORPUS / "real-world" / name
    loaded = load_spec(source)
    assert loaded.spec is not None and loaded.spec.converted_from == "swagger 2.0"
    assert not [d for d in loaded.diagnostics if d.is_error]
    assert all(d.location is not None and d.location.line > 1 for d in loaded.diagnostics)
    # valid 3.0, but for what the Swagger file itself gets wrong (Jira repeats operationIds)
    original = _findings(OpenAPIV2SpecValidator(yaml.safe_load(source.read_text("utf-8"))))
    assert _findings(OpenAPIV30SpecValidator(loaded.spec.root)) <= original


@pytest.mark.parametrize("name", SWAGGER)
def test_corpus_swagger_contract_is_served(
    name: str, package_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    contract = CORPUS / "real-world" / name
    package_name = "swagger2_" + re.sub(r"\W", "_", contract.stem).lower()
    result = generate_contract(contract, package_root / package_name, label=name)
    if result.report is None:
        errors = sorted({d.rule for d in result.checked.diagnostics if d.is_error})
        assert errors and all(d.location for d in result.checked.diagnostics if d.is_error)
        pytest.skip(f"{name} refused by {', '.join(errors)} (rule configuration: issue 20)")
    package = importlib.import_module(package_name)
    document = package.contract.contract()
    plan = plan_credentials(
        document, identities=generated_identities(document), jwt_secret=secrets.token_hex(32)
    )
    prefix = package.settings.Settings.model_config["env_prefix"]
    values, unset = service_env(plan, prefix)
    for variable in unset:
        monkeypatch.delenv(variable, raising=False)
    for variable, value in values.items():
        monkeypatch.setenv(variable, value)
    app = package.create_app()
    assert [d for d in find_drift(result.checked.spec, app) if d.is_error] == []
    client = TestClient(app, raise_server_exceptions=False)
    answers = {}
    for call in calls(document, package.contract.MOUNT_PREFIX):
        credentials = plan.credentials(call.label, plan.identities[0])
        headers, query = dict(call.headers), list(call.query)
        if credentials is not None:
            headers.update(credentials.headers)
            # a contract may also list its API key as a query parameter (Trello): send it once
            query = [(k, v) for k, v in query if k not in credentials.query]
            query.extend(credentials.query.items())
            client.cookies.update(dict(credentials.cookies))
        response = client.request(
            call.method,
            call.path,
            params=query,
            headers=headers,
            content=call.content,
            data=call.data,
            files=call.files,
        )
        client.cookies.clear()
        answers[call.label] = (response.status_code, response.text[:200])
    assert answers
    assert {label: a for label, a in answers.items() if a[0] != 501} == {}
