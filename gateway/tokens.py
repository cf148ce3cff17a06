"""Access tokens: short-lived JWTs checked as RFC 8725 asks.

One pinned algorithm (HS256), required sub/exp/iat/iss/aud/jti, an explicit `typ` so no
other token is ever taken for an access token, a small leeway, and a key ring by `kid` so a
previous key keeps verifying while a new one signs.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import jwt

from gateway.settings import Settings

ALGORITHM = "HS256"
ACCESS_TYPE = "access"
LEEWAY_SECONDS = 10
REQUIRED_CLAIMS = ["sub", "exp", "iat", "iss", "aud", "jti"]
# The one form `issue_access_token` writes: ASCII digits without leading zeros. `str.isdigit`
# and `int()` would also take "0001" or Arabic-Indic "١" as user 1.
CANONICAL_SUBJECT = re.compile(r"[1-9][0-9]{0,17}")  # below 2**63: a bigint id


class TokenRejected(Exception):
    """An access token that was presented and failed a check; `code` says which way."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


EXPIRED = "TOKEN_EXPIRED"
INVALID = "TOKEN_INVALID"


@dataclass(frozen=True, slots=True)
class AccessClaims:
    user_id: int
    expires_at: float  # seconds since the epoch, as in `exp`


def key_id(secret: str) -> str:
    """A stable, non-secret name for a key: the start of its hash."""
    return hashlib.sha256(secret.encode()).hexdigest()[:12]


@dataclass(frozen=True, slots=True)
class TokenService:
    settings: Settings

    def _keys(self) -> dict[str, str]:
        secrets_live = [self.settings.jwt_secret]
        if self.settings.jwt_previous_secret:
            secrets_live.append(self.settings.jwt_previous_secret)
        return {key_id(secret): secret for secret in secrets_live}

    def issue_access_token(self, user_id: int) -> str:
        now = datetime.now(UTC)
        claims = {
            "sub": str(user_id),
            "iat": now,
            "exp": now + timedelta(minutes=self.settings.access_token_minutes),
            "iss": self.settings.jwt_issuer,
            "aud": self.settings.jwt_audience,
            "jti": secrets.token_hex(12),
            "typ": ACCESS_TYPE,
        }
        secret = self.settings.jwt_secret
        return jwt.encode(claims, secret, algorithm=ALGORITHM, headers={"kid": key_id(secret)})

    def verify(self, token: str) -> AccessClaims:
        """The claims of a valid access token; TokenRejected (expired or invalid) otherwise."""
        try:
            header = jwt.get_unverified_header(token)
            secret = self._keys().get(str(header.get("kid")))
            if secret is None:
                raise TokenRejected(INVALID, "The access token is not valid.")
            claims = jwt.decode(
                token,
                secret,
                algorithms=[ALGORITHM],
                audience=self.settings.jwt_audience,
                issuer=self.settings.jwt_issuer,
                leeway=LEEWAY_SECONDS,
                options={"require": REQUIRED_CLAIMS},
            )
        except jwt.ExpiredSignatureError as error:
            raise TokenRejected(EXPIRED, "The access token has expired.") from error
        except jwt.PyJWTError as error:
            raise TokenRejected(INVALID, "The access token is not valid.") from error
        subject = claims["sub"]
        if claims.get("typ") != ACCESS_TYPE or not (
            isinstance(subject, str) and CANONICAL_SUBJECT.fullmatch(subject)
        ):
            raise TokenRejected(INVALID, "The access token is not valid.")
        return AccessClaims(int(subject), float(claims["exp"]) + LEEWAY_SECONDS)

    def user_id_from(self, token: str) -> int | None:
        """The user an access token speaks for, or None for any token that fails a check."""
        try:
            return self.verify(token).user_id
        except TokenRejected:
            return None
