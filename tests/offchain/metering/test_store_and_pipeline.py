"""Both stores behind one interface: dedup in the aggregate's transaction, exact big quantities; the
embedded pipeline; and `synor usage ingest`."""

from __future__ import annotations

import json
import random
import threading
import time

import pytest
from click.testing import CliRunner

from synor.cli import main
from synor.metering import store as store_module
from synor.metering.aggregate import Aggregate, AggregateKey, aggregate, time_weighted_mean
from synor.metering.events import Reason, Rejection, format_time
from synor.metering.periods import Periods
from synor.metering.pipeline import EmbeddedPipeline, ingest_lines
from synor.metering.store import PostgresStore, SqliteStore, open_store

from .helpers import ACCOUNTS, OPERATOR, T0, cloudevent, event


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request, tmp_path):
    if request.param == "sqlite":
        opened = open_store(f"sqlite:{tmp_path / 'usage.db'}")
        assert isinstance(opened, SqliteStore)
    else:
        opened = open_store(request.getfixturevalue("postgres_url"))
        assert isinstance(opened, PostgresStore)
    yield opened
    opened.close()


def test_commit_aggregates_new_events_once(store):
    first = store.commit([(event("a", quantity=5), 3), (event("b", quantity=7, time=T0 + 9), 3)])
    assert (first.accepted, first.duplicates) == (2, 0)
    again = store.commit(
        [(event("a", quantity=5), 3), (event("c", quantity=2, time=T0 - 4), 3), (event("c"), 3)]
    )
    assert (again.accepted, again.duplicates) == (1, 2)  # "a" was stored, "c" repeats within the batch
    key = AggregateKey(ACCOUNTS[0], OPERATOR, "storage.retrieval", 3)
    assert store.aggregates() == {key: Aggregate(14, 3, 7, T0 - 4, T0 + 9)}
    assert store.event_count() == 3


def test_identity_is_source_and_id(store):
    store.commit([(event("a", source="s1"), 0), (event("a", source="s2"), 0)])
    assert store.event_count() == 2


def test_quantities_above_64_bits_stay_exact(store):
    huge = 2**255 + 12345
    store.commit([(event("a", quantity=huge), 0), (event("b", quantity=huge), 0)])
    [entry] = store.aggregates().values()
    assert (entry.total, entry.maximum, entry.count) == (2 * huge, huge, 2)


def test_aggregates_match_an_in_memory_recount_of_random_batches(store):
    rng = random.Random(7)
    pool = [
        (
            event(f"e{n}", quantity=rng.choice([1, rng.randrange(2**70)]), account=rng.choice(ACCOUNTS[:3]),
                  resource=rng.choice(["storage.retrieval", "compute.cpu"]), time=T0 + rng.randrange(100)),
            rng.randrange(2),
        )
        for n in range(400)
    ]  # fmt: skip
    for _ in range(6):
        store.commit(rng.sample(pool, 150))
    unique = {stamped[0].key: stamped for stamped in pool}
    seen = {key for key in unique if key in _stored_keys(store)}
    assert store.aggregates() == aggregate(unique[key] for key in seen)


def _stored_keys(store):
    if isinstance(store, SqliteStore):
        return set(store._db.execute("SELECT source, id FROM usage_events").fetchall())
    return {tuple(row) for row in store._db.execute("SELECT source, id FROM usage_events").fetchall()}


def test_rejections_are_kept_with_their_reasons(store):
    store.record_rejections([Rejection(Reason.BAD_QUANTITY, "quantity 1.5 …", "src", "e-1", 4)])
    assert store.rejections() == [Rejection(Reason.BAD_QUANTITY, "quantity 1.5 …", "src", "e-1", 4)]
    assert store.aggregates() == {}


def test_a_failed_commit_leaves_nothing_behind(tmp_path, monkeypatch):
    store = SqliteStore(tmp_path / "usage.db")
    store.commit([(event("a"), 0)])
    original = store_module._deltas

    def crash_on_13(stamped):
        stamped = list(stamped)
        if any(e.quantity == 13 for e, _ in stamped):
            raise RuntimeError("crash between the event insert and the aggregate update")
        return original(stamped)

    monkeypatch.setattr(store_module, "_deltas", crash_on_13)
    with pytest.raises(RuntimeError):
        store.commit([(event("b"), 0), (event("c", quantity=13), 0)])
    monkeypatch.undo()
    assert store.event_count() == 1 and next(iter(store.aggregates().values())).total == 1
    assert store.commit([(event("b"), 0), (event("c", quantity=13), 0)]).accepted == 2  # not marked seen


