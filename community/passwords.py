"""Password hashing with argon2id, off the event loop (one hash costs ~100 ms of CPU)."""

from __future__ import annotations

import asyncio

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()
# Verified when the phone is unknown, so a wrong phone costs the same time as a wrong password.
_DUMMY_HASH = _hasher.hash("gridpoints-timing-equaliser")


def secret_bytes(text: str) -> bytes:
    """UTF-8, and for the lone surrogates JSON can carry some bytes too (a password with one
    is then simply wrong, never an internal error); the same bytes as UTF-8 for all else."""
    return text.encode("utf-8", "surrogatepass")


async def hash_password(password: str) -> str:
    return await asyncio.to_thread(_hasher.hash, secret_bytes(password))


def _verify(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, secret_bytes(password))
    except (VerificationError, InvalidHashError):
        return False


async def verify_password(password_hash: str | None, password: str) -> bool:
    """Check a password; with no hash, spend the same time and answer False."""
    if password_hash is None:
        await asyncio.to_thread(_verify, _DUMMY_HASH, password)
        return False
    return await asyncio.to_thread(_verify, password_hash, password)
