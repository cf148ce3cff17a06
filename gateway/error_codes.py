"""The last guard on the way out: an error without `extensions.code` gets one, and the log says so.

GraphQL's own errors get theirs by phase (schema/error_phases.py); this catches anything new.
"""

from __future__ import annotations

import logging
from typing import Any

from schema.codes import TopLevelCode

log = logging.getLogger("gridpoints.errors")


def ensure_codes(response: dict[str, Any]) -> None:
    """The last guard: an error still without a code gets one, and the log says so."""
    for error in response.get("errors") or ():
        extensions = error.setdefault("extensions", {}) if isinstance(error, dict) else None
        if extensions is None or extensions.get("code"):
            continue
        code = TopLevelCode.INTERNAL_SERVER_ERROR if error.get("path") else TopLevelCode.BAD_REQUEST
        log.warning("error without a code, given %s: %s", code.value, error.get("message"))
        extensions["code"] = code.value
