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


@pytest.fixture
def files(tmp_path, monkeypatch):
    """bench's output files in a temporary folder, and a fake measurement recording which suites ran."""
    monkeypatch.setattr(bench, "HERE", tmp_path)
    monkeypatch.setattr(bench, "SNAPSHOT", tmp_path / "gas-snapshot.json")
    monkeypatch.setattr(bench, "RESULTS", tmp_path / "results.json")
    ran: list[list[str]] = []

    def fake_measure(suites, console):
        ran.append(suites)
        results = {"gas.a": {"value": 150, "unit": "gas"}}
        if "bench.throughput" in suites:
            results["throughput.x"] = {"value": 9, "unit": "ops/s"}
        return results

    monkeypatch.setattr(bench, "measure", fake_measure)
    return tmp_path, ran


def test_gas_refresh_runs_only_the_gas_suites_and_keeps_timing_figures(files):
    folder, ran = files
    (folder / "results.json").write_text(
        json.dumps({"gas.a": {"value": 100, "unit": "gas"}, "throughput.x": {"value": 5, "unit": "ops/s"}})
    )
    assert bench.main(["--gas"]) == 0
    assert ran == [bench.GAS_SUITES]
    assert json.loads((folder / "gas-snapshot.json").read_text()) == {"gas.a": 150}
    assert json.loads((folder / "results.json").read_text()) == {
        "gas.a": {"value": 150, "unit": "gas"},
        "throughput.x": {"value": 5, "unit": "ops/s"},
    }


def test_check_writes_nothing_and_fails_on_a_difference(files):
    folder, ran = files
    (folder / "gas-snapshot.json").write_text(json.dumps({"gas.a": 100}))
    assert bench.main(["--gas", "--check"]) == 1
    assert ran == [bench.GAS_SUITES]
    assert json.loads((folder / "gas-snapshot.json").read_text()) == {"gas.a": 100}
    assert not (folder / "results.json").exists()


def test_a_full_run_measures_every_suite_and_writes_both_files(files):
    folder, ran = files
    assert bench.main([]) == 0
    assert ran == [bench.SUITES]
    assert json.loads((folder / "gas-snapshot.json").read_text()) == {"gas.a": 150}
    assert set(json.loads((folder / "results.json").read_text())) == {"gas.a", "throughput.x"}
