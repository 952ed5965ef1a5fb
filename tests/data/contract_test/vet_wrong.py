"""vet_service with exactly two real faults, which a contract test must name and nothing else:

- GET /pets/{pet_id} shows any caller anyone's pet (`object_level_authorization`);
- DELETE /appointments/{appointment_id} answers 200 where the contract says 204
  (`status_code_conformance`).
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from starlette.types import Message, Receive, Scope, Send
from vet import Principal, results  # type: ignore[import-not-found]
from vet import create_app as generated_app
from vet_service import Appointments, Partner, Pets, Vets, problem


class LeakyPets(Pets):
    async def get_pet(self, *, pet_id: int, principal: Principal) -> object:
        found = self.pets.get(pet_id)  # whoever asks
        if found is None:
            return results.GetPetNotFound(body=problem(404, "Not Found"))
        return results.GetPetOk(body=found[0], e_tag=self._etag(pet_id))


class CancelledAsOk:
    """ASGI middleware: a cancelled appointment answers 200 where the contract says 204."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "DELETE":
            await self.app(scope, receive, send)
            return

        cancelling = str(scope["path"]).startswith("/vet/appointments/")

        async def rewrite(message: Message) -> None:
            if cancelling and message["type"] == "http.response.start" and message["status"] == 204:
                message = {**message, "status": 200}
            await send(message)

        await self.app(scope, receive, rewrite)


def create_app() -> FastAPI:
    app: FastAPI = generated_app(
        pets=LeakyPets(), appointments=Appointments(), vets=Vets(), partner=Partner()
    )
    app.add_middleware(CancelledAsOk)
    return app
