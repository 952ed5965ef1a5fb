"""Password hashing with pwdlib (Argon2id), off the event loop and in constant time per attempt."""

from __future__ import annotations

import logging
from dataclasses import dataclass

import anyio
from pwdlib import PasswordHash
from pwdlib.exceptions import UnknownHashError

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Verdict:
    """The outcome of a check; `new_hash` is set when the stored hash should be upgraded."""

    valid: bool
    new_hash: str | None = None


class Passwords:
    """Hashes and verifies passwords in worker threads, at most `concurrency` at a time.

    Argon2id with `PasswordHash.recommended()` costs ~64 MiB and a few hundred milliseconds per
    call, so the limiter keeps a burst of sign-ins from exhausting memory, and running in a
    thread keeps the event loop serving other requests.
    """

    def __init__(self, hasher: PasswordHash | None = None, *, concurrency: int = 4) -> None:
        self._hasher = hasher or PasswordHash.recommended()
        self._limiter = anyio.CapacityLimiter(concurrency)
        # Verified when the account does not exist, so that costs as much as a wrong password.
        self._dummy = self._hasher.hash("specfirst dummy password, never a real one")

    async def hash(self, password: str) -> str:
        """The salted hash to store."""
        return await anyio.to_thread.run_sync(self._hasher.hash, password, limiter=self._limiter)

    async def verify(self, password: str, stored: str | None) -> Verdict:
        """Check `password` against `stored`; `None` (no such account) is checked against a dummy.

        An unreadable stored hash counts as a mismatch (and is logged), never as an error.
        """
        try:
            valid, new_hash = await anyio.to_thread.run_sync(
                self._hasher.verify_and_update,
                password,
                stored or self._dummy,
                limiter=self._limiter,
            )
        except UnknownHashError:
            logger.error("stored password hash has an unknown format")
            return Verdict(False)
        return Verdict(valid and stored is not None, new_hash if stored is not None else None)
