import asyncio, collections
from typing import Any
import httpx, pytest
from tortoise import Tortoise
from models.sql import fetch
from tests.fuzz import test_schema_fuzz as m
from tests.api.client import make_client
from tests.dbsetup import TEST_REDIS_URL

STATS = collections.Counter()
orig = m.problems
LABEL = {}

def problems(response: httpx.Response):
    body = response.json()
    codes = tuple(sorted({(e.get("extensions") or {}).get("code", "noext") for e in body.get("errors") or []}))
    data = body.get("data")
    payload = []
    if isinstance(data, dict):
        for v in data.values():
            if isinstance(v, dict):
                if v.get("errors"):
                    payload += [e.get("code") for e in v["errors"] if isinstance(e, dict)]
                elif any(isinstance(x, dict) for k, x in v.items() if k != "errors"):
                    payload.append("OK-OBJ")
    STATS[(LABEL.get("l"), response.status_code, codes, tuple(sorted(set(map(str, payload)))))] += 1
    return orig(response)
m.problems = problems
orig_body = m.schemathesis_body
def body(case):
    LABEL["l"] = case.operation.label
    return orig_body(case)
m.schemathesis_body = body

async def counts():
    tables = [model._meta.db_table for model in Tortoise.apps["gridpoints"].values()]
    return {t: (await fetch(f"SELECT COUNT(*) AS n FROM {t}"))[0]["n"] for t in tables}

@pytest.mark.parametrize("identity", m.IDENTITIES)
async def test_stats(identity, tmp_path):
    media_dir = tmp_path / "media"
    client = make_client(media_dir, rate_limit_scale=1_000, redis_url=TEST_REDIS_URL)
    world = await m.seed_world(media_dir)
    token = None if identity == "anonymous" else client.token_for(world.actors[identity])
    loop = asyncio.get_running_loop()
    before = await counts()
    async with client.http() as http:
        def send(body, headers):
            return asyncio.run_coroutine_threadsafe(http.post("/graphql", json=body, headers=headers), loop).result(timeout=60)
        await asyncio.to_thread(m.fuzz, send, token, m.EXAMPLES)
    after = await counts()
    print(identity, {t: after[t] - before[t] for t in after if after[t] != before[t]})
