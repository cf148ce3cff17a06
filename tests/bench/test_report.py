"""RESULTS.md rendered from typed results: the verdicts and the rows a reader acts on."""

from __future__ import annotations

from bench.config import QUICK
from bench.invariants import Checked
from bench.report import render
from bench.results import Cpu, Machine, Measured, Mix, Pair, Part, Results, ScalePoint
from bench.stats import Latency, latency

MACHINE = Machine(2, "Test CPU", "3.11", "PostgreSQL 15", "0.341", "1.1", "0.1 / 0.1", 0.0)


def measured(
    rps: float, p50_ms: float, errors: dict[str, int] | None = None, **extra: bool
) -> Measured:
    seconds = [p50_ms / 1000] * 100
    cpu = Cpu(server_ms=2.0, postgres_ms=0.5, others_cores=0.25)
    return Measured("W1", "x", 10.0, int(rps * 10), errors or {}, latency(seconds), cpu, **extra)


def results(**fields: object) -> Results:
    found = Results(QUICK, "python -m bench --quick", "2026-12-01 10:00 UTC", MACHINE)
    found.same_answers = {"W1": "identical JSON"}
    for name, value in fields.items():
        setattr(found, name, value)
    return found


def row(text: str, start: str) -> str:
    return next(line for line in text.splitlines() if line.startswith(start))


def test_the_ratio_is_gateway_over_baseline_and_met_against_the_target() -> None:
    closed = {
        "W1": Pair(measured(300, 40.0), measured(3000, 3.0)),  # 0.100, target 0.10
        "W2": Pair(measured(600, 20.0), measured(3000, 3.0)),  # 0.200, target 0.25
    }
    text = render(results(closed=closed))
    w1, w2 = row(text, "| W1 offers"), row(text, "| W2 resident")
    assert w1.endswith("| **0.100** | ≥ 0.10 | yes |")
    assert w2.endswith("| **0.200** | ≥ 0.25 | **no** |")
    assert "| 300 | 40.0 | 40.0 | 40.0 | 0 | 3,000 | 3.00 |" in w1
    assert row(text, "| W1 |") == "| W1 | 2.00 + 0.50 | 2.00 + 0.50 | 1.00 | 0.25 / 0.25 cores |"


def test_errors_fail_the_target_and_are_named_worst_first() -> None:
    errors = {"HTTP 500": 2, "timeout": 5, "invalid JSON": 1}
    text = render(results(closed={"W1": Pair(measured(900, 5.0, errors), measured(1000, 3.0))}))
    w1 = row(text, "| W1 offers")
    assert "| 8 (timeout: 5; HTTP 500: 2) |" in w1
    assert w1.endswith("| **no** |")


def test_a_run_stopped_by_its_voucher_share_is_noted() -> None:
    empty = Measured("W4", "baseline", 10.0, 0, {}, Latency(), Cpu(), exhausted=True)
    text = render(results(closed={"W4": Pair(measured(600, 20.0), empty)}))
    assert "Note: W4 baseline stopped at its share of the pre-issued vouchers" in text
    assert row(text, "| W4 useVoucher").count("| – ") == 3  # nothing measured: dashes


def mix(p99_ms: float, errors: dict[str, int] | None = None) -> Mix:
    seconds = [0.002] * 98 + [p99_ms / 1000] * 2
    run = Measured("MIX", "gateway", 60.0, 100, errors or {}, latency(seconds), Cpu())
    return Mix(run, 100, {"W1": Part(0, latency(seconds))}, 3, 1, 0.4)


def test_the_mix_target_is_p99_within_50_ms_and_no_errors() -> None:
    assert "zero errors: **met**." in render(results(mix={"gateway": mix(49.0)}))
    assert "zero errors: **not met**." in render(results(mix={"gateway": mix(51.0)}))
    failed = render(results(mix={"gateway": mix(10.0, {"HTTP 502": 1})}))
    assert "zero errors: **not met**." in failed
    assert "| gateway | 100 | 100 | 1.7 | 2.00 | 2.00 | **10.0** |" in failed
    assert "| 3 (1 resent) | 0.4 ms |" in failed


def test_a_violated_invariant_is_a_failure_row() -> None:
    checks = [Checked("balances add up", 0, 0.1), Checked("no oversold stock", 3, 0.1)]
    text = render(results(invariants=checks, totals={"entries": 12}))
    assert "| balances add up | 0 | ok |" in text
    assert "| no oversold stock | 3 | **FAIL** |" in text
    assert "entries 12." in text


def test_the_scale_verdict_compares_the_gateways_p50_at_both_sizes() -> None:
    small = ScalePoint(10_000, 10.0, Pair(measured(700, 2.0), measured(4000, 1.0)))
    steady = ScalePoint(1_000_000, 60.0, Pair(measured(700, 2.5), measured(4000, 1.0)))
    slower = ScalePoint(1_000_000, 60.0, Pair(measured(300, 4.0), measured(4000, 1.0)))
    assert "(+25 %) while the ledger grew 100×: the wallet does not slow" in render(
        results(scale=[small, steady])
    )
    assert "**the wallet slows with ledger size.**" in render(results(scale=[small, slower]))


def test_without_profiles_the_note_says_why() -> None:
    text = render(results(profile_note="Profiling was skipped (--no-profile)."))
    assert text.endswith(
        "## Where the gateway's time goes\n\nProfiling was skipped (--no-profile).\n"
    )
