"""A correct in-memory implementation of clinic.yaml (for the contract runner's tests).

Pets belong to whoever registered them (another caller gets 404); appointments are shared by
all staff (every caller may read every appointment); an update must name the pet's current
ETag in `If-Match` (412 otherwise); reports are not written yet (501).
"""

from __future__ import annotations

from clinic import Principal, models, results  # type: ignore[import-not-found]
from clinic import create_app as generated_app
from fastapi import FastAPI


def problem(status: int, title: str) -> models.Problem:
    return models.Problem(title=title, status=status)


class Pets:
    def __init__(self) -> None:
        self.pets: dict[int, tuple[models.Pet, int]] = {}  # id -> (pet, version)

    def _etag(self, pet_id: int) -> str:
        return f'"{pet_id}-{self.pets[pet_id][1]}"'

    async def list_pets(self, *, species: list[str] | None, principal: Principal) -> object:
        wanted = set(species) if species else None  # `?species=` (no species) filters nothing
        found = [
            pet
            for pet, _ in self.pets.values()
            if pet.owner == principal.subject and (wanted is None or pet.species in wanted)
        ]
        return results.ListPetsOk(body=found)

    async def create_pet(self, *, body: models.NewPet, principal: Principal) -> object:
        pet_id = len(self.pets) + 1
        pet = models.Pet(id=pet_id, name=body.name, species=body.species, owner=principal.subject)
        self.pets[pet_id] = (pet, 1)
        return results.CreatePetCreated(body=pet, e_tag=self._etag(pet_id))

    def _mine(self, pet_id: int, principal: Principal) -> models.Pet | None:
        found = self.pets.get(pet_id)
        return found[0] if found is not None and found[0].owner == principal.subject else None

    async def get_pet(self, *, pet_id: int, principal: Principal) -> object:
        pet = self._mine(pet_id, principal)
        if pet is None:
            return results.GetPetNotFound(body=problem(404, "Not Found"))
        return results.GetPetOk(body=pet)

    async def update_pet(
        self, *, pet_id: int, if_match: str, body: models.NewPet, principal: Principal
    ) -> object:
        pet = self._mine(pet_id, principal)
        if pet is None:
            return results.UpdatePetNotFound(body=problem(404, "Not Found"))
        if if_match != self._etag(pet_id):
            return results.UpdatePetPreconditionFailed(body=problem(412, "Precondition Failed"))
        updated = models.Pet(id=pet_id, name=body.name, species=body.species, owner=pet.owner)
        self.pets[pet_id] = (updated, self.pets[pet_id][1] + 1)
        return results.UpdatePetOk(body=updated)


class Appointments:
    def __init__(self) -> None:
        self.booked: dict[int, models.Appointment] = {}

    async def book_appointment(
        self, *, body: models.NewAppointment, principal: Principal
    ) -> object:
        appointment = models.Appointment(id=len(self.booked) + 1, reason=body.reason)
        self.booked[appointment.id] = appointment
        return results.BookAppointmentCreated(body=appointment)

    async def get_appointment(self, *, appointment_id: int, principal: Principal) -> object:
        found = self.booked.get(appointment_id)
        if found is None:
            return results.GetAppointmentNotFound(body=problem(404, "Not Found"))
        return results.GetAppointmentOk(body=found)


def create_app() -> FastAPI:
    app: FastAPI = generated_app(pets=Pets(), appointments=Appointments())
    return app
