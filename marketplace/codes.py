"""Voucher codes: unguessable, short enough to read aloud, free of look-alike characters."""

from __future__ import annotations

import secrets

# 32 symbols (5 bits each) without 0, O, 1 and I, which are misread for one another.
ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
LENGTH = 13  # 65 bits from `secrets`: guessing one live code is hopeless
GROUPS = (4, 4, 5)
QR_PREFIX = "gridpoints:voucher:"


def new_code() -> str:
    """A fresh random code, grouped for reading aloud: XXXX-XXXX-XXXXX."""
    return _grouped("".join(secrets.choice(ALPHABET) for _ in range(LENGTH)))


def normalize(text: str) -> str | None:
    """The stored form of a typed or scanned code, or None if it cannot be one."""
    raw = text.strip()
    if raw.lower().startswith(QR_PREFIX):
        raw = raw[len(QR_PREFIX) :]
    symbols = "".join(ch for ch in raw.upper() if ch not in " -")
    if len(symbols) != LENGTH or any(ch not in ALPHABET for ch in symbols):
        return None
    return _grouped(symbols)


def qr_payload(code: str) -> str:
    return f"{QR_PREFIX}{code}"


def _grouped(symbols: str) -> str:
    parts, start = [], 0
    for size in GROUPS:
        parts.append(symbols[start : start + size])
        start += size
    return "-".join(parts)
