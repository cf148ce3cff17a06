"""Checks for caller input shared by every domain, each raising InvalidInput with the GraphQL
input field name."""

from __future__ import annotations

import re

from models.errors import InvalidInput

MAX_IDEMPOTENCY_KEY = 100


# Control characters other than tab and line breaks: nobody types them, and PostgreSQL's
# text cannot even hold NUL. Lone surrogates (JSON's "\ud800") are no characters at all:
# they cannot be encoded as UTF-8, so neither the database nor a JSON log could hold them.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")


def printable(value: str, *, field: str) -> str:
    """The value, refused when it carries control characters."""
    if _CONTROL.search(value):
        raise InvalidInput("This contains characters that cannot be stored.", field=field)
    return value


def required_text(value: str, *, field: str, max_length: int) -> str:
    """The text without surrounding blanks; blank or too long is refused."""
    text = printable(value, field=field).strip()
    if not text:
        raise InvalidInput("This cannot be blank.", field=field)
    if len(text) > max_length:
        raise InvalidInput(f"At most {max_length} characters.", field=field)
    return text


def optional_text(value: str | None, *, field: str, max_length: int) -> str | None:
    """The text trimmed, None when absent or blank; refused when longer than max_length."""
    if value is None or not value.strip():
        return None
    return required_text(value, field=field, max_length=max_length)


def bounded_text(value: str, *, field: str, max_length: int) -> str:
    """The text without surrounding blanks, which may be empty but not too long."""
    text = printable(value, field=field).strip()
    if len(text) > max_length:
        raise InvalidInput(f"At most {max_length} characters.", field=field)
    return text


def in_range(value: int, *, field: str, low: int, high: int) -> int:
    if not low <= value <= high:
        raise InvalidInput(f"Must be between {low} and {high}.", field=field)
    return value


def idempotency_key(value: str) -> str:
    key = printable(value, field="idempotencyKey").strip()
    if not key or len(key) > MAX_IDEMPOTENCY_KEY:
        raise InvalidInput(
            f"An idempotency key has 1 to {MAX_IDEMPOTENCY_KEY} characters.",
            field="idempotencyKey",
        )
    return key
