"""Small pure pieces of the contract runner: options, credentials, prefixes, reports."""

from __future__ import annotations

import base64
import json
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import jwt
import pytest

from generator.contract.credentials import (
    Identity,
    generated_identities,
    hash_api_key,
    plan_credentials,
    service_env,
)
from generator.contract.events import (
    CaseOutcome,
    Event,
    Finding,
    PhaseFinished,
    RunStarted,
    ScenarioFinished,
    Summary,
)
from generator.contract.options import CHECKS, OptionsError, TestOptions, load_project_options
from generator.contract.report import render_json, render_junit, summarize
from generator.contract.runner import RunPlan, build_config, selected_operations
from generator.contract.session import Target, env_prefixes, server_path

SECRET = "s" * 40
DOC: dict[str, Any] = {
    "openapi": "3.0.3",
    "security": [{"bearer": ["base"]}],
    "paths": {
        "/a": {
            "get": {"operationId": "readA", "tags": ["a"]},  # top-level security applies
            "post": {"operationId": "writeA", "tags": ["a"], "security": [{"bearer": ["a:w"]}]},
        },
        "/b": {
            "get": {"operationId": "readB", "security": [{}, {"key": []}]},
            "put": {
                "operationId": "putB",
                "security": [{"basic": [], "bearer": ["x"]}, {"cookie": []}],
            },
            "delete": {"operationId": "deleteB", "security": []},
        },
        "/c": {"get": {"operationId": "readC", "security": [{"mtls": []}]}},
    },
    "components": {
        "securitySchemes": {
            "bearer": {"type": "http", "scheme": "bearer"},
            "key": {"type": "apiKey", "in": "query", "name": "api_key"},
            "cookie": {"type": "apiKey", "in": "cookie", "name": "sid"},
            "basic": {"type": "http", "scheme": "basic"},
            "mtls": {"type": "mutualTLS"},
        }
    },
}


def test_options_from_table_and_flags() -> None:
    options = TestOptions.from_table({"max-examples": 5, "checks": "all", "seed": "random"})
    assert options.max_examples == 5 and options.seed is None and options.checks == CHECKS
    flagged = options.merged(exclude_checks="ignored_auth, use_after_free", workers="auto")
    assert "ignored_auth" not in flagged.enabled_checks and flagged.workers == "auto"
    assert TestOptions().seed is not None  # a gate is reproducible by default


@pytest.mark.parametrize(
    "table",
    [
        {"max-examples": 0},
        {"max-examples": True},
        {"checks": ["nope"]},
        {"phases": "warp"},
        {"mode": "chaos"},
        {"colour": "red"},
        {"continue-on-failure": "yes"},
        {"schemathesis": 3},
    ],
)
def test_bad_options_are_refused(table: dict[str, Any]) -> None:
    with pytest.raises(OptionsError):
        TestOptions.from_table(table)


def test_project_options_file(tmp_path: Path) -> None:
    pyproject = tmp_path / "pyproject.toml"
    assert load_project_options(pyproject) == TestOptions()
    pyproject.write_text(
        "[tool.specfirst.test]\nworkers = 2\n[tool.specfirst.test.schemathesis]\nrequest-retries = 1\n"
    )
    options = load_project_options(pyproject)
    assert options.workers == 2 and options.schemathesis == {"request-retries": 1}
    pyproject.write_text("[tool.specfirst.test]\nworkers = 'lots'\n")
    with pytest.raises(OptionsError, match=r"pyproject\.toml"):
        load_project_options(pyproject)


def test_each_operation_gets_the_first_satisfiable_requirement() -> None:
    alice, bob = generated_identities(DOC)
    plan = plan_credentials(DOC, identities=(alice, bob), jwt_secret=SECRET)
    assert plan.requirements["GET /a"] == (("bearer", ("base",)),)
    assert plan.requirements["POST /a"] == (("bearer", ("a:w",)),)
    assert plan.requirements["GET /b"] == (("key", ()),)  # non-empty before `{}`
    assert plan.requirements["PUT /b"] == (("cookie", ()),)  # basic AND bearer share a header
    assert plan.requirements["DELETE /b"] is None
    assert plan.unsatisfied == ("GET /c",)
    assert plan.peers == ("alice", "bob")


def test_credentials_carry_the_scopes_and_go_where_the_contract_says() -> None:
    alice, bob = generated_identities(DOC)
    plan = plan_credentials(DOC, identities=(alice, bob), jwt_secret=SECRET, audience="api")
    sent = plan.credentials("POST /a", bob)
    assert sent is not None
    token = sent.headers["Authorization"].removeprefix("Bearer ")
    claims = jwt.decode(token, SECRET, algorithms=["HS256"], audience="api")
    assert claims["sub"] == "bob" and claims["scope"] == "a:w"
    query = plan.credentials("GET /b", alice)
    assert query is not None and query.query == {"api_key": alice.secrets["key"]}
    cookie = plan.credentials("PUT /b", alice)
    assert cookie is not None and cookie.cookies == {"sid": alice.secrets["cookie"]}
    assert plan.credentials("DELETE /b", alice) is None


