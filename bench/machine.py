"""The machine a run was measured on, and how busy others kept it."""

from __future__ import annotations

import os
import platform
import subprocess
from importlib.metadata import version
from pathlib import Path

from bench.config import ADMIN_URL
from bench.cpu import cores_busy
from bench.results import Machine


def load_average() -> str:
    one, five, _ = os.getloadavg()
    return f"{one:.2f} / {five:.2f}"


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return "unknown CPU"


def _postgres() -> str:
    try:
        found = subprocess.run(
            ["psql", ADMIN_URL, "-Atc", "SHOW server_version"],
            capture_output=True,
            text=True,
            timeout=10,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        found = ""
    return f"PostgreSQL {found.split()[0]}" if found else "PostgreSQL"


def describe() -> Machine:
    return Machine(
        cpus=os.cpu_count() or 1,
        cpu_model=_cpu_model(),
        python=platform.python_version(),
        postgres=_postgres(),
        strawberry=version("strawberry-graphql"),
        tortoise=version("tortoise-orm"),
        load_start=load_average(),
        others_at_start=cores_busy(),
    )
