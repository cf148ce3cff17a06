import asyncio, collections, time
import pytest
from tests.fuzz import test_schema_fuzz as m
from tests.api.client import make_client
from tests.dbsetup import TEST_REDIS_URL

TIMES = collections.Counter()
COUNT = collections.Counter()

@pytest.mark.parametrize("identity", m.IDENTITIES)
async def test_stats(identity, tmp_path):
    media_dir = tmp_path / "media"
    client = make_client(media_dir, rate_limit_scale=1_000, redis_url=TEST_REDIS_URL)
    t0 = time.perf_counter()
    world = await m.seed_world(media_dir)
    TIMES["seed"] += time.perf_counter() - t0
    token = None if identity == "anonymous" else client.token_for(world.actors[identity])
    loop = asyncio.get_running_loop()
    async with client.http() as http:
        def send(body, headers):
            t = time.perf_counter()
            r = asyncio.run_coroutine_threadsafe(http.post("/graphql", json=body, headers=headers), loop).result(timeout=60)
            q = body["query"]
            name = q.split("(")[0].split("{")[1].strip() if "{" in q else "?"
            TIMES["requests"] += time.perf_counter() - t
            TIMES[name] += time.perf_counter() - t
            COUNT[name] += 1
            return r
        t0 = time.perf_counter()
        await asyncio.to_thread(m.fuzz, send, identity, token, m.EXAMPLES)
        TIMES["fuzz-total"] += time.perf_counter() - t0
