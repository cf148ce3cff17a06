"""The limit checker on the doubling fragment chain (issue 9, class 1), timed in one run.

`fragment F0 on Query { ...F1 ...F1 }` ... `fragment Fn on Query { me { id } }` stays far
inside the token limit, and inlined it is 2**n fields. For each chain length this times
graphql-core's own validation of the document, the checker as it is now (each fragment
summarised once), and, up to 18 levels, the checker before the fix (it inlined every spread
on every path), loaded from git at BEFORE. Writes bench/LIMITS-CHECKER.md.

Usage: python -m bench.limits_checker
"""

from __future__ import annotations

import functools
import subprocess
import sys
import types
from collections.abc import Callable
from pathlib import Path
from typing import Any

from graphql import parse, validate

from bench.stats import median_ms
from schema.limits import measure_operation
from schema.root import build_schema

BEFORE = "2ee71f5"  # the last commit with the inlining checker
LEVELS = (5, 10, 15, 18, 20, 25, 30, 40)
OLD_UP_TO = 18  # each level doubles the old checker's time: 18 levels take seconds
RUNS = 5
OUT = Path(__file__).with_name("LIMITS-CHECKER.md")


def chain(levels: int) -> str:
    fragments = [f"fragment F{n} on Query {{ ...F{n + 1} ...F{n + 1} }}" for n in range(levels)]
    fragments.append(f"fragment F{levels} on Query {{ me {{ id }} }}")
    return "query Chain { ...F0 }\n" + "\n".join(fragments)


def _old_checker() -> Callable[..., Any] | None:
    try:
        source = subprocess.run(
            ["git", "show", f"{BEFORE}:schema/limits.py"],
            capture_output=True,
            check=True,
            text=True,
            cwd=Path(__file__).parent,
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        return None
    module = types.ModuleType("limits_before")
    sys.modules[module.__name__] = module  # dataclasses look their module up
    exec(compile(source, "limits_before.py", "exec"), module.__dict__)
    check: Callable[..., Any] = module.check_limits
    return check


def main() -> None:
    schema = build_schema()._schema
    old = _old_checker()
    rows = []
    for levels in LEVELS:
        text = chain(levels)
        document = parse(text)
        validation = median_ms(functools.partial(validate, schema, document), RUNS)
        new = median_ms(functools.partial(measure_operation, schema, document, None, None), RUNS)
        before = "-"
        if old is not None and levels <= OLD_UP_TO:
            runs = 1 if levels > 15 else RUNS
            before = f"{median_ms(functools.partial(old, schema, document, None, None), runs):.1f}"
        rows.append(
            f"| {levels} | {len(text.encode())} | {validation:.2f} | {new:.3f} | {before} |"
        )
        print(rows[-1], flush=True)
    OUT.write_text(
        "# The limit checker on the doubling fragment chain\n\n"
        "`python -m bench.limits_checker`: medians of "
        f"{RUNS} runs in one process (1 run for the old checker past 15 levels), in ms. "
        f"'before' is schema/limits.py at {BEFORE}, which inlined every spread.\n\n"
        "| levels | bytes | graphql-core validate | checker now | checker before |\n"
        "|---:|---:|---:|---:|---:|\n" + "\n".join(rows) + "\n"
    )


if __name__ == "__main__":
    main()
