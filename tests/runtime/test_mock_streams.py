"""`serve --mock` streams too: a few items the item schema accepts, to every request alike."""

from __future__ import annotations

import json
from types import ModuleType

from fastapi.testclient import TestClient

from generator.mock.service import mock_app


def test_the_mock_streams_items_the_schema_accepts(streams_service: ModuleType) -> None:
    client = TestClient(mock_app(streams_service))
    for _ in range(2):  # a second request gets the same items again
        rows = client.get("/rows", params={"mode": "finite"})
        assert rows.status_code == 200, rows.text
        lines = [json.loads(line) for line in rows.text.splitlines()]
        assert 1 <= len(lines) <= 3
        assert all(isinstance(r["id"], int) and len(r["name"]) >= 1 for r in lines)
    ticks = client.get("/ticks", params={"mode": "finite"})
    assert ticks.status_code == 200 and ticks.headers["content-type"].startswith(
        "text/event-stream"
    )
    data = [line[6:] for line in ticks.text.splitlines() if line.startswith("data: ")]
    assert data and all(json.loads(d)["seq"] >= 0 for d in data)
    assert "id: 1" in ticks.text.splitlines()
