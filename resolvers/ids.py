"""Opaque Relay-style global ids ("Type:pk", base64) and page cursors."""

from __future__ import annotations

import base64
import binascii

from models.errors import InvalidInput, NotFound


def _b64(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def _unb64(value: str) -> str | None:
    try:
        return base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None


def _pk(text: str) -> int | None:
    """A primary key written in ASCII digits ("²".isdigit() is true, but int() refuses it),
    at most 18 of them, so it fits a 64-bit integer."""
    if not (text.isascii() and text.isdigit()) or len(text) > 18:
        return None
    return int(text)


# Primary keys are 32-bit integers but for these types, whose tables grow fastest.
INT32_MAX = 2**31 - 1
INT64_MAX = 2**63 - 1
BIG_KEYS = frozenset({"PointsEntry"})


def _fits(type_name: str, pk: int) -> bool:
    return pk <= (INT64_MAX if type_name in BIG_KEYS else INT32_MAX)


def global_id(type_name: str, pk: int) -> str:
    return _b64(f"{type_name}:{pk}")


def parse_global_id(value: str) -> tuple[str, int] | None:
    decoded = _unb64(value)
    if decoded is None or ":" not in decoded:
        return None
    type_name, _, digits = decoded.partition(":")
    pk = _pk(digits)
    if pk is None or not _fits(type_name, pk):
        return None  # no row of that type can have this key
    return type_name, pk


def decode_id(value: str, type_name: str, *, field: str) -> int:
    """The primary key of a global id of the expected type; NotFound for anything else."""
    parsed = parse_global_id(value)
    if parsed is None or parsed[0] != type_name:
        raise NotFound(f"No such {type_name.lower()}.", field=field)
    return parsed[1]


def cursor(pk: int) -> str:
    return _b64(f"cursor:{pk}")


def decode_cursor(value: str | None) -> int | None:
    if value is None:
        return None
    decoded = _unb64(value)
    pk = _pk(decoded[7:]) if decoded is not None and decoded.startswith("cursor:") else None
    if pk is None:
        raise InvalidInput("This cursor is not valid.", field="after")
    return pk
