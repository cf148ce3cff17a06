"""Sampling the gateway with py-spy while a workload runs, and summarising where time goes.

py-spy samples the server process from outside (no code change, `--nonblocking` so the
process is never paused) and counts only samples where Python is on the CPU (idle waits in
the event loop are left out). Each sample is attributed

- to a *layer* by its innermost Python frame (self time: which library's code was running),
- to *activities* by any frame on its stack (inclusive time: JWT checks, GraphQL execution,
  ORM query building, model instantiation, JSON encoding, ...),
- to functions (top self time).

py-spy cannot always unwind a coroutine resumed through asyncpg's Cython protocol: some
stacks start part-way down (at `Connection._do_execute`, say). Those samples still count by
their innermost frame, but the activities above them are missed, so activity shares are
lower bounds; `complete_share` says how many stacks reached the process's entry point.
"""

from __future__ import annotations

import asyncio
import re
import shutil
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from bench.config import TARGETS, Plan
from bench.loadgen import Closed, Target, closed_loop, run
from bench.results import Measured, Pair, Profiled, Summary
from bench.servers import REPO
from bench.workloads import Supply

_FRAME = re.compile(r"^(?P<func>.*) \((?P<path>.*?):(?P<line>\d+)\)$")
SAMPLE_RATE = 250  # Hz
PROJECT_DIRS = ("gateway", "schema", "resolvers", "marketplace", "community", "models")

# (layer, path fragment), first match wins.
LAYERS: list[tuple[str, str]] = [
    ("graphql-core", "/graphql/"),
    ("strawberry", "/strawberry/"),
    ("Tortoise ORM", "/tortoise/"),
    ("pypika (Tortoise's SQL builder)", "/pypika"),
    ("asyncpg", "/asyncpg/"),
    ("Starlette", "/starlette/"),
    ("uvicorn / httptools", "/uvicorn/"),
    ("PyJWT", "/jwt/"),
    ("json (stdlib)", "/json/"),
    ("asyncio / uvloop", "/asyncio/"),
    ("asyncio / uvloop", "/uvloop/"),
    ("dateutil", "/dateutil/"),
]

# (activity, function-name regex or None, path fragment); a sample counts once per activity.
ACTIVITIES: list[tuple[str, str | None, str]] = [
    ("GraphQL execution, resolvers included (graphql-core execute)", None, "/graphql/execution/"),
    ("resolvers and domain code, with the ORM and SQL they call", None, "@domain"),
    ("Tortoise ORM, all of it (queries, SQL building, model instances)", None, "/tortoise/"),
    ("Tortoise ORM, all of it (queries, SQL building, model instances)", None, "/pypika"),
    ("Tortoise: building SQL (queryset, pypika)", r"^(_make_query|get_sql|sql)$", "/tortoise/"),
    ("Tortoise: building SQL (queryset, pypika)", None, "/pypika"),
    ("Tortoise: rows to model instances", r"^_init_from_db", "/tortoise/"),
    ("asyncpg client, all of it (protocol in Cython, pool)", None, "/asyncpg/"),
    ("asyncpg: transaction BEGIN / COMMIT", r"^Transaction\.", "/asyncpg/"),
    ("dataloaders", None, "/strawberry/dataloader.py"),
    ("strawberry schema extensions (hooks)", None, "/strawberry/extensions/"),
    ("operation limits (schema/limits.py)", None, "/schema/limits.py"),
    ("GraphQL parse + validation", None, "/graphql/language/"),
    ("GraphQL parse + validation", None, "/graphql/validation/"),
    ("JWT verification (PyJWT)", None, "/jwt/"),
    ("response JSON encoding", r"^encode_json$", "/"),
    ("response JSON encoding", None, "/json/encoder.py"),
    ("request JSON decoding", r"^parse_json$", "/"),
    ("request JSON decoding", None, "/json/decoder.py"),
]
DOMAIN_DIRS = ("resolvers", "marketplace", "community", "models")
_COMPILED = [
    (name, re.compile(pattern) if pattern else None, fragment)
    for name, pattern, fragment in ACTIVITIES
]


def py_spy() -> str | None:
    found = shutil.which("py-spy")
    if found:
        return found
    candidate = Path(sys.executable).parent / "py-spy"
    return str(candidate) if candidate.exists() else None


def record(pid: int, seconds: float, output: Path, rate: int = 250) -> subprocess.Popen[bytes]:
    tool = py_spy()
    if tool is None:
        raise RuntimeError("py-spy is not installed: pip install -e '.[bench]'")
    command = [
        *(tool, "record", "--pid", str(pid), "--rate", str(rate), "--format", "raw"),
        *("--duration", str(max(1, round(seconds))), "--output", str(output)),
        *("--full-filenames", "--nonblocking"),
    ]
    return subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


