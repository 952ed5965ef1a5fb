"""The public category tree, in the language of the `locale` cookie."""

from __future__ import annotations

from typing import Any

from .service import STAFF, Library


def slugs(categories: list[dict[str, Any]]) -> list[str]:
    return [c["slug"] for c in categories]


def test_the_tree_in_english_by_default(reader: Library) -> None:
    response = reader.call("listCategories", "GET", "/categories")
    assert response.headers["Content-Language"] == "en"
    roots = response.json()
    assert slugs(roots) == ["fiction", "non-fiction", "children"]
    assert all(root["parent_slug"] is None for root in roots)
    fiction = roots[0]
    assert slugs(fiction["children"]) == ["poetry", "drama"]
    # Fiction holds Faust and the Caterpillar itself, and Les Fleurs du mal below it.
    assert fiction["book_count"] == 3


def test_names_follow_the_locale_cookie(reader: Library) -> None:
    response = reader.call(
        "getCategory", "GET", "/categories/science", headers={"Cookie": "locale=de"}
    )
    assert response.headers["Content-Language"] == "de"
    science = response.json()
    assert (science["name"], science["parent_slug"]) == ("Naturwissenschaften", "non-fiction")
    assert [(c["slug"], c["name"], c["book_count"]) for c in science["children"]] == [
        ("mathematics", "Mathematik", 1),
        ("computing", "Informatik", 1),
    ]
    assert science["book_count"] == 2
    bad = reader.call("listCategories", "GET", "/categories", headers={"Cookie": "locale=es"})
    assert bad.status_code == 400


def test_counts_cover_the_public_catalogue_only(reader: Library) -> None:
    history = reader.call("getCategory", "GET", "/categories/history", headers=STAFF).json()
    assert history["book_count"] == 1  # the members-only local history is not counted


def test_unknown_categories(reader: Library) -> None:
    missing = reader.call("getCategory", "GET", "/categories/astrology")
    assert (missing.status_code, missing.json()["code"]) == (404, "not_found")
    assert reader.call("getCategory", "GET", "/categories/Not_A_Slug").status_code == 400
