"""Enumerations shared by the models and the domain."""

from enum import StrEnum


class Role(StrEnum):
    RESIDENT = "RESIDENT"
    GRID_MEMBER = "GRID_MEMBER"
    GRID_WORKER = "GRID_WORKER"
    MOBILE_REPORTER = "MOBILE_REPORTER"
    PROPERTY_MANAGER = "PROPERTY_MANAGER"
    MERCHANT = "MERCHANT"
    COMMUNITY_ADMIN = "COMMUNITY_ADMIN"


class AccountKind(StrEnum):
    WALLET = "WALLET"
    MERCHANT = "MERCHANT"
    POOL = "POOL"
    ISSUANCE = "ISSUANCE"  # where funded points come from; the only account below zero
    ESCROW = "ESCROW"  # points held for open holds
    SETTLED = "SETTLED"  # merchants' points paid out by the community


class PointsReason(StrEnum):
    REPORT_VERIFIED = "REPORT_VERIFIED"
    EVENT_ATTENDED = "EVENT_ATTENDED"
    SUGGESTION_ADOPTED = "SUGGESTION_ADOPTED"
    REDEMPTION = "REDEMPTION"
    REFUND = "REFUND"
    EXPIRY = "EXPIRY"
    ADJUSTMENT = "ADJUSTMENT"
    FUNDING = "FUNDING"
    HOLD = "HOLD"
    HOLD_RELEASED = "HOLD_RELEASED"
    SETTLEMENT = "SETTLEMENT"
    DEPOSIT_FORFEITED = "DEPOSIT_FORFEITED"  # a venue deposit kept: no-show, late cancellation


class HoldStatus(StrEnum):
    PENDING = "PENDING"
    POSTED = "POSTED"
    VOIDED = "VOIDED"


class ExpiryRule(StrEnum):
    NEVER = "NEVER"
    MONTHS_AFTER_EARNING = "MONTHS_AFTER_EARNING"
    END_OF_FOLLOWING_YEAR = "END_OF_FOLLOWING_YEAR"


class MerchantStatus(StrEnum):
    PENDING = "PENDING"
    ACTIVE = "ACTIVE"
    SUSPENDED = "SUSPENDED"


class OfferStatus(StrEnum):
    ACTIVE = "ACTIVE"
    PAUSED = "PAUSED"
    ENDED = "ENDED"


class VoucherStatus(StrEnum):
    ISSUED = "ISSUED"
    USED = "USED"
    CANCELLED = "CANCELLED"
    EXPIRED = "EXPIRED"


class ReportCategory(StrEnum):
    SAFETY_HAZARD = "SAFETY_HAZARD"
    SANITATION = "SANITATION"
    FACILITY = "FACILITY"
    DISPUTE = "DISPUTE"
    NOISE = "NOISE"
    OTHER = "OTHER"


class ReportStatus(StrEnum):
    SUBMITTED = "SUBMITTED"
    ACCEPTED = "ACCEPTED"
    DISPATCHED = "DISPATCHED"
    RESOLVED = "RESOLVED"
    VERIFIED = "VERIFIED"
    REJECTED = "REJECTED"
    ESCALATED = "ESCALATED"
    WITHDRAWN = "WITHDRAWN"


class SignupStatus(StrEnum):
    CONFIRMED = "CONFIRMED"
    WAITLISTED = "WAITLISTED"
    CANCELLED = "CANCELLED"
    ATTENDED = "ATTENDED"


class SuggestionStatus(StrEnum):
    SUBMITTED = "SUBMITTED"
    ADOPTED = "ADOPTED"
    DECLINED = "DECLINED"


class NoticeKind(StrEnum):
    ANNOUNCEMENT = "ANNOUNCEMENT"
    POLICY = "POLICY"
    JOB = "JOB"
    ACTIVITY = "ACTIVITY"


class VenueAudience(StrEnum):
    """Who may book a venue: residents, grid staff (members and workers), merchants."""

    RESIDENT = "RESIDENT"
    GRID_STAFF = "GRID_STAFF"
    MERCHANT = "MERCHANT"


class BookingStatus(StrEnum):
    REQUESTED = "REQUESTED"
    CONFIRMED = "CONFIRMED"
    REJECTED = "REJECTED"
    CANCELLED = "CANCELLED"
    CHECKED_IN = "CHECKED_IN"
    COMPLETED = "COMPLETED"
    NO_SHOW = "NO_SHOW"
