"""Domain exceptions, shared by every layer above the models.

    DomainError                 code, message, field
    ├── NotAuthenticated        no viewer where one is needed        -> GraphQL error
    ├── Forbidden               the viewer may not do this           -> GraphQL error
    └── UserFacingError         a business failure the caller can act on -> payload `errors`
        ├── InvalidInput        (field names the input)
        ├── NotFound
        ├── AlreadyExists
        ├── InvalidCredentials
        ├── InvalidTransition
        ├── InsufficientPoints
        ├── OutOfStock
        ├── LimitReached
        ├── OfferNotAvailable
        ├── VoucherNotUsable
        ├── RateLimited
        ├── PoolExhausted
        ├── IssuanceCapReached
        ├── SlotTaken           (a venue's time is held by another booking)
        └── BookingBlocked      (no-shows keep the person from booking for a while)

Domain functions raise these; the GraphQL layer maps them, and nothing else, to responses.
"""

from __future__ import annotations


class DomainError(Exception):
    code = "INTERNAL"
    default_message = "Something went wrong."

    def __init__(self, message: str | None = None, *, field: str | None = None) -> None:
        self.message = message or self.default_message
        self.field = field
        super().__init__(self.message)


class NotAuthenticated(DomainError):
    code = "UNAUTHENTICATED"
    default_message = "You need to log in."


class Forbidden(DomainError):
    code = "FORBIDDEN"
    default_message = "You are not allowed to do this."


class UserFacingError(DomainError):
    pass


class InvalidInput(UserFacingError):
    code = "INVALID_INPUT"
    default_message = "The input is not valid."


class NotFound(UserFacingError):
    code = "NOT_FOUND"
    default_message = "Not found."


class AlreadyExists(UserFacingError):
    code = "ALREADY_EXISTS"
    default_message = "It already exists."


class InvalidCredentials(UserFacingError):
    code = "INVALID_CREDENTIALS"
    default_message = "Wrong phone number or password."


class InvalidTransition(UserFacingError):
    code = "INVALID_TRANSITION"
    default_message = "That step is not possible from the current state."


class InsufficientPoints(UserFacingError):
    code = "INSUFFICIENT_POINTS"
    default_message = "Not enough points."


class OutOfStock(UserFacingError):
    code = "OUT_OF_STOCK"
    default_message = "This offer is out of stock."


class LimitReached(UserFacingError):
    code = "LIMIT_REACHED"
    default_message = "You have reached the limit for this offer."


class OfferNotAvailable(UserFacingError):
    code = "OFFER_NOT_AVAILABLE"
    default_message = "This offer is not available."


class VoucherNotUsable(UserFacingError):
    code = "VOUCHER_NOT_USABLE"
    default_message = "This voucher cannot be used."


class RateLimited(UserFacingError):
    code = "RATE_LIMITED"
    default_message = "Too many attempts. Try again later."


class PoolExhausted(UserFacingError):
    code = "POOL_EXHAUSTED"
    default_message = "The reward pool does not hold enough points: an admin must fund it."


class IssuanceCapReached(UserFacingError):
    code = "ISSUANCE_CAP_REACHED"
    default_message = "This would issue more points this month than the community's cap allows."


class SlotTaken(UserFacingError):
    code = "SLOT_TAKEN"
    default_message = "This time overlaps another booking of the venue."


class BookingBlocked(UserFacingError):
    code = "BOOKING_BLOCKED"
    default_message = "You cannot book venues for a while after repeated no-shows."
