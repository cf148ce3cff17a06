"""The served schema is a compatible superset of the front-ends' contract, and is committed."""

from __future__ import annotations

import re
from pathlib import Path

from graphql import build_schema as build_sdl
from graphql.utilities import DangerousChangeType, find_breaking_changes, find_dangerous_changes

from schema.root import build_schema

ROOT = Path(__file__).resolve().parent.parent
CONTRACT = Path(__file__).resolve().parent / "contract" / "core.graphql"

# Contract types and fields whose issue has not landed yet. This list only shrinks; every
# operation of the contract is served now.
NOT_YET_SERVED: set[str] = set()


def _names(description: str) -> set[str]:
    return set(re.findall(r"[A-Za-z_][A-Za-z_0-9.]*", description))


def breaking_changes() -> list[str]:
    contract = build_sdl(CONTRACT.read_text())
    served = build_sdl(build_schema().as_str())
    return [change.description for change in find_breaking_changes(contract, served)]


def test_served_schema_only_lacks_what_is_still_pending() -> None:
    unexpected = [c for c in breaking_changes() if not _names(c) & NOT_YET_SERVED]
    assert unexpected == []


def test_pending_list_names_only_what_is_still_missing() -> None:
    mentioned = set().union(*(_names(c) for c in breaking_changes()))
    stale = NOT_YET_SERVED - mentioned
    assert stale == set(), f"served now, remove from NOT_YET_SERVED: {sorted(stale)}"


def test_committed_schema_graphql_is_the_served_schema() -> None:
    committed = (ROOT / "schema.graphql").read_text()
    assert committed.strip() == build_schema().as_str().strip(), (
        "run `gridpoints export-schema > schema.graphql`"
    )


DEFAULT_CHANGES = {
    DangerousChangeType.ARG_DEFAULT_VALUE_CHANGE,
    DangerousChangeType.INPUT_FIELD_DEFAULT_VALUE_CHANGE,
}


# New domains add values to the contract's enums (ErrorCode, PointsReason): clients are told
# to treat unknown values as "other", so an added value is an expected change, not a defect.
ADDED_VALUES = {DangerousChangeType.VALUE_ADDED_TO_ENUM}


def test_no_dangerous_changes_and_defaults_print_as_the_contract_writes_them() -> None:
    """No dangerous change either way round but added enum values: no default differs from the
    contract's (an optional argument prints `first: Int`, not `first: Int = null`)."""
    contract = build_sdl(CONTRACT.read_text())
    served = build_sdl(build_schema().as_str())
    changes = find_dangerous_changes(contract, served)
    assert [change.description for change in changes if change.type not in ADDED_VALUES] == []
    reverse = find_dangerous_changes(served, contract)
    assert [change.description for change in reverse if change.type in DEFAULT_CHANGES] == []
