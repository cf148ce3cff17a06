"""Sampling the gateway with py-spy while a workload runs, and summarising where time goes.

py-spy samples the server process from outside (no code change, `--nonblocking` so the
process is never paused) and counts only samples where Python is on the CPU (idle waits in
the event loop are left out). Each sample is attributed

- to a *layer* by its innermost Python frame (self time: which library's code was running),
- to *activities* by any frame on its stack (inclusive time: JWT checks, GraphQL execution,
  ORM query building, model instantiation, JSON encoding, ...),
- to functions (top self and inclusive).

py-spy cannot always unwind a coroutine resumed through asyncpg's Cython protocol: some
stacks start part-way down (at `Connection._do_execute`, say). Those samples still count by
their innermost frame, but the activities above them are missed, so activity shares are
lower bounds; `complete_share` says how many stacks reached the process's entry point.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from bench.servers import REPO

_FRAME = re.compile(r"^(?P<func>.*) \((?P<path>.*?):(?P<line>\d+)\)$")
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
    ("asyncpg pool: connection reset on release", r"^Connection\.reset$", "/asyncpg/"),
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
        tool,
        "record",
        "--pid",
        str(pid),
        "--rate",
        str(rate),
        "--duration",
        str(max(1, round(seconds))),
        "--format",
        "raw",
        "--full-filenames",
        "--nonblocking",
        "--output",
        str(output),
    ]
    return subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


@dataclass
class Profile:
    samples: int = 0
    complete: int = 0
    layers: Counter[str] = field(default_factory=Counter)
    activities: Counter[str] = field(default_factory=Counter)
    self_time: Counter[str] = field(default_factory=Counter)
    inclusive: Counter[str] = field(default_factory=Counter)

    def share(self, count: int) -> float:
        return 100.0 * count / self.samples if self.samples else 0.0

    def as_dict(self, top: int = 15) -> dict[str, object]:
        return {
            "samples": self.samples,
            "complete_share": self.share(self.complete),
            "layers": [(name, self.share(n)) for name, n in self.layers.most_common()],
            "activities": [(name, self.share(n)) for name, n in self.activities.most_common()],
            "top_self": [(name, self.share(n)) for name, n in self.self_time.most_common(top)],
            "top_inclusive": [
                (name, self.share(n)) for name, n in self.inclusive.most_common(top + 10)
            ],
        }


def _short(path: str) -> str:
    if "site-packages/" in path:
        return path.split("site-packages/", 1)[1]
    root = str(REPO) + "/"
    if path.startswith(root):
        return path[len(root) :]
    if "/lib/python" in path:
        return "stdlib/" + path.split("/lib/python", 1)[1].split("/", 1)[-1]
    return path


def _is_project(path: str) -> bool:
    root = str(REPO) + "/"
    return path.startswith(root) and path[len(root) :].split("/", 1)[0] in PROJECT_DIRS


def _in_domain(path: str) -> bool:
    root = str(REPO) + "/"
    return path.startswith(root) and path[len(root) :].split("/", 1)[0] in DOMAIN_DIRS


def _layer(path: str) -> str:
    if _is_project(path):
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


def summarize(raw_output: Path) -> Profile:
    profile = Profile()
    compiled = [
        (name, re.compile(pattern) if pattern else None, fragment)
        for name, pattern, fragment in ACTIVITIES
    ]
    for line in raw_output.read_text(errors="replace").splitlines():
        stack, _, count_text = line.rpartition(" ")
        if not stack or not count_text.isdigit():
            continue
        count = int(count_text)
        frames = _frames(stack)
        profile.samples += count
        if frames[0][0] == "_run_module_as_main":
            profile.complete += count
        func, path = frames[-1]
        profile.layers[_layer(path)] += count
        profile.self_time[f"{func} ({_short(path)})"] += count
        seen_functions = {f"{f} ({_short(p)})" for f, p in frames}
        for name in seen_functions:
            profile.inclusive[name] += count
        matched = set()
        for name, pattern, fragment in compiled:
            if name in matched:
                continue
            for f, p in frames:
                in_path = _in_domain(p) if fragment == "@domain" else fragment in p
                if in_path and (pattern is None or pattern.match(f)):
                    matched.add(name)
                    break
        for name in matched:
            profile.activities[name] += count
    return profile
