"""bench/RESULTS.md, rendered from one run's typed results."""

from __future__ import annotations

from pathlib import Path

from bench.config import MIX, MIX_P99_TARGET_MS, MIX_RATE, TARGETS
from bench.results import Measured, Mix, Pair, Profiled, Results, ScalePoint
from bench.stats import Latency
from bench.workloads import NAMES

WORKLOADS = ["W1", "W2", "W3", "W4", "W5"]


def ms(value: float) -> str:
    return f"{value:.1f}" if value >= 10 else f"{value:.2f}"


def rps(value: float) -> str:
    return f"{value:,.0f}"


def percentiles(latency: Latency, *keys: str) -> list[str]:
    """The named percentiles in ms, or a dash each when nothing was measured."""
    return [ms(getattr(latency, key)) if latency.count else "–" for key in keys]


def errors(result: Measured) -> str:
    if not result.error_count:
        return "0"
    worst = sorted(result.errors.items(), key=lambda item: -item[1])[:2]
    return f"{result.error_count} ({'; '.join(f'{k}: {v}' for k, v in worst)})"


def table(header: str, align: str, rows: list[list[str]]) -> list[str]:
    """A Markdown table: header cells split on '|', one alignment letter per column
    (l, r or c)."""
    cells = [cell.strip() for cell in header.split("|")]
    marks = {"l": "---", "r": "---:", "c": ":-:"}
    lines = ["| " + " | ".join(cells) + " |", "|" + "|".join(marks[a] for a in align) + "|"]
    return lines + ["| " + " | ".join(row) + " |" for row in rows]


def _server(result: Measured) -> list[str]:
    return [rps(result.rps), *percentiles(result.latency, "p50", "p95", "p99"), errors(result)]


def throughput_table(closed: dict[str, Pair]) -> list[str]:
    rows = []
    for workload in (w for w in WORKLOADS if w in closed):
        pair, target = closed[workload], TARGETS[workload]
        met = "yes" if pair.ratio >= target and not pair.gateway.error_count else "**no**"
        rows.append(
            [
                f"{workload} {NAMES[workload]}",
                *_server(pair.gateway),
                *_server(pair.baseline),
                f"**{pair.ratio:.3f}**",
                f"≥ {target:.2f}",
                met,
            ]
        )
    header = (
        "workload | gateway req/s | p50 | p95 | p99 | errors | baseline req/s | p50 | p95 | p99 "
        "| errors | gateway/baseline | target | met"
    )
    return table(header, "l" + "r" * 12 + "c", rows)


def cpu_table(closed: dict[str, Pair]) -> list[str]:
    rows = []
    for workload in (w for w in WORKLOADS if w in closed):
        gw, bl = closed[workload].gateway.cpu, closed[workload].baseline.cpu
        rows.append(
            [
                workload,
                f"{gw.server_ms:.2f} + {gw.postgres_ms:.2f}",
                f"{bl.server_ms:.2f} + {bl.postgres_ms:.2f}",
                f"{closed[workload].cpu_ratio:.2f}",
                f"{gw.others_cores:.2f} / {bl.others_cores:.2f} cores",
            ]
        )
    header = (
        "workload | gateway CPU ms/req: server + PostgreSQL | baseline CPU ms/req: server + "
        "PostgreSQL | baseline/gateway CPU | others' load during gateway / baseline run"
    )
    return table(header, "lrrrr", rows)


def mix_table(mix: dict[str, Mix]) -> list[str]:
    rows = []
    for target, found in mix.items():
        r = found.run
        p50, p95, p99, p999, top = percentiles(r.latency, "p50", "p95", "p99", "p999", "max")
        rows.append(
            [
                target,
                str(found.scheduled),
                str(r.latency.count),
                f"{found.answered_rps:.1f}",
                p50,
                p95,
                f"**{p99}**",
                p999,
                top,
                errors(r),
                f"{found.connections} ({found.resent} resent)",
                f"{found.lag_ms:.1f} ms",
                f"{r.cpu.server_ms:.2f}",
                f"{r.cpu.server_cores * 100:.0f} %",
                f"{r.cpu.others_cores:.2f} cores",
            ]
        )
    header = (
        "server | scheduled | answered | achieved req/s | p50 | p95 | p99 | p99.9 | max | errors "
        "| connections | scheduler lag | server CPU ms/req | server busy | others' load"
    )
    return table(header, "l" + "r" * 14, rows)


