"""`synor oracle …` and `synor keeper oracle` against a TwapOracle over real Uniswap pools on anvil."""

from __future__ import annotations

import json

import pytest

from devstack.deploy import StackOptions, deploy_stack
from devstack.oracle import OracleOptions
from synor.deployments import save
from synor.oracle.twap import ONE
from tests.cli.conftest import cli_for, json_of

HALF = ONE // 2


@pytest.fixture(scope="module")
def oracle_stack(project, accounts, chain, tmp_path_factory):
    folder = tmp_path_factory.mktemp("oracle-deployments")
    options = StackOptions(local_oracle=OracleOptions())
    record = deploy_stack(project, accounts[0], options, "local", chain.provider.http_uri)
    save(record, folder)
    return folder, record


@pytest.fixture
def run(oracle_stack):
    return cli_for(oracle_stack[0])


def test_price_shows_the_accepted_price_and_its_conversion(run):
    payload = json_of(run, "oracle", "price")
    assert payload["status"] == "ok" and payload["error"] is None
    price = int(payload["usable_price"])
    assert abs(price - HALF) * 10_000 <= HALF  # within 1 bp of $0.50
    assert int(payload["synor_per_usd"]) == -(-ONE * ONE // price)  # $1 buys ~2 SYNOR, rounded up
    assert payload["sources_in_round"] == payload["sources_configured"] == 4
    code, out, _ = run("oracle", "price")
    assert code == 0
    assert "SYNOR/USD $0.49" in out or "SYNOR/USD $0.50" in out


def test_sources_lists_four_pools_with_prices_or_reasons(run):
    rows = json_of(run, "oracle", "sources")["sources"]
    assert [r["kind"] for r in rows] == ["uniswap-v2"] * 3 + ["uniswap-v3"]
    # Right after a round the V2 averages need a window more; V3 falls back to the pool's history.
    assert {r["status"] for r in rows[:3]} == {"not_ready"}
    assert rows[3]["status"] == "ok" and abs(int(rows[3]["price"]) - HALF) * 1000 <= HALF
    code, out, _ = run("oracle", "sources")
    assert code == 0 and "not ready" in out and "V3" in out


def test_keeper_skips_until_due_then_runs_a_round_and_history_shows_it(run, chain):
    skipped = json_of(run, "keeper", "oracle", "--once", "--account", "dev:0")
    assert skipped["action"] == "skip" and skipped["wait"] > 0
    chain.mine(timestamp=skipped["next_update_at"])
    ran = json_of(run, "keeper", "oracle", "--once", "--account", "dev:0")
    assert ran["action"] == "update" and ran["status"] == "ok" and ran["sources"] == 4
    rounds = json_of(run, "oracle", "history")["rounds"]
    assert [r["round_id"] for r in rounds][-2:] == [1, 2]
    assert rounds[-1]["transaction"] == ran["transaction"]
    assert len(json_of(run, "oracle", "history", "--last", "1")["rounds"]) == 1
    code, out, _ = run("keeper", "oracle", "--once", "--account", "dev:0")
    assert code == 0 and out.startswith("skip:")
    code, out, _ = run("oracle", "history")
    assert code == 0 and "ok" in out


def test_stale_price_is_reported_by_name(run, chain):
    state = json_of(run, "oracle", "price")
    chain.mine(timestamp=state["accepted_at"] + state["max_age"] + 1)
    payload = json_of(run, "oracle", "price")
    assert payload["usable_price"] is None
    assert payload["error"].startswith("TwapOracle_StalePrice(")
    code, out, _ = run("oracle", "price")
    assert code == 0 and "no usable price" in out and "TwapOracle_StalePrice" in out


def test_keeper_oracle_dry_run_prints_the_update_and_sends_nothing(run, chain):
    state = json_of(run, "oracle", "price")
    chain.mine(timestamp=state["updated_at"] + state["window"])
    height = chain.blocks.height
    plan = json_of(run, "keeper", "oracle", "--account", "dev:0", "--dry-run")
    (tx,) = plan["transactions"]
    assert tx["call"] == "update()" and tx["gas_limit"] == -(-tx["gas_estimate"] * 130 // 100)
    assert chain.blocks.height == height


def test_keeper_oracle_sends_update_with_gas_headroom(run, chain):
    state = json_of(run, "oracle", "price")
    chain.mine(timestamp=state["updated_at"] + state["window"])
    ran = json_of(run, "keeper", "oracle", "--once", "--account", "dev:0")
    assert ran["action"] == "update"
    w3 = chain.provider.web3
    sent = w3.eth.get_transaction(ran["transaction"])
    used = w3.eth.get_transaction_receipt(ran["transaction"])["gasUsed"]
    assert sent["gas"] * 100 >= used * 125  # estimate plus headroom, not the bare estimate


def test_keeper_oracle_streams_one_json_object_per_line(run, chain):
    code, out, _ = run("keeper", "oracle", "--once", "--account", "dev:0", "--json")
    assert code == 0 and len(out.splitlines()) == 1 and json.loads(out)["action"] in ("skip", "update")


def test_a_refused_round_is_shown_as_refused(run, chain):
    # After keepers stopped for longer than maxAge the V2 records are stale: the next round re-records
    # them and is refused (only the V3 pool gives a price).
    state = json_of(run, "oracle", "price")
    chain.mine(timestamp=state["accepted_at"] + state["max_age"] + 1)
    ran = json_of(run, "keeper", "oracle", "--once", "--account", "dev:0")
    assert ran["action"] == "update" and ran["status"] == "too_few_sources" and ran["refused"] is True
    last = json_of(run, "oracle", "history", "--last", "1")["rounds"][0]
    assert (last["refused"], last["valid"], last["agreeing"]) == (True, 1, 0)
    assert last["round_id"] == ran["round_id"] and int(last["price"]) > 0  # the earlier accepted price
    payload = json_of(run, "oracle", "price")
    assert payload["accepted_round"] == ran["round_id"] - 1 and payload["status"] == "too_few_sources"
    assert payload["error"].startswith("TwapOracle_TooFewSources(")  # and that price is stale by now
    code, out, _ = run("oracle", "history", "--last", "1")
    assert code == 0 and "refused: too few sources (0 of 1 agreeing)" in out
    code, out, _ = run("oracle", "price")
    assert code == 0 and f"latest round {ran['round_id']} refused: too few sources" in out
