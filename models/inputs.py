"""Checks for caller input shared by every domain, each raising InvalidInput with the GraphQL
input field name."""

from __future__ import annotations

from models.errors import InvalidInput

MAX_IDEMPOTENCY_KEY = 100


def required_text(value: str, *, field: str, max_length: int) -> str:
    """The text without surrounding blanks; blank or too long is refused."""
    text = value.strip()
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
    text = value.strip()
    if len(text) > max_length:
        raise InvalidInput(f"At most {max_length} characters.", field=field)
    return text


def in_range(value: int, *, field: str, low: int, high: int) -> int:
    if not low <= value <= high:
        raise InvalidInput(f"Must be between {low} and {high}.", field=field)
    return value


def idempotency_key(value: str) -> str:
    key = value.strip()
    if not key or len(key) > MAX_IDEMPOTENCY_KEY:
        raise InvalidInput(
            f"An idempotency key has 1 to {MAX_IDEMPOTENCY_KEY} characters.",
            field="idempotencyKey",
        )
    return key