def mix_breakdown(mix: dict[str, Mix]) -> list[str]:
    rows = [
        [
            target,
            name,
            str(part.latency.count),
            str(part.errors),
            *percentiles(part.latency, "p50", "p95", "p99"),
        ]
        for target, found in mix.items()
        for name, part in found.parts.items()
    ]
    return table("server | workload | requests | errors | p50 | p95 | p99", "llrrrrr", rows)


def mix_verdict(gateway: Mix) -> str:
    met = gateway.run.latency.p99 <= MIX_P99_TARGET_MS and not gateway.run.error_count
    verdict = "**met**." if met else "**not met**."
    return f"Target (gateway): p99 ≤ {MIX_P99_TARGET_MS:.0f} ms with zero errors: {verdict}"


def scale_table(scale: list[ScalePoint]) -> list[str]:
    rows = [
        [f"{point.entries:,}", f"{point.entries_per_wallet:.1f}", name, *_server(result)]
        for point in scale
        for name, result in (("gateway", point.pair.gateway), ("baseline", point.pair.baseline))
    ]
    header = (
        "ledger entries | entries per measured wallet (avg) | server | req/s | p50 | p95 | p99 "
        "| errors"
    )
    return table(header, "rrlrrrrr", rows)


def scale_verdict(scale: list[ScalePoint]) -> str:
    if len(scale) < 2:
        return ""
    small, large = (point.pair.gateway.latency.p50 for point in (scale[0], scale[-1]))
    factor = scale[-1].entries / scale[0].entries
    change = (large / small - 1) * 100 if small else 0.0
    verdict = (
        "the wallet does not slow with ledger size."
        if change < 50
        else "**the wallet slows with ledger size.**"
    )
    return (
        f"Gateway W2 p50 went from {ms(small)} ms to {ms(large)} ms ({change:+.0f} %) while "
        f"the ledger grew {factor:.0f}×: {verdict}"
    )


def profile_section(item: Profiled) -> list[str]:
    p = item.summary
    shares = [[name, f"{share:.1f} %"] for name, share in p.layers[:12]]
    activities = [[name, f"{share:.1f} %"] for name, share in p.activities]
    functions = [[f"`{name}`", f"{share:.1f} %"] for name, share in p.top_self[:15]]
    return [
        "",
        f"### {item.workload} {NAMES[item.workload]}: {p.samples} samples (on-CPU, "
        f"{item.rate} Hz for {item.seconds:.0f} s, {rps(item.rps)} req/s while sampled)",
        "",
        "Self time by layer (innermost Python frame):",
        "",
        *table("layer | share", "lr", shares),
        "",
        "Inclusive time by activity (a sample counts once per activity on its stack; "
        f"{p.complete_share:.0f} % of the stacks were complete, so these are lower bounds):",
        "",
        *table("activity | share", "lr", activities),
        "",
        "Top functions by self time:",
        "",
        *table("function | self", "lr", functions),
    ]


def heading(results: Results) -> list[str]:
    plan, machine = results.plan, results.machine
    seeded = ", ".join(f"{k} {v:.1f} s" for k, v in results.seed_steps.items() if v >= 0.05)
    return [
        "# GridPoints benchmark results",
        "",
        f"Written by `{results.command}` on {results.started} "
        f"({results.duration_s:.0f} s in all, {plan.name} run). "
        "bench/README.md explains the method; bench/STEPS.md records each optimisation step's "
        "before and after.",
        "",
        f"Machine: {machine.cpus} CPUs ({machine.cpu_model}), Python {machine.python}, "
        f"{machine.postgres}, strawberry {machine.strawberry}, Tortoise {machine.tortoise}. "
        f"Load average at start {machine.load_start}, at the end {results.load_end}; other "
        f"processes were using {machine.others_at_start:.2f} of the {machine.cpus} cores just "
        "before the run (other engineers share this machine: treat absolute numbers as noisy, "
        "ratios and CPU per request as the signal).",
        "",
        "Data: " + ", ".join(f"{v:,} {k}" for k, v in results.sizes.items()) + ". "
        f"Seeded in {results.seed_seconds:.1f} s with set-based SQL ({seeded}).",
    ]


