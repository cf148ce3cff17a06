"""A small world built through the public API: an admin, residents with points, an offer."""

from __future__ import annotations

from dataclasses import dataclass

from tests.faults.conftest import ADMIN_PHONE, PASSWORD, Gateway

LOGIN = """mutation($p: String!, $w: String!) { login(input: {phone: $p, password: $w}) {
  accessToken user { id } errors { code } } }"""
REGISTER = """mutation($p: String!) { register(input: {phone: $p, password: "resident-pass",
  displayName: "Resident"}) { accessToken user { id } errors { code } } }"""
MERCHANT = """mutation { registerMerchant(input: {name: "Bakery", category: "food",
  address: "1 Road"}) { merchant { id } errors { code } } }"""
APPROVE = """mutation($m: ID!) { approveMerchant(merchantId: $m) { errors { code } } }"""
OFFER = """mutation($m: ID!, $stock: Int!) { createOffer(input: {merchantId: $m,
  title: "Bread", description: "A loaf", pointsPrice: 10, stock: $stock}) {
  offer { id } errors { code } } }"""
ADJUST = """mutation($u: ID!, $key: String!) { adjustPoints(input: {userId: $u, amount: 100,
  memo: "welcome", idempotencyKey: $key}) { errors { code } } }"""
FUND = """mutation { fundPool(input: {amount: 100000, memo: "Fault drills",
  idempotencyKey: "fault-world"}) { errors { code } } }"""
REDEEM = """mutation($o: ID!, $key: String!) { redeemOffer(input: {offerId: $o,
  idempotencyKey: $key}) { voucher { id code } pointsBalance errors { code } } }"""


@dataclass
class World:
    admin: str
    residents: list[tuple[str, str]]  # (token, user id)
    offer_id: str


def _login(gateway: Gateway, phone: str, password: str) -> str:
    token: str = gateway.post(LOGIN, {"p": phone, "w": password})["data"]["login"]["accessToken"]
    return token


def build(gateway: Gateway, residents: int = 5, stock: int = 100) -> World:
    admin = _login(gateway, ADMIN_PHONE, PASSWORD)
    people = []
    for n in range(residents + 1):
        made = gateway.post(REGISTER, {"p": f"1360000{n:04d}"})["data"]["register"]
        people.append((made["accessToken"], made["user"]["id"]))
    owner, *rest = people
    merchant = gateway.post(MERCHANT, token=owner[0])["data"]["registerMerchant"]["merchant"]
    gateway.post(APPROVE, {"m": merchant["id"]}, token=admin)
    offer = gateway.post(OFFER, {"m": merchant["id"], "stock": stock}, token=owner[0])
    gateway.post(FUND, token=admin)  # points enter the pool only by an admin's funding
    for _, user_id in rest:
        gateway.post(ADJUST, {"u": user_id, "key": f"welcome-{user_id}"}, token=admin)
    return World(admin, rest, offer["data"]["createOffer"]["offer"]["id"])
