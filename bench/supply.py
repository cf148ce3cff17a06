"""What the load is made of, read from the seeded database: a sample of residents' access
tokens for each workload, the offers, and the pre-issued vouchers with their operators."""

from __future__ import annotations

import random

import asyncpg

from bench.workloads import Supply
from gateway.settings import Settings
from gateway.tokens import TokenService
from resolvers.ids import global_id

SAMPLE = {"W1": 1000, "W2": 2000, "W3": 2000}
USERS = {
    "W1": "SELECT user_id FROM user_role WHERE role = 'RESIDENT' ORDER BY user_id",
    "W2": "SELECT user_id FROM account WHERE kind = 'WALLET' AND balance > 0 ORDER BY user_id",
    "W3": "SELECT user_id FROM account WHERE kind = 'WALLET' AND balance >= 200 ORDER BY user_id",
    "W5": "SELECT user_id FROM user_role WHERE role = 'GRID_WORKER' ORDER BY user_id",
}
OFFERS = "SELECT id FROM offer ORDER BY id"
VOUCHERS = (
    "SELECT v.code, m.owner_id FROM voucher v JOIN offer o ON o.id = v.offer_id "
    "JOIN merchant m ON m.id = o.merchant_id WHERE v.status = 'ISSUED' ORDER BY v.id"
)


class Tokens:
    """Access tokens the gateway (and the baseline) accept, one per user, made once."""

    def __init__(self, secret: str) -> None:
        settings = Settings(env="production", jwt_secret=secret, access_token_minutes=240)
        self.service = TokenService(settings)
        self.made: dict[int, str] = {}

    def __call__(self, user_id: int) -> str:
        if user_id not in self.made:
            self.made[user_id] = self.service.issue_access_token(user_id)
        return self.made[user_id]


async def load(conn: asyncpg.Connection, tokens: Tokens, run: str) -> Supply:
    rng = random.Random(7)
    chosen: dict[str, list[str]] = {}
    for workload, sql in USERS.items():
        users = [int(row["user_id"]) for row in await conn.fetch(sql)]
        if workload in SAMPLE:
            users = rng.sample(users, min(SAMPLE[workload], len(users)))
        chosen[workload] = [tokens(user) for user in users]
    offers = [
        global_id("Offer", r["id"]) for r in await conn.fetch("SELECT id FROM offer ORDER BY id")
    ]
    vouchers = [(tokens(int(r["owner_id"])), str(r["code"])) for r in await conn.fetch(VOUCHERS)]
    rng.shuffle(vouchers)
    return Supply(run, chosen, offers, vouchers)