def closed_section(results: Results) -> list[str]:
    plan = results.plan
    exhausted = [
        f"{workload} {result.target}"
        for workload, pair in results.closed.items()
        for result in (pair.gateway, pair.baseline)
        if result.exhausted
    ]
    lines = [
        "",
        "## Throughput: gateway vs baseline (closed loop)",
        "",
        f"{plan.concurrency} concurrent keep-alive connections, {plan.warmup_seconds:g} s "
        f"warm-up then {plan.measure_seconds:g} s measured per server; gateway and "
        "baseline back to back for each workload (order alternating). Latencies in ms; "
        "req/s counts successful responses only.",
        "",
        *throughput_table(results.closed),
        "",
        "Cost per request, measured over the same runs from /proc (server process, and the "
        "PostgreSQL backends of the benchmark database). CPU per request moves much less than "
        "req/s with what else the machine is doing (though it still rises 10-20 % when other "
        "work shares the cores and caches); the last column is that other load.",
        "",
        *cpu_table(results.closed),
        "",
        "Same answers: " + "; ".join(f"{k}: {v}" for k, v in results.same_answers.items()),
    ]
    if exhausted:
        lines += [
            "",
            f"Note: {', '.join(exhausted)} stopped at its share of the pre-issued vouchers "
            "before the time limit (req/s is still requests over the measured time).",
        ]
    return lines


def mix_section(results: Results) -> list[str]:
    plan = results.plan
    return [
        "",
        f"## Open-loop mix at {MIX_RATE} req/s",
        "",
        f"{', '.join(f'{p} % {w}' for w, p in MIX.items())}, requests sent on a fixed "
        f"schedule for {plan.mix_seconds:g} s (after {plan.mix_warmup_seconds:g} s "
        "of warm-up at the same rate); latency measured from each request's scheduled send "
        "time, so queueing behind a slow response is counted (no coordinated omission).",
        "",
        *mix_table(results.mix),
        "",
        mix_verdict(results.mix["gateway"]),
        "",
        *mix_breakdown(results.mix),
    ]


def invariants_section(results: Results) -> list[str]:
    rows = [[c.name, str(c.violations), "ok" if c.ok else "**FAIL**"] for c in results.invariants]
    return [
        "",
        "## Ledger invariants after the run",
        "",
        "Checked in SQL after every load above (closed loops, mix, scale and profiling runs): "
        + ", ".join(f"{k} {v:,}" for k, v in results.totals.items())
        + ".",
        "",
        *table("invariant | violations | result", "lrc", rows),
    ]


def scale_section(results: Results) -> list[str]:
    plan = results.plan
    return [
        "",
        "## Scale: W2 (the wallet) as the ledger grows",
        "",
        f"Closed loop, {plan.scale_concurrency} connections, {plan.scale_seconds:g} s "
        "per server, the same residents (those holding the small ledger's wallet entries) "
        "measured at both sizes; tables analysed after each seeding step.",
        "",
        *scale_table(results.scale),
        "",
        scale_verdict(results.scale),
    ]


def profiles_section(results: Results) -> list[str]:
    if not results.profiles:
        note = results.profile_note or "Nothing was profiled."
        return ["", "## Where the gateway's time goes", "", note]
    lines = [
        "",
        "## Where the gateway's time goes (py-spy)",
        "",
        "The workloads, furthest below their target first, were run again on a freshly "
        "started gateway under py-spy (sampling from outside the process, non-blocking; "
        "idle time in the event loop excluded); those runs are not used for the numbers "
        "above. asyncpg's protocol is Cython, invisible to py-spy: its work sending "
        "queries and decoding rows is charged to `Connection._do_execute` (and, for "
        "simple-protocol statements such as BEGIN/COMMIT, to `Connection.execute`), the "
        "Python frames that await it.",
    ]
    for item in results.profiles:
        lines += profile_section(item)
    return lines


def render(results: Results) -> str:
    lines = heading(results) + closed_section(results)
    if results.mix:
        lines += mix_section(results)
    if results.invariants:
        lines += invariants_section(results)
    if results.scale:
        lines += scale_section(results)
    lines += profiles_section(results)
    return "\n".join(lines) + "\n"


def write(path: Path, results: Results) -> None:
    path.write_text(render(results))
