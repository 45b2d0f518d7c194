"""The five meters: exact integration split at window and period boundaries, counter deltas with resets
and wrap-around, deterministic ids, checkpoints, and each meter's input formats."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from synor.metering.meters import (
    US,
    ComputeMeter,
    DatabaseMeter,
    HostingMeter,
    MeterConfig,
    NetworkMeter,
    StorageMeter,
    event_id,
    parse_cpu_stat,
    parse_memory_current,
)
from synor.metering.periods import Periods

from .helpers import ACCOUNTS, OPERATOR

A, B = ACCOUNTS[0], ACCOUNTS[1]
GENESIS = 1_000_000
WINDOW = 60
PERIOD = 600  # ten windows a period


def config(**overrides):
    values = {"source": "synor://node-1", "operator": OPERATOR, "genesis": GENESIS, "window": WINDOW,
              "period_length": PERIOD}  # fmt: skip
    return MeterConfig(**{**values, **overrides})


def us(seconds):
    return (GENESIS + seconds) * US


def totals(events):
    result: dict[tuple[str, str], int] = {}
    for e in events:
        result[(e.subject, e.resource)] = result.get((e.subject, e.resource), 0) + e.quantity
    return result


def test_the_window_must_divide_the_period():
    with pytest.raises(ValueError):
        config(window=70)
    with pytest.raises(ValueError):
        config(operator="node-1")


def test_storage_level_samples_integrate_to_byte_seconds_split_at_windows():
    meter = StorageMeter(config())
    meter.stored(A, 1_000, us(30))  # 1,000 bytes from second 30 …
    meter.stored(A, 4_000, us(90))  # … 4,000 from second 90 …
    events = meter.flush(us(150))  # … integrated up to the last window boundary (120)
    assert [(e.time - GENESIS, e.quantity) for e in events] == [(0, 30_000), (60, 30_000 + 120_000)]
    assert all(e.resource == "storage.capacity" and e.subject == A for e in events)
    assert meter.flush(us(150)) == []  # nothing new
    later = meter.flush(us(240))
    assert [(e.time - GENESIS, e.quantity) for e in later] == [(120, 240_000), (180, 240_000)]


def test_retrievals_and_deals_are_summed_per_window():
    meter = StorageMeter(config())
    meter.retrieved(A, 10, us(1))
    meter.retrieved(A, 5, us(59))
    meter.retrieved(B, 7, us(61))
    meter.deals_created(A, 2, us(61))
    got = {(e.subject, e.resource, e.time - GENESIS): e.quantity for e in meter.flush(us(120))}
    assert got == {
        (A, "storage.retrieval", 0): 15,
        (B, "storage.retrieval", 60): 7,
        (A, "storage.deal", 60): 2,
    }


def test_events_carry_deterministic_ids_and_their_window():
    first, second = StorageMeter(config()), StorageMeter(config())
    for meter in (first, second):
        meter.retrieved(A, 10, us(1))
    [one], [two] = first.flush(us(60)), second.flush(us(60))
    assert one == two
    assert one.id == event_id("storage", "synor://node-1", A, "storage.retrieval", GENESIS, GENESIS + WINDOW)
    assert one.type == "synor.usage.storage" and one.operator == OPERATOR
    assert one.dimensions == {"meter": "storage", "window_start": GENESIS, "window_end": GENESIS + WINDOW}
    other_source = StorageMeter(config(source="synor://node-2"))
    other_source.retrieved(A, 10, us(1))
    assert other_source.flush(us(60))[0].id != one.id


def test_late_amounts_go_to_the_first_open_window_and_old_levels_take_effect_at_the_last_sample():
    meter = StorageMeter(config())
    meter.retrieved(A, 10, us(1))
    meter.stored(A, 100, us(0))
    meter.flush(us(60))
    meter.retrieved(A, 3, us(5))  # window 0 is closed: counted in window 1
    meter.stored(A, 7, us(10))  # older than the level's last integration (60): takes effect at 60
    events = meter.flush(us(120))
    assert {(e.resource, e.time - GENESIS): e.quantity for e in events} == {
        ("storage.retrieval", 60): 3,
        ("storage.capacity", 60): 7 * 60,
    }


@settings(max_examples=150, deadline=None)
@given(
    samples=st.lists(
        st.tuples(st.integers(0, 400 * US), st.integers(0, 10**30)), min_size=1, max_size=25
    ),  # (µs after the previous sample, level)
    flushes=st.lists(st.integers(0, 3_000), max_size=6),
    horizon=st.integers(0, 3_000),
)
def test_integration_is_exact_and_splits_sum_exactly(samples, flushes, horizon):
    meter = StorageMeter(config())
    at, exact, timeline = us(0), 0, []
    for gap, level in samples:
        at += gap
        timeline.append((at, level))
    end = max(timeline[-1][0], us(horizon))
    end = GENESIS * US + (end - GENESIS * US) // (WINDOW * US) * WINDOW * US  # the last boundary
    events = []
    flush_points = sorted(us(f) for f in flushes)
    for index, (at, level) in enumerate(timeline):
        while flush_points and flush_points[0] <= at:
            events += meter.flush(flush_points.pop(0))
        meter.stored(A, level, at)
        following = timeline[index + 1][0] if index + 1 < len(timeline) else end
        exact += level * max(0, min(following, end) - at)
    events += meter.flush(end)
    assert sum(e.quantity for e in events) == exact // US  # never more than the usage, never a unit lost
    starts = [e.time for e in events]
    assert starts == sorted(starts) and len(set(starts)) == len(starts)
    periods = Periods(genesis=GENESIS, length=PERIOD)
    for e in events:  # every event lies in one window, and so in one period
        window_end = e.dimensions["window_end"]
        assert isinstance(window_end, int)
        assert window_end - e.time == WINDOW
        assert periods.period_of(e.time) == periods.period_of(window_end - 1)
        assert e.quantity > 0


def test_cpu_microseconds_become_core_seconds_with_the_remainder_carried():
    meter = ComputeMeter(config())
    meter.cgroup(A, "c1", us(0), usage_usec=0, memory_current=0, fresh=True)
    meter.cgroup(A, "c1", us(30), usage_usec=1_500_000, memory_current=0)  # 1.5 core-seconds in window 0
    meter.cgroup(A, "c1", us(90), usage_usec=3_000_000, memory_current=0)  # 1.5 more in window 1
    cpu = [e for e in meter.flush(us(120)) if e.resource == "compute.cpu"]
    assert [e.quantity for e in cpu] == [1, 2]  # the half second carried from window 0 to window 1


def test_cgroup_samples_give_core_memory_and_gpu_seconds_and_restarts_are_resets():
    meter = ComputeMeter(config())
    meter.cgroup(A, "c1", us(0), usage_usec=0, memory_current=2**30, gpus=2, epoch="boot-1", fresh=True)
    meter.cgroup(A, "c1", us(30), usage_usec=20 * US, memory_current=2**31, gpus=2, epoch="boot-1")
    meter.cgroup(
        A, "c1", us(40), usage_usec=4 * US, memory_current=2**31, gpus=2, epoch="boot-2"
    )  # restarted
    meter.stopped(A, "c1", us(50))
    meter.invocations(B, 100, us(5), function="resize")
    meter.invocations(B, 175, us(55), function="resize")
    assert totals(meter.flush(us(60))) == {
        (A, "compute.cpu"): 24,
        (A, "compute.memory"): 2**30 * 30 + 2**31 * 20,
        (A, "compute.gpu.rtx4090"): 2 * 50,
        (B, "compute.serverless"): 75,  # the first reading is the baseline
    }
    assert meter.state()["levels"] == []  # the stopped container's levels are forgotten once flushed
    with pytest.raises(ValueError):
        meter.cgroup(A, "c2", us(70), usage_usec=0, memory_current=0, gpu_model="h100")


def test_cgroup_file_parsers():
    assert parse_cpu_stat("usage_usec 123456\nuser_usec 100000\nsystem_usec 23456\n") == 123456
    assert parse_memory_current("1073741824\n") == 2**30
    with pytest.raises(ValueError):
        parse_cpu_stat("user_usec 1\n")


def test_database_counters_handle_resets_and_size_integrates():
    meter = DatabaseMeter(config())
    meter.counters(A, us(0), queries=1_000, vector_searches=10)
    meter.counters(A, us(10), queries=1_600, vector_searches=25)
    meter.counters(A, us(20), queries=50, vector_searches=5)  # the server restarted: counters from 0
    meter.size(A, 10**9, us(0))
    assert totals(meter.flush(us(60))) == {
        (A, "database.queries"): 650,
        (A, "database.vector_search"): 20,
        (A, "database.capacity"): 60 * 10**9,
    }


def test_network_counters_wrap_within_an_epoch_and_reset_across_epochs():
    meter = NetworkMeter(config(), width_bits=32)
    assert meter.egress(A, "eth0", 2**32 - 100, us(0), epoch="b1") == 0
    assert meter.egress(A, "eth0", 50, us(10), epoch="b1") == 150  # wrapped
    assert meter.egress(A, "eth0", 20, us(20), epoch="b2") == 20  # rebooted
    assert meter.egress(A, "eth0", 20, us(30), epoch="b2") == 0
    with pytest.raises(ValueError):
        meter.egress(A, "eth0", 2**32, us(40), epoch="b2")
    assert totals(meter.flush(us(60))) == {(A, "network.egress"): 170}


@settings(max_examples=200, deadline=None)
@given(
    steps=st.lists(
        st.tuples(st.integers(0, 2**32 - 1), st.booleans()), min_size=1, max_size=40
    )  # (bytes sent since the last reading, rebooted before this reading)
)
def test_counter_deltas_are_never_negative_nor_double_counted(steps):
    width = 32
    meter = NetworkMeter(config(), width_bits=width)
    value, epoch, truth = 12_345, 0, 0
    meter.egress(A, "eth0", value, us(0), epoch="0")
    for second, (sent, rebooted) in enumerate(steps, start=1):
        if rebooted:
            epoch += 1
            value = sent % 2**width  # the counter restarted from 0 and has counted `sent` since
        else:
            value = (value + sent) % 2**width
        delta = meter.egress(A, "eth0", value, us(second), epoch=str(epoch))
        assert delta >= 0 and delta == sent % 2**width
        truth += sent % 2**width
    assert sum(e.quantity for e in meter.flush(us(60 * 60))) == truth


def test_hosting_access_logs_from_nginx_and_caddy():
    meter = HostingMeter(config(), {"shop.example": A, "Blog.Example": B})
    nginx = {"msec": f"{GENESIS + 1}.250", "host": "shop.example", "bytes_sent": "1234", "status": "200"}
    caddy = {"ts": GENESIS + 2.5, "request": {"host": "blog.example:443"}, "size": 4321, "status": 200}
    nginx_iso = {"time_iso8601": "1970-01-12T13:47:00+00:00", "http_host": "shop.example", "bytes_sent": 6}
    assert meter.access_log(json.dumps(nginx)) is None
    assert meter.access_log(json.dumps(caddy)) is None
    assert meter.access_log(json.dumps(nginx_iso).encode()) is None
    assert meter.access_log("not json") == "not_json"
    assert meter.access_log(json.dumps({**nginx, "host": "other.example"})) == "unknown_host"
    assert meter.access_log(json.dumps({**nginx, "bytes_sent": "-"})) == "no_bytes"
    assert meter.access_log(json.dumps({"host": "shop.example", "bytes_sent": 1})) == "no_time"
    assert meter.access_log(json.dumps({**nginx, "msec": "999.0"})) == "no_time"  # before genesis
    assert totals(meter.flush(us(120))) == {(A, "hosting.bandwidth"): 1240, (B, "hosting.bandwidth"): 4321}


def test_domains_and_certificates_count_active_seconds():
    meter = HostingMeter(config(), {})
    meter.domain(A, "shop.example", True, us(0))
    meter.certificate(A, "shop.example", True, us(10))
    meter.domain(A, "www.shop.example", True, us(30))
    meter.domain(A, "shop.example", False, us(40))
    assert totals(meter.flush(us(60))) == {(A, "hosting.domain"): 40 + 30, (A, "hosting.ssl"): 50}


@settings(max_examples=60, deadline=None)
@given(
    samples=st.lists(st.tuples(st.integers(1, 90), st.integers(0, 2**40), st.integers(0, 10**7)), min_size=2),
    crash_at=st.integers(0, 30),
)
def test_a_meter_restored_from_its_checkpoint_emits_exactly_what_an_uninterrupted_one_does(samples, crash_at):
    def feed(meter, part, start):
        events, second = [], start
        for gap, memory, usage in part:
            second += gap
            meter.cgroup(A, "c1", us(second), usage_usec=usage, memory_current=memory, epoch=f"e{usage % 3}")
            events += meter.flush(us(second))
        return events, second

    steady = ComputeMeter(config())
    expected, end = feed(steady, samples, 0)
    expected += steady.flush(us(end + WINDOW))

    first = ComputeMeter(config())
    cut = min(crash_at, len(samples))
    got, second = feed(first, samples[:cut], 0)
    checkpoint = json.loads(json.dumps(first.state()))  # what a meter writes to disk
    restarted = ComputeMeter(config())
    restarted.restore(checkpoint)
    more, end = feed(restarted, samples[cut:], second)
    got += more + restarted.flush(us(end + WINDOW))
    assert got == expected
