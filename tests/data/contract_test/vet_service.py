"""A correct in-memory implementation of vet.yaml, the issue's held-out clinic (14 operations).

Pets belong to whoever registered them (another caller gets 404); appointments are shared by
all staff (anyone may read or cancel any of them); an update must name the pet's current ETag
in `If-Match` (412 otherwise); partner bookings belong to the partner whose key made them; the
two report operations are not written yet (501).
"""

from __future__ import annotations

from fastapi import FastAPI
from vet import Principal, models, results  # type: ignore[import-not-found]
from vet import create_app as generated_app

VETS = [models.Vet(name="Dr. Herriot"), models.Vet(name="Dr. Dolittle")]


def problem(status: int, title: str) -> models.Problem:
    return models.Problem(title=title, status=status)


class Pets:
    def __init__(self) -> None:
        self.pets: dict[int, tuple[models.Pet, int]] = {}  # id -> (pet, version)
        self.last_id = 0

    def _etag(self, pet_id: int) -> str:
        return f'"{pet_id}-{self.pets[pet_id][1]}"'

    def _mine(self, pet_id: int, principal: Principal) -> models.Pet | None:
        found = self.pets.get(pet_id)
        return found[0] if found is not None and found[0].owner == principal.subject else None

    async def list_pets(self, *, species: list[str] | None, principal: Principal) -> object:
        wanted = set(species) if species else None  # `?species=` (no species) filters nothing
        found = [
            pet
            for pet, _ in self.pets.values()
            if pet.owner == principal.subject and (wanted is None or pet.species in wanted)
        ]
        return results.ListPetsOk(body=found)

    async def create_pet(self, *, body: models.NewPet, principal: Principal) -> object:
        self.last_id += 1
        pet = models.Pet(
            id=self.last_id, name=body.name, species=body.species, owner=principal.subject
        )
        self.pets[pet.id] = (pet, 1)
        return results.CreatePetCreated(body=pet, e_tag=self._etag(pet.id))

    async def get_pet(self, *, pet_id: int, principal: Principal) -> object:
        pet = self._mine(pet_id, principal)
        if pet is None:
            return results.GetPetNotFound(body=problem(404, "Not Found"))
        return results.GetPetOk(body=pet, e_tag=self._etag(pet_id))

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

    async def delete_pet(self, *, pet_id: int, principal: Principal) -> object:
        if self._mine(pet_id, principal) is None:
            return results.DeletePetNotFound(body=problem(404, "Not Found"))
        del self.pets[pet_id]
        return results.DeletePetNoContent()


class Appointments:
    def __init__(self) -> None:
        self.booked: dict[int, models.Appointment] = {}
        self.last_id = 0

    async def list_appointments(self, *, principal: Principal) -> object:
        return results.ListAppointmentsOk(body=list(self.booked.values()))

    async def book_appointment(
        self, *, body: models.NewAppointment, principal: Principal
    ) -> object:
        self.last_id += 1
        appointment = models.Appointment(id=self.last_id, reason=body.reason)
        self.booked[appointment.id] = appointment
        return results.BookAppointmentCreated(body=appointment)

    async def get_appointment(self, *, appointment_id: int, principal: Principal) -> object:
        found = self.booked.get(appointment_id)
        if found is None:
            return results.GetAppointmentNotFound(body=problem(404, "Not Found"))
        return results.GetAppointmentOk(body=found)

    async def cancel_appointment(self, *, appointment_id: int, principal: Principal) -> object:
        if self.booked.pop(appointment_id, None) is None:
            return results.CancelAppointmentNotFound(body=problem(404, "Not Found"))
        return results.CancelAppointmentNoContent()


class Vets:
    async def list_vets(self) -> object:
        return results.ListVetsOk(body=VETS)


class Partner:
    def __init__(self) -> None:
        self.bookings: dict[int, models.PartnerBooking] = {}

    async def create_partner_booking(
        self, *, body: models.NewAppointment, principal: Principal
    ) -> object:
        booking = models.PartnerBooking(
            id=len(self.bookings) + 1, reason=body.reason, partner=principal.subject
        )
        self.bookings[booking.id] = booking
        return results.CreatePartnerBookingCreated(body=booking)

    async def get_partner_booking(self, *, booking_id: int, principal: Principal) -> object:
        found = self.bookings.get(booking_id)
        if found is None or found.partner != principal.subject:
            return results.GetPartnerBookingNotFound(body=problem(404, "Not Found"))
        return results.GetPartnerBookingOk(body=found)


def create_app() -> FastAPI:
    # reports=None: both report operations answer 501 until they are written
    app: FastAPI = generated_app(
        pets=Pets(), appointments=Appointments(), vets=Vets(), partner=Partner()
    )
    return app
