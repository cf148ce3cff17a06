"""Sizes, durations and addresses of one benchmark run (full or --quick)."""

from __future__ import annotations

from dataclasses import dataclass, replace

HOST = "127.0.0.1"
ADMIN_URL = "postgres://postgres@127.0.0.1:5432/postgres"
DATABASE_NAME = "gridpoints_bench"
GATEWAY_PORT = 8701
BASELINE_PORT = 8702
POOL_SIZE = 10
RATE_LIMIT_SCALE = 1_000_000

MIX = {"W1": 60, "W2": 25, "W3": 10, "W4": 5}
# Gateway/baseline throughput the issue asks for, per workload.
TARGETS = {"W1": 0.10, "W2": 0.25, "W3": 0.60, "W4": 0.60, "W5": 0.10}
MIX_RATE = 100
MIX_P99_TARGET_MS = 50.0


@dataclass(frozen=True, slots=True)
class Plan:
    name: str
    merchants: int
    offers: int
    residents: int
    reports: int
    grid_workers: int
    micro_grids: int
    courtyards: int
    # Ledger entries seeded before the scale measurement, and in all (vouchers included).
    small_entries: int
    entries: int
    # Residents holding all of the small ledger's wallet entries (>= 10 each).
    hot_wallets: int
    vouchers: int
    # Closed-loop load.
    concurrency: int
    warmup_seconds: float
    measure_seconds: float
    # Open-loop mix.
    mix_warmup_seconds: float
    mix_seconds: float
    # Scale measurement of W2 (closed loop, light load).
    scale_concurrency: int
    scale_seconds: float
    profile_seconds: float
    profile_workloads: int


FULL = Plan(
    name="full",
    merchants=50,
    offers=1_000,
    residents=10_000,
    reports=10_000,
    grid_workers=34,
    micro_grids=68,
    courtyards=19,
    small_entries=10_000,
    entries=1_000_000,
    hot_wallets=500,
    vouchers=70_000,
    concurrency=16,
    warmup_seconds=2.0,
    measure_seconds=10.0,
    mix_warmup_seconds=3.0,
    mix_seconds=60.0,
    scale_concurrency=4,
    scale_seconds=5.0,
    profile_seconds=8.0,
    profile_workloads=5,
)

QUICK = replace(
    FULL,
    name="quick",
    merchants=10,
    offers=100,
    residents=1_000,
    reports=1_000,
    small_entries=2_000,
    entries=20_000,
    hot_wallets=100,
    vouchers=5_000,
    warmup_seconds=0.5,
    measure_seconds=2.0,
    mix_warmup_seconds=0.5,
    mix_seconds=6.0,
    scale_seconds=1.0,
    profile_seconds=2.0,
    profile_workloads=1,
)


def database_url(name: str) -> str:
    return ADMIN_URL.rsplit("/", 1)[0] + "/" + name
