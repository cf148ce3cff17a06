"""Same answers: for the same user, W1, W2 and W5 return identical JSON from both servers;
W3 and W4 the same shape, a repeated idempotency key returns the first voucher, and a used
voucher code is refused, on both."""

from __future__ import annotations

from typing import Any

import httpx

from bench.config import HOST
from bench.workloads import READS, W3_REDEEM, W4_USE, Supply


class Servers:
    """The gateway's GraphQL endpoint and the baseline's REST routes, as JSON in, JSON out."""

    def __init__(self, http: httpx.Client, gateway_port: int, baseline_port: int) -> None:
        self.http = http
        self.gateway = f"http://{HOST}:{gateway_port}/graphql"
        self.baseline = f"http://{HOST}:{baseline_port}"

    def graphql(self, token: str, query: str, variables: dict[str, Any] | None = None) -> Any:
        body = {"query": query, "variables": variables or {}}
        return self.http.post(self.gateway, json=body, headers=_bearer(token)).json()

    def rest(self, token: str, method: str, path: str, body: Any = None) -> Any:
        url = self.baseline + path
        return self.http.request(method, url, json=body, headers=_bearer(token)).json()


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def shape(document: Any) -> Any:
    """A document's keys and value types (lists by their first item)."""
    if isinstance(document, dict):
        return {key: shape(value) for key, value in document.items()}
    if isinstance(document, list):
        return [shape(value) for value in document[:1]]
    return type(document).__name__


def _reads(servers: Servers, supply: Supply) -> dict[str, str]:
    found = {}
    for workload, (query, path) in READS.items():
        token = supply.tokens[workload][0]
        a, b = servers.graphql(token, query), servers.rest(token, "GET", path)
        found[workload] = "identical JSON" if a == b else f"DIFFERENT: {a} vs {b}"[:300]
    return found


def _redeem(servers: Servers, supply: Supply) -> str:
    token, offer = supply.tokens["W3"][0], supply.offers[0]
    key = {"gateway": f"{supply.run}-eq-gw", "baseline": f"{supply.run}-eq-bl"}
    body = {"offerId": offer, "idempotencyKey": key["baseline"]}
    a, a2 = (
        servers.graphql(token, W3_REDEEM, {"offer": offer, "key": key["gateway"]}) for _ in range(2)
    )
    b, b2 = (servers.rest(token, "POST", "/offers/redeem", body) for _ in range(2))
    paid = a["data"]["redeemOffer"]["pointsBalance"] > b["data"]["redeemOffer"]["pointsBalance"]
    same = shape(a) == shape(b) and not a["data"]["redeemOffer"]["errors"]
    if same and a2 == a and b2 == b and paid:
        return "same shape, a repeated key returns the first voucher on both"
    return f"DIFFERENT: {a} / {a2} vs {b} / {b2}"[:400]


def _use(servers: Servers, supply: Supply) -> str:
    (t1, c1), (t2, c2) = supply.vouchers.pop(), supply.vouchers.pop()
    a = servers.graphql(t1, W4_USE, {"code": c1})
    b, again = (servers.rest(t2, "POST", "/vouchers/use", {"code": c2}) for _ in range(2))
    used = a["data"]["useVoucher"]["voucher"]["status"] == "USED"
    refused = again["data"]["useVoucher"]["errors"] == [{"code": "VOUCHER_NOT_USABLE"}]
    if shape(a) == shape(b) and used and refused:
        return "same shape, a used code is refused"
    return f"DIFFERENT: {a} vs {b} / {again}"[:400]


def check(supply: Supply, gateway_port: int, baseline_port: int) -> dict[str, str]:
    with httpx.Client(timeout=10) as http:
        servers = Servers(http, gateway_port, baseline_port)
        found = _reads(servers, supply)
        found["W3"] = _redeem(servers, supply)
        found["W4"] = _use(servers, supply)
    return dict(sorted(found.items()))
