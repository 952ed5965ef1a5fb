"""Loans: the discriminated `delivery` union, object-level access (404), renewals and returns."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from examples.showcase.seed import SAMPLE_LOAN_ID, SAMPLE_MEMBER_ID
from examples.showcase.store import Store
from generated.showcase import models

from .service import STAFF, Clock, Library, bearer, member_token, session

ADDRESS = {
    "recipient": "Ada Lovelace",
    "street": "12 St James's Square",
    "city": "London",
    "postal_code": "SW1Y 4JH",
    "country": "GB",
}


@pytest.fixture
def ada(library: Library) -> dict[str, str]:
    """A registered member's OpenID Connect token."""
    return member_token(library.register()["id"])


def due(days: int) -> str:
    return (datetime.now(UTC).date() + timedelta(days=days)).isoformat()


@pytest.mark.parametrize(
    ("book_id", "delivery"),
    [
        (1001, {"method": "pickup", "branch": "NTH"}),
        (1001, {"method": "post", "address": ADDRESS}),
        (1003, {"method": "digital", "email": "ada@example.com"}),  # an e-book
    ],
)
def test_each_delivery_variant(
    library: Library, ada: dict[str, str], book_id: int, delivery: dict[str, Any]
) -> None:
    created = library.borrow(ada, book_id, delivery=delivery, days=28)
    assert created.status_code == 201, created.text
    loan = created.json()
    assert loan["delivery"] == delivery  # the variant `method` selected, nothing added
    assert (loan["status"], loan["renewals"], loan["returned_at"]) == ("active", 0, None)
    assert loan["due_on"] == due(28)
    assert created.headers["Location"].endswith(f"/loans/{loan['id']}")
    assert "X-RateLimit-Remaining" in created.headers
    read = library.call("getLoan", "GET", f"/loans/{loan['id']}", headers=ada)
    assert read.json() == loan


def test_deliveries_that_fit_no_variant_are_rejected(library: Library, ada: dict[str, str]) -> None:
    for delivery in (
        {"method": "pickup", "address": ADDRESS},  # the fields of another variant
        {"method": "drone", "branch": "CEN"},
        {"branch": "CEN"},
        {"method": "post", "address": ADDRESS | {"country": "gb"}},
    ):
        assert library.borrow(ada, 1001, delivery=delivery).status_code == 400, delivery
    assert library.borrow(ada, 1001, days=10).status_code == 400  # whole weeks only
    assert library.borrow(ada, 1001, days=None).status_code == 400


def test_borrowing_conflicts(library: Library, ada: dict[str, str]) -> None:
    missing = library.borrow(ada, 999)
    assert (missing.status_code, missing.json()["code"]) == (404, "book_not_found")
    printed = library.borrow(ada, 1001, delivery={"method": "digital", "email": "ada@example.com"})
    assert (printed.status_code, printed.json()["code"]) == (409, "not_digital")
    assert library.borrow(ada, 1002).status_code == 201  # its only copy
    gone = library.borrow(ada, 1002)
    assert (gone.status_code, gone.json()["code"]) == (409, "unavailable")
    small = Library(member_loan_limit=1)
    grace = session()  # Grace already has one loan in the sample data
    limit = small.borrow(grace, 1001)
    assert (limit.status_code, limit.json()["code"]) == (409, "loan_limit")


def test_members_see_only_their_own_loans(library: Library, ada: dict[str, str]) -> None:
    graces = f"/loans/{SAMPLE_LOAN_ID}"
    assert library.call("getLoan", "GET", graces, headers=session()).status_code == 200
    for op, method, path in (
        ("getLoan", "GET", graces),
        ("renewLoan", "POST", graces + "/renewals"),
        ("returnLoan", "POST", graces + "/return"),
        ("getLoan", "GET", "/loans/00000000-0000-4000-8000-000000000000"),
    ):
        response = library.call(op, method, path, headers=ada)
        assert (response.status_code, response.json()["code"]) == (404, "not_found"), path
    assert library.store.loans[SAMPLE_LOAN_ID].returned_at is None
    assert library.call("getLoan", "GET", graces).status_code == 401
    assert library.call("getLoan", "GET", "/loans/not-a-uuid", headers=ada).status_code == 400


