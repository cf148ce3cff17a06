"""The authorization matrix itself: every operation x role x target and the one outcome it
must have (see tests/api/test_authorization_matrix.py for the notation)."""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from typing import Any

import graphql
import pytest

from schema.root import build_schema
from tests.api.matrix_world import ROLES

MATRIX = """
# operation
#   target    anon    res_a   res_b   mem_x   mem_y   worker  manager m1      m2      admin

# ------------------------------------------------------------------- queries
node
  report_x    NULL    DATA    NULL    DATA    NULL    DATA    NULL    NULL    NULL    DATA
  report_y    NULL    NULL    DATA    NULL    DATA    NULL    NULL    NULL    NULL    DATA
  assigned    NULL    DATA    NULL    DATA    NULL    DATA    DATA    NULL    NULL    DATA
  own_report  -       DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA
  voucher     NULL    DATA    NULL    NULL    NULL    NULL    NULL    DATA    NULL    DATA
  entry       NULL    DATA    NULL    NULL    NULL    NULL    NULL    NULL    NULL    DATA
  signup      NULL    DATA    NULL    NULL    NULL    DATA    NULL    NULL    NULL    DATA
  user        NULL    DATA    NULL    DATA    NULL    DATA    NULL    NULL    NULL    DATA
  staff_x     NULL    DATA    DATA    DATA    NULL    DATA    NULL    NULL    NULL    DATA
  phone       NULL    DATA    NULL    NULL    NULL    NULL    NULL    NULL    NULL    DATA
  balance     NULL    DATA    NULL    NULL    NULL    NULL    NULL    NULL    NULL    DATA
  history     NULL    DATA    NULL    NULL    NULL    NULL    NULL    NULL    NULL    DATA
  vouchers    NULL    DATA    NULL    NULL    NULL    NULL    NULL    NULL    NULL    DATA
  merchants   NULL    NULL    NULL    NULL    NULL    NULL    NULL    DATA    NULL    DATA
  self        -       DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA
  merchant    DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA
  pending     NULL    NULL    NULL    NULL    NULL    NULL    NULL    NULL    NULL    DATA
  offer       DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA
  paused      NULL    DATA    NULL    NULL    NULL    NULL    NULL    DATA    NULL    DATA
  event       NULL    DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA
  suggestion  NULL    DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA
  notice      NULL    DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA
  grid        DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA
  courtyard   DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA
  community   DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA
  venue       NULL    DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA
  booking     NULL    DATA    NULL    NULL    NULL    DATA    NULL    NULL    NULL    DATA
nodes
  report_x    NULL    DATA    NULL    DATA    NULL    DATA    NULL    NULL    NULL    DATA
  voucher     NULL    DATA    NULL    NULL    NULL    NULL    NULL    DATA    NULL    DATA
  entry       NULL    DATA    NULL    NULL    NULL    NULL    NULL    NULL    NULL    DATA
  signup      NULL    DATA    NULL    NULL    NULL    DATA    NULL    NULL    NULL    DATA
  user        NULL    DATA    NULL    DATA    NULL    DATA    NULL    NULL    NULL    DATA
  staff_x     NULL    DATA    DATA    DATA    NULL    DATA    NULL    NULL    NULL    DATA
  merchant    DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA
  pending     NULL    NULL    NULL    NULL    NULL    NULL    NULL    NULL    NULL    DATA
  offer       DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA
  paused      NULL    DATA    NULL    NULL    NULL    NULL    NULL    DATA    NULL    DATA
  event       NULL    DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA
  suggestion  NULL    DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA
  notice      NULL    DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA
  grid        DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA
  courtyard   DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA
  community   DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA
me
  self        NULL    DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA
community
  any         DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA
microGrids
  any         DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA
reports
  report_x    UNAUTH  DATA    NULL    DATA    NULL    DATA    NULL    NULL    NULL    DATA
  report_y    UNAUTH  NULL    DATA    NULL    DATA    NULL    NULL    NULL    NULL    DATA
  assigned    UNAUTH  DATA    NULL    DATA    NULL    DATA    DATA    NULL    NULL    DATA
  own_report  -       DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA
events
  event       UNAUTH  DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA
suggestions
  suggestion  UNAUTH  DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA
notices
  notice      UNAUTH  DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA
serviceLevels
  any         UNAUTH  DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA
offers
  offer       DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA
  paused      NULL    NULL    NULL    NULL    NULL    NULL    NULL    NULL    NULL    NULL
merchants
  merchant    UNAUTH  DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA
  pending     UNAUTH  NULL    NULL    NULL    NULL    NULL    NULL    NULL    NULL    DATA
earningRules
  any         UNAUTH  DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA
venues
  venue       UNAUTH  DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA
venueSlots
  venue       UNAUTH  DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA
myBookings
  own         -       DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA
  booking     UNAUTH  DATA    NULL    NULL    NULL    NULL    NULL    NULL    NULL    NULL
bookingsAwaitingApproval
  request     UNAUTH  FORBID  FORBID  FORBID  FORBID  DATA    FORBID  FORBID  FORBID  DATA

# ------------------------------------------------------------------- mutations
register
  new         DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA
login
  valid       DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA
  invalid     BADCRED BADCRED BADCRED BADCRED BADCRED BADCRED BADCRED BADCRED BADCRED BADCRED
refreshToken
  valid       DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA
  invalid     BADCRED BADCRED BADCRED BADCRED BADCRED BADCRED BADCRED BADCRED BADCRED BADCRED
logout
  valid       DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA
  invalid     NULL    NULL    NULL    NULL    NULL    NULL    NULL    NULL    NULL    NULL
createCourtyard
  any         UNAUTH  FORBID  FORBID  FORBID  FORBID  FORBID  FORBID  FORBID  FORBID  DATA
createMicroGrid
  any         UNAUTH  FORBID  FORBID  FORBID  FORBID  FORBID  FORBID  FORBID  FORBID  DATA
grantRole
  self        -       FORBID  FORBID  FORBID  FORBID  FORBID  FORBID  FORBID  FORBID  DATA
  other       UNAUTH  FORBID  FORBID  FORBID  FORBID  FORBID  FORBID  FORBID  FORBID  DATA
setHomeGrid
  self        -       FORBID  FORBID  FORBID  FORBID  FORBID  FORBID  FORBID  FORBID  DATA
  other       UNAUTH  FORBID  FORBID  FORBID  FORBID  FORBID  FORBID  FORBID  FORBID  DATA
submitReport
  any         UNAUTH  DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA
acceptReport
  own         -       FORBID  FORBID  DATA    FORBID  DATA    FORBID  FORBID  FORBID  DATA
  grid_x      UNAUTH  NULL    NULL    DATA    NULL    DATA    NULL    NULL    NULL    DATA
  grid_y      UNAUTH  NULL    NULL    NULL    DATA    NULL    NULL    NULL    NULL    DATA
dispatchReport
  own         -       FORBID  FORBID  FORBID  FORBID  DATA    FORBID  FORBID  FORBID  DATA
  grid_x      UNAUTH  NULL    NULL    FORBID  NULL    DATA    NULL    NULL    NULL    DATA
resolveReport
  own         -       FORBID  FORBID  FORBID  FORBID  FORBID  FORBID  FORBID  FORBID  DATA
  grid_x      UNAUTH  NULL    NULL    FORBID  NULL    FORBID  NULL    NULL    NULL    DATA
  assigned    -       -       -       DATA    -       -       DATA    -       -       -
  dispute     UNAUTH  NULL    NULL    DATA    NULL    FORBID  NULL    NULL    NULL    DATA
resolveReportWithPhotos
  own         -       FORBID  FORBID  FORBID  FORBID  FORBID  FORBID  FORBID  FORBID  DATA
  grid_x      UNAUTH  NULL    NULL    FORBID  NULL    FORBID  NULL    NULL    NULL    DATA
  assigned    -       -       -       DATA    -       -       DATA    -       -       -
  dispute     UNAUTH  NULL    NULL    DATA    NULL    FORBID  NULL    NULL    NULL    DATA
verifyReport
  own         -       FORBID  FORBID  FORBID  FORBID  FORBID  FORBID  FORBID  FORBID  FORBID
  grid_x      UNAUTH  NULL    NULL    FORBID  NULL    DATA    NULL    NULL    NULL    DATA
  resolver    -       -       -       FORBID  -       -       FORBID  -       -       FORBID
rejectReport
  own         -       FORBID  FORBID  DATA    FORBID  DATA    FORBID  FORBID  FORBID  DATA
  grid_x      UNAUTH  NULL    NULL    DATA    NULL    DATA    NULL    NULL    NULL    DATA
  grid_y      UNAUTH  NULL    NULL    NULL    DATA    NULL    NULL    NULL    NULL    DATA
withdrawReport
  own         -       DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA
  grid_x      UNAUTH  NULL    NULL    FORBID  NULL    FORBID  NULL    NULL    NULL    DATA
escalateReport
  own         -       FORBID  FORBID  DATA    FORBID  DATA    FORBID  FORBID  FORBID  DATA
  overdue     -       DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA
  grid_x      UNAUTH  NULL    NULL    DATA    NULL    DATA    NULL    NULL    NULL    DATA
  grid_y      UNAUTH  NULL    NULL    NULL    DATA    NULL    NULL    NULL    NULL    DATA
  assigned    -       -       -       DATA    -       -       FORBID  -       -       -
setServiceLevel
  any         UNAUTH  FORBID  FORBID  FORBID  FORBID  FORBID  FORBID  FORBID  FORBID  DATA
createEvent
  any         UNAUTH  FORBID  FORBID  FORBID  FORBID  DATA    FORBID  DATA    DATA    DATA
signUpForEvent
  any         UNAUTH  DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA
cancelEventSignup
  signed_up   -       DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA
  not_signed  UNAUTH  NULL    NULL    NULL    NULL    NULL    NULL    NULL    NULL    NULL
checkInAttendee
  own         -       -       -       -       -       DATA    -       DATA    DATA    DATA
  other       UNAUTH  FORBID  FORBID  FORBID  FORBID  FORBID  FORBID  FORBID  FORBID  DATA
  self        -       FORBID  FORBID  FORBID  FORBID  FORBID  FORBID  FORBID  FORBID  FORBID
submitSuggestion
  any         UNAUTH  DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA
reviewSuggestion
  own         -       FORBID  FORBID  FORBID  FORBID  FORBID  FORBID  FORBID  FORBID  FORBID
  other       UNAUTH  FORBID  FORBID  FORBID  FORBID  FORBID  FORBID  FORBID  FORBID  DATA
publishNotice
  any         UNAUTH  FORBID  FORBID  FORBID  FORBID  DATA    FORBID  FORBID  FORBID  DATA
setEarningRule
  any         UNAUTH  FORBID  FORBID  FORBID  FORBID  FORBID  FORBID  FORBID  FORBID  DATA
adjustPoints
  self        -       FORBID  FORBID  FORBID  FORBID  FORBID  FORBID  FORBID  FORBID  FORBID
  other       UNAUTH  FORBID  FORBID  FORBID  FORBID  FORBID  FORBID  FORBID  FORBID  DATA
registerMerchant
  any         UNAUTH  DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA
approveMerchant
  own         -       FORBID  FORBID  FORBID  FORBID  FORBID  FORBID  FORBID  FORBID  FORBID
  other       UNAUTH  FORBID  FORBID  FORBID  FORBID  FORBID  FORBID  FORBID  FORBID  DATA
suspendMerchant
  own         -       -       -       -       -       -       -       FORBID  FORBID  -
  other       UNAUTH  FORBID  FORBID  FORBID  FORBID  FORBID  FORBID  FORBID  FORBID  DATA
createOffer
  own         -       -       -       -       -       -       -       DATA    DATA    -
  other       UNAUTH  FORBID  FORBID  FORBID  FORBID  FORBID  FORBID  FORBID  FORBID  FORBID
updateOffer
  own         -       -       -       -       -       -       -       DATA    DATA    -
  other       UNAUTH  FORBID  FORBID  FORBID  FORBID  FORBID  FORBID  FORBID  FORBID  FORBID
redeemOffer
  own         -       -       -       -       -       -       -       DATA    DATA    -
  other       UNAUTH  DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA
cancelVoucher
  own         -       DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA
  other       UNAUTH  FORBID  FORBID  FORBID  FORBID  FORBID  FORBID  FORBID  FORBID  FORBID
useVoucher
  own         -       -       -       -       -       -       -       DATA    DATA    -
  other       UNAUTH  FORBID  FORBID  FORBID  FORBID  FORBID  FORBID  UNUSABL UNUSABL FORBID
settlement
  own         -       -       -       -       -       -       -       DATA    DATA    -
  other       UNAUTH  FORBID  FORBID  FORBID  FORBID  FORBID  FORBID  FORBID  FORBID  DATA
merchantStatement
  own         -       -       -       -       -       -       -       DATA    DATA    -
  other       UNAUTH  FORBID  FORBID  FORBID  FORBID  FORBID  FORBID  FORBID  FORBID  DATA
pointsPolicy
  any         UNAUTH  DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA
treasury
  any         UNAUTH  FORBID  FORBID  FORBID  FORBID  FORBID  FORBID  FORBID  FORBID  DATA
earningRuleVersions
  any         UNAUTH  DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA
fundPool
  any         UNAUTH  FORBID  FORBID  FORBID  FORBID  FORBID  FORBID  FORBID  FORBID  DATA
setPointsPolicy
  any         UNAUTH  FORBID  FORBID  FORBID  FORBID  FORBID  FORBID  FORBID  FORBID  DATA
settleMerchant
  own         -       -       -       -       -       -       -       FORBID  FORBID  -
  other       UNAUTH  FORBID  FORBID  FORBID  FORBID  FORBID  FORBID  FORBID  FORBID  DATA
createVenue
  any         UNAUTH  FORBID  FORBID  FORBID  FORBID  FORBID  FORBID  FORBID  FORBID  DATA
updateVenue
  any         UNAUTH  FORBID  FORBID  FORBID  FORBID  FORBID  FORBID  FORBID  FORBID  DATA
closeVenue
  any         UNAUTH  FORBID  FORBID  FORBID  FORBID  FORBID  FORBID  FORBID  FORBID  DATA
bookVenue
  open        UNAUTH  DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA
  staff_room  UNAUTH  FORBID  FORBID  DATA    DATA    DATA    FORBID  FORBID  FORBID  DATA
  shop_room   UNAUTH  FORBID  FORBID  FORBID  FORBID  FORBID  FORBID  DATA    DATA    DATA
approveBooking
  own         -       FORBID  FORBID  FORBID  FORBID  FORBID  FORBID  FORBID  FORBID  FORBID
  other       UNAUTH  FORBID  FORBID  FORBID  FORBID  DATA    FORBID  FORBID  FORBID  DATA
rejectBooking
  own         -       FORBID  FORBID  FORBID  FORBID  FORBID  FORBID  FORBID  FORBID  FORBID
  other       UNAUTH  FORBID  FORBID  FORBID  FORBID  DATA    FORBID  FORBID  FORBID  DATA
cancelBooking
  own         -       DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA
  other       UNAUTH  NULL    NULL    NULL    NULL    DATA    NULL    NULL    NULL    DATA
checkInBooking
  own         -       DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA
  other       UNAUTH  NULL    NULL    NULL    NULL    DATA    NULL    NULL    NULL    DATA

# ------------------------------------------------------------------- subscriptions
reportUpdated
  report_x    UNAUTH  DATA    NULL    DATA    NULL    DATA    NULL    NULL    NULL    DATA
  report_y    UNAUTH  NULL    DATA    NULL    DATA    NULL    NULL    NULL    NULL    DATA
  assigned    UNAUTH  DATA    NULL    DATA    NULL    DATA    DATA    NULL    NULL    DATA
  own_report  -       DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA
pointsChanged
  own         UNAUTH  DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA
pointsExpiring
  own         UNAUTH  DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA
bookingUpdated
  own         UNAUTH  DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA
"""

