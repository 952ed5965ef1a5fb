"""A correct in-memory implementation of notes.yaml (for the contract runner's tests).

Imports the package generated from notes.yaml as `notes`. Notes belong to whoever created
them: another caller gets 404, as for a note that does not exist.
"""

from __future__ import annotations

from fastapi import FastAPI
from notes import Principal, models, results  # type: ignore[import-not-found]
from notes import create_app as generated_app


def not_found() -> models.Problem:
    return models.Problem(title="Not Found", status=404)


class Store:
    def __init__(self) -> None:
        self.notes: dict[int, tuple[str, models.Note]] = {}
        self.next_id = 1


class Notes:
    def __init__(self, store: Store, *, check_owner: bool = True) -> None:
        self.store = store
        self.check_owner = check_owner

    async def create_note(self, *, body: models.NewNote, principal: Principal) -> object:
        note_id = self.store.next_id
        self.store.next_id += 1
        text = body.body if isinstance(body.body, str) else ""
        note = models.Note(id=note_id, title=body.title, body=text)
        self.store.notes[note_id] = (principal.subject, note)
        return results.CreateNoteCreated(body=note, location=f"/api/notes/{note_id}")

    def _find(self, note_id: int, principal: Principal) -> models.Note | None:
        found = self.store.notes.get(note_id)
        if found is None or (self.check_owner and found[0] != principal.subject):
            return None
        return found[1]

    async def get_note(self, *, note_id: int, principal: Principal) -> object:
        note = self._find(note_id, principal)
        if note is None:
            return results.GetNoteNotFound(body=not_found())
        return results.GetNoteOk(body=note)

    async def delete_note(self, *, note_id: int, principal: Principal) -> object:
        if self._find(note_id, principal) is None:
            return results.DeleteNoteNotFound(body=not_found())
        del self.store.notes[note_id]
        return results.DeleteNoteNoContent()


class Stats:
    def __init__(self, store: Store) -> None:
        self.store = store

    async def get_stats(self, *, principal: Principal) -> object:
        return results.GetStatsOk(body=models.Stats(notes=len(self.store.notes)))


class Health:
    async def check_health(self) -> object:
        return results.CheckHealthOk(body=models.Health(status=models.HealthStatus.OK))


def create_app() -> FastAPI:
    store = Store()
    app: FastAPI = generated_app(notes=Notes(store), stats=Stats(store), health=Health())
    return app
