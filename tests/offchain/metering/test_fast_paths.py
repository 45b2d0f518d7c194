"""The hot path's shortcuts agree with the exact, detailed code they stand in for.

orjson decodes (it reads integers beyond 64 bits and numbers with a fraction as floats, so such
documents are decoded again by the standard library); `_parse_valid` accepts exactly what the
detailed checks accept; dimensions are serialised by orjson, big integers by `json`.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from synor.metering.events import (
    EventRejected,
    Reason,
    UsageEvent,
    _parse_checked,
    _parse_valid,
    decode,
    parse_line,
)
from synor.metering.store import SqliteStore, _dimensions

from .helpers import ACCOUNTS, OPERATOR, T0, cloudevent


@pytest.mark.parametrize("value", [2**64, 2**64 + 1, 2**255, -(2**63) - 1, -(2**100)])
def test_integers_beyond_64_bits_decode_exactly_wherever_they_are(value):
    document = cloudevent(data_quantity=abs(value), data_big=value)
    decoded = decode(json.dumps(document))
    assert decoded["data"]["quantity"] == abs(value) and type(decoded["data"]["quantity"]) is int
    assert decoded["data"]["big"] == value and type(decoded["data"]["big"]) is int
    batch = decode(json.dumps([cloudevent(), document]))  # POST /events batches too
    assert batch[1]["data"]["big"] == value and type(batch[1]["data"]["big"]) is int
    event = parse_line(json.dumps(document))
    assert event.quantity == abs(value) and event.dimensions["big"] == value


def test_the_largest_64_bit_quantities_and_the_first_beyond_stay_exact():
    for quantity in (2**63 - 1, 2**63, 2**64 - 1, 2**64, 2**64 + 1):
        assert parse_line(json.dumps(cloudevent(data_quantity=quantity))).quantity == quantity


@pytest.mark.parametrize(
    ("members", "reason"),
    [
        ('"quantity":1.5', Reason.BAD_QUANTITY),
        ('"quantity":1E2', Reason.BAD_QUANTITY),
        ('"quantity":NaN', Reason.BAD_QUANTITY),  # orjson refuses NaN: the exact decoder marks it
        ('"quantity":Infinity', Reason.BAD_QUANTITY),
        ('"quantity":1,"ratio":-0.0', Reason.BAD_DIMENSION),
        ('"quantity":1,"huge":1e400', Reason.BAD_DIMENSION),
    ],
)
def test_numbers_that_are_not_integers_are_still_refused(members, reason):
    line = json.dumps(cloudevent(data={})).replace(
        '"data": {}', '"data": {"resource": "storage.deal", "operator": "OP", ' + members + "}"
    )
    with pytest.raises(EventRejected) as caught:
        parse_line(line.replace("OP", OPERATOR))
    assert caught.value.reason == reason


def test_text_refused_by_orjson_gets_the_standard_verdict():
    with pytest.raises(EventRejected) as caught:
        parse_line('{"id": "1",')
    assert caught.value.reason == Reason.MALFORMED_JSON
    with pytest.raises(EventRejected) as caught:
        parse_line("[" * 5_000 + "]" * 5_000)  # deeper than orjson's limit: still malformed for us
    assert caught.value.reason in (Reason.MALFORMED_JSON, Reason.NOT_AN_OBJECT)


# -- the fast validation path agrees with the detailed one -----------------------------------------
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**260),
    st.text(max_size=6),
    st.sampled_from(["1.0", "synor.usage", "synor.usage.x", "synor.usagex", "storage.deal", "", "x" * 257]),
    st.sampled_from([ACCOUNTS[0], ACCOUNTS[1].lower(), "0x" + "aB" * 20, OPERATOR, "2027-01-15T08:00:00Z"]),
    st.sampled_from(["2027-01-15T08:00:00", "yesterday", "2027-01-15T08:00:00.5+01:00", "1" * 79, "007"]),
    st.lists(st.integers(), max_size=2),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
)
TOP = ["specversion", "id", "source", "type", "subject", "time", "data"]
DATA = ["resource", "quantity", "operator", "region", "x" * 257]


@st.composite
def mutated(draw: Any) -> dict[str, Any]:
    """A valid event with some members replaced, removed or added (data members too)."""
    document = cloudevent(data_region="eu")
    data = dict(document["data"])
    for name in draw(st.lists(st.sampled_from(TOP), max_size=3)):
        if draw(st.booleans()):
            document[name] = draw(SCALARS)
        else:
            document.pop(name, None)
    for name in draw(st.lists(st.sampled_from(DATA), max_size=3)):
        if draw(st.booleans()):
            data[name] = draw(SCALARS)
        else:
            data.pop(name, None)
    for extra in range(draw(st.sampled_from([0, 0, 31, 32, 33]))):
        data[f"d{extra}"] = extra
    if isinstance(document.get("data"), dict):
        document["data"] = data
    return document


@settings(max_examples=400, deadline=None)
@given(mutated())
def test_the_fast_path_accepts_exactly_what_the_detailed_checks_accept(document):
    fast = _parse_valid(document)
    try:
        checked: UsageEvent | None = _parse_checked(document)
    except EventRejected:
        checked = None
    assert fast == checked


def test_the_fast_path_takes_valid_events():
    document = cloudevent(data_region="eu", data_tier=3, data_gpu=None, data_ok=True)
    event = _parse_valid(document)
    assert event is not None and event == _parse_checked(document) and event.time == T0


# -- dimensions as stored ----------------------------------------------------------------------
def test_dimensions_with_integers_beyond_64_bits_are_stored_exactly(tmp_path):
    event = parse_line(json.dumps(cloudevent(data_region="eu", data_big=2**100, data_small=-5)))
    assert json.loads(_dimensions(event)) == {"big": 2**100, "region": "eu", "small": -5}
    assert json.loads(_dimensions(parse_line(json.dumps(cloudevent(data_b=1, data_a="é"))))) == {
        "a": "é",
        "b": 1,
    }
    store = SqliteStore(tmp_path / "usage.db")
    assert store.commit([(event, 0)]).accepted == 1
    stored = store._db.execute("SELECT dimensions FROM usage_events").fetchone()[0]
    assert json.loads(stored)["big"] == 2**100
    store.close()
