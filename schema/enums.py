"""The domain's enumerations, exposed to GraphQL under their own (the contract's) names."""

import strawberry

from models.enums import (
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

for _enum in (
    Role,
    PointsReason,
    MerchantStatus,
    OfferStatus,
    VoucherStatus,
    ReportCategory,
    ReportStatus,
    SignupStatus,
    SuggestionStatus,
    NoticeKind,
):
    strawberry.enum(_enum)

__all__ = [
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
]
