"""The benchmark command: seed, serve, load, check, profile, report.

    python -m bench            # full run (~10 min): 1,000,000 ledger entries
    python -m bench --quick    # small data, short runs (< 2 min)

Steps: create a fresh PostgreSQL database and apply the migrations; seed the community and
a small ledger; start the gateway and the baseline (separate uvicorn processes, one worker
each); measure W2 at the small ledger size; grow the ledger to its full size and pre-issue
vouchers; check the two servers give the same answers; run each workload closed-loop against
both back to back; run the mix open-loop at a fixed rate against both; measure W2 again at
the full size; profile the gateway on its worst workloads; check the ledger invariants;
write bench/RESULTS.md; stop the servers and drop the database (unless --keep).
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import functools
import os
import platform
import random
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import orjson

from bench import invariants, profiling, report, seed, servers
from bench.config import (
    ADMIN_URL,
    BASELINE_PORT,
    DATABASE_NAME,
    FULL,
    GATEWAY_PORT,
    HOST,
    MIX,
    MIX_RATE,
    QUICK,
    TARGETS,
    VARIANT_PORT,
    Plan,
    database_url,
)
from bench.workloads import W1_OFFERS, W2_WALLET, W3_REDEEM, W4_USE, W5_QUEUE
from gateway.settings import Settings
from gateway.tokens import TokenService

RESULTS = Path(__file__).resolve().parent / "RESULTS.md"
# Gateway variants measured back to back against the gateway as it is (bench/variants.py).
VARIANTS = [
    {
        "name": "no_gc_freeze",
        "app": "bench.variants:no_gc_freeze_app",
        "label": "startup objects left to the garbage collector: the gateway before "
        "freeze_startup_objects() (open-loop mix at 100 req/s)",
        "mode": "open",
        "workloads": ["MIX"],
    },
    {
        "name": "stock_json",
        "app": "bench.variants:stock_json_app",
        "label": "strawberry's own encoder (json.dumps): the gateway before the orjson encoder",
        "mode": "closed",
        "workloads": ["W1", "W5"],
    },
]
SAMPLE = {"W1": 1000, "W2": 2000, "W3": 2000}


def _orjson_text(document: object) -> str:
    return orjson.dumps(document).decode()


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


class Run:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.plan: Plan = QUICK if args.quick else FULL
        self.db_name: str = args.database
        self.url = database_url(self.db_name)
        self.secret = secrets.token_urlsafe(48)
        self.workdir = Path(tempfile.mkdtemp(prefix="gridpoints-bench-"))
        self.run_id = secrets.token_hex(4)
        self.tokens = TokenService(
            Settings(env="production", jwt_secret=self.secret, access_token_minutes=240)
        )
        self.servers: dict[str, servers.Server] = {}
        self.results: dict[str, Any] = {"closed": {}, "scale": {}, "profiles": []}
        self.timings = seed.SeedTimings({})
        self.data: dict[str, Any] = {}
        self.vouchers: list[list[str]] = []
        self.specs = 0

    # ------------------------------------------------------------------ database

    async def _seed_small(self) -> None:
        await seed.create_database(ADMIN_URL, self.db_name)
        started = time.perf_counter()
        await seed.migrate(self.url)
        self.timings.steps["migrations"] = time.perf_counter() - started
        conn = await asyncpg.connect(self.url)
        try:
            await seed.seed_community(conn, self.plan, self.timings)
            await seed.extend_ledger(
                conn,
                self.plan,
                entries=self.plan.small_entries,
                wallets=self.plan.hot_wallets,
                days_ago=400,
                span_days=10,
                timings=self.timings,
                step="ledger",
            )
            await seed.analyze(conn, self.timings)
            self.small_entries = int(await conn.fetchval("SELECT count(*) FROM points_entry"))
        finally:
            await conn.close()

    async def _seed_large(self) -> None:
        plan = self.plan
        conn = await asyncpg.connect(self.url)
        try:
            await seed.extend_ledger(
                conn,
                plan,
                entries=plan.entries - plan.small_entries - 2 * plan.vouchers,
                wallets=plan.residents,
                days_ago=390,
                span_days=385,
                timings=self.timings,
                step="ledger",
            )
            await seed.issue_vouchers(
                conn, plan, count=plan.vouchers, salt=random.getrandbits(60), timings=self.timings
            )
            await seed.analyze(conn, self.timings)
            self.results["sizes"] = await seed.counts(conn)
        finally:
            await conn.close()

    async def _load_data(self) -> None:
        conn = await asyncpg.connect(self.url)
        rng = random.Random(7)
        try:
            residents = [
                r["user_id"]
                for r in await conn.fetch(
                    "SELECT ur.user_id FROM user_role ur WHERE ur.role = 'RESIDENT' "
                    "ORDER BY ur.user_id"
                )
            ]
            with_history = [
                r["user_id"]
                for r in await conn.fetch(
                    "SELECT user_id FROM account WHERE kind = 'WALLET' AND balance > 0 "
                    "ORDER BY user_id"
                )
            ]
            solvent = [
                r["user_id"]
                for r in await conn.fetch(
                    "SELECT user_id FROM account WHERE kind = 'WALLET' AND balance >= 200 "
                    "ORDER BY user_id"
                )
            ]
            offers = [r["id"] for r in await conn.fetch("SELECT id FROM offer ORDER BY id")]
            workers = [
                r["user_id"]
                for r in await conn.fetch(
                    "SELECT user_id FROM user_role WHERE role = 'GRID_WORKER' ORDER BY user_id"
                )
            ]
            vouchers = await conn.fetch(
                "SELECT v.code, m.owner_id FROM voucher v JOIN offer o ON o.id = v.offer_id "
                "JOIN merchant m ON m.id = o.merchant_id WHERE v.status = 'ISSUED' ORDER BY v.id"
            )
        finally:
            await conn.close()
        tokens: dict[int, str] = {}

        def token(user_id: int) -> str:
            if user_id not in tokens:
                tokens[user_id] = self.tokens.issue_access_token(user_id)
            return tokens[user_id]

        def sample(ids: list[int], n: int) -> list[str]:
            picked = rng.sample(ids, min(n, len(ids)))
            return [token(i) for i in picked]

        self.data = {
            "run": self.run_id,
            "W1": {"tokens": sample(residents, SAMPLE["W1"])},
            "W2": {"tokens": sample(with_history, SAMPLE["W2"])},
            "W3": {
                "tokens": sample(solvent, SAMPLE["W3"]),
                "offers": [_global_id("Offer", i) for i in offers],
            },
            "W5": {"tokens": [token(i) for i in workers]},
        }
        items = [[token(int(r["owner_id"])), str(r["code"])] for r in vouchers]
        rng.shuffle(items)
        self.vouchers = items

    def _take_vouchers(self, n: int) -> list[list[str]]:
        taken, self.vouchers = self.vouchers[:n], self.vouchers[n:]
        return taken

    async def _entries_per_wallet(self) -> tuple[int, float]:
        conn = await asyncpg.connect(self.url)
        try:
            total = int(await conn.fetchval("SELECT count(*) FROM points_entry"))
            per_wallet = float(
                await conn.fetchval(
                    "SELECT count(*)::float8 / $1 FROM points_entry e "
                    "JOIN account a ON a.id = e.account_id WHERE a.user_id <= $1",
                    self.plan.hot_wallets,
                )
            )
        finally:
            await conn.close()
        return total, per_wallet

    async def _check_invariants(self) -> None:
        conn = await asyncpg.connect(self.url)
        try:
            checked = await invariants.check(conn)
            self.results["totals"] = await invariants.totals(conn)
        finally:
            await conn.close()
        self.results["invariants"] = [
            {"name": c.name, "violations": c.violations, "seconds": c.seconds} for c in checked
        ]

    # ------------------------------------------------------------------ servers and load

    def _start_servers(self) -> None:
        media = self.workdir / "media"
        media.mkdir()
        self.servers["gateway"] = servers.start(
            "gateway",
            "gateway.asgi:app",
            self.args.gateway_port,
            servers.gateway_environment(self.url, self.secret, media),
            self.workdir,
        )
        self.servers["baseline"] = servers.start(
            "baseline",
            "bench.baseline_app:app",
            self.args.baseline_port,
            servers.baseline_environment(self.url, self.secret),
            self.workdir,
        )
        log(
            f"gateway pid {self.servers['gateway'].pid} on :{self.args.gateway_port}, "
            f"baseline pid {self.servers['baseline'].pid} on :{self.args.baseline_port}"
        )

    def _stop_servers(self) -> None:
        for name in list(self.servers):
            servers.stop(self.servers.pop(name))

    def _pid_on(self, port: int) -> int | None:
        for server in self.servers.values():
            if server.port == port:
                return server.pid
        return None

    def _port(self, target: str) -> int:
        return self.servers[target].port

    def _loadgen(self, spec: dict[str, Any], background: bool = False) -> Any:
        self.specs += 1
        spec_path = self.workdir / f"spec-{self.specs}.json"
        out_path = self.workdir / f"out-{self.specs}.json"
        spec = {"host": HOST, "client": self.args.client, "database": self.db_name, **spec}
        if "server_pid" not in spec:
            spec["server_pid"] = self._pid_on(int(spec["port"]))
        spec_path.write_bytes(orjson.dumps(spec))
        command = [sys.executable, "-m", "bench.loadgen", str(spec_path), str(out_path)]
        budget = float(spec.get("warmup", 0)) + float(spec.get("duration", 0)) + 60
        process = subprocess.Popen(command, cwd=servers.REPO)
        if background:
            return process, out_path, budget
        return self._finish(process, out_path, budget)

    def _finish(self, process: subprocess.Popen[bytes], out_path: Path, budget: float) -> Any:
        try:
            process.wait(timeout=budget)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
            raise RuntimeError("the load generator overran its time budget") from None
        if process.returncode != 0:
            raise RuntimeError(f"the load generator failed (exit {process.returncode})")
        return orjson.loads(out_path.read_bytes())

    def _data_for(self, workload: str, target: str, vouchers: int) -> dict[str, Any]:
        data = {"run": self.run_id, workload: self.data.get(workload, {})}
        if workload == "W4":
            data["W4"] = {"items": self._take_vouchers(vouchers)}
        return data

    def closed(
        self,
        workload: str,
        target: str,
        *,
        seconds: float,
        warmup: float,
        concurrency: int,
        vouchers: int = 0,
        data: dict[str, Any] | None = None,
        port: int | None = None,
    ) -> dict[str, Any]:
        spec: dict[str, Any] = {
            "mode": "closed",
            "workload": workload,
            "target": target,
            "port": port or self._port(target),
            "concurrency": concurrency,
            "warmup": warmup,
            "duration": seconds,
            "seed": random.randrange(1 << 30),
            "data": data or self._data_for(workload, target, vouchers),
        }
        if workload == "W4":
            spec["max_requests"] = len(spec["data"]["W4"]["items"])
        result: dict[str, Any] = self._loadgen(spec)
        lat = result["latency_ms"]
        log(
            f"{workload} {target:8} {result['rps']:8.0f} req/s  p50 {lat.get('p50', 0):6.2f} "
            f"p99 {lat.get('p99', 0):7.2f} ms  errors {result['error_count']}"
        )
        return result

    def _voucher_budget(self, target: str) -> int:
        """W4 vouchers for one closed-loop run (warm-up included): after the shares of the
        mix runs (two, plus two in the A/B), the gateway gets a fifth of the rest, the
        baseline (several times faster) three fifths, and what is left goes to profiling."""
        plan = self.plan
        reserve = 2 * self._mix_vouchers(plan.mix_seconds + plan.mix_warmup_seconds)
        reserve += 2 * self._mix_vouchers(plan.experiment_mix_seconds + plan.mix_warmup_seconds)
        spare = max(0, len(self.vouchers) - reserve)
        return spare * 3 // 5 if target == "baseline" else spare // 5

    def _mix_vouchers(self, seconds: float) -> int:
        """One mix run's share: 1.5 times the expected W4 requests, plus slack."""
        return int(MIX_RATE * seconds * MIX["W4"] / 100 * 1.5) + 10

    def run_closed_loops(self) -> None:
        plan = self.plan
        for index, workload in enumerate(self.args.workloads):
            order = ["gateway", "baseline"] if index % 2 == 0 else ["baseline", "gateway"]
            pair: dict[str, Any] = {}
            budgets = {}
            if workload == "W4":
                budgets = {t: self._voucher_budget(t) for t in order}
            for target in order:
                pair[target] = self.closed(
                    workload,
                    target,
                    seconds=plan.measure_seconds,
                    warmup=plan.warmup_seconds,
                    concurrency=plan.concurrency,
                    vouchers=budgets.get(target, 0),
                )
            self.results["closed"][workload] = pair

    def open_mix(
        self, target: str, *, port: int | None = None, seconds: float, warmup: float
    ) -> dict[str, Any]:
        data = {"run": self.run_id, **{w: self.data[w] for w in ("W1", "W2", "W3")}}
        data["W4"] = {"items": self._take_vouchers(self._mix_vouchers(seconds + warmup))}
        spec = {
            "mode": "open",
            "target": target,
            "port": port or self._port(target),
            "rate": MIX_RATE,
            "weights": MIX,
            "warmup": warmup,
            "duration": seconds,
            "seed": 11,
            "data": data,
        }
        result: dict[str, Any] = self._loadgen(spec)
        lat = result["latency_ms"]
        log(
            f"MIX {target:8} {result['rps']:6.1f} req/s  p50 {lat.get('p50', 0):6.2f} "
            f"p99 {lat.get('p99', 0):7.2f} ms  errors {result['error_count']}"
        )
        return result

    def run_mix(self) -> None:
        plan = self.plan
        self.results["mix"] = {
            target: self.open_mix(target, seconds=plan.mix_seconds, warmup=plan.mix_warmup_seconds)
            for target in ("gateway", "baseline")
        }

    def run_scale(self, size: str) -> None:
        plan = self.plan
        entries, per_wallet = asyncio.run(self._entries_per_wallet())
        hot = [
            self.tokens.issue_access_token(user_id) for user_id in range(1, plan.hot_wallets + 1)
        ]
        point: dict[str, Any] = {"entries": entries, "entries_per_wallet": per_wallet}
        for target in ("gateway", "baseline"):
            point[target] = self.closed(
                "W2",
                target,
                seconds=plan.scale_seconds,
                warmup=min(2.0, plan.scale_seconds),
                concurrency=plan.scale_concurrency,
                data={"run": self.run_id, "W2": {"tokens": hot}},
            )
        self.results["scale"][size] = point

    # ------------------------------------------------------------------ same answers

    def check_equivalence(self) -> None:
        gw = f"http://{HOST}:{self._port('gateway')}"
        bl = f"http://{HOST}:{self._port('baseline')}"
        found: dict[str, str] = {}
        with httpx.Client(timeout=10) as http:

            def gql(token: str, query: str, variables: dict[str, Any] | None = None) -> Any:
                response = http.post(
                    f"{gw}/graphql",
                    json={"query": query, "variables": variables or {}},
                    headers={"Authorization": f"Bearer {token}"},
                )
                return response.json()

            def rest(token: str, method: str, path: str, body: Any = None) -> Any:
                response = http.request(
                    method, f"{bl}{path}", json=body, headers={"Authorization": f"Bearer {token}"}
                )
                return response.json()

            for workload, query, path in (
                ("W1", W1_OFFERS, "/offers?first=20"),
                ("W2", W2_WALLET, "/me/wallet?first=10"),
                ("W5", W5_QUEUE, "/reports/queue?first=20"),
            ):
                token = self.data[workload]["tokens"][0]
                a, b = gql(token, query), rest(token, "GET", path)
                found[workload] = "identical JSON" if a == b else f"DIFFERENT: {a} vs {b}"[:300]
            token = self.data["W3"]["tokens"][0]
            offer = self.data["W3"]["offers"][0]
            keys = [f"{self.run_id}-eq-gw", f"{self.run_id}-eq-bl"]
            a = gql(token, W3_REDEEM, {"offer": offer, "key": keys[0]})
            a2 = gql(token, W3_REDEEM, {"offer": offer, "key": keys[0]})
            b = rest(token, "POST", "/offers/redeem", {"offerId": offer, "idempotencyKey": keys[1]})
            b2 = rest(
                token, "POST", "/offers/redeem", {"offerId": offer, "idempotencyKey": keys[1]}
            )
            same = _shape(a) == _shape(b) and not a["data"]["redeemOffer"]["errors"]
            replay = a2 == a and b2 == b
            price_ok = (
                a["data"]["redeemOffer"]["pointsBalance"]
                > b["data"]["redeemOffer"]["pointsBalance"]
            )
            found["W3"] = (
                "same shape, a repeated key returns the first voucher on both"
                if same and replay and price_ok
                else f"DIFFERENT: {a} / {a2} vs {b} / {b2}"[:400]
            )
            (t1, c1), (t2, c2) = self._take_vouchers(2)
            a = gql(t1, W4_USE, {"code": c1})
            b = rest(t2, "POST", "/vouchers/use", {"code": c2})
            again = rest(t2, "POST", "/vouchers/use", {"code": c2})
            used = a["data"]["useVoucher"]["voucher"]["status"] == "USED"
            refused = again["data"]["useVoucher"]["errors"] == [{"code": "VOUCHER_NOT_USABLE"}]
            found["W4"] = (
                "same shape, a used code is refused"
                if _shape(a) == _shape(b) and used and refused
                else f"DIFFERENT: {a} vs {b} / {again}"[:400]
            )
        self.results["equivalence"] = dict(sorted(found.items()))
        log(f"same answers: {self.results['equivalence']}")

    # ------------------------------------------------------------------ variants (A/B)

    def run_experiments(self) -> None:
        """Each variant against a control (the gateway as it is), both started fresh side by
        side, so neither has a longer-lived process (bigger heap, warmer caches) than the
        other; alternating short runs, compared round by round."""
        if self.args.no_experiments:
            return
        plan = self.plan
        env = servers.gateway_environment(self.url, self.secret, self.workdir / "media")
        experiments = []
        for variant in VARIANTS:
            if variant["name"] == "stock_json" and not _encoder_overridden():
                continue
            started = {
                "variant": servers.start(
                    "variant",
                    str(variant["app"]),
                    self.args.variant_port,
                    env,
                    self.workdir,
                    factory=True,
                ),
                "control": servers.start(
                    "control", "gateway.asgi:app", self.args.variant_port + 1, env, self.workdir
                ),
            }
            self.servers.update(started)
            runs: dict[str, dict[str, list[dict[str, Any]]]] = {}
            try:
                rounds = plan.experiment_rounds if variant["mode"] == "closed" else 1
                for round_ in range(rounds):
                    for workload in variant["workloads"]:
                        order = (
                            ["variant", "control"] if round_ % 2 == 0 else ["control", "variant"]
                        )
                        for label in order:
                            if variant["mode"] == "open":
                                result = self.open_mix(
                                    "gateway",
                                    port=started[label].port,
                                    seconds=plan.experiment_mix_seconds,
                                    warmup=plan.mix_warmup_seconds,
                                )
                            else:
                                result = self.closed(
                                    str(workload),
                                    "gateway",
                                    seconds=plan.experiment_seconds,
                                    warmup=min(1.0, plan.warmup_seconds),
                                    concurrency=plan.concurrency,
                                    port=started[label].port,
                                )
                            runs.setdefault(str(workload), {}).setdefault(label, []).append(result)
                if variant["name"] == "stock_json":
                    self.results["encoders"] = self._time_encoders(started["control"].port)
            finally:
                for label in started:
                    servers.stop(self.servers.pop(label))
            experiments.append(
                {
                    "name": variant["name"],
                    "label": variant["label"],
                    "mode": variant["mode"],
                    "results": {
                        w: _compare(pair) if variant["mode"] == "closed" else pair
                        for w, pair in runs.items()
                    },
                }
            )
        self.results["experiments"] = experiments

    def _time_encoders(self, port: int) -> list[dict[str, Any]]:
        """json.dumps vs orjson on real responses, in this process (no server noise)."""
        import json
        import timeit

        timed = []
        gw = f"http://{HOST}:{port}/graphql"
        with httpx.Client(timeout=10) as http:
            for workload, query in (("W1", W1_OFFERS), ("W2", W2_WALLET), ("W5", W5_QUEUE)):
                token = self.data[workload]["tokens"][0]
                document = http.post(
                    gw, json={"query": query}, headers={"Authorization": f"Bearer {token}"}
                ).json()
                n = 2000
                stock = timeit.timeit(
                    functools.partial(json.dumps, document, separators=(",", ":")), number=n
                )
                fast = timeit.timeit(functools.partial(_orjson_text, document), number=n)
                timed.append(
                    {
                        "workload": workload,
                        "bytes": len(orjson.dumps(document)),
                        "json_us": stock / n * 1e6,
                        "orjson_us": fast / n * 1e6,
                    }
                )
        return timed

    # ------------------------------------------------------------------ profiling

    def run_profiles(self) -> None:
        if self.args.no_profile:
            self.results["profile_note"] = "Profiling was skipped (--no-profile)."
            return
        if profiling.py_spy() is None:
            self.results["profile_note"] = (
                "py-spy is not installed (pip install -e '.[bench]'), so nothing was profiled."
            )
            return
        closed = self.results["closed"]
        ranked = sorted(
            (w for w in closed if closed[w]["baseline"]["rps"]),
            key=lambda w: closed[w]["gateway"]["rps"] / closed[w]["baseline"]["rps"] / TARGETS[w],
        )
        plan = self.plan
        gateway = self.servers["gateway"]
        if len(self.vouchers) < plan.profile_seconds * 400:
            ranked = [w for w in ranked if w != "W4"]  # too few vouchers left to keep it busy
        for workload in ranked[: self.args.profile_workloads or plan.profile_workloads]:
            seconds = plan.profile_seconds
            vouchers = len(self.vouchers) if workload == "W4" else 0
            spec = {
                "mode": "closed",
                "workload": workload,
                "target": "gateway",
                "port": gateway.port,
                "concurrency": plan.concurrency,
                "warmup": 1.0,
                "duration": seconds + 1.5,
                "seed": 5,
                "data": self._data_for(workload, "gateway", vouchers),
            }
            if workload == "W4":
                spec["max_requests"] = len(spec["data"]["W4"]["items"])
            loadgen, out_path, budget = self._loadgen(spec, background=True)
            time.sleep(1.2)
            raw = self.workdir / f"profile-{workload}.txt"
            rate = 250
            sampler = profiling.record(gateway.pid, seconds, raw, rate=rate)
            try:
                _, stderr = sampler.communicate(timeout=seconds + 30)
            except subprocess.TimeoutExpired:
                sampler.kill()
                _, stderr = sampler.communicate()
            result = self._finish(loadgen, out_path, budget)
            if sampler.returncode != 0 or not raw.exists():
                self.results["profile_note"] = f"py-spy failed: {stderr.decode()[-300:]}"
                log(self.results["profile_note"])
                return
            summary = profiling.summarize(raw).as_dict()
            self.results["profiles"].append(
                {
                    "workload": workload,
                    "rate": rate,
                    "seconds": seconds,
                    "rps": result["rps"],
                    "profile": summary,
                }
            )
            log(f"profiled {workload}: {summary['samples']} samples")

    # ------------------------------------------------------------------ the whole run

    def execute(self) -> None:
        started = time.time()
        plan = self.plan
        self.results.update(
            plan=dataclasses.asdict(plan),
            command=self.args.command_line,
            started=datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
            machine=_machine(),
        )
        log(f"{plan.name} run; database {self.db_name}; work files in {self.workdir}")
        others = self.results["machine"]["others_at_start"]
        if others > 0.5:
            log(f"note: other processes are using {others:.1f} cores; expect noisy numbers")
        asyncio.run(self._seed_small())
        log(f"small ledger seeded ({self.small_entries:,} entries)")
        self._start_servers()
        self.run_scale("small")
        asyncio.run(self._seed_large())
        self.results["seed_steps"] = {k: v for k, v in self.timings.steps.items() if v >= 0.05}
        self.results["seed_seconds"] = self.timings.total()
        log(f"seeded in {self.timings.total():.1f} s: {self.results['sizes']}")
        asyncio.run(self._load_data())
        self.check_equivalence()
        self.run_closed_loops()
        self.run_mix()
        self.run_scale("large")
        self._stop_servers()
        self.run_experiments()
        self.servers["gateway"] = servers.start(
            "gateway",
            "gateway.asgi:app",
            self.args.gateway_port,
            servers.gateway_environment(self.url, self.secret, self.workdir / "media"),
            self.workdir,
        )
        self.run_profiles()
        self._stop_servers()
        asyncio.run(self._check_invariants())
        for checked in self.results["invariants"]:
            log(f"invariant {'ok  ' if not checked['violations'] else 'FAIL'} {checked['name']}")
        self.results["machine"]["load_end"] = _load()
        self.results["duration_s"] = time.time() - started
        report.write(self.args.results, self.results)
        (self.workdir / "results.json").write_bytes(
            orjson.dumps(self.results, option=orjson.OPT_INDENT_2)
        )
        log(f"wrote {self.args.results} in {self.results['duration_s']:.0f} s")

    def cleanup(self) -> None:
        self._stop_servers()
        if not self.args.keep:
            asyncio.run(seed.drop_database(ADMIN_URL, self.db_name))
            shutil.rmtree(self.workdir, ignore_errors=True)
            log(f"dropped database {self.db_name}")
        else:
            log(f"kept database {self.db_name} ({self.url}) and {self.workdir}")


