"""Which unexpected errors mean "the database is briefly unavailable" (SERVICE_UNAVAILABLE,
retry) rather than a bug (INTERNAL_SERVER_ERROR): the restart fault test meets each of these."""

from __future__ import annotations

import asyncpg
import pytest
from tortoise.exceptions import OperationalError

from schema.masking import database_unreachable


def _raised_from(cause: BaseException) -> OperationalError:
    try:
        raise OperationalError(str(cause)) from cause
    except OperationalError as wrapped:
        return wrapped


@pytest.mark.parametrize(
    "error",
    [
        ConnectionRefusedError("connect call failed"),
        asyncpg.exceptions.AdminShutdownError("terminating connection due to administrator"),
        asyncpg.exceptions.CannotConnectNowError("the database system is starting up"),
        asyncpg.exceptions.ConnectionDoesNotExistError("connection was closed in the middle"),
        asyncpg.exceptions.InternalClientError(
            "cannot switch to state 12; another operation (2) is in progress"
        ),
    ],
    ids=lambda error: type(error).__name__,
)
def test_a_lost_or_restarting_database_is_unavailable_even_when_wrapped(
    error: BaseException,
) -> None:
    assert database_unreachable(error)
    assert database_unreachable(_raised_from(error))


@pytest.mark.parametrize(
    "error",
    [
        ValueError("bad"),
        asyncpg.exceptions.UniqueViolationError("duplicate key"),
        asyncpg.exceptions.InternalClientError("unexpected codec error"),
        None,
    ],
    ids=lambda error: type(error).__name__,
)
def test_anything_else_is_not(error: BaseException | None) -> None:
    assert not database_unreachable(error)
    if error is not None:
        assert not database_unreachable(_raised_from(error))
