"""Password checks cost the same whether or not the account exists."""

from __future__ import annotations

import asyncio

from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher

from examples.users.passwords import Passwords


class CountingHasher(Argon2Hasher):
    """Argon2 that counts verifications."""

    def __init__(self) -> None:
        super().__init__(time_cost=1, memory_cost=1024, parallelism=1)
        self.verified: list[str] = []

    def verify(self, password: str | bytes, hash: str | bytes) -> bool:
        self.verified.append(str(hash))
        return super().verify(password, hash)


def test_unknown_account_is_checked_against_a_dummy_hash() -> None:
    hasher = CountingHasher()
    passwords = Passwords(PasswordHash((hasher,)))

    async def scenario() -> None:
        stored = await passwords.hash("the real password")
        assert (await passwords.verify("the real password", stored)).valid
        assert not (await passwords.verify("a wrong password", stored)).valid
        assert not (await passwords.verify("the real password", None)).valid
        assert not (await passwords.verify("anything", "garbage, not a hash")).valid

    asyncio.run(scenario())
    # One full Argon2 verification per attempt, the unknown account's included.
    assert len(hasher.verified) == 3
    assert hasher.verified[2].startswith("$argon2id$")