def _global_id(type_name: str, pk: int) -> str:
    from resolvers.ids import global_id

    return global_id(type_name, pk)


def _encoder_overridden() -> bool:
    from gateway.app import GridPointsGraphQL

    return "encode_json" in GridPointsGraphQL.__dict__


def _combine(results: list[dict[str, Any]]) -> dict[str, Any]:
    """Several short runs of one server as one: req/s and p50 medians, CPU per request over
    all requests."""
    import statistics

    requests = sum(r["completed"] for r in results) or 1
    cpu = [r.get("cpu") or {} for r in results]

    def per_request(key: str) -> float:
        total = sum(c.get(key, 0.0) * r["completed"] for c, r in zip(cpu, results, strict=True))
        return float(total / requests)

    return {
        "runs": len(results),
        "rps": statistics.median(r["rps"] for r in results),
        "p50": statistics.median(r["latency_ms"].get("p50", 0.0) for r in results),
        "p99": statistics.median(r["latency_ms"].get("p99", 0.0) for r in results),
        "server_ms": per_request("server_ms_per_request"),
        "postgres_ms": per_request("postgres_ms_per_request"),
        "others_cores": statistics.mean(c.get("others_cores", 0.0) for c in cpu),
        "errors": sum(r["error_count"] for r in results),
    }


