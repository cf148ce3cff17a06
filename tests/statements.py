"""Counting the SQL statements a block of code sends: a deterministic measure of N+1s."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager


class _StatementCounter(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.statements: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        # Tortoise logs every statement it sends as "%s: %s" (query, values); connection
        # set-up messages have other formats. BEGIN and COMMIT are not logged.
        if record.msg == "%s: %s" and isinstance(record.args, tuple) and record.args:
            self.statements.append(str(record.args[0]))


@contextmanager
def counting_statements() -> Iterator[list[str]]:
    """The SQL statements sent while the block runs, BEGIN/COMMIT aside."""
    logger = logging.getLogger("tortoise.db_client")
    handler = _StatementCounter()
    previous = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    try:
        yield handler.statements
    finally:
        logger.removeHandler(handler)
        logger.setLevel(previous)