@dataclass
class _Counts:
    samples: int = 0
    complete: int = 0
    layers: Counter[str] = field(default_factory=Counter)
    activities: Counter[str] = field(default_factory=Counter)
    self_time: Counter[str] = field(default_factory=Counter)

    def summary(self, top: int = 15) -> Summary:
        def shares(counter: Counter[str], most: int | None = None) -> list[tuple[str, float]]:
            return [(name, 100.0 * n / self.samples) for name, n in counter.most_common(most)]

        return Summary(
            samples=self.samples,
            complete_share=100.0 * self.complete / self.samples if self.samples else 0.0,
            layers=shares(self.layers),
            activities=shares(self.activities),
            top_self=shares(self.self_time, top),
        )


def _short(path: str) -> str:
    if "site-packages/" in path:
        return path.split("site-packages/", 1)[1]
    root = str(REPO) + "/"
    if path.startswith(root):
        return path[len(root) :]
    if "/lib/python" in path:
        return "stdlib/" + path.split("/lib/python", 1)[1].split("/", 1)[-1]
    return path


def _in(path: str, folders: tuple[str, ...]) -> bool:
    root = str(REPO) + "/"
    return path.startswith(root) and path[len(root) :].split("/", 1)[0] in folders


def _layer(path: str) -> str:
    if _in(path, PROJECT_DIRS):
        return "GridPoints code (gateway, schema, resolvers, domain)"
    for name, fragment in LAYERS:
        if fragment in path:
            return name
    return "other (stdlib, other libraries)"


def _frames(stack: str) -> list[tuple[str, str]]:
    frames = []
    for raw in stack.split(";"):
        match = _FRAME.match(raw)
        frames.append((match["func"], match["path"]) if match else (raw, ""))
    return frames


def _activities(frames: list[tuple[str, str]]) -> set[str]:
    """Every activity with a frame on this stack."""
    found = set()
    for name, pattern, fragment in _COMPILED:
        if name in found:
            continue
        for func, path in frames:
            in_path = _in(path, DOMAIN_DIRS) if fragment == "@domain" else fragment in path
            if in_path and (pattern is None or pattern.match(func)):
                found.add(name)
                break
    return found


def summarize(raw_output: Path) -> Summary:
    counts = _Counts()
    for line in raw_output.read_text(errors="replace").splitlines():
        stack, _, count_text = line.rpartition(" ")
        if not stack or not count_text.isdigit():
            continue
        count = int(count_text)
        frames = _frames(stack)
        counts.samples += count
        if frames[0][0] == "_run_module_as_main":
            counts.complete += count
        func, path = frames[-1]
        counts.layers[_layer(path)] += count
        counts.self_time[f"{func} ({_short(path)})"] += count
        for name in _activities(frames):
            counts.activities[name] += count
    return counts.summary()


def skipped(no_profile: bool) -> str:
    """Why nothing is profiled, or "" when it will be."""
    if no_profile:
        return "Profiling was skipped (--no-profile)."
    if py_spy() is None:
        return "py-spy is not installed (pip install -e '.[bench]'), so nothing was profiled."
    return ""


def worst_first(closed: dict[str, Pair], supply: Supply, plan: Plan) -> list[str]:
    """The closed-loop workloads, furthest below their target first; W4 only while enough
    vouchers are left to keep it busy."""
    ranked = sorted(
        (w for w, pair in closed.items() if pair.baseline.rps),
        key=lambda w: closed[w].ratio / TARGETS[w],
    )
    if len(supply.vouchers) < plan.profile_seconds * 400:
        ranked = [w for w in ranked if w != "W4"]
    return ranked


def one(
    gateway: Target, workload: str, plan: Plan, supply: Supply, workdir: Path
) -> Profiled | str:
    """A closed loop on the gateway, sampled by py-spy once warm; the profile, or why not."""
    raw = workdir / f"profile-{workload}.txt"
    seconds = plan.profile_seconds
    spec = Closed(workload, plan.concurrency, 1.0, seconds + 1.5, seed=5)

    async def sampled() -> tuple[Measured, subprocess.Popen[bytes]]:
        load = asyncio.create_task(closed_loop(gateway, spec, supply))
        await asyncio.sleep(1.2)
        sampler = record(gateway.pid or 0, seconds, raw, rate=SAMPLE_RATE)
        return await load, sampler

    measured, sampler = run(sampled())
    try:
        _, stderr = sampler.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        sampler.kill()
        _, stderr = sampler.communicate()
    if sampler.returncode != 0 or not raw.exists():
        return f"py-spy failed: {stderr.decode()[-300:]}"
    return Profiled(workload, SAMPLE_RATE, seconds, measured.rps, summarize(raw))