def _compare(pair: dict[str, list[dict[str, Any]]]) -> dict[str, Any]:
    """Variant and control combined, and round by round: control's CPU per request (server
    + PostgreSQL) over the variant's, and control's req/s over the variant's."""
    import statistics

    def cpu(result: dict[str, Any]) -> float:
        found = result.get("cpu") or {}
        return float(
            found.get("server_ms_per_request", 0.0) + found.get("postgres_ms_per_request", 0.0)
        )

    rounds = list(zip(pair["variant"], pair["control"], strict=True))
    cpu_ratios = [cpu(c) / cpu(v) for v, c in rounds if cpu(v)]
    rps_ratios = [c["rps"] / v["rps"] for v, c in rounds if v["rps"]]
    return {
        "variant": _combine(pair["variant"]),
        "control": _combine(pair["control"]),
        "cpu_ratios": cpu_ratios,
        "rps_ratios": rps_ratios,
        "cpu_ratio_median": statistics.median(cpu_ratios) if cpu_ratios else 0.0,
        "rps_ratio_median": statistics.median(rps_ratios) if rps_ratios else 0.0,
    }


def _shape(document: Any) -> Any:
    if isinstance(document, dict):
        return {key: _shape(value) for key, value in document.items()}
    if isinstance(document, list):
        return [_shape(value) for value in document[:1]]
    return type(document).__name__


