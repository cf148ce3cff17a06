"""The domain's enumerations, exposed under the contract's names."""

import strawberry

from models import enums

Role = strawberry.enum(enums.Role, name="Role")
PointsReason = strawberry.enum(enums.PointsReason, name="PointsReason")
MerchantStatus = strawberry.enum(enums.MerchantStatus, name="MerchantStatus")
OfferStatus = strawberry.enum(enums.OfferStatus, name="OfferStatus")
VoucherStatus = strawberry.enum(enums.VoucherStatus, name="VoucherStatus")
ReportCategory = strawberry.enum(enums.ReportCategory, name="ReportCategory")
ReportStatus = strawberry.enum(enums.ReportStatus, name="ReportStatus")
SignupStatus = strawberry.enum(enums.SignupStatus, name="SignupStatus")
SuggestionStatus = strawberry.enum(enums.SuggestionStatus, name="SuggestionStatus")
NoticeKind = strawberry.enum(enums.NoticeKind, name="NoticeKind")