def test_basic_credentials_and_service_environment() -> None:
    doc = {
        "paths": {"/x": {"get": {"security": [{"basic": []}]}}},
        "components": {
            "securitySchemes": {
                "basic": {"type": "http", "scheme": "basic"},
                "key": {"type": "apiKey", "in": "header", "name": "K"},
            }
        },
    }
    alice, bob = generated_identities(doc)
    plan = plan_credentials(doc, identities=(alice, bob), jwt_secret=None)
    sent = plan.credentials("GET /x", alice)
    assert sent is not None
    user, _, password = (
        base64.b64decode(sent.headers["Authorization"].split()[1]).decode().partition(":")
    )
    assert user == "alice" and password
    env, unset = service_env(plan, "SVC_")
    assert json.loads(env["SVC_API_KEY_HASHES"]) == {
        "alice": hash_api_key(alice.secrets["key"]),
        "bob": hash_api_key(bob.secrets["key"]),
    }
    from pwdlib import PasswordHash

    assert PasswordHash.recommended().verify(password, json.loads(env["SVC_BASIC_USERS"])["alice"])
    assert (
        "SVC_JWT_SECRET" not in env and "SVC_JWKS_URL" not in unset and "SVC_JWT_JWKS_URL" in unset
    )


def test_a_peer_without_credentials_is_dropped() -> None:
    plan = plan_credentials(
        DOC,
        identities=(Identity("alice", {"key": "k1", "cookie": "c1"}), Identity("bob")),
        jwt_secret=SECRET,
    )
    assert [i.name for i in plan.identities] == ["alice"] and plan.peers == ()


def test_env_prefixes_and_server_path() -> None:
    assert env_prefixes(Target(app="svc.main:create_app"), Path("users.yaml")) == ("SVC_", "USERS_")
    assert env_prefixes(Target(app="app:create", env_prefix="shop"), Path("x.yaml")) == ("shop_",)
    assert env_prefixes(Target(url="http://x"), Path("specs/my-api.yaml")) == ("MY_API_",)
    assert server_path({"servers": [{"url": "/api/v1/"}]}) == "/api/v1"
    assert server_path({}) == ""


def test_filters_and_schemathesis_config() -> None:
    options = TestOptions(
        include_tags=("a",), exclude_operation_ids=("writeA",), max_response_time=2.0
    )
    assert selected_operations(DOC, options) == ("GET /a",)
    plan = plan_credentials(DOC, identities=generated_identities(DOC), jwt_secret=SECRET)
    config = build_config(RunPlan(DOC, "http://h/api", options, plan), seed=3)
    assert config["seed"] == 3 and config["base-url"] == "http://h/api"
    assert config["checks"]["max_response_time"] == 2.0
    assert config["checks"]["ignored_auth"] == {"enabled": True}
    assert config["phases"]["stateful"] == {"enabled": True}
    import schemathesis

    schemathesis.Config.from_dict(config)  # schemathesis accepts what we build


def _summary() -> Summary:
    curl = "curl -X GET 'http://h/a'"
    finding = Finding(
        "not_a_server_error", "ST101", "ServerError", "Server error", "boom\x00\x1b", "GET /a", curl
    )
    events: list[Event] = [
        RunStarted("http://h", ("GET /a", "POST /a"), 1, ("fuzzing",), CHECKS, ("alice",), ()),
        ScenarioFinished(
            "fuzzing", "GET /a", "failure", (CaseOutcome("GET /a", 500, True),), (finding,)
        ),
        ScenarioFinished(
            "fuzzing", "GET /a", "failure", (CaseOutcome("GET /a", 500, True),), (finding,)
        ),
        PhaseFinished("fuzzing", "failure"),
    ]
    return summarize("notes.yaml", events, secured=frozenset({"POST /a"}))


def test_failures_are_deduplicated_and_reports_render() -> None:
    summary = _summary()
    assert len(summary.failures) == 1 and summary.failures[0].occurrences == 2
    assert summary.cases == 2 and summary.tested == ("GET /a",) and not summary.passed
    data = json.loads(render_json(summary))
    assert data["failures_by_check"] == {"not_a_server_error": 1}
    assert data["operations"]["untested"] == ["POST /a"]
    suite = ET.fromstring(render_junit(summary).split("?>", 1)[1])  # control characters escaped
    assert suite.get("failures") == "1" and suite.get("skipped") == "1"
    failure = suite.find("testcase[@name='GET /a']/failure")
    assert failure is not None and failure.get("type") == "not_a_server_error"
    assert "\\x00" in (failure.text or "")


def test_the_schemathesis_table_is_merged_under_our_settings() -> None:
    options = TestOptions.from_table(
        {
            "checks": "all",
            "schemathesis": {
                "checks": {"negative_data_rejection": {"expected-statuses": ["400", "415"]}},
                "phases": {"stateful": {"max-steps": 5}},
                "generation": {"max-examples": 1000},
                "request-retries": 1,
            },
        }
    )
    plan = plan_credentials(DOC, identities=generated_identities(DOC), jwt_secret=SECRET)
    config = build_config(RunPlan(DOC, "http://h", options, plan), seed=1)
    # The built-in's settings stay (specfirst's reading of it calls it with them); ours runs.
    assert config["checks"]["negative_data_rejection"] == {
        "expected-statuses": ["400", "415"],
        "enabled": False,
    }
    assert config["checks"]["specfirst_negative_data_rejection"] == {"enabled": True}
    assert config["phases"]["stateful"] == {"max-steps": 5, "enabled": True}
    assert config["generation"]["max-examples"] == 100  # ours win
    assert config["request-retries"] == 1
    import schemathesis

    schemathesis.Config.from_dict(config)
