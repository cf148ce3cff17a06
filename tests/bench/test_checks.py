"""The per-response checks: what counts as a success in every load run."""

from __future__ import annotations

import orjson

from bench.workloads import check, check_offers, check_redeem, check_use


def test_non_200_and_bad_json_are_errors() -> None:
    assert check("W1", 503, b"{}") == "HTTP 503"
    assert check("W1", 200, b"not json") == "invalid JSON"


def test_a_graphql_error_is_named_by_its_code() -> None:
    body = orjson.dumps({"errors": [{"message": "x", "extensions": {"code": "RATE_LIMITED"}}]})
    assert check("W1", 200, body) == "graphql error: RATE_LIMITED"


def test_offers_want_twenty_edges_with_a_merchant() -> None:
    edge = {"node": {"merchant": {"name": "Tea"}}}
    assert check_offers({"data": {"offers": {"edges": [edge] * 20}}}) is None
    assert check_offers({"data": {"offers": {"edges": [edge] * 19}}}) == "offers: not 20 edges"


def test_mutations_want_no_payload_errors_and_the_voucher_in_its_new_status() -> None:
    refused = {"data": {"redeemOffer": {"errors": [{"code": "SOLD_OUT"}]}}}
    assert check_redeem(refused) == "redeemOffer: SOLD_OUT"
    issued = {"errors": [], "voucher": {"status": "ISSUED"}}
    assert check_redeem({"data": {"redeemOffer": issued}}) is None
    assert check_use({"data": {"useVoucher": issued}}) == "useVoucher: voucher not USED"
    assert check_use({"data": {}}) == "useVoucher: no payload"