def test_the_loan_desk_acts_for_a_member(library: Library) -> None:
    desk = bearer("desk-app", ["loans:manage"], {"member_id": str(SAMPLE_MEMBER_ID)})
    created = library.borrow(desk, 1005)
    assert created.status_code == 201 and created.json()["member_id"] == str(SAMPLE_MEMBER_ID)
    graces = library.call("getLoan", "GET", f"/loans/{SAMPLE_LOAN_ID}", headers=desk)
    assert graces.status_code == 200  # the desk sees every loan
    nobody = library.borrow(bearer("desk-app", ["loans:manage"]), 1005)
    assert (nobody.status_code, nobody.json()["code"]) == (403, "member_required")
    no_scope = library.borrow(STAFF, 1005)  # neither `openid` nor `loans:manage`
    assert no_scope.status_code == 403


def test_renewals(library: Library, ada: dict[str, str]) -> None:
    loan = library.borrow(ada, 1001).json()
    path = f"/loans/{loan['id']}/renewals"
    default = library.call("renewLoan", "POST", path, headers=ada)  # no body: 14 days
    assert (default.json()["due_on"], default.json()["renewals"]) == (due(28), 1)
    three_weeks = library.call("renewLoan", "POST", path, headers=ada, json={"days": 21})
    assert three_weeks.json()["due_on"] == due(49)
    assert library.call("renewLoan", "POST", path, headers=ada, json={}).json()["renewals"] == 3
    limit = library.call("renewLoan", "POST", path, headers=ada)
    assert (limit.status_code, limit.json()["code"]) == (409, "renewal_limit")
    for bad in ({"days": 30}, {"days": None}, {"weeks": 2}):
        assert library.call("renewLoan", "POST", path, headers=ada, json=bad).status_code == 400
    faust = library.borrow(ada, 1004).json()  # someone has reserved Faust
    reserved = library.call("renewLoan", "POST", f"/loans/{faust['id']}/renewals", headers=ada)
    assert (reserved.status_code, reserved.json()["code"]) == (409, "reserved")


def test_returns(library: Library, ada: dict[str, str]) -> None:
    loan = library.borrow(ada, 1002).json()
    assert (
        library.call("getBook", "GET", "/books/1002", headers=STAFF).json()["available_copies"] == 0
    )
    path = f"/loans/{loan['id']}"
    returned = library.call("returnLoan", "POST", path + "/return", headers=ada)
    assert (returned.status_code, returned.content) == (204, b"")
    assert (
        library.call("getBook", "GET", "/books/1002", headers=STAFF).json()["available_copies"] == 1
    )
    again = library.call("returnLoan", "POST", path + "/return", headers=ada)
    assert (again.status_code, again.json()["code"]) == (409, "returned")
    renew = library.call("renewLoan", "POST", path + "/renewals", headers=ada)
    assert (renew.status_code, renew.json()["code"]) == (409, "returned")
    read = library.call("getLoan", "GET", path, headers=ada).json()
    assert read["status"] == "returned" and read["returned_at"] is not None


def test_loans_past_their_due_date_are_overdue() -> None:
    clock = Clock(datetime(2025, 5, 2, 10, 30, tzinfo=UTC))
    library = Library(store=Store(clock=clock))
    ada = member_token(library.register()["id"])
    library.store.add_book(
        models.BookInput(
            title="T",
            authors=["A"],
            isbn="9780000000200",
            language="en",
            copies_by_branch={"CEN": 1},
        )
    )
    loan = library.borrow(ada, 1001).json()
    assert (loan["due_on"], loan["status"]) == ("2025-05-16", "active")
    clock.now += timedelta(days=15)
    overdue = library.call("getLoan", "GET", f"/loans/{loan['id']}", headers=ada).json()
    assert overdue["status"] == "overdue"
    renewed = library.call("renewLoan", "POST", f"/loans/{loan['id']}/renewals", headers=ada).json()
    assert (renewed["due_on"], renewed["status"]) == ("2025-05-30", "active")
