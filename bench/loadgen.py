"""The two load loops, both bounded in request count and in time, aimed at 127.0.0.1 only.

- closed: N workers, each with one keep-alive connection, send a request, wait for the
  answer, send the next. Throughput is what the server sustains at that concurrency;
  latency is each request's own round trip.
- open: requests are due at a fixed rate (t0 + i/rate) whatever the server does, and latency
  runs from each request's *due* time, so a stalled server is charged for every request it
  delayed (no coordinated omission, as in wrk2). Connections come from a pool that grows as
  needed, to a cap.

Every answer is checked (bench/workloads.py); bench/README.md says why the loops and their
client (bench/client.py) are written here rather than taken from a load-testing tool.
"""

from __future__ import annotations

import asyncio
import gc
import time
from collections import Counter
from collections.abc import Coroutine
from dataclasses import dataclass, field
from typing import Any, TypeVar

import uvloop

from bench.client import Connection, ConnectionClosed
from bench.config import HOST
from bench.cpu import Meter
from bench.results import Cpu, Measured, Mix, Part
from bench.stats import latency
from bench.workloads import MixSource, Request, Source, Supply, check

REQUEST_TIMEOUT = 10.0
MAX_OPEN_CONNECTIONS = 256
UNBOUNDED = 10_000_000  # requests: runs not bounded by a supply stop at their time limit
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Target:
    name: str  # "gateway" or "baseline": which kind of request to send
    port: int
    pid: int | None = None  # the server process, for its CPU time
    database: str = ""  # for the CPU time of its PostgreSQL backends


@dataclass(frozen=True, slots=True)
class Closed:
    workload: str
    concurrency: int
    warmup: float
    duration: float
    max_requests: int = UNBOUNDED
    seed: int = 1


@dataclass(frozen=True, slots=True)
class Open:
    weights: dict[str, int]
    rate: float
    warmup: float
    duration: float
    seed: int = 11
    max_connections: int = MAX_OPEN_CONNECTIONS


@dataclass
class Tally:
    latencies: list[float] = field(default_factory=list)
    errors: Counter[str] = field(default_factory=Counter)
    ok: int = 0
    by_workload: dict[str, list[float]] = field(default_factory=dict)
    errors_by_workload: Counter[str] = field(default_factory=Counter)

    def add(self, workload: str, seconds: float, error: str | None) -> None:
        self.latencies.append(seconds)
        self.by_workload.setdefault(workload, []).append(seconds)
        if error is None:
            self.ok += 1
        else:
            self.errors[error] += 1
            self.errors_by_workload[workload] += 1

    def measured(
        self, workload: str, target: str, elapsed: float, cpu: Cpu, exhausted: bool = False
    ) -> Measured:
        errors, seconds = dict(self.errors), latency(self.latencies)
        return Measured(workload, target, elapsed, self.ok, errors, seconds, cpu, exhausted)

    def parts(self) -> dict[str, Part]:
        return {
            name: Part(self.errors_by_workload[name], latency(values))
            for name, values in sorted(self.by_workload.items())
        }


def due_times(rate: float, seconds: float) -> list[float]:
    """When each request of an open-loop phase is due, in seconds from its start."""
    return [i / rate for i in range(int(rate * seconds))]


def run(loop: Coroutine[Any, Any, T]) -> T:
    """One loop on uvloop. What this process built so far is frozen out of the garbage
    collector's reach first, so a full collection cannot stall the client mid-run."""
    gc.collect()
    gc.freeze()
    return uvloop.run(loop)


async def _send_checked(conn: Connection, workload: str, request: Request) -> str | None:
    try:
        status, body = await asyncio.wait_for(conn.send(request), REQUEST_TIMEOUT)
    except TimeoutError:
        await conn.close()
        return "timeout"
    except (ConnectionClosed, ConnectionError, OSError) as exc:
        await conn.close()
        return f"connection: {type(exc).__name__}"
    return check(workload, status, body)


async def closed_loop(target: Target, spec: Closed, supply: Supply) -> Measured:
    source = Source(spec.workload, target.name, supply, spec.seed)
    conns = [Connection(HOST, target.port) for _ in range(spec.concurrency)]
    sent = 0
    ran_out = False

    async def worker(conn: Connection, deadline: float, tally: Tally | None) -> None:
        nonlocal sent, ran_out
        while time.perf_counter() < deadline and sent < spec.max_requests:
            request = source()
            if request is None:
                ran_out = True
                return
            sent += 1
            started = time.perf_counter()
            error = await _send_checked(conn, spec.workload, request)
            if tally is not None:
                tally.add(spec.workload, time.perf_counter() - started, error)

    async def phase(seconds: float, tally: Tally | None) -> None:
        deadline = time.perf_counter() + seconds
        await asyncio.gather(*(worker(conn, deadline, tally) for conn in conns))

    await phase(spec.warmup, None)
    tally, meter, started = Tally(), Meter(target.pid, target.database), time.perf_counter()
    await phase(spec.duration, tally)
    elapsed = time.perf_counter() - started
    for conn in conns:
        await conn.close()
    cpu = meter.stop(len(tally.latencies), elapsed)
    exhausted = ran_out or sent >= spec.max_requests
    return tally.measured(spec.workload, target.name, elapsed, cpu, exhausted)


async def open_loop(target: Target, spec: Open, supply: Supply) -> Mix:
    source = MixSource(spec.weights, target.name, supply, spec.seed)
    idle: list[Connection] = []
    opened: list[Connection] = []
    gate = asyncio.Semaphore(spec.max_connections)

    async def one(due: float, workload: str, request: Request, tally: Tally | None) -> None:
        async with gate:
            conn = idle.pop() if idle else None
            if conn is None:
                conn = Connection(HOST, target.port)
                opened.append(conn)
            error = await _send_checked(conn, workload, request)
            idle.append(conn)
        if tally is not None:
            tally.add(workload, time.perf_counter() - due, error)

    async def phase(seconds: float, tally: Tally | None) -> tuple[int, float]:
        tasks: set[asyncio.Task[None]] = set()
        t0 = time.perf_counter() + 0.05
        lag = 0.0
        offsets = due_times(spec.rate, seconds)
        for offset in offsets:
            due = t0 + offset
            delay = due - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            lag = max(lag, -delay)
            picked = source()
            if picked is None:
                break
            task = asyncio.create_task(one(due, picked[0], picked[1], tally))
            tasks.add(task)
            task.add_done_callback(tasks.discard)
        if tasks:
            _, pending = await asyncio.wait(set(tasks), timeout=REQUEST_TIMEOUT + 5)
            for task in pending:
                task.cancel()
                if tally is not None:
                    tally.errors["not answered in time"] += 1
        return len(offsets), lag

    await phase(spec.warmup, None)
    tally, meter, started = Tally(), Meter(target.pid, target.database), time.perf_counter()
    scheduled, lag = await phase(spec.duration, tally)
    elapsed = time.perf_counter() - started
    for conn in idle:
        await conn.close()
    cpu = meter.stop(len(tally.latencies), elapsed)
    return Mix(
        run=tally.measured("MIX", target.name, elapsed, cpu),
        scheduled=scheduled,
        parts=tally.parts(),
        connections=len(opened),
        resent=sum(conn.resent for conn in opened),
        lag_ms=lag * 1000,
    )
