"""CPU time from /proc: the server process, the benchmark database's PostgreSQL backends
(found by process title), this process, and the whole machine."""

from __future__ import annotations

import os
import time
from pathlib import Path

from bench.results import Cpu

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def process_seconds(pid: int | str) -> float:
    """User + system CPU time of one process (0 when it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return 0.0
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def postgres_backends(database: str) -> dict[str, float]:
    """CPU seconds of every PostgreSQL backend serving `database`, by process id."""
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
            found[entry] = process_seconds(entry)
    return found


def machine_busy() -> tuple[float, float]:
    """(busy, total) CPU seconds of the whole machine since boot, all cores."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = values[3] + values[4]
    return (sum(values) - idle) / CLOCK_TICKS, sum(values) / CLOCK_TICKS


def cores_busy(seconds: float = 1.0) -> float:
    """How many cores the machine kept busy over a short interval."""
    busy0, total0 = machine_busy()
    time.sleep(seconds)
    busy1, total1 = machine_busy()
    share = (busy1 - busy0) / (total1 - total0) if total1 > total0 else 0.0
    return share * (os.cpu_count() or 1)


class Meter:
    """CPU used from its creation to `stop()` by the server, its PostgreSQL backends, this
    process, and everything else on the machine (other people's work)."""

    def __init__(self, server_pid: int | None, database: str) -> None:
        self.pid = server_pid
        self.database = database
        self.server = process_seconds(server_pid) if server_pid else 0.0
        self.postgres = postgres_backends(database)
        self.own = time.process_time()
        self.busy = machine_busy()[0]

    def stop(self, requests: int, elapsed: float) -> Cpu:
        if not self.pid or not requests or elapsed <= 0:
            return Cpu()
        server = process_seconds(self.pid) - self.server
        now = postgres_backends(self.database)
        postgres = sum(cpu - self.postgres.get(pid, 0.0) for pid, cpu in now.items())
        own = time.process_time() - self.own
        busy = machine_busy()[0] - self.busy
        return Cpu(
            server_ms=server * 1000 / requests,
            postgres_ms=postgres * 1000 / requests,
            loadgen_ms=own * 1000 / requests,
            server_cores=server / elapsed,
            others_cores=max(0.0, busy - server - postgres - own) / elapsed,
        )
