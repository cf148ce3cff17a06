"""The workloads: the GraphQL operation sent to the gateway, the equivalent request sent to
the baseline, and the check that decides whether a response counts as a success."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import orjson

W1_OFFERS = (
    "query Offers { offers(first: 20) { edges { node { id title pointsPrice remaining "
    "merchant { name } } } pageInfo { hasNextPage endCursor } } }"
)
W2_WALLET = (
    "query Wallet { me { pointsBalance pointsHistory(first: 10) { edges { node { amount "
    "reason balanceAfter createdAt } } pageInfo { hasNextPage endCursor } } } }"
)
W3_REDEEM = (
    "mutation Redeem($offer: ID!, $key: String!) { redeemOffer(input: {offerId: $offer, "
    "idempotencyKey: $key}) { voucher { code status } pointsBalance errors { code } } }"
)
W4_USE = (
    "mutation UseVoucher($code: String!) { useVoucher(input: {code: $code}) { voucher { id "
    "status usedAt offer { title } } errors { code } } }"
)
W5_QUEUE = (
    "query Queue { reports(first: 20) { edges { node { id category status createdAt "
    "reporter { displayName } microGrid { name } } } pageInfo { hasNextPage endCursor } } }"
)

NAMES = {
    "W1": "offers list (20, with merchant name)",
    "W2": "resident's wallet (balance + last 10 entries)",
    "W3": "redeemOffer (fresh idempotency key)",
    "W4": "useVoucher (merchant operator)",
    "W5": "grid worker's report queue (20, reporter + grid)",
    "MIX": "mix 60% W1, 25% W2, 10% W3, 5% W4",
}


@dataclass(frozen=True, slots=True)
class Request:
    method: str
    path: str
    token: str
    body: bytes | None = None


Check = Callable[[Any], str | None]


def _graphql(query: str, token: str, variables: dict[str, Any] | None = None) -> Request:
    body = orjson.dumps({"query": query, "variables": variables or {}})
    return Request("POST", "/graphql", token, body)


def _dig(document: Any, *path: str) -> Any:
    for key in path:
        if not isinstance(document, dict) or key not in document:
            return None
        document = document[key]
    return document


def _no_errors(document: Any) -> str | None:
    if not isinstance(document, dict):
        return "not a JSON object"
    if document.get("errors"):
        first = document["errors"][0]
        code = _dig(first, "extensions", "code") or first.get("message", "?")
        return f"graphql error: {str(code)[:60]}"
    return None


def check_offers(document: Any) -> str | None:
    edges = _dig(document, "data", "offers", "edges")
    if not isinstance(edges, list) or len(edges) != 20:
        return "offers: not 20 edges"
    if _dig(edges[0], "node", "merchant", "name") is None:
        return "offers: no merchant name"
    return None


def check_wallet(document: Any) -> str | None:
    me = _dig(document, "data", "me")
    if not isinstance(_dig(me, "pointsBalance"), int):
        return "wallet: no balance"
    if not _dig(me, "pointsHistory", "edges"):
        return "wallet: empty history"
    return None


def _payload(document: Any, mutation: str, status: str) -> str | None:
    """A mutation's payload: no errors, and its voucher in the expected status."""
    payload = _dig(document, "data", mutation)
    if not isinstance(payload, dict):
        return f"{mutation}: no payload"
    if payload.get("errors"):
        return f"{mutation}: {payload['errors'][0].get('code')}"
    if _dig(payload, "voucher", "status") != status:
        return f"{mutation}: voucher not {status}"
    return None


def check_redeem(document: Any) -> str | None:
    return _payload(document, "redeemOffer", "ISSUED")


def check_use(document: Any) -> str | None:
    return _payload(document, "useVoucher", "USED")


def check_queue(document: Any) -> str | None:
    edges = _dig(document, "data", "reports", "edges")
    if not isinstance(edges, list) or not edges:
        return "queue: no reports"
    if _dig(edges[0], "node", "reporter", "displayName") is None:
        return "queue: no reporter"
    return None


CHECKS: dict[str, Check] = {
    "W1": check_offers,
    "W2": check_wallet,
    "W3": check_redeem,
    "W4": check_use,
    "W5": check_queue,
}


def check(workload: str, status: int, body: bytes) -> str | None:
    """None for a success, else a short reason (counted as an error)."""
    if status != 200:
        return f"HTTP {status}"
    try:
        document = orjson.loads(body)
    except orjson.JSONDecodeError:
        return "invalid JSON"
    return _no_errors(document) or CHECKS[workload](document)


@dataclass(slots=True)
class Supply:
    """What the requests are made of: access tokens per workload, the offers to redeem, and
    the pre-issued vouchers (operator token, code), each used once, shared by all runs."""

    run: str
    tokens: dict[str, list[str]]
    offers: list[str]
    vouchers: list[tuple[str, str]] = field(default_factory=list)

    def take_voucher(self) -> tuple[str, str] | None:
        return self.vouchers.pop() if self.vouchers else None


# The read workloads: the gateway's document, and the baseline's GET path.
READS = {
    "W1": (W1_OFFERS, "/offers?first=20"),
    "W2": (W2_WALLET, "/me/wallet?first=10"),
    "W5": (W5_QUEUE, "/reports/queue?first=20"),
}


class Source:
    """Makes the requests of one workload for one target; None once the vouchers of W4 run
    out."""

    def __init__(self, workload: str, target: str, supply: Supply, seed: int) -> None:
        self.workload = workload
        self.gateway = target != "baseline"
        self.supply = supply
        self.random = random.Random(seed)
        self.counter = 0
        self.key_prefix = f"{supply.run}-{target}-{seed}"

    def __call__(self) -> Request | None:
        if self.workload == "W3":
            return self._redeem()
        if self.workload == "W4":
            return self._use()
        document, path = READS[self.workload]
        token = self.random.choice(self.supply.tokens[self.workload])
        return _graphql(document, token) if self.gateway else Request("GET", path, token)

    def _redeem(self) -> Request:
        token = self.random.choice(self.supply.tokens["W3"])
        offer = self.random.choice(self.supply.offers)
        self.counter += 1
        key = f"{self.key_prefix}-{self.counter}"
        if self.gateway:
            return _graphql(W3_REDEEM, token, {"offer": offer, "key": key})
        body = orjson.dumps({"offerId": offer, "idempotencyKey": key})
        return Request("POST", "/offers/redeem", token, body)

    def _use(self) -> Request | None:
        taken = self.supply.take_voucher()
        if taken is None:
            return None
        token, code = taken
        if self.gateway:
            return _graphql(W4_USE, token, {"code": code})
        return Request("POST", "/vouchers/use", token, orjson.dumps({"code": code}))


class MixSource:
    """Picks W1..W4 by the mix's weights (seeded, so both targets see the same sequence)."""

    def __init__(self, weights: dict[str, int], target: str, supply: Supply, seed: int):
        self.names = list(weights)
        self.weights = [weights[name] for name in self.names]
        self.random = random.Random(seed)
        self.sources = {
            name: Source(name, target, supply, seed + i) for i, name in enumerate(weights)
        }

    def __call__(self) -> tuple[str, Request] | None:
        name = self.random.choices(self.names, self.weights)[0]
        request = self.sources[name]()
        if request is None:  # vouchers ran out: count it as a W1 instead
            name, request = "W1", self.sources["W1"]()
        return (name, request) if request is not None else None
