"""The demo load generator: every resource of the catalogue, deterministic, valid, and ingestible."""

from __future__ import annotations

import json

from click.testing import CliRunner

from synor.cli import main
from synor.metering.events import parse_event
from synor.metering.loadgen import simulate
from synor.metering.periods import Periods
from synor.metering.pipeline import EmbeddedPipeline, ingest_lines
from synor.metering.store import SqliteStore
from synor.pricing.catalogue import CATALOGUE

from .helpers import ACCOUNTS, OPERATOR

START = 1_800_000_000 // 3_600 * 3_600


def test_the_load_drives_all_five_meters_into_every_resource_deterministically():
    first = list(simulate(ACCOUNTS[:3], OPERATOR, START, 4 * 3_600, seed=5))
    again = list(simulate(ACCOUNTS[:3], OPERATOR, START, 4 * 3_600, seed=5))
    assert first == again
    assert {e.resource for e in first} == set(CATALOGUE)
    assert {e.type for e in first} == {
        f"synor.usage.{m}" for m in ("storage", "hosting", "database", "compute", "network")
    }
    assert len({e.key for e in first}) == len(first)
    assert all(parse_event(json.loads(e.to_json_line())) == e and e.quantity > 0 for e in first)


def test_the_load_ingests_without_rejections(tmp_path):
    events = list(simulate(ACCOUNTS[:2], OPERATOR, START, 2 * 3_600, seed=1))
    store = SqliteStore(tmp_path / "usage.db")
    pipeline = EmbeddedPipeline(store, Periods(), clock=lambda: START + 2 * 3_600)
    result = ingest_lines([e.to_json_line() for e in events], pipeline)
    assert (result.accepted, result.rejected) == (len(events), [])
    assert sum(a.total for a in store.aggregates().values()) == sum(e.quantity for e in events)


def test_cli_simulate_prints_ndjson():
    result = CliRunner(mix_stderr=False).invoke(
        main, ["usage", "simulate", "--accounts", "1", "--duration", "2h"]
    )
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines and all(parse_event(json.loads(line)).subject == "0x" + "0" * 39 + "1" for line in lines)
    bad = CliRunner(mix_stderr=False).invoke(main, ["usage", "simulate", "--operator", "nobody"])
    assert bad.exit_code == 2 and bad.stderr.startswith("error:")
