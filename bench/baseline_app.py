"""The baseline: a bare Starlette + asyncpg app answering each workload with the same JSON as
the gateway, with the least SQL that produces it. No GraphQL, no ORM.

It accepts the gateway's own access tokens (`Authorization: Bearer <JWT>`) and verifies them
with the gateway's own TokenService (PyJWT: pinned HS256, key id, issuer, audience, required
claims, `typ`), so token checking costs both sides the same. It trusts that the token's user
exists (the gateway reads the user and roles on every request; here only W5 reads roles).

    GET  /offers?first=20          W1  one statement (offers joined with merchants)
    GET  /me/wallet?first=10       W2  one statement (balance + last entries, LATERAL)
    POST /offers/redeem            W3  one transaction: take a unit, insert the voucher (its
                                       unique (holder, key) is the idempotency claim), debit
                                       the wallet, credit the merchant, insert the transfer
                                       and its two entries and spend the wallet's lots (one
                                       statement)
    POST /vouchers/use             W4  one statement (conditional UPDATE ... RETURNING)
    GET  /reports/queue?first=20   W5  one statement (queue joined with reporter and grid)

Ids, cursors and voucher codes are the gateway's own (resolvers/ids.py, marketplace/codes.py).
Environment: BENCH_DATABASE_URL, BENCH_JWT_SECRET, BENCH_POOL_SIZE (10).
Run: `uvicorn bench.baseline_app:app --no-access-log`.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg
import orjson
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from gateway.settings import Settings
from gateway.tokens import TokenService
from marketplace.codes import new_code, normalize
from resolvers.ids import cursor, global_id, parse_global_id

VOUCHER_DAYS = 30
CODE_ATTEMPTS = 3

OFFERS_SQL = """
SELECT o.id, o.title, o.points_price, o.remaining, m.name
FROM offer o JOIN merchant m ON m.id = o.merchant_id
WHERE m.status = 'ACTIVE' AND o.status = 'ACTIVE'
  AND (o.valid_from IS NULL OR o.valid_from <= $2)
  AND (o.valid_until IS NULL OR o.valid_until > $2)
  AND m.community_id = (SELECT community_id FROM app_user WHERE id = $1)
ORDER BY o.id DESC LIMIT $3
"""

WALLET_SQL = """
SELECT a.balance, e.id, e.amount, e.reason, e.balance_after, e.created_at
FROM account a
LEFT JOIN LATERAL (
  SELECT id, amount, reason, balance_after, created_at FROM points_entry
  WHERE account_id = a.id ORDER BY id DESC LIMIT $2
) e ON true
WHERE a.user_id = $1
ORDER BY e.id DESC
"""

TAKE_UNIT_SQL = """
UPDATE offer SET remaining = remaining - 1
WHERE id = $1 AND remaining > 0 AND status = 'ACTIVE'
  AND (valid_from IS NULL OR valid_from <= $2) AND (valid_until IS NULL OR valid_until > $2)
  AND EXISTS (SELECT 1 FROM merchant m WHERE m.id = offer.merchant_id AND m.status = 'ACTIVE'
              AND m.community_id = (SELECT community_id FROM app_user WHERE id = $3))
RETURNING merchant_id, title, points_price, per_user_limit, valid_until
"""

INSERT_VOUCHER_SQL = """
INSERT INTO voucher (code, offer_id, holder_id, points_spent, status, idempotency_key,
                     issued_at, expires_at)
