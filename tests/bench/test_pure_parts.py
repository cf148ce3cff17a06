"""The bench's pure parts: percentiles, the error tally, response checks, number formats."""

from __future__ import annotations

import orjson
import pytest

from bench.loadgen import Tally, percentiles
from bench.report import _ms, _rps
from bench.workloads import check, check_offers, check_redeem


def test_percentiles_are_nearest_rank_in_milliseconds() -> None:
    latencies = [i / 1000 for i in range(1, 101)]  # 1..100 ms
    result = percentiles(latencies)
    assert result["p50"] == pytest.approx(50.0)
    assert result["p90"] == pytest.approx(90.0)
    assert result["p99"] == pytest.approx(99.0)
    assert result["max"] == pytest.approx(100.0)
    assert result["mean"] == pytest.approx(50.5)


def test_percentiles_of_nothing_is_empty() -> None:
    assert percentiles([]) == {}


def test_tally_counts_errors_per_workload() -> None:
    tally = Tally()
    tally.add("W1", 0.01, None, keep_by=True)
    tally.add("W1", 0.02, "HTTP 500", keep_by=True)
    tally.add("W3", 0.03, "HTTP 500", keep_by=False)
    assert tally.ok == 1
    assert tally.errors == {"HTTP 500": 2}
    assert tally.errors_by_workload == {"W1": 1, "W3": 1}
    assert tally.by_workload == {"W1": [0.01, 0.02]}
    assert tally.latencies == [0.01, 0.02, 0.03]


def test_check_rejects_non_200_and_bad_json() -> None:
    assert check("W1", 503, b"{}") == "HTTP 503"
    assert check("W1", 200, b"not json") == "invalid JSON"


def test_check_reports_the_graphql_error_code() -> None:
    body = orjson.dumps({"errors": [{"message": "x", "extensions": {"code": "RATE_LIMITED"}}]})
    assert check("W1", 200, body) == "graphql error: RATE_LIMITED"


def test_offers_check_wants_twenty_edges_with_merchants() -> None:
    edge = {"node": {"merchant": {"name": "Tea"}}}
    assert check_offers({"data": {"offers": {"edges": [edge] * 20}}}) is None
    assert check_offers({"data": {"offers": {"edges": [edge] * 19}}}) == "offers: not 20 edges"


def test_redeem_check_reads_payload_errors_and_status() -> None:
    refused = {"data": {"redeemOffer": {"errors": [{"code": "SOLD_OUT"}]}}}
    assert check_redeem(refused) == "redeemOffer: SOLD_OUT"
    issued = {"data": {"redeemOffer": {"errors": [], "voucher": {"status": "ISSUED"}}}}
    assert check_redeem(issued) is None
    used = {"data": {"redeemOffer": {"errors": [], "voucher": {"status": "USED"}}}}
    assert check_redeem(used) == "redeemOffer: voucher not ISSUED"


def test_number_formats() -> None:
    assert _ms(None) == "–"
    assert _ms(12.345) == "12.3"
    assert _ms(1.2345) == "1.23"
    assert _rps(1234.4) == "1,234"
