"""The load generator, run as its own process: `python -m bench.loadgen SPEC.json OUT.json`.

Two modes, both bounded in request count and in time, both aimed at 127.0.0.1 only:

- closed: N workers, each with one keep-alive connection, send a request, wait for the
  answer, send the next. Throughput is what the server sustains at that concurrency;
  latency is each request's own round trip.
- open: requests are scheduled at a fixed rate (t0 + i/rate) whatever the server does, and
  latency is measured from each request's *scheduled* send time, so a stalled server is
  charged for every request it delayed (no coordinated omission, as in wrk2). Connections
  come from a pool that grows as needed (to a cap).

The HTTP client is a minimal HTTP/1.1 keep-alive client on asyncio streams (uvloop when
available): a pre-encoded request, the head read to its blank line, the body by
Content-Length. It costs a fraction of what httpx costs per request, which matters on two
cores shared with the server and PostgreSQL (see bench/README.md); `"client": "httpx"`
in the spec uses httpx instead.
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import os
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

import orjson

from bench.workloads import MixSource, Request, Source, check

REQUEST_TIMEOUT = 10.0
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
MAX_OPEN_CONNECTIONS = 256
ALLOWED_HOSTS = ("127.0.0.1", "localhost", "::1")
STALE_RETRIES = [0]  # requests resent once on a new connection (see RawConnection.send)


class ConnectionClosed(Exception):
    pass


class RawConnection:
    """One keep-alive HTTP/1.1 connection."""

    def __init__(self, host: str, port: int) -> None:
        self.host = host
        self.port = port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None
        self.prefix = f"Host: {host}:{port}\r\nUser-Agent: gridpoints-bench\r\n".encode()

    async def open(self) -> None:
        self.reader, self.writer = await asyncio.open_connection(self.host, self.port)

    def encode(self, request: Request) -> bytes:
        head = f"{request.method} {request.path} HTTP/1.1\r\n".encode() + self.prefix
        head += f"Authorization: Bearer {request.token}\r\n".encode()
        body = request.body or b""
        if request.body is not None:
            head += b"Content-Type: application/json\r\n"
        head += f"Content-Length: {len(body)}\r\n\r\n".encode()
        return head + body

    async def send(self, request: Request) -> tuple[int, bytes]:
        """One exchange. A kept-alive connection the server has meanwhile closed (uvicorn
        closes idle ones after 5 s) fails before any byte of an answer: the request never
        reached the application, so it is sent again once on a new connection, as HTTP
        clients do."""
        reused = self.writer is not None
        try:
            return await self._exchange(request)
        except ConnectionClosed:
            await self.close()
            if not reused:
                raise
            STALE_RETRIES[0] += 1
            return await self._exchange(request)

    async def _exchange(self, request: Request) -> tuple[int, bytes]:
        if self.writer is None or self.reader is None:
            await self.open()
        assert self.writer is not None and self.reader is not None
        try:
            self.writer.write(self.encode(request))
            head = await self.reader.readuntil(b"\r\n\r\n")
        except (asyncio.IncompleteReadError, ConnectionError) as exc:
            raise ConnectionClosed(str(exc)) from exc
        status = int(head[9:12])
        length = -1
        closing = False
        for line in head.split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            lowered = name.strip().lower()
            if lowered == b"content-length":
                length = int(value)
            elif lowered == b"connection" and value.strip().lower() == b"close":
                closing = True
        if length < 0:
            raise ConnectionClosed("response without Content-Length")
        body = await self.reader.readexactly(length)
        if closing:
            await self.close()
        return status, body

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            with contextlib.suppress(Exception):
                await self.writer.wait_closed()
        self.reader = self.writer = None


class HttpxConnection:
    """The same interface over httpx (one client with one connection per worker)."""

    def __init__(self, host: str, port: int) -> None:
        import httpx

        self.client = httpx.AsyncClient(
            base_url=f"http://{host}:{port}",
            limits=httpx.Limits(max_connections=1, max_keepalive_connections=1),
            timeout=REQUEST_TIMEOUT,
        )

    async def open(self) -> None:
        return None

    async def send(self, request: Request) -> tuple[int, bytes]:
        headers = {"Authorization": f"Bearer {request.token}"}
        if request.body is not None:
            headers["Content-Type"] = "application/json"
        response = await self.client.request(
            request.method, request.path, content=request.body, headers=headers
        )
        return response.status_code, response.content

    async def close(self) -> None:
        await self.client.aclose()


def _connection(spec: dict[str, Any]) -> RawConnection | HttpxConnection:
    if spec.get("client") == "httpx":
        return HttpxConnection(spec["host"], spec["port"])
    return RawConnection(spec["host"], spec["port"])


def percentiles(latencies: list[float]) -> dict[str, float]:
    """Nearest-rank percentiles in milliseconds."""
    if not latencies:
        return {}
    ordered = sorted(latencies)

    def rank(p: float) -> float:
        index = min(len(ordered) - 1, max(0, math.ceil(p / 100 * len(ordered)) - 1))
        return ordered[index] * 1000

    return {
        "p50": rank(50),
        "p90": rank(90),
        "p95": rank(95),
        "p99": rank(99),
        "p99.9": rank(99.9),
        "max": ordered[-1] * 1000,
        "mean": sum(ordered) / len(ordered) * 1000,
    }


class Tally:
    def __init__(self) -> None:
        self.latencies: list[float] = []
        self.errors: Counter[str] = Counter()
        self.ok = 0
        self.by_workload: dict[str, list[float]] = {}
        self.errors_by_workload: Counter[str] = Counter()

    def add(self, workload: str, latency: float, error: str | None, keep_by: bool) -> None:
        self.latencies.append(latency)
        if keep_by:
            self.by_workload.setdefault(workload, []).append(latency)
        if error is None:
            self.ok += 1
        else:
            self.errors[error] += 1
            self.errors_by_workload[workload] += 1


def _cpu_seconds(pid: int | str) -> float:
    """User + system CPU time of one process (0 when it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return 0.0
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def _postgres_backends(database: str) -> dict[str, float]:
    """CPU seconds of every PostgreSQL backend serving `database` (by process title)."""
    found: dict[str, float] = {}
    marker = f" {database} ".encode()
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            title = Path(f"/proc/{entry}/cmdline").read_bytes()
        except OSError:
            continue
        if title.startswith(b"postgres: ") and marker in title:
            found[entry] = _cpu_seconds(entry)
    return found


def _machine_busy() -> tuple[float, float]:
    """(busy, total) CPU seconds of the whole machine since boot."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = values[3] + values[4]
    return (sum(values) - idle) / CLOCK_TICKS, sum(values) / CLOCK_TICKS


class CpuMeter:
    """CPU used during the measured phase by the server, its PostgreSQL backends, this load
    generator, and everything else on the machine (other people's work)."""

    def __init__(self, spec: dict[str, Any]) -> None:
        self.pid = spec.get("server_pid")
        self.database = spec.get("database")
        self.start()

    def start(self) -> None:
        self.server = _cpu_seconds(self.pid) if self.pid else 0.0
        self.postgres = _postgres_backends(self.database) if self.database else {}
        self.own = time.process_time()
        self.busy = _machine_busy()[0]

    def stop(self, requests: int, elapsed: float) -> dict[str, float]:
        if not self.pid or not requests:
            return {}
        server = _cpu_seconds(self.pid) - self.server
        now = _postgres_backends(self.database) if self.database else {}
        postgres = sum(cpu - self.postgres.get(pid, 0.0) for pid, cpu in now.items())
        own = time.process_time() - self.own
        busy = _machine_busy()[0] - self.busy
        return {
            "server_ms_per_request": server * 1000 / requests,
            "postgres_ms_per_request": postgres * 1000 / requests,
            "loadgen_ms_per_request": own * 1000 / requests,
            "server_cores": server / elapsed,
            "postgres_cores": postgres / elapsed,
            "loadgen_cores": own / elapsed,
            "others_cores": max(0.0, busy - server - postgres - own) / elapsed,
        }


async def _send_checked(
    conn: RawConnection | HttpxConnection, workload: str, request: Request
) -> str | None:
    try:
        status, body = await asyncio.wait_for(conn.send(request), REQUEST_TIMEOUT)
    except TimeoutError:
        await conn.close()
        return "timeout"
    except (ConnectionClosed, ConnectionError, OSError) as exc:
        await conn.close()
        return f"connection: {type(exc).__name__}"
    return check(workload, status, body)


async def closed_loop(spec: dict[str, Any]) -> dict[str, Any]:
    workload = spec["workload"]
    source = Source(workload, spec["target"], spec["data"], spec.get("seed", 1))
    concurrency = int(spec["concurrency"])
    max_requests = int(spec.get("max_requests", 10_000_000))
    conns = [_connection(spec) for _ in range(concurrency)]
    for conn in conns:
        await conn.open()
    sent = 0

    async def worker(
        conn: RawConnection | HttpxConnection, deadline: float, tally: Tally | None
    ) -> None:
        nonlocal sent
        while time.perf_counter() < deadline and sent < max_requests:
            request = source()
            if request is None:
                return
            sent += 1
            started = time.perf_counter()
            error = await _send_checked(conn, workload, request)
            if tally is not None:
                tally.add(workload, time.perf_counter() - started, error, keep_by=False)

    warmup_until = time.perf_counter() + float(spec["warmup"])
    await asyncio.gather(*(worker(conn, warmup_until, None) for conn in conns))
    warm = sent
    tally = Tally()
    meter = CpuMeter(spec)
    started = time.perf_counter()
    deadline = started + float(spec["duration"])
    await asyncio.gather(*(worker(conn, deadline, tally) for conn in conns))
    elapsed = time.perf_counter() - started
    cpu = meter.stop(len(tally.latencies), elapsed)
    for conn in conns:
        await conn.close()
    return {
        "mode": "closed",
        "workload": workload,
        "target": spec["target"],
        "concurrency": concurrency,
        "warmup_requests": warm,
        "elapsed": elapsed,
        "completed": len(tally.latencies),
        "ok": tally.ok,
        "rps": tally.ok / elapsed if elapsed > 0 else 0.0,
        "errors": dict(tally.errors),
        "error_count": sum(tally.errors.values()),
        "latency_ms": percentiles(tally.latencies),
        "exhausted": source() is None if workload == "W4" else False,
        "cpu": cpu,
    }


async def open_loop(spec: dict[str, Any]) -> dict[str, Any]:
    source = MixSource(spec["weights"], spec["target"], spec["data"], spec.get("seed", 1))
    rate = float(spec["rate"])
    idle: list[RawConnection | HttpxConnection] = []
    gate = asyncio.Semaphore(MAX_OPEN_CONNECTIONS)
    opened = 0

    async def one(scheduled: float, workload: str, request: Request, tally: Tally | None) -> None:
        nonlocal opened
        async with gate:
            conn = idle.pop() if idle else None
            if conn is None:
                conn = _connection(spec)
                opened += 1
            error = await _send_checked(conn, workload, request)
            idle.append(conn)
        if tally is not None:
            tally.add(workload, time.perf_counter() - scheduled, error, keep_by=True)

    async def phase(seconds: float, tally: Tally | None) -> tuple[int, float]:
        count = int(rate * seconds)
        tasks: set[asyncio.Task[None]] = set()
        t0 = time.perf_counter() + 0.05
        late = 0.0
        for i in range(count):
            scheduled = t0 + i / rate
            delay = scheduled - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            else:
                late = max(late, -delay)
            picked = source()
            if picked is None:
                break
            task = asyncio.create_task(one(scheduled, picked[0], picked[1], tally))
            tasks.add(task)
            task.add_done_callback(tasks.discard)
        if tasks:
            _, pending = await asyncio.wait(set(tasks), timeout=REQUEST_TIMEOUT + 5)
            for task in pending:
                task.cancel()
                if tally is not None:
                    tally.errors["not answered in time"] += 1
        return count, late

    await phase(float(spec["warmup"]), None)
    tally = Tally()
    meter = CpuMeter(spec)
    started = time.perf_counter()
    scheduled, late = await phase(float(spec["duration"]), tally)
    elapsed = time.perf_counter() - started
    cpu = meter.stop(len(tally.latencies), elapsed)
    for conn in idle:
        await conn.close()
    return {
        "mode": "open",
        "workload": "MIX",
        "target": spec["target"],
        "rate": rate,
        "scheduled": scheduled,
        "elapsed": elapsed,
        "completed": len(tally.latencies),
        "ok": tally.ok,
        "rps": len(tally.latencies) / elapsed if elapsed > 0 else 0.0,
        "errors": dict(tally.errors),
        "error_count": sum(tally.errors.values()),
        "latency_ms": percentiles(tally.latencies),
        "per_workload": {
            name: {
                "count": len(values),
                "errors": tally.errors_by_workload.get(name, 0),
                "latency_ms": percentiles(values),
            }
            for name, values in sorted(tally.by_workload.items())
        },
        "connections_opened": opened,
        "stale_retries": STALE_RETRIES[0],
        "cpu": cpu,
        "scheduler_max_lag_ms": late * 1000,
    }


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 2:
        raise SystemExit("usage: python -m bench.loadgen SPEC.json OUT.json")
    spec = orjson.loads(Path(args[0]).read_bytes())
    if spec["host"] not in ALLOWED_HOSTS:
        raise SystemExit("the load generator only targets the loopback interface")
    run = closed_loop if spec["mode"] == "closed" else open_loop
    try:
        import uvloop
    except ImportError:
        result = asyncio.run(run(spec))
    else:
        result = uvloop.run(run(spec))
    Path(args[1]).write_bytes(orjson.dumps(result, option=orjson.OPT_INDENT_2))


if __name__ == "__main__":
    main()
