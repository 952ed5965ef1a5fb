"""`serve --mock` on our contracts and every OpenAPI 3.x contract of the corpus: each operation,
called with minimal valid inputs (and credentials), answers its success status with a response
that schemathesis's conformance checks accept (status, media type, headers, body schema).

The corpus part is skipped when ../shared/corpus is absent. The app is built in-process.
"""

from __future__ import annotations

import copy
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

from generator.mock.service import mock_app
from tests.mock.corpus import (
    CORPUS,
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
    schema = schemathesis.openapi.from_dict(copy.deepcopy(document))
    called = 0
    for path, method, op in _operations(document):
        kwargs = inputs(document, path, method)
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