def _load() -> str:
    one, five, _ = os.getloadavg()
    return f"{one:.2f} / {five:.2f}"


def _others_busy(seconds: float = 1.0) -> float:
    """Cores busy on the whole machine over a short interval (nothing of ours runs yet)."""

    def busy() -> tuple[float, float]:
        values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
        return sum(values) - values[3] - values[4], sum(values)

    b0, t0 = busy()
    time.sleep(seconds)
    b1, t1 = busy()
    return (b1 - b0) / (t1 - t0) * (os.cpu_count() or 1) if t1 > t0 else 0.0


def _machine() -> dict[str, Any]:
    model = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        postgres = subprocess.run(
            ["psql", ADMIN_URL, "-Atc", "SHOW server_version"],
            capture_output=True,
            text=True,
            timeout=10,
        ).stdout.strip()
        postgres = f"PostgreSQL {postgres.split()[0]}" if postgres else "PostgreSQL"
    except (OSError, subprocess.SubprocessError):
        postgres = "PostgreSQL"
    return {
        "cpus": os.cpu_count(),
        "cpu_model": model,
        "python": platform.python_version(),
        "postgres": postgres,
        "strawberry": version("strawberry-graphql"),
        "tortoise": version("tortoise-orm"),
        "load_start": _load(),
        "others_at_start": _others_busy(),
    }


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench", description="Benchmark the gateway against a bare baseline."
    )
    parser.add_argument("--quick", action="store_true", help="small data, short runs (< 2 min)")
    parser.add_argument("--keep", action="store_true", help="keep the database and work files")
    parser.add_argument("--no-profile", action="store_true", help="skip the py-spy profiles")
    parser.add_argument("--profile-workloads", type=int, default=0, help="how many to profile")
    parser.add_argument("--database", default=DATABASE_NAME, help="database to (re)create")
    parser.add_argument("--gateway-port", type=int, default=GATEWAY_PORT)
    parser.add_argument("--baseline-port", type=int, default=BASELINE_PORT)
    parser.add_argument("--variant-port", type=int, default=VARIANT_PORT)
    parser.add_argument("--no-experiments", action="store_true", help="skip the variant A/B")
    parser.add_argument("--client", choices=["raw", "httpx"], default="raw")
    parser.add_argument(
        "--workloads", default="W1,W2,W5,W3,W4", help="closed-loop workloads, in order"
    )
    parser.add_argument("--results", type=Path, default=RESULTS, help="where to write")
    args = parser.parse_args(argv)
    args.workloads = [w.strip().upper() for w in args.workloads.split(",") if w.strip()]
    args.command_line = "python -m bench" + (" " + " ".join(argv) if argv else "")
    return args


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    args = parse_args(argv)
    run = Run(args)
    try:
        run.execute()
    except BaseException:
        for server in run.servers.values():
            tail = server.log_tail()
            if tail:
                log(f"{server.name} log:\n{tail}")
        raise
    finally:
        run.cleanup()