DATA, NULL, FORBIDDEN, UNAUTHENTICATED = "DATA", "NULL", "FORBIDDEN", "UNAUTHENTICATED"
OUTCOMES = {
    "DATA": DATA,
    "NULL": NULL,
    "FORBID": FORBIDDEN,
    "UNAUTH": UNAUTHENTICATED,
    "BADCRED": "INVALID_CREDENTIALS",
    "UNUSABL": "VOUCHER_NOT_USABLE",
}


def parse(table: str) -> dict[tuple[str, str, str], str]:
    """(operation, role, target) -> outcome, in the table's order."""
    rows: dict[tuple[str, str, str], str] = {}
    operation = None
    for line in table.splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if not line.startswith(" "):
            operation = line.strip()
            continue
        target, *cells = line.split()
        assert operation is not None and len(cells) == len(ROLES), line
        for role, cell in zip(ROLES, cells, strict=True):
            if cell != "-":
                rows[(operation, role, target)] = OUTCOMES[cell]
    return rows


EXPECTED = parse(MATRIX)


@cache
def served_operations() -> dict[str, str]:
    """Every root field of the served SDL -> query, mutation or subscription."""
    sdl = graphql.build_schema(build_schema().as_str())
    roots = {
        "query": sdl.query_type,
        "mutation": sdl.mutation_type,
        "subscription": sdl.subscription_type,
    }
    return {name: kind for kind, root in roots.items() if root for name in root.fields}


def row_id(operation: str, role: str, target: str) -> str:
    return f"{operation}-{role}-{target}"


def matrix_rows(operations: Iterable[str] | None = None) -> list[Any]:
    """One test per (served operation, role, target); a missing role is a failing row."""
    rows = []
    for operation in served_operations() if operations is None else operations:
        for role in ROLES:
            targets = [t for (o, r, t) in EXPECTED if (o, r) == (operation, role)]
            if not targets:
                missing = row_id(operation, role, "MISSING")
                rows.append(pytest.param(operation, role, None, None, id=missing))
            for target in targets:
                name = row_id(operation, role, target)
                expected = EXPECTED[(operation, role, target)]
                rows.append(pytest.param(operation, role, target, expected, id=name))
    return rows
