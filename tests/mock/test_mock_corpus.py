"""`serve --mock` on our contracts and the corpus.

Over HTTP (our contracts and `oai-examples/`): each operation, called with minimal valid inputs
(and credentials), answers its success status with a response that schemathesis's conformance
checks accept (status, media type, headers, body schema). Over every corpus contract that
generates (`large/` with SPECFIRST_LARGE_CORPUS=1): each operation's mock result is either
refused (the service answers 501) or rendered by the package's runtime without a
ContractViolation (the service would not answer 500); `pytest -s` prints the 501s per contract.

The corpus part is skipped when ../shared/corpus is absent. The app is built in-process.
"""

from __future__ import annotations

import asyncio
import copy
import importlib
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from generator.mock.judge import Judge
from generator.mock.service import mock_app, package_mocks
from generator.pipeline import generate_contract
from tests.mock.corpus import (
    CORPUS,
    SHARED,
    every_contract,
    generate_and_import,
    needs_corpus,
    openapi_contracts,
    package_name,
)
from tests.mock.requests import credentials, inputs, settings_for

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
SPECS = Path(__file__).parents[2] / "specs"
# Operations whose success result no typed handler can send, per contract: the mock answers 501.
UNSENDABLE = {
    "oai-examples/v3.1/non-oauth-scopes.yaml": 1,  # documents no response at all
    "oai-examples/v3.2/3.2-tags-example.yaml": 4,  # documents no responses at all
    "real-world/adyen-legal-entity-v3.json": 1,  # a 204 documented with a JSON body
    # models.py drops a property the schema requires without declaring it (`enterprise_accounts`
    # of ClientUser, reached by 95 responses), so no model instance dumps a valid body.
    "real-world/clerk-fapi-2025-03-12.yaml": 95,
    # Dashboard and DashboardWithViewProperties in a oneOf both accept what either sends, so no
    # body is valid (validate: ambiguous-one-of); generated since the lenient readings (issue 20).
    "real-world/influxdb-oss.yaml": 2,
    # models.py forbids `id`, which `jira_cloud_account` requires without declaring it.
    "real-world/pagerduty-jira-cloud.json": 1,
}
METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    folder = tmp_path_factory.mktemp("mock-corpus")
    sys.path.insert(0, str(folder))
    yield folder
    sys.path.remove(str(folder))


def _operations(document: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, item in document.get("paths", {}).items():
        for method in METHODS:
            if isinstance(item.get(method), dict):
                yield path, method, item[method]


@pytest.mark.parametrize("stem", ["users", "showcase"])
def test_mock_of_our_contracts(stem: str, root: Path) -> None:
    answers_every_operation_conformantly(SPECS / f"{stem}.yaml", root)


@needs_corpus
@pytest.mark.parametrize(
    "contract", openapi_contracts(), ids=lambda p: p.relative_to(CORPUS).as_posix()
)
def test_mock_of_the_corpus(contract: Path, root: Path) -> None:
    answers_every_operation_conformantly(contract, root)


def answers_every_operation_conformantly(contract: Path, root: Path) -> None:
    """Call each operation once with minimal valid inputs; check the answer with schemathesis."""
    package = generate_and_import(contract, root, package_name(contract, "mock_"))
    app = mock_app(package, package.create_app(settings=settings_for(package)))
    document = package.contract.contract()
    judge = Judge.from_package(package)
    schema = schemathesis.openapi.from_dict(copy.deepcopy(document))
    called = 0
    for path, method, op in _operations(document):
        kwargs = inputs(document, judge, path, method)
        auth = credentials(document, path, method)
        kwargs["headers"] = {**kwargs["headers"], **auth["headers"]}
        kwargs["query"] = {**kwargs["query"], **auth["query"]}
        kwargs["cookies"] = {**kwargs["cookies"], **auth["cookies"]}
        case = schema[path][method.upper()].Case(**kwargs)
        response = case.call(app=app)
        label = f"{method.upper()} {path}"
        called += 1
        if not op.get("responses"):
            # Nothing documented to answer with: the mock leaves it unimplemented (501).
            assert response.status_code == 501, (label, response.text[:300])
            continue
        assert response.status_code < 400, (label, response.status_code, response.text[:300])
        case.validate_response(response, checks=CHECKS)
    assert called == len(list(_operations(document)))  # none skipped


@needs_corpus
@pytest.mark.parametrize(
    "contract", every_contract(), ids=lambda p: p.relative_to(SHARED).as_posix()
)
def test_every_success_result_is_sent_as_is_or_refused(contract: Path, root: Path) -> None:
    """Each operation's mock result renders without a ContractViolation, or the mock gives up."""
    label = contract.relative_to(SHARED).as_posix()
    name = package_name(contract, "truth_")
    if generate_contract(contract, root / name, label=contract.name).report is None:
        pytest.skip(f"{label} does not generate")
    package = importlib.import_module(name)
    responses = importlib.import_module(f"{name}.runtime.responses")
    mocks = package_mocks(package)
    app = package.create_app(settings=settings_for(package))
    refused: list[str] = []
    routes = [r for r in app.router.routes if getattr(r, "operation", None) is not None]
    for route in routes:
        op = route.operation  # type: ignore[attr-defined]
        mock = mocks[route.routes_class.__module__.rsplit(".", 1)[-1]]  # type: ignore[attr-defined]
        try:
            result = asyncio.run(getattr(mock, op.name)())
        except NotImplementedError:
            refused.append(op.operation_id)
            continue
        documented = frozenset(s.status for s in op.results.values() if s.status is not None)
        responses.render(result, op.results, op.operation_id, documented)  # no violation
    print(f"\n{label}: {len(refused)} of {len(routes)} operations answer 501")
    assert len(refused) <= UNSENDABLE.get(label, 0), refused
