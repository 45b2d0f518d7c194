"""The resource catalogue, CloudEvents validation (one test per rejection reason) and billing periods."""

from __future__ import annotations

import json

import pytest
from eth_utils.crypto import keccak

from synor.metering.events import (
    MAX_LINE_BYTES,
    EventRejected,
    Reason,
    Rejection,
    parse_event,
    parse_line,
)
from synor.metering.periods import DAY, Periods
from synor.pricing.catalogue import CATALOGUE, GB, MONTH

from .helpers import ACCOUNTS, OPERATOR, T0, cloudevent

# -- catalogue -------------------------------------------------------------------------------------


def test_catalogue_is_issue_8s_table():
    assert [(r.name, r.unit_size, r.seed_price) for r in CATALOGUE.values()] == [
        ("storage.capacity", 2_592_000 * 10**15 // 10**6, 2 * 10**16),
        ("storage.retrieval", 10**9, 10**16),
        ("storage.deal", 1, 10**15),
        ("hosting.bandwidth", 10**9, 5 * 10**16),
        ("hosting.domain", 2_592_000, 5 * 10**17),
        ("hosting.ssl", 2_592_000, 0),
        ("database.capacity", 2_592 * 10**12, 10**17),
        ("database.queries", 10**6, 10**16),
        ("database.vector_search", 10**6, 5 * 10**16),
        ("compute.cpu", 3_600, 2 * 10**16),
        ("compute.gpu.rtx4090", 3_600, 5 * 10**17),
        ("compute.memory", 36 * 10**11, 5 * 10**15),
        ("compute.serverless", 10**6, 2 * 10**17),
        ("network.egress", 10**9, 5 * 10**16),
    ]
    assert CATALOGUE["storage.capacity"].unit_size == 2_592 * 10**12 == GB * MONTH


def test_500_gb_months_cost_exactly_10_synor():
    capacity = CATALOGUE["storage.capacity"]
    quantity = 500 * capacity.unit_size
    assert 8 * 10**12 * MONTH > 2**64  # 8 TB stored for a month: byte-seconds above 64 bits
    assert quantity * capacity.seed_price // capacity.unit_size == 10 * 10**18


def test_resource_ids_are_keccak_of_names_and_time_integrals_are_marked():
    assert CATALOGUE["compute.cpu"].resource_id == keccak(text="compute.cpu")
    assert {r.name for r in CATALOGUE.values() if r.is_time_integral} == {
        "storage.capacity",
        "hosting.domain",
        "hosting.ssl",
        "database.capacity",
        "compute.cpu",
        "compute.gpu.rtx4090",
        "compute.memory",
    }


# -- events ----------------------------------------------------------------------------------------


def test_a_valid_event_parses_with_checksummed_addresses_and_dimensions():
    document = cloudevent(subject=ACCOUNTS[1].lower(), data_region="eu", data_tier=3, data_gpu=None)
    event = parse_line(json.dumps(document))
    assert event.key == ("synor://node-1/storage", "e-1")
    assert event.subject == ACCOUNTS[1] and event.operator == OPERATOR
    assert (event.resource, event.quantity, event.time) == ("storage.retrieval", 1000, T0)
    assert event.dimensions == {"region": "eu", "tier": 3, "gpu": None}
    assert parse_event(json.loads(event.to_json_line())) == event


@pytest.mark.parametrize("quantity", [2**64, 2**200, 2**256 - 1])
def test_quantities_above_64_bits_are_exact_as_strings_and_integers(quantity):
    assert parse_line(json.dumps(cloudevent(data_quantity=str(quantity)))).quantity == quantity
    assert parse_line(json.dumps(cloudevent(data_quantity=quantity))).quantity == quantity


def test_a_fractional_time_is_kept_to_the_second_and_offsets_are_honoured():
    assert parse_event(cloudevent(time="2027-01-15T08:00:00.999+00:00")).time == 1_800_000_000
    assert parse_event(cloudevent(time="2027-01-15T09:00:00+01:00")).time == 1_800_000_000


def raw(data_members: str) -> str:
    """An event as literal JSON text whose data members (after resource) are given verbatim."""
    head = cloudevent(id="1", source="s", time="2027-01-15T08:00:00Z", data={})
    text = json.dumps(head).replace(
        '"data": {}', '"data": {"resource": "storage.deal", ' + data_members + "}"
    )
    return text.replace("OP", OPERATOR)


REJECTIONS = [
    ("[1, 2]", Reason.NOT_AN_OBJECT),
    ('{"id": ', Reason.MALFORMED_JSON),
    (cloudevent(id=None), Reason.BAD_ID),
    ({k: v for k, v in cloudevent().items() if k != "id"}, Reason.MISSING_FIELD),
    (cloudevent(source=""), Reason.BAD_SOURCE),
    (cloudevent(specversion="0.3"), Reason.BAD_SPECVERSION),
    (cloudevent(type="com.example.usage"), Reason.BAD_TYPE),
    (cloudevent(subject="alice"), Reason.BAD_SUBJECT),
    (cloudevent(subject="0x" + "aB" * 20), Reason.BAD_SUBJECT),  # wrong EIP-55 checksum
    (cloudevent(time="yesterday"), Reason.BAD_TIME),
    (cloudevent(time="2027-01-15T08:00:00"), Reason.BAD_TIME),  # no zone
    ({k: v for k, v in cloudevent().items() if k != "time"}, Reason.MISSING_FIELD),
    (cloudevent(data=[1]), Reason.BAD_DATA),
    (cloudevent(data_resource="storage.teleport"), Reason.UNKNOWN_RESOURCE),
    (raw('"quantity":1.0,"operator":"OP"'), Reason.BAD_QUANTITY),
    (raw('"quantity":1e3,"operator":"OP"'), Reason.BAD_QUANTITY),
    (cloudevent(data_quantity="12.5"), Reason.BAD_QUANTITY),
    (cloudevent(data_quantity="-1"), Reason.BAD_QUANTITY),
    (cloudevent(data_quantity=-1), Reason.BAD_QUANTITY),
    (cloudevent(data_quantity=True), Reason.BAD_QUANTITY),
    (cloudevent(data_quantity=2**256), Reason.BAD_QUANTITY),
    (cloudevent(data_quantity="1" * 79), Reason.BAD_QUANTITY),
    ({**cloudevent(), "data": {"resource": "storage.deal", "operator": OPERATOR}}, Reason.MISSING_FIELD),
    (cloudevent(data_operator="node-7"), Reason.BAD_OPERATOR),
    (cloudevent(data_operator=None), Reason.BAD_OPERATOR),
    (cloudevent(data_region={"nested": 1}), Reason.BAD_DIMENSION),
    (raw('"quantity":1,"operator":"OP","ratio":0.5'), Reason.BAD_DIMENSION),
    (cloudevent(**{f"data_d{n}": n for n in range(33)}), Reason.BAD_DIMENSION),
    (cloudevent(data_region="x" * 257), Reason.BAD_DIMENSION),
]  # fmt: skip


@pytest.mark.parametrize(("document", "reason"), REJECTIONS)
def test_each_invalid_event_is_rejected_with_its_reason(document, reason):
    line = document if isinstance(document, str) else json.dumps(document)
    with pytest.raises(EventRejected) as caught:
        parse_line(line)
    assert caught.value.reason == reason
    rejection = Rejection.of(caught.value, line=7).to_json()
    assert rejection["reason"] == reason and rejection["line"] == 7 and rejection["detail"]


def test_a_rejection_names_the_event_when_it_can():
    with pytest.raises(EventRejected) as caught:
        parse_event(cloudevent(id="e-9", data_quantity="x"))
    assert (caught.value.source, caught.value.event_id) == ("synor://node-1/storage", "e-9")


def test_an_oversized_line_is_refused_before_parsing():
    with pytest.raises(EventRejected) as caught:
        parse_line(" " * (MAX_LINE_BYTES + 1))
    assert caught.value.reason == Reason.TOO_LARGE


# -- periods ---------------------------------------------------------------------------------------


def test_periods_from_genesis_and_length():
    periods = Periods(genesis=1_000, length=100, late_window=10)
    assert [periods.period_of(t) for t in (1_000, 1_099, 1_100, 1_250)] == [0, 0, 1, 2]
    assert (periods.start(2), periods.end(2), periods.closes_at(2)) == (1_200, 1_300, 1_310)
    with pytest.raises(ValueError):
        periods.period_of(999)


def test_the_late_window_derives_from_the_settlement_window():
    assert Periods().late_window == 6 * DAY and Periods().length == 30 * DAY
    assert Periods.from_settlement(5, 100, settlement_window=50, keeper_margin=20) == Periods(5, 100, 30)
    with pytest.raises(ValueError):
        Periods.from_settlement(0, 100, settlement_window=10, keeper_margin=11)
    with pytest.raises(ValueError):
        Periods(length=0)


@pytest.mark.parametrize(
    ("time", "now", "outcome"),
    [
        (1_000, 1_000, 0),
        (1_099, 1_109, 0),  # the last second of period 0 on the last second of its late window
        (1_099, 1_110, Reason.PERIOD_CLOSED),
        (1_100, 1_110, 1),
        (999, 1_000, Reason.BEFORE_GENESIS),
        (1_000 + 5, 1_000, 0),  # within the clock skew
        (1_000 + 6, 1_000, Reason.IN_FUTURE),
    ],
)
def test_acceptance_window(time, now, outcome):
    periods = Periods(genesis=1_000, length=100, late_window=10, max_future=5)
    if isinstance(outcome, int):
        assert periods.accept(time, now) == outcome
    else:
        with pytest.raises(EventRejected) as caught:
            periods.accept(time, now)
        assert caught.value.reason == outcome
