"""Statistics shared by the benchmarks: nearest-rank percentiles and a median timer."""

from __future__ import annotations

import math
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Latency:
    """Nearest-rank percentiles of one run's latencies, in milliseconds (all 0 if count is 0)."""

    count: int = 0
    p50: float = 0.0
    p90: float = 0.0
    p95: float = 0.0
    p99: float = 0.0
    p999: float = 0.0
    max: float = 0.0
    mean: float = 0.0


def latency(seconds: list[float]) -> Latency:
    if not seconds:
        return Latency()
    ordered = sorted(seconds)

    def rank(p: float) -> float:
        index = min(len(ordered) - 1, max(0, math.ceil(p / 100 * len(ordered)) - 1))
        return ordered[index] * 1000

    return Latency(
        count=len(ordered),
        p50=rank(50),
        p90=rank(90),
        p95=rank(95),
        p99=rank(99),
        p999=rank(99.9),
        max=ordered[-1] * 1000,
        mean=sum(ordered) / len(ordered) * 1000,
    )


def median_ms(work: Callable[[], object], repeat: int) -> float:
    """The median wall time of `repeat` calls of `work`, in milliseconds."""
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        work()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples)