VALUES ($1, $2, $3, $4, 'ISSUED', $5, $6, $7)
ON CONFLICT (holder_id, idempotency_key) DO NOTHING
RETURNING id, code
"""

DEBIT_WALLET_SQL = """
UPDATE account SET balance = balance - $2
WHERE user_id = $1 AND kind = 'WALLET' AND balance >= $2
RETURNING id, balance
"""

CREDIT_MERCHANT_SQL = """
UPDATE account SET balance = balance + $2
WHERE merchant_id = $1 AND kind = 'MERCHANT'
RETURNING id, balance
"""

HELD_SQL = """
SELECT count(*) FROM voucher WHERE offer_id = $1 AND holder_id = $2 AND status <> 'CANCELLED'
"""

# The transfer, its two entries, and the wallet's lots spent earliest expiry first (as
# marketplace/lots.py does); returns the points taken from lots, short of the price when
# part of the balance is due to expire.
POST_TRANSFER_SQL = """
WITH t AS (
  INSERT INTO points_transfer (debit_account_id, credit_account_id, amount, reason, memo,
                               actor_id, source_type, source_id, created_at)
  VALUES ($1, $2, $3, 'REDEMPTION', $4, $5, 'voucher', $6, $7)
  RETURNING id
), entries AS (
  INSERT INTO points_entry (account_id, transfer_id, amount, balance_after, reason, memo,
                            created_at)
  SELECT x.account_id, t.id, x.amount, x.balance_after, 'REDEMPTION', $4, $7
  FROM t, (VALUES ($1::int, -$3::bigint, $8::bigint), ($2::int, $3::bigint, $9::bigint))
    AS x(account_id, amount, balance_after)
), live AS (
  SELECT id, remaining, sum(remaining) OVER (
    ORDER BY CASE WHEN expires_at IS NULL THEN 1 ELSE 0 END, expires_at, id) AS running
  FROM points_lot WHERE account_id = $1 AND remaining > 0 AND expired_at IS NULL
    AND (expires_at IS NULL OR expires_at > $7)
), taken AS (
  INSERT INTO points_lot_spend (lot_id, transfer_id, amount)
  SELECT live.id, t.id,
         CASE WHEN running <= $3 THEN remaining ELSE remaining - (running - $3) END
  FROM live, t WHERE running - remaining < $3
  RETURNING lot_id, amount
), spent AS (
  UPDATE points_lot l SET remaining = l.remaining - taken.amount FROM taken
  WHERE l.id = taken.lot_id RETURNING taken.amount
)
SELECT coalesce(sum(amount), 0) FROM spent
"""

REPLAY_SQL = """
SELECT v.code, v.status, v.offer_id,
       (SELECT balance FROM account WHERE user_id = $1) AS balance
FROM voucher v WHERE v.holder_id = $1 AND v.idempotency_key = $2
"""

EXPLAIN_SQL = """
SELECT o.remaining, o.status = 'ACTIVE' AND m.status = 'ACTIVE' AS active
FROM offer o JOIN merchant m ON m.id = o.merchant_id
WHERE o.id = $1 AND m.community_id = (SELECT community_id FROM app_user WHERE id = $2)
"""

USE_VOUCHER_SQL = """
WITH used AS (
  UPDATE voucher SET status = 'USED', used_at = $1
  WHERE code = $2 AND status = 'ISSUED' AND (expires_at IS NULL OR expires_at > $1)
    AND offer_id IN (SELECT o.id FROM offer o JOIN merchant_operator mo
                     ON mo.merchant_id = o.merchant_id WHERE mo.user_id = $3)
  RETURNING id, status, used_at, offer_id
)
SELECT used.id, used.status, used.used_at, o.title FROM used JOIN offer o ON o.id = used.offer_id
"""

QUEUE_SQL = """
SELECT r.id, r.category, r.status, r.created_at, u.display_name, g.name
FROM report r
JOIN app_user u ON u.id = r.reporter_id
JOIN micro_grid g ON g.id = r.micro_grid_id
WHERE r.community_id = (SELECT community_id FROM app_user WHERE id = $1)
  AND (r.reporter_id = $1 OR r.assignee_id = $1 OR r.micro_grid_id IN (
        SELECT ga.micro_grid_id FROM grid_assignment ga
        JOIN user_role ur ON ur.user_id = ga.user_id AND ur.role = ga.role
        WHERE ga.user_id = $1 AND ga.role IN ('GRID_MEMBER', 'GRID_WORKER')))
