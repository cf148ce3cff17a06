"""The domain's enumerations, exposed to GraphQL under their own (the contract's) names."""

from enum import Enum

import strawberry

from models.enums import (
    ExpiryRule,
    HoldStatus,
    MerchantStatus,
    NoticeKind,
    OfferStatus,
    PointsReason,
    ReportCategory,
    ReportStatus,
    Role,
    SignupStatus,
    SuggestionStatus,
    VoucherStatus,
)

# enum -> (its description, each value's description); models/ cannot import strawberry
DESCRIPTIONS: dict[type[Enum], tuple[str, dict[str, str]]] = {
    Role: (
        "What a user may act as; one user may hold several.",
        {
            "RESIDENT": "Lives in the community; every user is one.",
            "GRID_MEMBER": "A volunteer who looks after their micro-grids.",
            "GRID_WORKER": "A full-time worker responsible for their micro-grids.",
            "MOBILE_REPORTER": "Reports hazards on the move, e.g. a delivery rider.",
            "PROPERTY_MANAGER": "Fixes what reports are dispatched to them.",
            "MERCHANT": "Operates a merchant that takes points.",
            "COMMUNITY_ADMIN": "Community staff: may do everything in their community.",
        },
    ),
    PointsReason: (
        "Why points moved.",
        {
            "REPORT_VERIFIED": "Earned: a report was verified.",
            "EVENT_ATTENDED": "Earned: attended an event.",
            "SUGGESTION_ADOPTED": "Earned: a suggestion was adopted.",
            "REDEMPTION": "Spent on a voucher.",
            "REFUND": "Back from a cancelled voucher.",
            "EXPIRY": "A voucher lapsed unused (back to its holder), or points lapsed (back "
            "to the pool).",
            "ADJUSTMENT": "Added or taken by an admin by hand.",
            "FUNDING": "Put into the reward pool by an admin.",
            "HOLD": "Set aside until the work is confirmed (a report verified, a check-in).",
            "HOLD_RELEASED": "Set-aside points returned: the hold was voided or posted for less.",
            "SETTLEMENT": "A merchant's points paid out by the community.",
            "DEPOSIT_FORFEITED": "A venue booking's deposit kept for the pool: a no-show or a "
            "late cancellation by the booker.",
        },
    ),
    MerchantStatus: (
        "Where a merchant is in its approval.",
        {
            "PENDING": "Registered, waiting for an admin's approval; no offers listed.",
            "ACTIVE": "Approved: its offers can be redeemed.",
            "SUSPENDED": "Stopped by an admin: its offers cannot be redeemed.",
        },
    ),
    OfferStatus: (
        "Whether an offer can be redeemed.",
        {
            "ACTIVE": "Can be redeemed (within its validity and stock).",
            "PAUSED": "Held back for now; can be resumed.",
            "ENDED": "Over for good.",
        },
    ),
    VoucherStatus: (
        "Where a voucher is in its life.",
        {
            "ISSUED": "Bought, not yet used.",
            "USED": "Taken by the merchant.",
            "CANCELLED": "Cancelled by its holder; the points went back.",
            "EXPIRED": "Lapsed unused; the points went back.",
        },
    ),
    ReportCategory: (
        "What kind of problem a report is about.",
        {
            "SAFETY_HAZARD": "A danger to people, e.g. a loose manhole cover.",
            "SANITATION": "Rubbish, dirt or pests.",
            "FACILITY": "Something broken, e.g. a street light.",
            "DISPUTE": "A quarrel between neighbours, for mediation.",
            "NOISE": "Noise at unreasonable hours.",
            "OTHER": "Anything else.",
        },
    ),
    ReportStatus: (
        "Where a report is in its workflow.",
        {
            "SUBMITTED": "Reported, waiting for its grid's staff.",
            "ACCEPTED": "Taken on by the grid's staff.",
            "DISPATCHED": "Sent to someone to fix.",
            "RESOLVED": "Fixed, waiting to be verified.",
            "VERIFIED": "Checked on site; the reporter earned points.",
            "REJECTED": "Closed as not actionable.",
            "ESCALATED": "Handed up to the community's admins.",
            "WITHDRAWN": "Taken back by its reporter before it was dispatched.",
        },
    ),
    SignupStatus: (
        "Where a signup for an event stands.",
        {
            "CONFIRMED": "Has a place.",
            "WAITLISTED": "Waiting for a place.",
            "CANCELLED": "Given up.",
            "ATTENDED": "Checked in at the event.",
        },
    ),
    SuggestionStatus: (
        "Where a suggestion stands.",
        {
            "SUBMITTED": "Waiting for review.",
            "ADOPTED": "Adopted; the author earned points.",
            "DECLINED": "Not taken up.",
        },
    ),
    ExpiryRule: (
        "When points expire after they are earned.",
        {
            "NEVER": "They never expire.",
            "MONTHS_AFTER_EARNING": "A set number of months after they were earned.",
            "END_OF_FOLLOWING_YEAR": "On 31 December of the year after they were earned.",
        },
    ),
    HoldStatus: (
        "Where a hold stands.",
        {
            "PENDING": "Set aside, not yet spendable; counted as pending points.",
            "POSTED": "Confirmed: the points were paid.",
            "VOIDED": "Cancelled: the points went back.",
        },
    ),
    NoticeKind: (
        "What a notice is about.",
        {
            "ANNOUNCEMENT": "General news.",
            "POLICY": "A rule or policy.",
            "JOB": "A job opening.",
            "ACTIVITY": "An activity to join.",
        },
    ),
}


def describe_values(enum: type[Enum], descriptions: dict[str, str]) -> None:
    """Give each value of a strawberry enum its description (every value needs one)."""
    for value in enum.__strawberry_definition__.values:  # type: ignore[attr-defined]
        value.description = descriptions[value.name]


for _enum, (_description, _values) in DESCRIPTIONS.items():
    strawberry.enum(_enum, description=_description)
    describe_values(_enum, _values)

__all__ = [
    "ExpiryRule",
    "HoldStatus",
    "MerchantStatus",
    "NoticeKind",
    "OfferStatus",
    "PointsReason",
    "ReportCategory",
    "ReportStatus",
    "Role",
    "SignupStatus",
    "SuggestionStatus",
    "VoucherStatus",
    "describe_values",
]
