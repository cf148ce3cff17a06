"""Nearest-rank percentiles and the error tally behind every table of RESULTS.md."""

from __future__ import annotations

import itertools

import pytest

from bench.loadgen import Tally, due_times
from bench.results import Cpu
from bench.stats import Latency, latency


def test_percentiles_are_nearest_rank_in_milliseconds() -> None:
    found = latency([i / 1000 for i in range(100, 0, -1)])  # 1..100 ms, unordered
    assert found.count == 100
    assert (found.p50, found.p90, found.p99, found.p999) == pytest.approx((50, 90, 99, 100))
    assert found.max == pytest.approx(100.0)
    assert found.mean == pytest.approx(50.5)


def test_a_single_slow_request_is_the_p99_of_fewer_than_a_hundred() -> None:
    found = latency([0.001] * 98 + [0.5])
    assert found.p95 == pytest.approx(1.0)
    assert found.p99 == pytest.approx(500.0)


def test_nothing_measured_is_all_zero() -> None:
    assert latency([]) == Latency()


def test_tally_counts_successes_and_errors_per_workload() -> None:
    tally = Tally()
    tally.add("W1", 0.010, None)
    tally.add("W1", 0.020, "HTTP 500")
    tally.add("W3", 0.030, "HTTP 500")
    result = tally.measured("MIX", "gateway", elapsed=2.0, cpu=Cpu())
    assert (result.ok, result.error_count, result.errors) == (1, 2, {"HTTP 500": 2})
    assert result.rps == 0.5  # successful answers only
    parts = tally.parts()
    assert (parts["W1"].errors, parts["W1"].latency.count) == (1, 2)
    assert parts["W3"].errors == 1
    assert parts["W3"].latency.p50 == pytest.approx(30.0)


@pytest.mark.parametrize(("rate", "seconds", "count"), [(100, 0.3, 30), (100, 60, 6000), (7, 1, 7)])
def test_the_open_loop_schedule_is_rate_times_duration_evenly_spaced(
    rate: float, seconds: float, count: int
) -> None:
    due = due_times(rate, seconds)
    assert len(due) == count
    assert due[0] == 0
    assert due[-1] < seconds
    gaps = {round(b - a, 9) for a, b in itertools.pairwise(due)}
    assert gaps == {round(1 / rate, 9)}
