"""The benchmark command, one function per phase of the run (bench/README.md, "What one run
does"): seed, serve, check the same answers, load closed and open loop, measure the wallet
at two ledger sizes, profile, check the ledger invariants, write RESULTS.md.

    python -m bench            # full run (~8 min): 1,000,000 ledger entries
    python -m bench --quick    # small data, short runs (< 2 min)
"""

from __future__ import annotations

import argparse
import asyncio
import random
import secrets
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import orjson

from bench import invariants, machine, profiling, report, same_answers, seed, servers, supply
from bench.config import (
    ADMIN_URL,
    BASELINE_PORT,
    DATABASE_NAME,
    FULL,
    GATEWAY_PORT,
    MIX,
    MIX_RATE,
    QUICK,
    Plan,
    database_url,
)
from bench.loadgen import UNBOUNDED, Closed, Open, Target, closed_loop, open_loop, run
from bench.results import Measured, Mix, Pair, Results, ScalePoint
from bench.workloads import Supply

RESULTS = Path(__file__).resolve().parent / "RESULTS.md"
TARGETS = ("gateway", "baseline")
WORK_PREFIX = "gridpoints-bench-"


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


@dataclass
class Bench:
    """One run's settings, the servers it started, and what it has measured so far."""

    options: argparse.Namespace
    plan: Plan
    results: Results
    secret: str = field(default_factory=lambda: secrets.token_urlsafe(48))
    run_id: str = field(default_factory=lambda: secrets.token_hex(4))
    workdir: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix=WORK_PREFIX)))
    timings: seed.SeedTimings = field(default_factory=seed.SeedTimings)
    running: dict[str, servers.Server] = field(default_factory=dict)
    supply: Supply = field(default_factory=lambda: Supply("", {}, []))

    @property
    def url(self) -> str:
        return database_url(self.options.database)

    def target(self, name: str) -> Target:
        server = self.running[name]
        return Target(name, server.port, server.pid, self.options.database)

    def start(self, name: str) -> None:
        port = self.options.gateway_port if name == "gateway" else self.options.baseline_port
        self.running[name] = servers.start(name, port, self.url, self.secret, self.workdir)
        log(f"{name} pid {self.running[name].pid} on :{port}")

    def stop_servers(self) -> None:
        for name in list(self.running):
            servers.stop(self.running.pop(name))


def seed_small_ledger(bench: Bench) -> None:
    asyncio.run(seed.create_database(ADMIN_URL, bench.options.database))
    asyncio.run(seed.seed_small(bench.url, bench.plan, bench.timings))


def start_servers(bench: Bench) -> None:
    for name in TARGETS:
        bench.start(name)


def measure_scale(bench: Bench) -> None:
    """W2 on the hot wallets (those holding the small ledger's entries), light load."""
    plan = bench.plan
    entries, per_wallet = asyncio.run(seed.entries_per_wallet(bench.url, plan.hot_wallets))
    tokens = supply.Tokens(bench.secret)
    hot = Supply(
        bench.run_id, {"W2": [tokens(user) for user in range(1, plan.hot_wallets + 1)]}, []
    )
    spec = Closed("W2", plan.scale_concurrency, min(2.0, plan.scale_seconds), plan.scale_seconds)
    pair = Pair(*(_closed(bench, name, spec, hot) for name in TARGETS))
    bench.results.scale.append(ScalePoint(entries, per_wallet, pair))


def seed_full_ledger(bench: Bench) -> None:
    salt = random.getrandbits(60)
    sizes = asyncio.run(seed.seed_full(bench.url, bench.plan, bench.timings, salt))
    bench.results.sizes = sizes
    bench.results.seed_steps = dict(bench.timings.steps)
    log(f"seeded in {bench.results.seed_seconds:.1f} s: {sizes}")
    bench.supply = asyncio.run(_load_supply(bench))


async def _load_supply(bench: Bench) -> Supply:
    async with seed.connected(bench.url) as conn:
        return await supply.load(conn, supply.Tokens(bench.secret), bench.run_id)


def check_same_answers(bench: Bench) -> None:
    ports = (bench.running[name].port for name in TARGETS)
    bench.results.same_answers = same_answers.check(bench.supply, *ports)
    log(f"same answers: {bench.results.same_answers}")


def closed_loops(bench: Bench) -> None:
    """Each workload on both servers back to back, the order alternating per workload."""
    plan = bench.plan
    for index, workload in enumerate(bench.options.workloads):
        order = TARGETS if index % 2 == 0 else TARGETS[::-1]
        budget = {name: _voucher_budget(bench, name) for name in order}
        found = {}
        for name in order:
            limit = budget[name] if workload == "W4" else UNBOUNDED
            spec = Closed(
                workload,
                plan.concurrency,
                plan.warmup_seconds,
                plan.measure_seconds,
                max_requests=limit,
                seed=random.randrange(1 << 30),
            )
            found[name] = _closed(bench, name, spec, bench.supply)
        bench.results.closed[workload] = Pair(found["gateway"], found["baseline"])


