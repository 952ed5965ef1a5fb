"""A deliberately broken implementation of notes.yaml; each bug is one a contract test must name.

- POST /notes answers 200 instead of the documented 201 (`status_code_conformance`);
- GET /notes/{note_id} leaves out the required `body` field (`response_schema_conformance`)
  and shows any caller anyone's note (`object_level_authorization`);
- GET /health crashes with an undocumented 500 (`not_a_server_error`);
- GET /stats accepts any API key at all (`ignored_auth`).
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from notes import Principal, models, results  # type: ignore[import-not-found]
from notes import create_app as generated_app
from notes.settings import Settings  # type: ignore[import-not-found]
from notes_service import Notes, Stats, Store, not_found
from starlette.types import Message, Receive, Scope, Send


class LeakyNotes(Notes):
    async def get_note(self, *, note_id: int, principal: Principal) -> object:
        note = self._find(note_id, principal)
        if note is None:
            return results.GetNoteNotFound(body=not_found())
        # Built without validation: the required `body` never reaches the response.
        return results.GetNoteOk(body=models.Note.model_construct(id=note.id, title=note.title))


class CrashingHealth:
    async def check_health(self) -> object:
        raise RuntimeError("the database is gone")


async def anyone(scheme: str, key: str) -> Principal:
    return Principal("whoever")


class CreatedAsOk:
    """ASGI middleware: POST /api/notes answers 200 where the contract says 201."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "POST" or scope["path"] != "/api/notes":
            await self.app(scope, receive, send)
            return

        async def rewrite(message: Message) -> None:
            if message["type"] == "http.response.start" and message["status"] == 201:
                message = {**message, "status": 200}
            await send(message)

        await self.app(scope, receive, rewrite)


def create_app() -> FastAPI:
    store = Store()
    app: FastAPI = generated_app(
        # The runtime would answer 500 for the leaky note; `log` sends it, for the tester to see.
        settings=Settings(response_checks="log"),
        notes=LeakyNotes(store, check_owner=False),
        stats=Stats(store),
        health=CrashingHealth(),
        api_key_verifier=anyone,
    )
    app.add_middleware(CreatedAsOk)
    return app
