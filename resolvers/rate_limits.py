"""The rate-limit policies, by name: a member of `RateLimit` is the only way to ask for one,
so a misspelt policy is a type error and an AttributeError at import, never a KeyError (a
masked 500) in the middle of a request.

They live here, below `schema/` and `gateway/`, because resolvers, the mutation budget and the
limiter all name them; the counting itself is `gateway/ratelimit.py`.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


@dataclass(frozen=True, slots=True)
class Limit:
    name: str  # the counter's key prefix in Redis
    per_window: int
    window_seconds: int
    sensitive: bool = False  # fails closed when the shared store is unreachable


class RateLimit(Enum):
    LOGIN_PER_PHONE = Limit("login-phone", 10, 300, sensitive=True)
    LOGIN_PER_ADDRESS = Limit("login-address", 50, 300, sensitive=True)
    VOUCHER_USE = Limit("voucher-use", 60, 60, sensitive=True)
    MUTATIONS_PER_USER = Limit("mutations", 120, 60)
    MUTATIONS_PER_ADDRESS = Limit("mutations-address", 60, 60)  # anonymous callers
    # Generous enough for a sign-up desk behind one NAT address; it stops account farming.
    REGISTER_PER_ADDRESS = Limit("register-address", 20, 3600, sensitive=True)

    @property
    def limit(self) -> Limit:
        value: Limit = self.value
        return value
