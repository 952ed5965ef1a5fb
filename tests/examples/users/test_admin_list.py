"""GET /users: pagination, filters, sorting and Link headers exactly as the contract says."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from .service import API, Service

Populated = tuple[Service, dict[str, str], list[dict[str, Any]]]
NAMES = ["delta", "Alpha", "charlie", "bravo", "echo"]


@pytest.fixture
def populated(service: Service) -> Populated:
    """Five users (one deactivated, one admin) besides the bootstrap admin."""
    admin = service.admin()
    accounts = [
        service.register(f"{name}@{'corp' if i % 2 else 'example'}.com", display_name=name.title())
        for i, name in enumerate(NAMES)
    ]
    off = service.client.patch(
        f"{API}/users/{accounts[4]['id']}", headers=admin, json={"is_active": False}
    )
    up = service.client.patch(
        f"{API}/users/{accounts[1]['id']}", headers=admin, json={"roles": ["user", "admin"]}
    )
    assert off.status_code == up.status_code == 200
    accounts[4], accounts[1] = off.json(), up.json()
    return service, admin, accounts


def _list(service: Service, headers: dict[str, str], **params: Any) -> dict[str, Any]:
    response = service.client.get(f"{API}/users", headers=headers, params=params)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def test_pages_cover_everything_once(
    populated: Populated,
) -> None:
    service, admin, _ = populated
    seen: list[str] = []
    for page in (1, 2, 3):
        body = _list(service, admin, page=page, per_page=2)
        assert body["page"] == page and body["per_page"] == 2 and body["total"] == 6
        seen += [item["id"] for item in body["items"]]
    assert len(seen) == len(set(seen)) == 6
    past = _list(service, admin, page=4, per_page=2)
    assert past["items"] == [] and past["total"] == 6


def test_default_sort_is_creation_order(
    populated: Populated,
) -> None:
    service, admin, accounts = populated
    body = _list(service, admin)
    assert body["per_page"] == 20
    assert [i["id"] for i in body["items"]][1:] == [a["id"] for a in accounts]
    newest_first = _list(service, admin, sort="-created_at")["items"]
    assert [i["id"] for i in newest_first] == [i["id"] for i in reversed(body["items"])]


@pytest.mark.parametrize("key", ["email", "display_name"])
def test_sort_keys(populated: Populated, key: str) -> None:
    service, admin, _ = populated
    ascending = [i[key] for i in _list(service, admin, sort=key)["items"]]
    # email sorts case-insensitively (it compares that way); display names as stored
    expected = sorted(ascending, key=str.casefold) if key == "email" else sorted(ascending)
    assert ascending == expected
    descending = [i[key] for i in _list(service, admin, sort=f"-{key}")["items"]]
    assert descending == list(reversed(ascending))


def test_filters_combine(populated: Populated) -> None:
    service, admin, _ = populated

    def emails(**params: Any) -> set[str]:
        return {i["email"] for i in _list(service, admin, **params)["items"]}

    assert emails(email="CORP") == {"Alpha@corp.com", "bravo@corp.com"}
    assert emails(email="%") == set()  # LIKE wildcards are matched literally
    assert emails(role="admin") == {"root@example.com", "Alpha@corp.com"}
    assert emails(is_active="false") == {"echo@example.com"}
    assert emails(role="admin", email="corp", is_active="true") == {"Alpha@corp.com"}
    assert len(emails(role="user")) == 6


def test_created_range_is_half_open(
    populated: Populated,
) -> None:
    service, admin, accounts = populated
    middle = accounts[2]["created_at"]
    after = _list(service, admin, created_after=middle)["items"]
    before = _list(service, admin, created_before=middle)["items"]
    assert after[0]["id"] == accounts[2]["id"]  # inclusive
    assert accounts[2]["id"] not in {i["id"] for i in before}  # exclusive
    assert len(after) + len(before) == 6
    empty = _list(service, admin, created_after=middle, created_before=middle)
    assert empty["items"] == [] and empty["total"] == 0
    future = (datetime.now(UTC) + timedelta(days=1)).isoformat()
    assert _list(service, admin, created_after=future)["total"] == 0


def test_link_header_keeps_filters(
    populated: Populated,
) -> None:
    service, admin, _ = populated
    response = service.client.get(
        f"{API}/users",
        headers=admin,
        params={"page": 2, "per_page": 2, "sort": "-email", "is_active": "true"},
    )
    links = dict(reversed(part.split("; ")) for part in response.headers["link"].split(", "))
    assert links == {
        'rel="first"': "</api/v1/users?is_active=true&sort=-email&page=1&per_page=2>",
        'rel="prev"': "</api/v1/users?is_active=true&sort=-email&page=1&per_page=2>",
        'rel="next"': "</api/v1/users?is_active=true&sort=-email&page=3&per_page=2>",
        'rel="last"': "</api/v1/users?is_active=true&sort=-email&page=3&per_page=2>",
    }


def test_parameters_out_of_range_are_400(service: Service) -> None:
    admin = service.admin()
    for params in ({"per_page": 101}, {"page": 0}, {"sort": "password"}, {"role": "root"}):
        assert service.client.get(f"{API}/users", headers=admin, params=params).status_code == 400
