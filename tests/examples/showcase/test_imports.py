"""Imports: partner key AND operator password (or OAuth2), 202 + polling, private to the partner."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, timedelta

from examples.showcase.store import Store

from .service import (
    OPERATOR,
    OPERATOR_HEADERS,
    OTHER_PARTNER_KEY,
    PARTNER,
    Clock,
    Library,
    basic,
    bearer,
)

FEED = {"source_url": "https://partner.example.org/feeds/onix-2025-05.xml", "format": "onix"}


def test_a_job_is_queued_runs_and_succeeds() -> None:
    clock = Clock(datetime(2025, 5, 2, 9, 0, tzinfo=UTC))
    library = Library(store=Store(clock=clock), import_queue_seconds=5, import_run_seconds=10)
    started = library.call(
        "startImport", "POST", "/imports", headers=OPERATOR_HEADERS, json=FEED | {"dry_run": True}
    )
    assert started.status_code == 202
    job = started.json()
    assert (job["status"], job["dry_run"], job["finished_at"], job["error"]) == (
        "queued",
        True,
        None,
        None,
    )
    assert job["counts"] == {"created": 0, "updated": 0, "skipped": 0}
    assert started.headers["Retry-After"] == "5"
    path = started.headers["Location"].removeprefix("http://testserver/showcase/v2")
    assert path == f"/imports/{job['id']}"

    def poll() -> dict[str, object]:
        response = library.call("getImport", "GET", path, headers=OPERATOR_HEADERS)
        assert response.status_code == 200
        body: dict[str, object] = response.json()
        return body

    assert poll() == job
    clock.now += timedelta(seconds=5)
    assert poll()["status"] == "running"
    clock.now += timedelta(seconds=10)
    done = poll()
    assert (done["status"], done["finished_at"]) == ("succeeded", "2025-05-02T09:00:15Z")
    assert done["counts"] != {"created": 0, "updated": 0, "skipped": 0}
    clock.now += timedelta(days=31)  # jobs are kept 30 days after they finish
    assert library.call("getImport", "GET", path, headers=OPERATOR_HEADERS).status_code == 404


def test_an_unreachable_feed_fails_with_an_error(library: Library) -> None:
    feed = FEED | {"source_url": "https://feeds.partner.invalid/onix.xml"}
    job = library.call(
        "startImport", "POST", "/imports", headers=OPERATOR_HEADERS, json=feed
    ).json()
    polled = library.call("getImport", "GET", f"/imports/{job['id']}", headers=OPERATOR_HEADERS)
    assert polled.json()["status"] == "failed"
    assert polled.json()["error"]["code"] == "source_unreachable"


def test_jobs_are_private_to_the_credential_that_started_them(library: Library) -> None:
    job = library.call(
        "startImport", "POST", "/imports", headers=OPERATOR_HEADERS, json=FEED
    ).json()
    globex = {"X-API-Key": OTHER_PARTNER_KEY, **basic(OPERATOR, "op3rator-password")}
    other = library.call("getImport", "GET", f"/imports/{job['id']}", headers=globex)
    assert (other.status_code, other.json()["code"]) == (404, "not_found")
    client = bearer("acme", ["imports:run"])  # the same partner as an OAuth2 client
    assert (
        library.call("getImport", "GET", f"/imports/{job['id']}", headers=client).status_code == 200
    )
    mine = library.call(
        "startImport", "POST", "/imports", headers=bearer("etl-bot", ["imports:run"]), json=FEED
    )
    assert mine.status_code == 202 and mine.json()["requested_from"] == "0.0.0.0"


def test_import_refusals(library: Library) -> None:
    def start(headers: dict[str, str], body: Mapping[str, object] = FEED) -> int:
        return library.call(
            "startImport", "POST", "/imports", headers=headers, json=body
        ).status_code

    assert start(PARTNER) == 401  # the key alone is not enough
    assert start(basic(OPERATOR, "op3rator-password")) == 401  # nor the password alone
    assert start({**PARTNER, **basic(OPERATOR, "wrong password")}) == 401
    assert start(bearer("etl-bot", ["catalog:write"])) == 403  # an OAuth2 client without the scope
    assert start(OPERATOR_HEADERS, FEED | {"source_url": "http://insecure.example.org/x"}) == 400
    assert start(OPERATOR_HEADERS, FEED | {"source_url": "https://exa mple.org/x"}) == 400
    assert start(OPERATOR_HEADERS, FEED | {"format": "pdf"}) == 400
    missing = library.call(
        "getImport",
        "GET",
        "/imports/00000000-0000-4000-8000-000000000000",
        headers=OPERATOR_HEADERS,
    )
    assert missing.status_code == 404


class _Subscriber:
    """A partner's receiver of the `importFinished` callback: records each typed job."""

    def __init__(self) -> None:
        self.jobs: list[object] = []

    async def notify_loan_due(self, *, event: object, delivery: object) -> None:
        raise AssertionError("no loan falls due here")

    async def import_finished(self, *, event: object, delivery: object) -> None:
        self.jobs.append(event)


def test_the_import_finished_callback_reaches_the_partner_signed() -> None:
    import generated.showcase
    from tests.webhooks.conftest import serving

    secret = "whsec_" + "c2hvd2Nhc2UtY2FsbGJhY2stc2VjcmV0"
    subscriber = _Subscriber()
    receiving = generated.showcase.Settings(webhook_secrets=[secret])
    app = generated.showcase.webhooks.create_receiver_app(subscriber, settings=receiving)
    with serving(app) as partner:
        library = Library(
            import_queue_seconds=0,
            import_run_seconds=0,
            webhook_signing_secret=secret,
            webhook_allowed_networks=["127.0.0.1/32"],
        )
        callback = {"callback_url": f"{partner}/webhooks/import_finished"}
        started = library.call(
            "startImport", "POST", "/imports", headers=OPERATOR_HEADERS, json=FEED | callback
        )
    assert started.status_code == 202, started.text
    [job] = subscriber.jobs
    assert isinstance(job, generated.showcase.models.ImportJob)
    assert str(job.id) == started.json()["id"] and job.status == "succeeded"


def test_without_a_signing_secret_no_callback_is_sent() -> None:
    import generated.showcase
    from tests.webhooks.conftest import serving

    subscriber = _Subscriber()
    receiving = generated.showcase.Settings(webhook_secrets=["any-secret"])
    app = generated.showcase.webhooks.create_receiver_app(subscriber, settings=receiving)
    with serving(app) as partner:
        library = Library(import_queue_seconds=0, import_run_seconds=0)
        callback = {"callback_url": f"{partner}/webhooks/import_finished"}
        started = library.call(
            "startImport", "POST", "/imports", headers=OPERATOR_HEADERS, json=FEED | callback
        )
    assert started.status_code == 202
    assert subscriber.jobs == []
