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
from schema.enums import describe_values


@strawberry.enum(description="Why a mutation failed: the code of a payload's UserError.")
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


describe_values(
    ErrorCode,
    {
        "INVALID_INPUT": "The input is not valid; `field` names it.",
        "NOT_FOUND": "No such object, or not one the viewer may see.",
        "ALREADY_EXISTS": "Something with that name or number exists already.",
        "INVALID_CREDENTIALS": "Wrong phone or password, or a refresh token that is not valid.",
        "INVALID_TRANSITION": "That step is not possible from the object's current status.",
        "INSUFFICIENT_POINTS": "The wallet has too few points.",
        "OUT_OF_STOCK": "No units left.",
        "LIMIT_REACHED": "A per-user limit or daily cap is reached.",
        "OFFER_NOT_AVAILABLE": "The offer cannot be redeemed now: paused, ended or out of dates.",
        "VOUCHER_NOT_USABLE": "The voucher is used, cancelled, expired or not this merchant's.",
        "RATE_LIMITED": "Too many attempts; wait and try again.",
    },
)


@strawberry.type(description="A business failure of a mutation, in its payload's `errors`.")
class UserError:
    code: ErrorCode = strawberry.field(description="What went wrong, for clients to branch on.")
    field: str | None = strawberry.field(description="The input field at fault, if one is.")
    message: str = strawberry.field(description="What went wrong, for people to read.")

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