def _voucher_budget(bench: Bench, target: str) -> int:
    """W4 vouchers for one closed-loop run (warm-up included): after the two mix runs'
    shares (1.5 times their expected W4 requests), the gateway gets a fifth of the rest, the
    baseline (several times faster) three fifths, and what is left goes to profiling."""
    plan = bench.plan
    mix_seconds = plan.mix_seconds + plan.mix_warmup_seconds
    reserve = 2 * (int(MIX_RATE * mix_seconds * MIX["W4"] / 100 * 1.5) + 10)
    spare = max(0, len(bench.supply.vouchers) - reserve)
    return spare * 3 // 5 if target == "baseline" else spare // 5


def _closed(bench: Bench, name: str, spec: Closed, supplied: Supply) -> Measured:
    result = run(closed_loop(bench.target(name), spec, supplied))
    lat = result.latency
    log(
        f"{spec.workload} {name:8} {result.rps:8.0f} req/s  p50 {lat.p50:6.2f} "
        f"p99 {lat.p99:7.2f} ms  errors {result.error_count}"
    )
    return result


def open_mix(bench: Bench) -> None:
    plan = bench.plan
    spec = Open(MIX, MIX_RATE, plan.mix_warmup_seconds, plan.mix_seconds)
    for name in TARGETS:
        mix: Mix = run(open_loop(bench.target(name), spec, bench.supply))
        lat = mix.run.latency
        log(
            f"MIX {name:8} {mix.answered_rps:6.1f} req/s  p50 {lat.p50:6.2f} "
            f"p99 {lat.p99:7.2f} ms  errors {mix.run.error_count}"
        )
        bench.results.mix[name] = mix


def profile_gateway(bench: Bench) -> None:
    """A freshly started gateway under py-spy, on the workloads furthest below target."""
    bench.stop_servers()
    note = profiling.skipped(bench.options.no_profile)
    if note:
        bench.results.profile_note = note
        return
    bench.start("gateway")
    count = bench.options.profile_workloads or bench.plan.profile_workloads
    for workload in profiling.worst_first(bench.results.closed, bench.supply, bench.plan)[:count]:
        found = profiling.one(
            bench.target("gateway"), workload, bench.plan, bench.supply, bench.workdir
        )
        if isinstance(found, str):
            bench.results.profile_note = found
            log(found)
            break
        bench.results.profiles.append(found)
        log(f"profiled {workload}: {found.summary.samples} samples")
    bench.stop_servers()


def check_invariants(bench: Bench) -> None:
    bench.results.invariants, bench.results.totals = asyncio.run(invariants.run(bench.url))
    for checked in bench.results.invariants:
        log(f"invariant {'ok  ' if checked.ok else 'FAIL'} {checked.name}")


def write_results(bench: Bench, started: float) -> None:
    bench.results.load_end = machine.load_average()
    bench.results.duration_s = time.time() - started
    report.write(bench.options.results, bench.results)
    json = orjson.dumps(bench.results, option=orjson.OPT_INDENT_2)
    (bench.workdir / "results.json").write_bytes(json)
    log(f"wrote {bench.options.results} in {bench.results.duration_s:.0f} s")


PHASES = (
    seed_small_ledger,
    start_servers,
    measure_scale,  # the small ledger
    seed_full_ledger,
    check_same_answers,
    closed_loops,
    open_mix,
    measure_scale,  # the full ledger
    profile_gateway,
    check_invariants,
)


def execute(bench: Bench) -> None:
    started = time.time()
    log(f"{bench.plan.name} run; database {bench.options.database}; files in {bench.workdir}")
    if bench.results.machine.others_at_start > 0.5:
        log("note: other processes are using a core or more; expect noisy numbers")
    for phase in PHASES:
        phase(bench)
    write_results(bench, started)


def cleanup(bench: Bench) -> None:
    bench.stop_servers()
    if bench.options.keep:
        log(f"kept database {bench.options.database} ({bench.url}) and {bench.workdir}")
        return
    asyncio.run(seed.drop_database(ADMIN_URL, bench.options.database))
    shutil.rmtree(bench.workdir, ignore_errors=True)
    log(f"dropped database {bench.options.database}")


def parse_args(argv: list[str]) -> argparse.Namespace:
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
    parser.add_argument(
        "--workloads", default="W1,W2,W5,W3,W4", help="closed-loop workloads, in order"
    )
    parser.add_argument("--results", type=Path, default=RESULTS, help="where to write")
    options = parser.parse_args(argv)
    options.workloads = [w.strip().upper() for w in options.workloads.split(",") if w.strip()]
    return options


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    options = parse_args(argv)
    plan = QUICK if options.quick else FULL
    command = " ".join(["python -m bench", *argv])
    started = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    bench = Bench(options, plan, Results(plan, command, started, machine.describe()))
    try:
        execute(bench)
    except BaseException:
        for server in bench.running.values():
            log(f"{server.name} log:\n{server.log_tail()}")
        raise
    finally:
        cleanup(bench)
