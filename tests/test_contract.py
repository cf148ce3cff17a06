"""The served schema is a compatible superset of the front-ends' contract, and is committed."""

from __future__ import annotations

from pathlib import Path

from graphql import build_schema as build_sdl
from graphql.utilities import DangerousChangeType, find_breaking_changes, find_dangerous_changes

from schema.root import build_schema

ROOT = Path(__file__).resolve().parent.parent
CONTRACT = Path(__file__).resolve().parent / "contract" / "core.graphql"


def breaking_changes() -> list[str]:
    contract = build_sdl(CONTRACT.read_text())
    served = build_sdl(build_schema().as_str())
    return [change.description for change in find_breaking_changes(contract, served)]


def test_served_schema_breaks_nothing_of_the_contract() -> None:
    """Every type, field and argument of the contract is served (the pending list that used to
    excuse some is gone: it was empty, so it could only hide a regression if refilled)."""
    assert breaking_changes() == []


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
