"""Writing bench/RESULTS.md from one run's results."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bench.config import MIX, MIX_P99_TARGET_MS, MIX_RATE, TARGETS
from bench.workloads import NAMES

WORKLOADS = ["W1", "W2", "W3", "W4", "W5"]


def _ms(value: float | None) -> str:
    if value is None:
        return "–"
    return f"{value:.1f}" if value >= 10 else f"{value:.2f}"


def _rps(value: float) -> str:
    return f"{value:,.0f}"


def _errors(result: dict[str, Any]) -> str:
    count = int(result.get("error_count", 0))
    if not count:
        return "0"
    worst = sorted(result["errors"].items(), key=lambda item: -item[1])[:2]
    return f"{count} ({'; '.join(f'{k}: {v}' for k, v in worst)})"


def _lat(result: dict[str, Any], key: str) -> str:
    return _ms(result.get("latency_ms", {}).get(key))


def throughput_table(closed: dict[str, dict[str, Any]]) -> list[str]:
    lines = [
        "| workload | gateway req/s | p50 | p95 | p99 | errors | baseline req/s | p50 | p95 "
        "| p99 | errors | gateway/baseline | target | met |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|:-:|",
    ]
    for workload in WORKLOADS:
        if workload not in closed:
            continue
        gw, bl = closed[workload]["gateway"], closed[workload]["baseline"]
        ratio = gw["rps"] / bl["rps"] if bl["rps"] else 0.0
        target = TARGETS[workload]
        met = "yes" if ratio >= target and not gw["error_count"] else "**no**"
        lines.append(
            f"| {workload} {NAMES[workload]} | {_rps(gw['rps'])} | {_lat(gw, 'p50')} "
            f"| {_lat(gw, 'p95')} | {_lat(gw, 'p99')} | {_errors(gw)} | {_rps(bl['rps'])} "
            f"| {_lat(bl, 'p50')} | {_lat(bl, 'p95')} | {_lat(bl, 'p99')} | {_errors(bl)} "
            f"| **{ratio:.3f}** | ≥ {target:.2f} | {met} |"
        )
    return lines


def _cpu(result: dict[str, Any], key: str) -> float:
    return float((result.get("cpu") or {}).get(key, 0.0))


def cpu_table(closed: dict[str, dict[str, Any]]) -> list[str]:
    lines = [
        "| workload | gateway CPU ms/req: server + PostgreSQL | baseline CPU ms/req: server + "
        "PostgreSQL | baseline/gateway CPU | others' load during gateway / baseline run |",
        "|---|---:|---:|---:|---:|",
    ]
    for workload in WORKLOADS:
        if workload not in closed:
            continue
        gw, bl = closed[workload]["gateway"], closed[workload]["baseline"]
        g_srv, g_pg = _cpu(gw, "server_ms_per_request"), _cpu(gw, "postgres_ms_per_request")
        b_srv, b_pg = _cpu(bl, "server_ms_per_request"), _cpu(bl, "postgres_ms_per_request")
        ratio = (b_srv + b_pg) / (g_srv + g_pg) if g_srv + g_pg else 0.0
        lines.append(
            f"| {workload} | {g_srv:.2f} + {g_pg:.2f} | {b_srv:.2f} + {b_pg:.2f} | {ratio:.2f} "
            f"| {_cpu(gw, 'others_cores'):.2f} / {_cpu(bl, 'others_cores'):.2f} cores |"
        )
    return lines


def mix_table(mix: dict[str, dict[str, Any]]) -> list[str]:
    lines = [
        "| server | scheduled | answered | achieved req/s | p50 | p95 | p99 | p99.9 | max "
        "| errors | connections | scheduler lag | server CPU ms/req | server busy "
        "| others' load |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for target in ("gateway", "baseline"):
        if target not in mix:
            continue
        r = mix[target]
        lines.append(
            f"| {target} | {r['scheduled']} | {r['completed']} | {r['rps']:.1f} "
            f"| {_lat(r, 'p50')} | {_lat(r, 'p95')} | **{_lat(r, 'p99')}** | {_lat(r, 'p99.9')} "
            f"| {_lat(r, 'max')} | {_errors(r)} | {r['connections_opened']} "
            f"({r.get('stale_retries', 0)} resent) "
            f"| {r['scheduler_max_lag_ms']:.1f} ms | {_cpu(r, 'server_ms_per_request'):.2f} "
            f"| {_cpu(r, 'server_cores') * 100:.0f} % | {_cpu(r, 'others_cores'):.2f} cores |"
        )
    return lines


def mix_breakdown(mix: dict[str, dict[str, Any]]) -> list[str]:
    lines = [
        "| server | workload | requests | errors | p50 | p95 | p99 |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    for target in ("gateway", "baseline"):
        for name, part in mix.get(target, {}).get("per_workload", {}).items():
            lat = part["latency_ms"]
            lines.append(
                f"| {target} | {name} | {part['count']} | {part['errors']} | "
                f"{_ms(lat.get('p50'))} | {_ms(lat.get('p95'))} | {_ms(lat.get('p99'))} |"
            )
    return lines


def scale_table(scale: dict[str, dict[str, Any]]) -> list[str]:
    lines = [
        "| ledger entries | entries per measured wallet (avg) | server | req/s | p50 | p95 "
        "| p99 | errors |",
        "|---:|---:|---|---:|---:|---:|---:|---:|",
    ]
    for size in ("small", "large"):
        if size not in scale:
            continue
        point = scale[size]
        for target in ("gateway", "baseline"):
            r = point[target]
            lines.append(
                f"| {point['entries']:,} | {point['entries_per_wallet']:.1f} | {target} "
                f"| {_rps(r['rps'])} | {_lat(r, 'p50')} | {_lat(r, 'p95')} | {_lat(r, 'p99')} "
                f"| {_errors(r)} |"
            )
    return lines


def scale_verdict(scale: dict[str, dict[str, Any]]) -> str:
    if "small" not in scale or "large" not in scale:
        return ""
    small = scale["small"]["gateway"]["latency_ms"]["p50"]
    large = scale["large"]["gateway"]["latency_ms"]["p50"]
    factor = scale["large"]["entries"] / scale["small"]["entries"]
    change = (large / small - 1) * 100 if small else 0.0
    return (
        f"Gateway W2 p50 went from {_ms(small)} ms to {_ms(large)} ms ({change:+.0f} %) while "
        f"the ledger grew {factor:.0f}×: "
        + (
            "the wallet does not slow with ledger size."
            if change < 50
            else "**the wallet slows with ledger size.**"
        )
    )


def profile_section(profiles: list[dict[str, Any]]) -> list[str]:
    lines: list[str] = []
    for item in profiles:
        p = item["profile"]
        lines += [
            "",
            f"### {item['workload']} {NAMES[item['workload']]}: {p['samples']} samples "
            f"(on-CPU, {item['rate']} Hz for {item['seconds']:.0f} s, "
            f"{_rps(item['rps'])} req/s while sampled)",
            "",
            "Self time by layer (innermost Python frame):",
            "",
            "| layer | share |",
            "|---|---:|",
        ]
        lines += [f"| {name} | {share:.1f} % |" for name, share in p["layers"][:12]]
        lines += [
            "",
            "Inclusive time by activity (a sample counts once per activity on its stack; "
            f"{p.get('complete_share', 100.0):.0f} % of the stacks were complete, so these are "
            "lower bounds):",
            "",
            "| activity | share |",
            "|---|---:|",
        ]
        lines += [f"| {name} | {share:.1f} % |" for name, share in p["activities"]]
        lines += ["", "Top functions by self time:", "", "| function | self |", "|---|---:|"]
        lines += [f"| `{name}` | {share:.1f} % |" for name, share in p["top_self"][:15]]
    return lines


def _open_experiment(experiment: dict[str, Any]) -> list[str]:
    lines = [
        "",
        f"### {experiment['label']}",
        "",
        "| server | requests | p50 | p95 | p99 | p99.9 | max | errors | server CPU ms/req "
        "| others' load |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for pair in experiment["results"].values():
        for label, name in (("variant", "variant (before)"), ("control", "gateway as it is")):
            for r in pair[label]:
                lines.append(
                    f"| {name} | {r['completed']} | {_lat(r, 'p50')} | {_lat(r, 'p95')} "
                    f"| **{_lat(r, 'p99')}** | {_lat(r, 'p99.9')} | {_lat(r, 'max')} "
                    f"| {_errors(r)} | {_cpu(r, 'server_ms_per_request'):.2f} "
                    f"| {_cpu(r, 'others_cores'):.2f} cores |"
                )
    return lines


def experiments_section(results: dict[str, Any]) -> list[str]:
    lines = [
        "",
        "## Gateway variants, back to back (A/B)",
        "",
        "Each variant is the unchanged `create_app()` with one thing changed "
        "(bench/variants.py). It runs as its own uvicorn process next to a control: the gateway "
        "as it is, started at the same moment (so neither process is older, with a bigger heap "
        "or warmer caches). Both use the same database, in alternating closed-loop runs "
        "(variant first, then control first, ...). The garbage-collector variant is compared "
        "on the open-loop mix at 100 req/s (its effect is on the tail). For the others, per "
        "workload: medians of req/s and p50, "
        "CPU per request over all runs, and the round-by-round ratios of control to variant "
        "(CPU: above 1 means the control costs more; req/s: below 1 means the control is "
        "slower). Where the ratios straddle 1, the difference is within the noise.",
    ]
    for experiment in results.get("experiments", []):
        if experiment.get("mode") == "open":
            lines += _open_experiment(experiment)
            continue
        lines += [
            "",
            f"### {experiment['label']}",
            "",
            "| workload | variant req/s | p50 | server + PostgreSQL CPU ms/req | control req/s "
            "| p50 | server + PostgreSQL CPU ms/req | control/variant CPU per round "
            "| control/variant req/s per round |",
            "|---|---:|---:|---:|---:|---:|---:|---|---|",
        ]
        for workload, found in experiment["results"].items():
            v, c = found["variant"], found["control"]
            cpu_rounds = ", ".join(f"{r:.2f}" for r in found["cpu_ratios"])
            rps_rounds = ", ".join(f"{r:.2f}" for r in found["rps_ratios"])
            lines.append(
                f"| {workload} | {_rps(v['rps'])} | {_ms(v['p50'])} "
                f"| {v['server_ms']:.2f} + {v['postgres_ms']:.2f} | {_rps(c['rps'])} "
                f"| {_ms(c['p50'])} | {c['server_ms']:.2f} + {c['postgres_ms']:.2f} "
                f"| median **{found['cpu_ratio_median']:.2f}** ({cpu_rounds}) "
                f"| median {found['rps_ratio_median']:.2f} ({rps_rounds}) |"
            )
    encoders = results.get("encoders")
    if encoders:
        lines += [
            "",
            "The encoders alone, timed in the benchmark process on the gateway's real responses "
            "(2,000 calls each):",
            "",
            "| response | bytes | json.dumps µs | orjson µs | saved per request |",
            "|---|---:|---:|---:|---:|",
        ]
        lines += [
            f"| {e['workload']} | {e['bytes']:,} | {e['json_us']:.1f} | {e['orjson_us']:.1f} "
            f"| {e['json_us'] - e['orjson_us']:.1f} µs |"
            for e in encoders
        ]
    return lines


def write(path: Path, results: dict[str, Any]) -> None:
    plan = results["plan"]
    machine = results["machine"]
    out: list[str] = [
        "# GridPoints benchmark results",
        "",
        f"Written by `{results['command']}` on {results['started']} "
        f"({results['duration_s']:.0f} s in all, {plan['name']} run). "
        "bench/README.md explains the method; bench/STEPS.md records each optimisation step's "
        "before and after.",
        "",
        f"Machine: {machine['cpus']} CPUs ({machine['cpu_model']}), Python "
        f"{machine['python']}, {machine['postgres']}, strawberry {machine['strawberry']}, "
        f"Tortoise {machine['tortoise']}. Load average at start {machine['load_start']}, "
        f"at the end {machine['load_end']}; other processes were using "
        f"{machine['others_at_start']:.2f} of the {machine['cpus']} cores just before the run "
        "(other engineers share this machine: treat absolute numbers as noisy, ratios and "
        "CPU per request as the signal).",
        "",
        "Data: " + ", ".join(f"{v:,} {k}" for k, v in results["sizes"].items()) + ". "
        f"Seeded in {results['seed_seconds']:.1f} s with set-based SQL "
        f"({', '.join(f'{k} {v:.1f} s' for k, v in results['seed_steps'].items())}).",
        "",
        "## Throughput: gateway vs baseline (closed loop)",
        "",
        f"{plan['concurrency']} concurrent keep-alive connections, {plan['warmup_seconds']:g} s "
        f"warm-up then {plan['measure_seconds']:g} s measured per server; gateway and "
        "baseline back to back for each workload (order alternating). Latencies in ms; "
        "req/s counts successful responses only.",
        "",
        *throughput_table(results["closed"]),
        "",
        "Cost per request, measured over the same runs from /proc (server process, and the "
        "PostgreSQL backends of the benchmark database). CPU per request moves much less than "
        "req/s with what else the machine is doing (though it still rises 10-20 % when other "
        "work shares the cores and caches); the last column is that other load.",
        "",
        *cpu_table(results["closed"]),
        "",
        "Same answers: " + "; ".join(f"{k}: {v}" for k, v in results["equivalence"].items()),
    ]
    exhausted = [
        f"{w} {t}"
        for w, pair in results["closed"].items()
        for t, r in pair.items()
        if r.get("exhausted")
    ]
    if exhausted:
        out += [
            "",
            "Note: the pre-issued vouchers ran out before the time limit in "
            + ", ".join(exhausted)
            + " (req/s is still requests over the measured time).",
        ]
    mix = results.get("mix", {})
    if mix:
        mix_ok = (
            mix["gateway"]["latency_ms"].get("p99", 1e9) <= MIX_P99_TARGET_MS
            and not mix["gateway"]["error_count"]
        )
        out += [
            "",
            f"## Open-loop mix at {MIX_RATE} req/s",
            "",
            f"{', '.join(f'{p} % {w}' for w, p in MIX.items())}, requests sent on a fixed "
            f"schedule for {plan['mix_seconds']:g} s (after {plan['mix_warmup_seconds']:g} s "
            "of warm-up at the same rate); latency measured from each request's scheduled send "
            "time, so queueing behind a slow response is counted (no coordinated omission).",
            "",
            *mix_table(mix),
            "",
            f"Target (gateway): p99 ≤ {MIX_P99_TARGET_MS:.0f} ms with zero errors: "
            + ("**met**." if mix_ok else "**not met**."),
            "",
            *mix_breakdown(mix),
        ]
    inv = results.get("invariants", [])
    if inv:
        out += [
            "",
            "## Ledger invariants after the run",
            "",
            "Checked in SQL after every load above (closed loops, mix, scale and profiling runs): "
            + ", ".join(f"{k} {v:,}" for k, v in results["totals"].items())
            + ".",
            "",
            "| invariant | violations | result |",
            "|---|---:|:-:|",
        ]
        out += [
            f"| {c['name']} | {c['violations']} | {'ok' if c['violations'] == 0 else '**FAIL**'} |"
            for c in inv
        ]
    scale = results.get("scale", {})
    if scale:
        out += [
            "",
            "## Scale: W2 (the wallet) as the ledger grows",
            "",
            f"Closed loop, {plan['scale_concurrency']} connections, {plan['scale_seconds']:g} s "
            "per server, the same residents (those holding the small ledger's wallet entries) "
            "measured at both sizes; tables analysed after each seeding step.",
            "",
            *scale_table(scale),
            "",
            scale_verdict(scale),
        ]
    if results.get("experiments"):
        out += experiments_section(results)
    profiles = results.get("profiles", [])
    if profiles:
        out += [
            "",
            "## Where the gateway's time goes (py-spy)",
            "",
            "The workloads, furthest below their target first, were run again on a freshly "
            "started gateway under py-spy (sampling from outside the process, non-blocking; "
            "idle time in the event loop excluded); those runs are not used for the numbers "
            "above. asyncpg's protocol is Cython, invisible to py-spy: its work sending "
            "queries and decoding rows is charged to `Connection._do_execute` (and, for "
            "simple-protocol statements such as the pool's reset and BEGIN/COMMIT, to "
            "`Connection.execute`), the Python frames that await it.",
            *profile_section(profiles),
        ]
    elif results.get("profile_note"):
        out += ["", "## Where the gateway's time goes", "", results["profile_note"]]
    path.write_text("\n".join(out) + "\n")