ORDER BY r.id LIMIT $2
"""


class JSON(Response):
    media_type = "application/json"

    def render(self, content: Any) -> bytes:
        return orjson.dumps(content)


def _user_id(tokens: TokenService, request: Request) -> int | None:
    """The gateway's own access-token check on the request's bearer token."""
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return tokens.user_id_from(token.strip())


UNAUTHENTICATED = {
    "errors": [{"message": "You need to log in.", "extensions": {"code": "UNAUTHENTICATED"}}]
}


def _first(request: Request, default: int) -> int:
    raw = request.query_params.get("first", str(default))
    return max(0, min(100, int(raw))) if raw.isdigit() else default


def _page(rows: list[asyncpg.Record], first: int, node: Callable[[Any], Any]) -> Any:
    """A Relay connection of the first `first` rows (one more was fetched to tell whether
    there is a next page)."""
    page = rows[:first]
    end = cursor(page[-1]["id"]) if page else None
    return {
        "edges": [{"node": node(row)} for row in page],
        "pageInfo": {"hasNextPage": len(rows) > first, "endCursor": end},
    }


def _offer(row: Any) -> Any:
    return {
        "id": global_id("Offer", row["id"]),
        "title": row["title"],
        "pointsPrice": row["points_price"],
        "remaining": row["remaining"],
        "merchant": {"name": row["name"]},
    }


def _entry(row: Any) -> Any:
    return {
        "amount": row["amount"],
        "reason": row["reason"],
        "balanceAfter": row["balance_after"],
        "createdAt": row["created_at"].isoformat(),
    }


def _report(row: Any) -> Any:
    return {
        "id": global_id("Report", row["id"]),
        "category": row["category"],
        "status": row["status"],
        "createdAt": row["created_at"].isoformat(),
        "reporter": {"displayName": row["display_name"]},
        "microGrid": {"name": row["name"]},
    }


class Refused(Exception):
    def __init__(self, code: str) -> None:
        self.code = code


async def offers(pool: asyncpg.Pool, user_id: int, request: Request) -> Any:
    first = _first(request, 20)
    rows = await pool.fetch(OFFERS_SQL, user_id, datetime.now(UTC), first + 1)
    return {"data": {"offers": _page(rows, first, _offer)}}


async def wallet(pool: asyncpg.Pool, user_id: int, request: Request) -> Any:
    first = _first(request, 10)
    rows = await pool.fetch(WALLET_SQL, user_id, first + 1)
    history = _page([row for row in rows if row["id"] is not None], first, _entry)
    balance = int(rows[0]["balance"]) if rows else 0
    return {"data": {"me": {"pointsBalance": balance, "pointsHistory": history}}}


async def queue(pool: asyncpg.Pool, user_id: int, request: Request) -> Any:
    first = _first(request, 20)
    rows = await pool.fetch(QUEUE_SQL, user_id, first + 1)
    return {"data": {"reports": _page(rows, first, _report)}}


async def redeem(pool: asyncpg.Pool, user_id: int, request: Request) -> Any:
    body = orjson.loads(await request.body())
    offer_id = _offer_id(body.get("offerId"))
    key = body.get("idempotencyKey")
    if offer_id is None or not isinstance(key, str) or not 1 <= len(key) <= 120:
        return _redeemed(None, None, "NOT_FOUND" if offer_id is None else "INVALID_INPUT")
    async with pool.acquire() as conn:
        for attempt in range(CODE_ATTEMPTS):
            try:
                async with conn.transaction():
                    code, balance = await _redeem(conn, user_id, offer_id, key)
                return _redeemed(code, balance, None)
            except (Refused, asyncpg.UniqueViolationError) as refused:
                first = await conn.fetchrow(REPLAY_SQL, user_id, key)
                if first is not None:
                    if first["offer_id"] != offer_id:
                        return _redeemed(None, None, "ALREADY_EXISTS")
                    return _redeemed(first["code"], int(first["balance"]), None, first["status"])
                if isinstance(refused, Refused):
                    return _redeemed(None, None, await _explain(conn, refused, offer_id, user_id))
                if attempt == CODE_ATTEMPTS - 1:
                    raise
    raise AssertionError("unreachable")


def _offer_id(value: Any) -> int | None:
    parsed = parse_global_id(value) if isinstance(value, str) else None
    return parsed[1] if parsed is not None and parsed[0] == "Offer" else None


async def use_voucher(pool: asyncpg.Pool, user_id: int, request: Request) -> Any:
    body = orjson.loads(await request.body())
    code = body.get("code")
    code = normalize(code) if isinstance(code, str) else None
    row = None
    if code is not None:
        row = await pool.fetchrow(USE_VOUCHER_SQL, datetime.now(UTC), code, user_id)
    if row is None:
        errors = [{"code": "VOUCHER_NOT_USABLE"}]
        return {"data": {"useVoucher": {"voucher": None, "errors": errors}}}
    voucher = {
        "id": global_id("Voucher", row["id"]),
        "status": row["status"],
        "usedAt": row["used_at"].isoformat(),
        "offer": {"title": row["title"]},
    }
    return {"data": {"useVoucher": {"voucher": voucher, "errors": []}}}


Handler = Callable[[asyncpg.Pool, int, Request], Awaitable[Any]]


def create_app() -> Starlette:
    database_url = os.environ["BENCH_DATABASE_URL"]
    settings = Settings(env="production", jwt_secret=os.environ["BENCH_JWT_SECRET"])
    tokens = TokenService(settings)
    pool_size = int(os.environ.get("BENCH_POOL_SIZE", "10"))
    pools: list[asyncpg.Pool] = []

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        pools.append(await asyncpg.create_pool(database_url, min_size=1, max_size=pool_size))
        try:
            yield
        finally:
            await pools.pop().close()

    def route(path: str, handler: Handler, method: str = "GET") -> Route:
        async def endpoint(request: Request) -> Response:
            user_id = _user_id(tokens, request)
            if user_id is None:
                return JSON(UNAUTHENTICATED, status_code=401)
            return JSON(await handler(pools[0], user_id, request))

        return Route(path, endpoint, methods=[method])

    async def healthz(request: Request) -> Response:
        return JSON({"status": "ok"})

    return Starlette(
        routes=[
            Route("/healthz", healthz),
            route("/offers", offers),
            route("/me/wallet", wallet),
            route("/offers/redeem", redeem, "POST"),
            route("/vouchers/use", use_voucher, "POST"),
            route("/reports/queue", queue),
        ],
        lifespan=lifespan,
    )


async def _redeem(
    conn: asyncpg.Connection, user_id: int, offer_id: int, key: str
) -> tuple[str, int]:
    """The redemption's one unit of work; raises Refused to roll it back."""
    now = datetime.now(UTC)
    unit = await conn.fetchrow(TAKE_UNIT_SQL, offer_id, now, user_id)
    if unit is None:
        raise Refused("OFFER_NOT_AVAILABLE")
    price = int(unit["points_price"])
    expires = unit["valid_until"] or now + timedelta(days=VOUCHER_DAYS)
    voucher = await conn.fetchrow(
        INSERT_VOUCHER_SQL, new_code(), offer_id, user_id, price, key, now, expires
    )
    if voucher is None:  # the key was used before: roll back, then replay
        raise Refused("ALREADY_EXISTS")
    debited = await conn.fetchrow(DEBIT_WALLET_SQL, user_id, price)
    limit = unit["per_user_limit"]
    if limit is not None and await conn.fetchval(HELD_SQL, offer_id, user_id) - 1 >= limit:
        raise Refused("LIMIT_REACHED")
    if debited is None:
        raise Refused("INSUFFICIENT_POINTS")
    credited = await conn.fetchrow(CREDIT_MERCHANT_SQL, unit["merchant_id"], price)
    if credited is None:
        raise Refused("NOT_FOUND")
    from_lots = await conn.fetchval(
        POST_TRANSFER_SQL,
        debited["id"],
        credited["id"],
        price,
        unit["title"],
        user_id,
        voucher["id"],
        now,
        debited["balance"],
        credited["balance"],
    )
    if from_lots < price:
        raise Refused("INSUFFICIENT_POINTS")
    return voucher["code"], int(debited["balance"])


async def _explain(conn: asyncpg.Connection, refused: Refused, offer_id: int, user_id: int) -> str:
    if refused.code != "OFFER_NOT_AVAILABLE":
        return refused.code
    row = await conn.fetchrow(EXPLAIN_SQL, offer_id, user_id)
    if row is None:
        return "NOT_FOUND"
    if not row["active"]:
        return "OFFER_NOT_AVAILABLE"
    return "OUT_OF_STOCK" if row["remaining"] <= 0 else "OFFER_NOT_AVAILABLE"


def _redeemed(
    code: str | None, balance: int | None, error: str | None, status: str = "ISSUED"
) -> Any:
    voucher = None if code is None else {"code": code, "status": status}
    payload = {
        "voucher": voucher,
        "pointsBalance": balance,
        "errors": [] if error is None else [{"code": error}],
    }
    return {"data": {"redeemOffer": payload}}


app = create_app() if "BENCH_DATABASE_URL" in os.environ else None