def test_two_postgres_writers_racing_on_the_same_events_count_each_once(postgres_url):
    events = [(event(f"e{n}", quantity=n + 1, account=ACCOUNTS[n % 4]), 0) for n in range(3_000)]
    stores = [PostgresStore(postgres_url), PostgresStore(postgres_url)]
    results = []

    def write(store, seed):
        batch = list(events)
        random.Random(seed).shuffle(batch)
        for start in range(0, len(batch), 500):
            results.append(store.commit(batch[start : start + 500]))

    threads = [threading.Thread(target=write, args=(s, n)) for n, s in enumerate(stores)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(r.accepted for r in results) == 3_000 and sum(r.duplicates for r in results) == 3_000
    assert stores[0].aggregates() == aggregate(events)
    for store in stores:
        store.close()


def test_time_weighted_mean_of_a_time_integral():
    assert time_weighted_mean("storage.capacity", 3 * 10**9 * 86_400, 86_400) == 3 * 10**9
    with pytest.raises(ValueError):
        time_weighted_mean("storage.retrieval", 1, 1)
    with pytest.raises(ValueError):
        time_weighted_mean("compute.cpu", 1, 0)


# -- the embedded pipeline and ingest --------------------------------------------------------------


def lines(*documents):
    return [json.dumps(d) for d in documents]


def test_embedded_ingest_counts_accepted_duplicates_and_rejections(tmp_path):
    store = SqliteStore(tmp_path / "usage.db")
    pipeline = EmbeddedPipeline(store, Periods(), clock=lambda: T0, batch=2)
    old = T0 - 40 * 86_400  # its period closed (30-day periods, 6-day late window)
    result = ingest_lines(
        [*lines(cloudevent(id="1"), cloudevent(id="2"), cloudevent(id="1")), "", "{",
         *lines(cloudevent(id="3", time=format_time(old)), cloudevent(id="4", data_quantity="0.5"))],
        pipeline,
        batch=2,
    )  # fmt: skip
    assert (result.accepted, result.duplicates) == (2, 1)
    assert [(r.line, r.reason) for r in result.rejected] == [
        (5, Reason.MALFORMED_JSON),
        (6, Reason.PERIOD_CLOSED),
        (7, Reason.BAD_QUANTITY),
    ]
    assert [r.reason for r in store.rejections()] == [Reason.PERIOD_CLOSED]  # reached the sink
    [(key, entry)] = store.aggregates().items()
    assert key.period == Periods().period_of(T0) and entry.total == 2_000


def test_the_period_is_checked_again_when_the_batch_commits(tmp_path):
    store = SqliteStore(tmp_path / "usage.db")
    now = [T0]
    pipeline = EmbeddedPipeline(store, Periods(genesis=T0, length=100, late_window=0), clock=lambda: now[0])
    now[0] = T0 + 100  # the clock passed the period's end before the commit
    result = pipeline.submit([(event("a", time=T0 + 99), 1)])
    assert result.accepted == 0 and result.rejected[0].reason == Reason.PERIOD_CLOSED


def run_cli(*args, input=None):
    result = CliRunner(mix_stderr=False).invoke(main, ["usage", *args], input=input, catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def test_cli_ingest_file_and_stdin(tmp_path):
    path = tmp_path / "events.ndjson"
    now = int(time.time())  # the command uses the system clock
    at = format_time(now)
    path.write_text(
        "\n".join(lines(cloudevent(id="1", time=at), cloudevent(id="2", time=at, data_operator="x")))
    )
    store = f"sqlite:{tmp_path / 'usage.db'}"
    genesis = ["--genesis", str(now - 10)]
    code, out, err = run_cli("ingest", str(path), "--store", store, *genesis)
    assert code == 0 and out == "accepted 1, duplicates 0, rejected 1\n" and "--json" in err
    code, out, _ = run_cli("ingest", "-", "--store", store, "--json", *genesis, input=path.read_text())
    rows = [json.loads(row) for row in out.splitlines()]
    assert code == 0 and rows == [
        {"line": 2, "source": "synor://node-1/storage", "id": "2", "reason": "bad_operator",
         "detail": rows[0]["detail"]},
        {"accepted": 0, "duplicates": 1, "rejected": 1},
    ]  # fmt: skip
    assert SqliteStore(tmp_path / "usage.db").aggregates()[
        AggregateKey(ACCOUNTS[0], OPERATOR, "storage.retrieval", 0)
    ] == Aggregate(1000, 1, 1000, now, now)


def test_cli_ingest_refuses_bad_options_in_one_line(tmp_path):
    code, _, err = run_cli("ingest", "-", "--store", f"sqlite:{tmp_path}/missing/dir/usage.db", input="")
    assert code == 2 and err.startswith("error: cannot open the usage store")
    code, _, err = run_cli("ingest", "-", "--period-length", "soon", input="")
    assert code == 2 and err.startswith("error: Invalid value for '--period-length': invalid duration")
    code, _, err = run_cli("aggregate", "--once")
    assert code == 2 and "--redis" in err


def test_rejection_counts_by_reason(store):
    store.record_rejections(
        [Rejection(Reason.BAD_ID, "x"), Rejection(Reason.BAD_ID, "y"), Rejection(Reason.IN_FUTURE, "z")]
    )
    assert store.rejection_counts() == {Reason.BAD_ID: 2, Reason.IN_FUTURE: 1}


def test_cli_status_shows_aggregates_and_rejections(tmp_path):
    store = SqliteStore(tmp_path / "usage.db")
    store.commit([(event("a", quantity=2**70), 5)])
    store.record_rejections([Rejection(Reason.BAD_QUANTITY, "quantity 1.5 is …", "src", "e-9", 3)])
    url = f"sqlite:{tmp_path / 'usage.db'}"
    code, out, _ = run_cli("status", "--store", url, "--json")
    payload = json.loads(out)
    assert code == 0 and payload["aggregates"] == [
        {"account": ACCOUNTS[0], "operator": OPERATOR, "resource": "storage.retrieval", "period": 5,
         "total": str(2**70), "count": 1, "max": str(2**70), "first_time": T0, "last_time": T0}
    ]  # fmt: skip
    assert payload["rejections"]["by_reason"] == {"bad_quantity": 1} and payload["streams"] is None
    assert payload["rejections"]["latest"][0]["id"] == "e-9"
    code, out, _ = run_cli("status", "--store", url)
    assert code == 0 and "aggregates: 1" in out and f"total {2**70}" in out and "bad_quantity 1" in out
