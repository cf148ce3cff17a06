"""What one benchmark run measured, as typed records; RESULTS.md is rendered from them."""

from __future__ import annotations

from dataclasses import dataclass, field

from bench.config import Plan
from bench.invariants import Checked
from bench.stats import Latency


@dataclass(frozen=True, slots=True)
class Cpu:
    """CPU used while a run was measured (from /proc): per request, and in cores."""

    server_ms: float = 0.0
    postgres_ms: float = 0.0
    loadgen_ms: float = 0.0
    server_cores: float = 0.0
    others_cores: float = 0.0

    @property
    def total_ms(self) -> float:
        return self.server_ms + self.postgres_ms


@dataclass(frozen=True, slots=True)
class Measured:
    """One load run against one server: every answered request, checked."""

    workload: str
    target: str
    elapsed: float
    ok: int
    errors: dict[str, int]
    latency: Latency
    cpu: Cpu
    exhausted: bool = False  # the W4 vouchers ran out before the time did

    @property
    def rps(self) -> float:
        """Successful answers per second."""
        return self.ok / self.elapsed if self.elapsed > 0 else 0.0

    @property
    def error_count(self) -> int:
        return sum(self.errors.values())


@dataclass(frozen=True, slots=True)
class Part:
    """One workload's share of an open-loop mix."""

    errors: int
    latency: Latency


@dataclass(frozen=True, slots=True)
class Mix:
    """An open-loop run: requests sent on a fixed schedule, latency from the scheduled time."""

    run: Measured
    scheduled: int
    parts: dict[str, Part]
    connections: int
    resent: int
    lag_ms: float

    @property
    def answered_rps(self) -> float:
        return self.run.latency.count / self.run.elapsed if self.run.elapsed > 0 else 0.0


@dataclass(frozen=True, slots=True)
class Pair:
    """The gateway and the baseline on the same workload, back to back."""

    gateway: Measured
    baseline: Measured

    @property
    def ratio(self) -> float:
        return self.gateway.rps / self.baseline.rps if self.baseline.rps else 0.0

    @property
    def cpu_ratio(self) -> float:
        """baseline/gateway CPU per request: a steadier estimate of the throughput ratio."""
        gateway = self.gateway.cpu.total_ms
        return self.baseline.cpu.total_ms / gateway if gateway else 0.0


@dataclass(frozen=True, slots=True)
class ScalePoint:
    """W2 at one ledger size."""

    entries: int
    entries_per_wallet: float
    pair: Pair


@dataclass(frozen=True, slots=True)
class Summary:
    """Shares of the on-CPU samples, in %, largest first."""

    samples: int
    complete_share: float
    layers: list[tuple[str, float]]
    activities: list[tuple[str, float]]
    top_self: list[tuple[str, float]]


@dataclass(frozen=True, slots=True)
class Profiled:
    workload: str
    rate: int
    seconds: float
    rps: float
    summary: Summary


@dataclass(frozen=True, slots=True)
class Machine:
    cpus: int
    cpu_model: str
    python: str
    postgres: str
    strawberry: str
    tortoise: str
    load_start: str
    others_at_start: float


@dataclass(slots=True)
class Results:
    plan: Plan
    command: str
    started: str
    machine: Machine
    sizes: dict[str, int] = field(default_factory=dict)
    seed_steps: dict[str, float] = field(default_factory=dict)
    same_answers: dict[str, str] = field(default_factory=dict)
    closed: dict[str, Pair] = field(default_factory=dict)
    mix: dict[str, Mix] = field(default_factory=dict)
    scale: list[ScalePoint] = field(default_factory=list)
    invariants: list[Checked] = field(default_factory=list)
    totals: dict[str, int] = field(default_factory=dict)
    profiles: list[Profiled] = field(default_factory=list)
    profile_note: str = ""
    load_end: str = ""
    duration_s: float = 0.0

    @property
    def seed_seconds(self) -> float:
        return sum(self.seed_steps.values())
