"""`make gas-check` (python -m bench --gas --check): which gas figures changed, and how it says so."""

from __future__ import annotations

import json

import pytest
from rich.console import Console

import bench.__main__ as bench


def test_differences_lists_every_changed_new_and_gone_metric_and_nothing_else():
    old = {"gas.a": 100, "gas.b": 2_000, "gas.gone": 5}
    new = {"gas.a": 100, "gas.b": 2_150, "gas.new": 7}
    assert bench.differences(old, new) == [
        "gas.b: 2,000 → 2,150 (+150)",
        "gas.gone: 5 → (gone)",
        "gas.new: (new) → 7",
    ]
    assert bench.differences(old, dict(old)) == []


def test_timing_metrics_are_never_compared():
    results = {
        "gas.a": {"value": 100, "unit": "gas"},
        "throughput.money.runway_cost": {"value": 123_456, "unit": "ops/s"},
    }
    assert bench.gas_only(results) == {"gas.a": 100}


@pytest.fixture
def snapshot(tmp_path, monkeypatch):
    path = tmp_path / "gas-snapshot.json"
    path.write_text(json.dumps({"gas.a": 100, "gas.b": 200}))
    monkeypatch.setattr(bench, "SNAPSHOT", path)
    monkeypatch.setattr(bench, "HERE", tmp_path / "bench")
    return path


def test_check_fails_listing_old_and_new_and_how_to_refresh(snapshot, capsys):
    console = Console(width=200)
    assert bench.check({"gas.a": 100, "gas.b": 201}, console) == 1
    out = capsys.readouterr().out
    assert "gas.b: 200 → 201 (+1)" in out and "gas.a" not in out
    assert "make gas-snapshot" in out and "make bench" in out


def test_check_passes_when_every_figure_matches(snapshot, capsys):
    assert bench.check({"gas.a": 100, "gas.b": 200}, Console(width=200)) == 0
    assert "all 2 gas figures match" in capsys.readouterr().out
