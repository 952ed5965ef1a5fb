"""No false verdicts: the tester reads the contract (and the request) the way the service does.

clinic.yaml is the issue's veterinary clinic in small: a conditional update (412/428), pets
owned by their creator, appointments shared by staff, an `explode: false` array, and an
operation nobody implemented yet (501).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from generator.contract.events import CaseOutcome, ScenarioFinished
from generator.contract.expectations import Expectations, OperationFacts, read_owner
from generator.contract.report import Tally
from generator.contract.wire import WireReader
from generator.pipeline import check_contract
from tests.contract_test.conftest import CLINIC, DATA, FAST, Outcome

RunCli = Callable[..., Outcome]


@pytest.fixture(scope="module")
def reader() -> WireReader:
    checked = check_contract(CLINIC)
    assert checked.spec is not None
    return WireReader.from_spec(checked.spec)


@pytest.mark.parametrize(
    ("query", "valid"),
    [
        ("species=", True),  # an empty explode: false array: the service reads []
        ("species=cat,dog", True),
        ("", True),
        ("species=fish", False),
        ("species=cat&species=dog", False),  # explode: false takes one value
    ],
)
def test_the_tester_reads_parameters_as_the_generated_runtime_does(
    reader: WireReader, query: str, valid: bool
) -> None:
    url = f"http://127.0.0.1:1/api/pets?{query}"
    assert reader.parameters_valid("GET /pets", "GET", url, {}) is valid


def test_path_and_header_parameters_are_read_too(reader: WireReader) -> None:
    label, url = "PUT /pets/{pet_id}", "http://h/api/pets/3"
    assert reader.parameters_valid(label, "PUT", url, {"If-Match": '"3-1"'}) is True
    assert reader.parameters_valid(label, "PUT", url, {}) is False  # If-Match is required
    assert reader.parameters_valid(label, "PUT", "http://h/api/pets/0", {"If-Match": "x"}) is False


def test_documented_answers_to_the_request_sent_are_valid() -> None:
    facts = OperationFacts("PUT /x", "/paths/~1x/put", frozenset({"200", "409", "412", "428"}))
    assert facts.valid_answer(412, ["If-Match"])  # the precondition failed: documented
    assert not facts.valid_answer(412, [])  # 412 without a precondition is wrong
    assert facts.valid_answer(428, []) and not facts.valid_answer(428, ["If-Match"])
    assert facts.valid_answer(409, [])
    assert not facts.valid_answer(410, [])  # not documented
    covered = OperationFacts("GET /y", "/paths/~1y/get", frozenset({"200", "default"}))
    assert covered.valid_answer(410, []) and not covered.valid_answer(422, [])


def test_ownership_comes_from_operations_tags_and_settings() -> None:
    checked = check_contract(CLINIC)
    assert checked.spec is not None
    found = Expectations.from_document(checked.spec.root)
    assert found.operations["GET /pets/{pet_id}"].ownership.checked
    shared = found.operations["GET /appointments/{appointment_id}"].ownership
    assert (shared.kind, shared.detail) == ("shared", "shared by role `staff`")
    assert found.operations["GET /reports"].ownership.kind == "undeclared"
    table = {"getPet": False, "tag:reports": {"field": "owner"}}
    overridden = Expectations.from_document(checked.spec.root, table)
    assert not overridden.operations["GET /pets/{pet_id}"].ownership.checked
    assert overridden.operations["GET /reports"].ownership.checked
    assert read_owner(42) is None


def test_refused_credentials_count_only_requests_that_carried_them() -> None:
    tally = Tally("c.yaml", frozenset({"POST /b"}))
    cases = [CaseOutcome("POST /b", 401, True, credentialed=False) for _ in range(59)]
    cases += [CaseOutcome("POST /b", 412, True, credentialed=True) for _ in range(3)]
    tally.add(ScenarioFinished("fuzzing", "POST /b", "success", tuple(cases), ()))
    assert not any("authentication" in w for w in tally.warnings())
    refused = [CaseOutcome("POST /b", 401, True, credentialed=True)] * 4
    tally = Tally("c.yaml", frozenset({"POST /b"}))
    tally.add(ScenarioFinished("fuzzing", "POST /b", "success", tuple(refused + cases[:59]), ()))
    assert any(
        "all 4 requests sent with the test credentials answered 401" in w for w in tally.warnings()
    )


def test_a_correct_clinic_passes_with_501_reported_once(run_cli: RunCli) -> None:
    outcome = run_cli(str(CLINIC), "--app", "clinic_service:create_app", *FAST)
    assert outcome.exit_code == 0, outcome.output
    summary = outcome.summary
    assert summary["failures"] == [] and summary["errors"] == []
    assert summary["warnings"] == []
    assert [u.split(":")[0] for u in summary["unimplemented"]] == ["GET /reports"]
    skipped = "\n".join(summary["skipped"])
    assert "GET /appointments/{appointment_id}: shared by role `staff` (" in skipped
    assert "clinic.yaml:14)" in skipped
    assert "GET /reports: no ownership declared" in skipped
    assert "GET /pets/{pet_id}" not in skipped  # owned: the check ran there


def test_501_is_a_failure_only_when_asked(run_cli: RunCli) -> None:
    outcome = run_cli(
        str(CLINIC),
        "--app",
        "clinic_service:create_app",
        "--include-tag",
        "reports",
        "--fail-unimplemented",
        *FAST,
    )
    assert outcome.exit_code == 1, outcome.output
    failures = outcome.summary["failures"]
    assert [(f["check"], f["operation"]) for f in failures] == [("unimplemented", "GET /reports")]


def test_every_rule_an_explanation_names_exists() -> None:
    from generator.contract.explain import PREDICTS
    from generator.spec.catalogue import rule_of

    for rules in PREDICTS.values():
        for rule in rules:
            assert rule_of(rule).id == rule


def test_a_failure_the_contract_causes_names_the_validate_rule(run_cli: RunCli) -> None:
    # notes_lax.yaml leaves out createNote's 400; the service (built from notes.yaml) sends it.
    outcome = run_cli(
        str(DATA / "notes_lax.yaml"),
        "--app",
        "notes_service:create_app",
        "--include-operation-id",
        "createNote",
        "--env-prefix",
        "NOTES_",
        *FAST,
    )
    assert outcome.exit_code == 1, outcome.output
    (failure,) = [f for f in outcome.summary["failures"] if f["status"] == 400]
    assert failure["check"] == "status_code_conformance"
    assert failure["fault"] == "contract"
    assert failure["rule"] == "undocumented-validation-status"
    assert failure["source"].endswith("notes_lax.yaml:26")
    assert "[undocumented-validation-status]" in outcome.output


def test_an_empty_explode_false_array_is_not_called_invalid(run_cli: RunCli) -> None:
    # schemathesis sends `?species=` as an invalid array; the service reads [] (and answers 200)
    outcome = run_cli(
        str(CLINIC),
        "--app",
        "clinic_service:create_app",
        "--include-operation-id",
        "listPets",
        "--mode",
        "negative",
        "--phases",
        "coverage,fuzzing",
        "--max-examples",
        "100",
        "--seed",
        "5",
    )
    assert outcome.exit_code == 0, outcome.output  # main failed here: ST201 on `?species=`
    assert not outcome.summary.get("failures"), outcome.output
    # Whether schemathesis draws `?species=` itself varies with what ran before it in the same
    # process (the reading is pinned by the reader tests above); when it does, the summary
    # says the case was read as valid rather than blaming the service.
    notes = [s for s in outcome.summary["skipped"] if s.startswith("negative_data_rejection")]
    assert all("GET /pets: a request built to be invalid is valid" in s for s in notes), notes


def _multipart(alt_text: str) -> tuple[dict[str, str], bytes]:
    boundary = "b0undary"
    parts = [
        ('name="cover"; filename="c.png"', "image/png", b"\x89PNG\r\n\x1a\nrest"),
        ('name="alt_text"', "text/plain; charset=utf-8", alt_text.encode()),
    ]
    body = b"".join(
        f"--{boundary}\r\nContent-Disposition: form-data; {disposition}\r\n"
        f"Content-Type: {media}\r\n\r\n".encode()
        + content
        + b"\r\n"
        for disposition, media, content in parts
    )
    body += f"--{boundary}--\r\n".encode()
    return {"Content-Type": f"multipart/form-data; boundary={boundary}"}, body


def test_bodies_are_read_as_the_generated_runtime_does() -> None:
    checked = check_contract(Path(__file__).parents[2] / "specs" / "showcase.yaml")
    assert checked.spec is not None
    reader = WireReader.from_spec(checked.spec)
    label, url = "PUT /books/{book_id}/media", "http://h/showcase/v2/books/1002/media"
    # a number "became" text in a form part: on the wire it is the text a client may send
    headers, body = _multipart("4.776745127635735e-141")
    assert reader.request_valid(label, "PUT", url, headers, body) is True
    headers, body = _multipart("")  # minLength: 1
    assert reader.request_valid(label, "PUT", url, headers, body) is False
    json_headers = {"Content-Type": "application/json"}
    assert reader.request_valid(label, "PUT", url, json_headers, b"{}") is False  # a 415


def test_opaque_part_media_types_get_a_serializer() -> None:
    from schemathesis.transport.requests import REQUESTS_TRANSPORT

    from generator.contract.runner import register_serializers

    media = "application/x-specfirst-opaque-part"
    content = {"multipart/form-data": {"encoding": {"file": {"contentType": media}}}}
    document = {"paths": {"/u": {"post": {"requestBody": {"content": content}}}}}
    assert REQUESTS_TRANSPORT.get_first_matching_media_type(media) is None
    assert register_serializers(document) == (media,)  # "Serialization not possible" before
    assert REQUESTS_TRANSPORT.get_first_matching_media_type(media) is not None
    assert register_serializers(document) == ()


def test_an_anonymous_creation_is_not_the_callers_resource(monkeypatch: pytest.MonkeyPatch) -> None:
    from types import SimpleNamespace

    from schemathesis.openapi.checks import EnsureResourceAvailability
    from schemathesis.specs.openapi import checks as builtin

    from generator.contract import checks

    def missing(created: str) -> object:
        def check(ctx: object, response: object, case: object) -> None:
            raise EnsureResourceAvailability(
                operation="POST /x",
                message="",
                created_with=created,
                not_available_with="DELETE /x/{id}",
            )

        return check

    schema = object()
    case = SimpleNamespace(operation=SimpleNamespace(schema=schema, label="POST /x"))
    judge = checks.Judge(Expectations(), secured=frozenset({"DELETE /x/{id}", "POST /y"}))
    checks.attach(schema, judge)
    try:
        monkeypatch.setattr(builtin, "ensure_resource_availability", missing("POST /x"))
        assert checks.specfirst_ensure_resource_availability(None, None, case) is None
        assert judge.not_theirs == {"DELETE /x/{id}"}
        monkeypatch.setattr(builtin, "ensure_resource_availability", missing("POST /y"))
        with pytest.raises(EnsureResourceAvailability):  # the caller made it: it must be there
            checks.specfirst_ensure_resource_availability(None, None, case)
    finally:
        checks.detach(schema)


def _checked_case(label: str, url: str, method: str, **meta: object) -> tuple[object, object]:
    """A case of a fresh schema and the response to it, as schemathesis hands them to a check."""
    from types import SimpleNamespace

    request = SimpleNamespace(method=method, url=url, headers={}, body=None)
    response = SimpleNamespace(request=request, status_code=400, headers={})
    phase = SimpleNamespace(name=SimpleNamespace(value=meta.get("phase", "fuzzing")))
    case_meta = SimpleNamespace(phase=phase, pool_draws=meta.get("pool_draws", ()))
    operation = SimpleNamespace(schema=object(), label=label)
    return SimpleNamespace(operation=operation, meta=case_meta), response


def test_a_link_fed_value_the_contract_refuses_is_not_valid_data(
    reader: WireReader, monkeypatch: pytest.MonkeyPatch
) -> None:
    # clerk-bapi: a link feeds another response's value into a path parameter with an enum;
    # the service rightly answers 400 and the built-in check still calls the case valid.
    from schemathesis.openapi.checks import RejectedPositiveData
    from schemathesis.specs.openapi import checks as builtin

    from generator.contract import checks

    def rejected(ctx: object, response: object, case: object) -> None:
        raise RejectedPositiveData(
            operation="GET /pets/{pet_id}", message="", status_code=400, allowed_statuses=[]
        )

    monkeypatch.setattr(builtin, "positive_data_acceptance", rejected)
    facts = Expectations.from_document({"paths": {"/pets/{pet_id}": {"get": {"responses": {}}}}})
    label, bad, good = "GET /pets/{pet_id}", "http://h/api/pets/0", "http://h/api/pets/3"
    for url, meta, excused in [
        (bad, {"phase": "stateful"}, True),  # pet_id 0 breaks `minimum: 1`
        (bad, {"pool_draws": ("pet_id",)}, True),
        (bad, {"phase": "fuzzing"}, False),  # generated from the schema: a real rejection
        (good, {"phase": "stateful"}, False),  # a valid value refused: the service's fault
    ]:
        case, response = _checked_case(label, url, "GET", **meta)
        judge = checks.Judge(facts, reader)
        checks.attach(case.operation.schema, judge)  # type: ignore[attr-defined]
        try:
            if excused:
                assert checks.specfirst_positive_data_acceptance(None, response, case) is None
                assert judge.fed_invalid == {label}
                assert "its refusal is right" in judge.excusals()[0]
            else:
                with pytest.raises(RejectedPositiveData):
                    checks.specfirst_positive_data_acceptance(None, response, case)
        finally:
            checks.detach(case.operation.schema)  # type: ignore[attr-defined]


@pytest.mark.parametrize("check", ["use_after_free", "ensure_resource_availability"])
def test_stateful_checks_skip_answers_from_a_stateless_mock(
    check: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from schemathesis.specs.openapi import checks as builtin

    from generator.contract import checks
    from generator.mock import STATELESS, STATELESS_HEADER

    def fails(ctx: object, response: object, case: object) -> None:
        raise AssertionError("the built-in check ran")

    monkeypatch.setattr(builtin, check, fails)
    ours = getattr(checks, f"specfirst_{check}")
    case, response = _checked_case("GET /pets/{pet_id}", "http://h/api/pets/3", "GET")
    judge = checks.Judge(Expectations())
    checks.attach(case.operation.schema, judge)  # type: ignore[attr-defined]
    try:
        response.headers = {STATELESS_HEADER: [STATELESS]}  # type: ignore[attr-defined]
        assert ours(None, response, case) is None
        assert judge.excusals() == [
            f"{check}: GET /pets/{{pet_id}}: skipped: stateless mock (the answer came from "
            "`serve --mock`, which keeps no state)"
        ]
        response.headers = {}  # type: ignore[attr-defined]  # a real service: the check runs
        with pytest.raises(AssertionError, match="the built-in check ran"):
            ours(None, response, case)
    finally:
        checks.detach(case.operation.schema)  # type: ignore[attr-defined]


FORM = """\
openapi: 3.0.3
info: {title: form, version: "1"}
paths:
  /labels:
    post:
      operationId: addLabels
      requestBody:
        required: true
        content:
          application/x-www-form-urlencoded:
            schema:
              type: object
              required: [name]
              properties:
                name: {type: string}
                tags: {type: array, items: {type: string}}
      responses:
        "204": {description: added}
        "400": {description: invalid}
