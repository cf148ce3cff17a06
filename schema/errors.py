"""How failures reach clients.

Business failures (models.errors.UserFacingError) become `errors: [UserError!]!` in the
mutation's payload. Not being logged in or not being allowed become GraphQL errors with
extensions.code UNAUTHENTICATED or FORBIDDEN, and a null field, as the contract says.
"""

from __future__ import annotations

from enum import Enum

import strawberry
from graphql import GraphQLError

from models.errors import DomainError, UserFacingError


@strawberry.enum
class ErrorCode(Enum):
    INVALID_INPUT = "INVALID_INPUT"
    NOT_FOUND = "NOT_FOUND"
    ALREADY_EXISTS = "ALREADY_EXISTS"
    INVALID_CREDENTIALS = "INVALID_CREDENTIALS"
    INVALID_TRANSITION = "INVALID_TRANSITION"
    INSUFFICIENT_POINTS = "INSUFFICIENT_POINTS"
    OUT_OF_STOCK = "OUT_OF_STOCK"
    LIMIT_REACHED = "LIMIT_REACHED"
    OFFER_NOT_AVAILABLE = "OFFER_NOT_AVAILABLE"
    VOUCHER_NOT_USABLE = "VOUCHER_NOT_USABLE"
    RATE_LIMITED = "RATE_LIMITED"
    POOL_EXHAUSTED = "POOL_EXHAUSTED"
    ISSUANCE_CAP_REACHED = "ISSUANCE_CAP_REACHED"
    SLOT_TAKEN = strawberry.enum_value(
        "SLOT_TAKEN", description="The venue's time overlaps another booking that holds it."
    )
    BOOKING_BLOCKED = strawberry.enum_value(
        "BOOKING_BLOCKED",
        description="Booking is blocked for a while after repeated no-shows.",
    )


@strawberry.type
class UserError:
    code: ErrorCode
    field: str | None
    message: str

    @classmethod
    def of(cls, error: UserFacingError) -> UserError:
        return cls(code=ErrorCode(error.code), field=error.field, message=error.message)


def graphql_error(error: DomainError) -> GraphQLError:
    """A GraphQL error carrying the domain code for clients to branch on."""
    return GraphQLError(error.message, extensions={"code": error.code})


def is_expected(error: GraphQLError) -> bool:
    """Domain errors and GraphQL's own are shown; anything else is masked.

    GraphQL's own errors are those without a path: syntax, validation and variable coercion
    (which wraps the scalar's parse error). Our code runs in resolvers, whose errors have one.
    """
    original = error.original_error
    return original is None or isinstance(original, DomainError) or not error.path
