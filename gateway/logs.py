"""Structured JSON logs, one object per line, each with the request id.

Phone numbers are masked and bearer tokens or JWT-looking strings are removed wherever they
appear, so a careless log call cannot leak them.
"""

from __future__ import annotations

import logging
import re
import sys
from datetime import UTC, datetime

import orjson

from schema.context import request_id

_PHONE = re.compile(r"(?<!\d)(1[3-9]\d)\d{4}(\d{4})(?!\d)")
_BEARER = re.compile(r"(?i)bearer\s+[A-Za-z0-9._~+/=-]+")
_JWT = re.compile(r"eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*")


def redact(text: str) -> str:
    text = _BEARER.sub("Bearer [redacted]", text)
    text = _JWT.sub("[redacted-token]", text)
    return _PHONE.sub(r"\1****\2", text)


def _message(record: logging.LogRecord) -> str:
    """The record's message; a broken format string or argument still leaves a message."""
    try:
        return record.getMessage()
    except Exception:
        return f"{record.msg!r} % {record.args!r}"


def _text(value: str) -> str:
    """Text JSON can hold: lone surrogates (which orjson refuses) become U+FFFD."""
    return value.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")


class JsonFormatter(logging.Formatter):
    """One JSON object per record, whatever the record holds: a log line is never lost."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(),
            "level": record.levelname,
            "logger": str(record.name),
            "request_id": str(request_id.get()),
            "message": redact(_message(record)),
        }
        if record.exc_info:
            try:
                entry["error"] = redact(self.formatException(record.exc_info))
            except Exception:
                entry["error"] = repr(record.exc_info[1])
        try:
            return orjson.dumps(entry).decode()
        except TypeError:  # lone surrogates, or anything else orjson will not take
            return orjson.dumps({k: _text(v) for k, v in entry.items()}).decode()


def configure_logging(level: str = "INFO") -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # strawberry logs every GraphQL error; the gateway logs the unexpected ones itself
    logging.getLogger("strawberry.execution").setLevel(logging.CRITICAL)