"""


def test_a_one_item_form_array_is_valid_data_not_a_missed_rejection(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # schemathesis sends `tags=AAA` as "tags: Incorrect type"; on the wire it is the one-item
    # array ["AAA"], which the service rightly accepts (petstore3's photoUrls).
    from types import SimpleNamespace

    from schemathesis.core.failures import AcceptedNegativeData
    from schemathesis.specs.openapi import checks as builtin

    from generator.contract import checks

    contract = tmp_path / "form.yaml"
    contract.write_text(FORM)
    checked = check_contract(contract)
    assert checked.spec is not None
    reader = WireReader.from_spec(checked.spec)

    def accepted(ctx: object, response: object, case: object) -> None:
        raise AcceptedNegativeData(
            operation="POST /labels",
            message="in body - tags: Incorrect type",
            status_code=204,
            expected_statuses=[],
        )

    monkeypatch.setattr(builtin, "negative_data_rejection", accepted)
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    for body, counted in [(b"name=a&tags=AAA", False), (b"tags=AAA", True)]:  # `name` required
        request = SimpleNamespace(method="POST", url="http://h/labels", headers=form, body=body)
        response = SimpleNamespace(request=request, status_code=204, headers={})
        case = SimpleNamespace(operation=SimpleNamespace(schema=object(), label="POST /labels"))
        judge = checks.Judge(Expectations(), reader)
        checks.attach(case.operation.schema, judge)
        try:
            if counted:
                with pytest.raises(AcceptedNegativeData):
                    checks.specfirst_negative_data_rejection(None, response, case)
            else:
                assert checks.specfirst_negative_data_rejection(None, response, case) is None
                assert judge.read_valid == {"POST /labels"}
        finally:
            checks.detach(case.operation.schema)
