"""The codes of top-level GraphQL errors (`errors[].extensions.code`): one vocabulary.

Payload errors use the schema's `ErrorCode` enum; every error outside a payload carries one of
these, or, for a domain error raised by a query, its `ErrorCode` value. The README lists them.
"""

from __future__ import annotations

from enum import StrEnum


class TopLevelCode(StrEnum):
    # The HTTP request itself
    BAD_REQUEST = "BAD_REQUEST"  # not JSON, not UTF-8, wrong shape, bad multipart, no query
    PAYLOAD_TOO_LARGE = "PAYLOAD_TOO_LARGE"
    METHOD_NOT_ALLOWED = "METHOD_NOT_ALLOWED"  # a mutation by GET or over a WebSocket
    CSRF_PREVENTED = "CSRF_PREVENTED"  # a multipart request without a preflight-forcing header
    # The document
    GRAPHQL_PARSE_FAILED = "GRAPHQL_PARSE_FAILED"
    GRAPHQL_VALIDATION_FAILED = "GRAPHQL_VALIDATION_FAILED"
    BAD_USER_INPUT = "BAD_USER_INPUT"  # variables that do not coerce
    OPERATION_NOT_FOUND = "OPERATION_NOT_FOUND"  # operationName names no operation
    QUERY_TOO_DEEP = "QUERY_TOO_DEEP"
    TOO_MANY_ALIASES = "TOO_MANY_ALIASES"
    TOO_MANY_TOKENS = "TOO_MANY_TOKENS"
    QUERY_TOO_COMPLEX = "QUERY_TOO_COMPLEX"  # over the cost budget
    PAGE_SIZE_OUT_OF_RANGE = "PAGE_SIZE_OUT_OF_RANGE"  # `first` outside 0..100
    PERSISTED_QUERY_NOT_FOUND = "PERSISTED_QUERY_NOT_FOUND"
    PERSISTED_QUERY_NOT_ALLOWED = "PERSISTED_QUERY_NOT_ALLOWED"  # trusted-documents mode
    # Who is asking
    UNAUTHENTICATED = "UNAUTHENTICATED"
    FORBIDDEN = "FORBIDDEN"
    TOKEN_EXPIRED = "TOKEN_EXPIRED"
    TOKEN_INVALID = "TOKEN_INVALID"
    RATE_LIMITED = "RATE_LIMITED"
    # The server
    INTERNAL_SERVER_ERROR = "INTERNAL_SERVER_ERROR"  # masked; the log has the stack
    SERVICE_UNAVAILABLE = "SERVICE_UNAVAILABLE"
