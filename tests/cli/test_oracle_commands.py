"""`synor oracle …` and `synor keeper oracle` against a TwapOracle over real Uniswap pools on anvil."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest
from click.testing import CliRunner

from synor.cli import main
from synor.deploy import StackOptions, deploy_stack
from synor.deployments import save
from synor.oracle.deploy import OracleOptions, deploy_local_oracle
from synor.oracle.twap import ONE

HALF = ONE // 2


@pytest.fixture(scope="module")
def oracle_stack(project, accounts, chain, tmp_path_factory):
    folder = tmp_path_factory.mktemp("oracle-deployments")
    record = deploy_stack(project, accounts[0], StackOptions(), "local", chain.provider.http_uri)
    synor = project.SynorToken.at(record.contracts["synor"])
    usdc = project.TestStablecoin.at(record.contracts["payment_token"])
    addresses = deploy_local_oracle(project, accounts[0], synor, usdc, OracleOptions())
    record = replace(record, contracts={**record.contracts, **addresses})
    save(record, folder)
    return folder, record


@pytest.fixture
def run(oracle_stack):
    folder, _ = oracle_stack
    runner = CliRunner(mix_stderr=False)

    def invoke(*args: str):
        result = runner.invoke(main, ["--deployments", str(folder), *args], catch_exceptions=False)
        return result.exit_code, result.stdout, result.stderr

    return invoke


def run_json(run, *args):
    code, out, err = run(*args, "--json")
    assert code == 0, err
    return json.loads(out)


def test_price_shows_the_accepted_price_and_its_conversion(run):
    payload = run_json(run, "oracle", "price")
    assert payload["status"] == "ok" and payload["error"] is None
    price = int(payload["usable_price"])
    assert abs(price - HALF) * 10_000 <= HALF  # within 1 bp of $0.50
    assert int(payload["synor_per_usd"]) == -(-ONE * ONE // price)  # $1 buys ~2 SYNOR, rounded up
    assert payload["sources_in_round"] == payload["sources_configured"] == 4
    code, out, _ = run("oracle", "price")
    assert code == 0
    assert "SYNOR/USD $0.49" in out or "SYNOR/USD $0.50" in out


def test_sources_lists_four_pools_with_prices_or_reasons(run):
    rows = run_json(run, "oracle", "sources")["sources"]
    assert [r["kind"] for r in rows] == ["uniswap-v2"] * 3 + ["uniswap-v3"]
    # Right after a round the V2 averages need a window more; V3 falls back to the pool's history.
    assert {r["status"] for r in rows[:3]} == {"not_ready"}
    assert rows[3]["status"] == "ok" and abs(int(rows[3]["price"]) - HALF) * 1000 <= HALF
    code, out, _ = run("oracle", "sources")
    assert code == 0 and "not ready" in out and "V3" in out


def test_keeper_skips_until_due_then_runs_a_round_and_history_shows_it(run, chain):
    skipped = run_json(run, "keeper", "oracle", "--once", "--account", "dev:0")
    assert skipped["action"] == "skip" and skipped["wait"] > 0
    chain.mine(timestamp=skipped["next_update_at"])
    ran = run_json(run, "keeper", "oracle", "--once", "--account", "dev:0")
    assert ran["action"] == "update" and ran["status"] == "ok" and ran["sources"] == 4
    rounds = run_json(run, "oracle", "history")["rounds"]
    assert [r["round_id"] for r in rounds][-2:] == [1, 2]
    assert rounds[-1]["transaction"] == ran["transaction"]
    assert len(run_json(run, "oracle", "history", "--last", "1")["rounds"]) == 1
    code, out, _ = run("keeper", "oracle", "--once", "--account", "dev:0")
    assert code == 0 and out.startswith("skip:")
    code, out, _ = run("oracle", "history")
    assert code == 0 and "ok" in out


def test_stale_price_is_reported_by_name(run, chain):
    state = run_json(run, "oracle", "price")
    chain.mine(timestamp=state["updated_at"] + state["max_age"] + 1)
    payload = run_json(run, "oracle", "price")
    assert payload["usable_price"] is None
    assert payload["error"].startswith("TwapOracle_StalePrice(")
    code, out, _ = run("oracle", "price")
    assert code == 0 and "no usable price" in out and "TwapOracle_StalePrice" in out
