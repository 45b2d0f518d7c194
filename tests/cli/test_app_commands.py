"""`synor app …` against real contracts on anvil: results, chain effects, and every refusal."""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import asdict
from pathlib import Path

import pytest

from synor.deployments import Deployment, save
from synor.pricing.catalogue import CATALOGUE, GB, MONTH
from tests.cli.conftest import PAYEE_INDEX, cli_for

WEEK = 604_800


def _balance(project, record, holder):
    return project.TestStablecoin.at(record.contracts["payment_token"]).balanceOf(holder)


def test_cost_human_and_json(synor, synor_json):
    code, out, _ = synor("app", "cost", "1w")
    assert code == 0
    assert "19.990001 USDC" in out and "604,800 s" in out and "0.000033052248677249 USDC/s" in out
    payload = synor_json("app", "cost", "2w")
    assert payload["cost"] == {"amount": "39.980001", "base_units": "39980001", "symbol": "USDC"}
    assert payload["seconds"] == 2 * WEEK


def test_create_with_prefund_pays_the_payee(project, accounts, chain, stack, synor_json):
    _, record = stack
    payee = accounts[PAYEE_INDEX]
    before = _balance(project, record, payee)
    created = synor_json("app", "create", "--prefund", "1w", "--account", "dev:1")
    factory = project.PayableDAppFactory.at(record.contracts["factory"])
    assert created["cost"]["base_units"] == "19990001"
    assert factory.runway(created["app"]) == created["until"] == chain.blocks.head.timestamp + WEEK
    assert project.Application.at(created["app"]).owner() == accounts[1].address
    assert _balance(project, record, payee) - before == 19_990_001


def test_create_without_prefund_registers_inactive(project, stack, synor, synor_json):
    _, record = stack
    created = synor_json("app", "create", "--account", "dev:1", "--owner", "0x" + "ab" * 20)
    factory = project.PayableDAppFactory.at(record.contracts["factory"])
    assert factory.isRegistered(created["app"]) and not factory.isActive(created["app"])
    assert created["cost"]["base_units"] == "0"
    status = synor_json("app", "status", created["app"])
    assert status["active"] is False and status["owner"].lower() == "0x" + "ab" * 20
    code, out, _ = synor("app", "create", "--account", "dev:1")
    assert code == 0 and "no prefund" in out


def test_create_with_salt_lands_at_the_predicted_address(project, accounts, stack, synor_json):
    _, record = stack
    factory = project.PayableDAppFactory.at(record.contracts["factory"])
    salt = "0x" + "42" * 32
    template = "0x" + "11" * 32
    predicted = factory.calculateApplicationAddress(accounts[1], accounts[1], template, salt)
    created = synor_json("app", "create", "--account", "dev:1", "--salt", salt, "--template", template)
    assert created["app"] == predicted
    assert synor_json("app", "status", predicted)["template_hash"] == template


def test_third_party_extends_with_a_permit_in_one_transaction(
    project, accounts, chain, stack, synor, synor_json
):
    _, record = stack
    app = synor_json("app", "create", "--prefund", "1w", "--account", "dev:1")["app"]
    until = synor_json("app", "status", app)["until"]
    token = project.TestStablecoin.at(record.contracts["payment_token"])
    nonce = token.nonces(accounts[2])
    extended = synor_json("app", "extend", app, "2w", "--account", "dev:2")
    assert extended["until"] == until + 2 * WEEK
    assert extended["cost"]["amount"] == "39.980001"
    assert token.nonces(accounts[2]) == nonce + 1  # paid through the permit
    receipt = chain.get_receipt(extended["transaction"])
    assert receipt.sender == accounts[2].address
    code, out, _ = synor("app", "extend", app, "1h", "--account", "dev:2")
    assert code == 0 and "extended" in out


def test_extend_with_an_existing_allowance_uses_it(project, accounts, stack, synor_json):
    _, record = stack
    app = synor_json("app", "create", "--account", "dev:1")["app"]
    token = project.TestStablecoin.at(record.contracts["payment_token"])
    token.approve(record.contracts["factory"], 10**12, sender=accounts[3])
    nonce = token.nonces(accounts[3])
    synor_json("app", "extend", app, "1d", "--account", "dev:3", "--max-cost", "3")
    assert token.nonces(accounts[3]) == nonce  # no permit needed


def test_list_and_watch(stack, synor, synor_json, chain):
    active = synor_json("app", "create", "--prefund", "1d", "--account", "dev:1")["app"]
    idle = synor_json("app", "create", "--account", "dev:1")["app"]
    listed = {row["app"]: row for row in synor_json("app", "list")["applications"]}
    assert listed[active]["active"] and not listed[idle]["active"]
    mine = synor_json("app", "list", "--owner", "0x70997970C51812dc3A010C7d01b50e0d17dc79C8")["applications"]
    assert {row["app"] for row in mine} >= {active, idle}
    running = {row["app"] for row in synor_json("app", "watch", "--once")["running"]}
    assert active in running and idle not in running
    code, out, _ = synor("app", "watch", "--polls", "1", "--interval", "0.01")
    assert code == 0 and f"START {active}" in out and idle not in out
    code, out, _ = synor("app", "list")
    assert code == 0 and active in out and "inactive" in out
    chain.mine(timestamp=chain.blocks.head.timestamp + 2 * 86_400)
    assert active not in {row["app"] for row in synor_json("app", "watch", "--once")["running"]}
    code, out, _ = synor("app", "watch", "--once")
    assert code == 0


def test_status_human_output(synor, synor_json):
    app = synor_json("app", "create", "--prefund", "1h", "--account", "dev:1")["app"]
    code, out, _ = synor("app", "status", app)
    assert code == 0 and "active" in out and "left" in out


# ------------------------------------------------------------------ refusals: one line, exit 2, nothing sent


@pytest.fixture
def nothing_sent(chain):
    height = chain.blocks.height
    yield
    assert chain.blocks.height == height, "a refused command must not send a transaction"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("app", "cost", "1x"), "invalid duration"),
        (("app", "extend", "0x" + "01" * 20, "0", "--account", "dev:2"), "at least one second"),
        (("app", "extend", "0x" + "01" * 20, "1w", "--account", "dev:2"), "is not an application"),
        (("app", "extend", "nope", "1w", "--account", "dev:2"), "invalid application address"),
        (("app", "status", "0x" + "01" * 20), "is not an application"),
        (("app", "create", "--prefund", "1w", "--account", "dev:9"), "holds 0 USDC"),
        (
            ("app", "create", "--prefund", "1w", "--max-cost", "19.99", "--account", "dev:1"),
            "more than --max-cost",
        ),
        (
            ("app", "create", "--prefund", "1w", "--max-cost", "1.0000001", "--account", "dev:1"),
            "more than 6 decimals",
        ),
        (("app", "create", "--template", "0x12", "--account", "dev:1"), "invalid template hash"),
        (("app", "create", "--account", "dev:99"), "does not exist"),
        (("app", "create", "--owner", "bob", "--account", "dev:1"), "invalid address"),
    ],
)
def test_bad_input_is_refused_with_one_line(synor, nothing_sent, args, message):
    code, out, err = synor(*args)
    assert code == 2
    assert message in err
    assert out == ""


def test_missing_signer_is_refused(synor, nothing_sent):
    code, _, err = synor("app", "create", env={"SYNOR_PRIVATE_KEY": ""})
    assert code == 2 and "no account" in err


def test_missing_deployment(tmp_path):
    code, _, err = cli_for(tmp_path)("app", "cost", "1w")
    assert code == 2
    assert "no deployment for network 'local'" in err and "ape run deploy" in err


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"chain_id": 1}, "is chain 31337, but the local deployment is on chain 1"),
        ({"rpc_url": "http://127.0.0.1:9"}, "cannot reach the node"),
        ({"contracts": {"factory": "0x" + "00" * 19 + "01"}}, "node was reset"),
    ],
)
def test_wrong_node_is_refused(tmp_path, stack, change, message):
    _, record = stack
    save(Deployment(**{**asdict(record), **change}), tmp_path)
    code, _, err = cli_for(tmp_path)("app", "cost", "1w", env={"SYNOR_RPC_URL": ""})
    assert code == 2 and message in err


def test_invalid_deployment_record(tmp_path):
    (tmp_path / "local.json").write_text("{not json")
    code, _, err = cli_for(tmp_path)("app", "cost", "1w")
    assert code == 2 and "not a valid deployment record" in err


def test_ape_run_deploy_records_a_usable_deployment(tmp_path, chain, project, accounts):
    root = Path(__file__).resolve().parents[2]
    result = subprocess.run(
        [
            str(Path(sys.executable).parent / "ape"),
            "run",
            "deploy",
            "--network",
            "ethereum:local:foundry",
            "--account",
            "TEST::0",
            "--out",
            str(tmp_path),
        ],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    record = json.loads((tmp_path / "local.json").read_text())
    assert record["chain_id"] == chain.chain_id
    assert record["payment_token"] == {
        "decimals": 6,
        "price_per_second": "33052248677249000000",
        "symbol": "USDC",
    }
    contracts = record["contracts"]
    assert set(contracts) >= {
        "synor",
        "payment_token",
        "factory",
        "splitter",
        "staking",
        "oracle",
        "pool_v2_usdc",
        "price_book",
        "price_book_timelock",
    }
    for address in contracts.values():
        assert chain.provider.web3.eth.get_code(address)
    factory = project.PayableDAppFactory.at(contracts["factory"])
    assert factory.payee() == contracts["splitter"]  # a full deployment pays the fee splitter
    splitter = project.FeeSplitter.at(contracts["splitter"])
    assert splitter.buyBackPair(contracts["payment_token"]) == contracts["pool_v2_usdc"]  # one set of pools
    assert splitter.priceSource() == contracts["oracle"]  # buy-backs bounded by the TWAP
    assert splitter.uniswapV2Factory() == contracts["uniswap_v2_factory"]  # only its pairs buy back
    oracle = project.TwapOracle.at(contracts["oracle"])
    assert oracle.sourceCount() == 4
    assert splitter.operatorWeight(accounts[4]) == 2 and splitter.operatorWeight(accounts[5]) == 1
    assert splitter.treasury() == accounts[6].address
    book = project.PriceBook.at(contracts["price_book"])  # seeded with the seed's whole table
    assert book.timelock() == contracts["price_book_timelock"] and len(book.resources()) == 14
    assert book.rateCumulative(CATALOGUE["storage.capacity"].resource_id, 0, 500 * GB * MONTH) == 10 * 10**18


# ------------------------------------------------------------------ machine location and import (Cartesi/Sunodo)

LOCATION = "ipfs://bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi"


@pytest.fixture(scope="module")
def foreign(project, accounts, stack):
    """An application deployed elsewhere, owned by dev:1."""
    return project.ForeignApplication.deploy(accounts[1], b"\x33" * 32, sender=accounts[0])


def test_create_with_location_records_it_and_shows_it(project, stack, synor, synor_json):
    _, record = stack
    created = synor_json("app", "create", "--location", LOCATION, "--prefund", "1h", "--account", "dev:1")
    factory = project.PayableDAppFactory.at(record.contracts["factory"])
    assert created["location"] == LOCATION
    assert factory.machineLocation(created["app"]) == LOCATION
    assert project.Application.at(created["app"]).getMachineLocation() == LOCATION
    assert synor_json("app", "status", created["app"])["location"] == LOCATION
    listed = {row["app"]: row for row in synor_json("app", "list")["applications"]}
    assert listed[created["app"]]["location"] == LOCATION and listed[created["app"]]["imported"] is False
    code, out, _ = synor("app", "status", created["app"])
    assert code == 0 and f"location  {LOCATION}" in out
    plain = synor_json("app", "create", "--account", "dev:1")
    assert plain["location"] == "" and synor_json("app", "status", plain["app"])["location"] == ""
    code, out, _ = synor("app", "status", plain["app"])
    assert code == 0 and "(none recorded)" in out


def test_create_with_location_and_salt_lands_at_the_predicted_address(project, accounts, stack, synor_json):
    _, record = stack
    factory = project.PayableDAppFactory.at(record.contracts["factory"])
    salt = "0x" + "43" * 32
    predicted = factory.calculateApplicationAddress(accounts[1], accounts[1], "0x" + "00" * 32, salt)
    created = synor_json("app", "create", "--account", "dev:1", "--salt", salt, "--location", LOCATION)
    assert created["app"] == predicted and factory.machineLocation(predicted) == LOCATION


def test_import_registers_an_application_deployed_elsewhere(
    project, chain, stack, foreign, synor, synor_json
):
    _, record = stack
    factory = project.PayableDAppFactory.at(record.contracts["factory"])
    imported = synor_json(
        "app", "import", foreign.address, "--location", LOCATION, "--prefund", "1d", "--account", "dev:1"
    )
    assert imported["app"] == foreign.address and imported["location"] == LOCATION
    assert imported["cost"]["base_units"] == str(factory.cost(86_400))
    assert factory.runway(foreign) == imported["until"] == chain.blocks.head.timestamp + 86_400
    assert factory.machineLocation(foreign) == LOCATION
    status = synor_json("app", "status", foreign.address)
    assert status["location"] == LOCATION and status["template_hash"] == "0x" + "33" * 32 and status["active"]
    listed = {row["app"]: row for row in synor_json("app", "list")["applications"]}
    assert listed[foreign.address]["imported"] is True and listed[foreign.address]["location"] == LOCATION
    assert foreign.address in {row["app"] for row in synor_json("app", "watch", "--once")["running"]}


def test_import_without_prefund_human_output(project, accounts, stack, synor):
    other = project.ForeignApplication.deploy(accounts[2], b"\x44" * 32, sender=accounts[0])
    code, out, _ = synor("app", "import", other.address, "--location", LOCATION, "--account", "dev:2")
    assert code == 0 and "imported application" in out and "no prefund" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("app", "import", "{foreign}", "--location", LOCATION, "--account", "dev:2"), "only the owner of"),
        (
            ("app", "import", "0x" + "01" * 20, "--location", LOCATION, "--account", "dev:1"),
            "is not an application",
        ),
        (("app", "import", "{foreign}", "--location", "", "--account", "dev:1"), "location is empty"),
        (("app", "import", "{foreign}", "--location", "x" * 1025, "--account", "dev:1"), "at most 1024"),
        (("app", "import", "{foreign}", "--account", "dev:1"), "Missing option '--location'"),
        (
            (
                "app",
                "import",
                "{foreign}",
                "--location",
                LOCATION,
                "--prefund",
                "1w",
                "--max-cost",
                "1",
                "--account",
                "dev:1",
            ),
            "more than --max-cost",
        ),
        (
            ("app", "import", "nope", "--location", LOCATION, "--account", "dev:1"),
            "invalid application address",
        ),
        (("app", "create", "--location", "", "--account", "dev:1"), "location is empty"),
        (("app", "create", "--location", "é" * 513, "--account", "dev:1"), "1026 bytes long"),
    ],
)
def test_bad_location_or_import_is_refused_with_one_line(synor, fresh_foreign, nothing_sent, args, message):
    code, out, err = synor(*(arg.replace("{foreign}", fresh_foreign) for arg in args))
    assert code == 2
    assert message in err
    assert out == ""


@pytest.fixture
def fresh_foreign(project, accounts, stack):
    """An application of dev:1 not yet imported (deployed before `nothing_sent` starts counting)."""
    return project.ForeignApplication.deploy(accounts[1], b"\x55" * 32, sender=accounts[0]).address


def test_import_of_a_registered_application_is_refused(chain, synor, synor_json):
    app = synor_json("app", "create", "--account", "dev:1")["app"]
    height = chain.blocks.height
    code, out, err = synor("app", "import", app, "--location", LOCATION, "--account", "dev:1")
    assert code == 2 and "already registered" in err and out == ""
    assert chain.blocks.height == height  # nothing sent


# ------------------------------------------------------------------ defects fixed, dry runs, node URLs


def test_extend_with_max_cost_and_no_allowance_pays_through_a_permit_for_max_cost(
    project, accounts, stack, synor_json
):
    """The README's own example: the permit must be signed for maxCost, which the contract permits."""
    _, record = stack
    app = synor_json("app", "create", "--account", "dev:1")["app"]
    token = project.TestStablecoin.at(record.contracts["payment_token"])
    token.approve(record.contracts["factory"], 0, sender=accounts[1])  # no prior allowance
    nonce = token.nonces(accounts[1])
    extended = synor_json("app", "extend", app, "1w", "--max-cost", "20", "--account", "dev:1")
    assert extended["cost"]["base_units"] == "19990001"
    assert token.nonces(accounts[1]) == nonce + 1  # paid through the permit
    assert token.allowance(accounts[1], record.contracts["factory"]) == 20_000_000 - 19_990_001


def test_extend_past_the_last_timestamp_names_the_contracts_overflow_and_sends_nothing(
    chain, synor, synor_json
):
    app = synor_json("app", "create", "--account", "dev:1")["app"]
    height = chain.blocks.height
    code, out, err = synor("app", "extend", app, str(2**64), "--account", "dev:1")
    assert code == 2 and out == ""
    assert "PayableDAppFactory_Overflow(seconds_=18446744073709551616)" in err
    assert chain.blocks.height == height


def test_dry_runs_print_the_plan_and_send_nothing(project, accounts, chain, stack, synor, synor_json):
    _, record = stack
    token = project.TestStablecoin.at(record.contracts["payment_token"])
    token.approve(record.contracts["factory"], 0, sender=accounts[1])
    height = chain.blocks.height
    code, out, _ = synor("app", "create", "--prefund", "1w", "--account", "dev:1", "--dry-run")
    assert code == 0
    assert out.startswith("dry run: nothing sent; it would send 2 transaction(s):")
    assert "approving 19.990001 USDC for the factory: approve(" in out
    assert "creating the application, paying 19.990001 USDC: newApplication(" in out
    assert "gas not estimated (it needs the transaction(s) above first" in out
    plan = synor_json("app", "create", "--prefund", "1w", "--account", "dev:1", "--dry-run")
    assert plan["dry_run"] is True and plan["sent"] is False
    assert [tx["call"].split("(")[0] for tx in plan["transactions"]] == ["approve", "newApplication"]
    assert chain.blocks.height == height
    app = synor_json("app", "create", "--account", "dev:1")["app"]
    height = chain.blocks.height
    plan = synor_json("app", "extend", app, "1w", "--account", "dev:1", "--dry-run")
    (tx,) = plan["transactions"]  # one transaction: the permit needs no approval first
    assert tx["call"].startswith("extendRunwayWithPermit(") and tx["gas_estimate"] > 0
    assert tx["gas_limit"] == -(-tx["gas_estimate"] * 130 // 100)
    assert "paying 19.990001 USDC" in tx["what"] and int(tx["max_fee_wei"]) > 0
    assert chain.blocks.height == height


def test_rpc_url_alias_and_eth_rpc_url_as_foundry_users_expect(tmp_path, stack):
    _, record = stack
    save(Deployment(**{**asdict(record), "rpc_url": "http://127.0.0.1:9"}), tmp_path)
    synor = cli_for(tmp_path)
    code, _, err = synor("app", "cost", "1w", env={"SYNOR_RPC_URL": "", "ETH_RPC_URL": ""})
    assert code == 2 and "cannot reach the node at http://127.0.0.1:9" in err
    code, out, _ = synor("app", "cost", "1w", env={"SYNOR_RPC_URL": "", "ETH_RPC_URL": record.rpc_url})
    assert code == 0 and "19.990001 USDC" in out
    code, out, _ = synor(
        "--rpc-url", record.rpc_url, "app", "cost", "1w", env={"ETH_RPC_URL": "", "SYNOR_RPC_URL": ""}
    )
    assert code == 0 and "19.990001 USDC" in out
    code, _, err = synor("app", "cost", "1w", env={"SYNOR_RPC_URL": "", "ETH_RPC_URL": "localhost:8545"})
    assert code == 2 and err.count("\n") == 1 and "invalid RPC URL 'localhost:8545'" in err


def test_watch_streams_one_json_object_per_line(synor, synor_json):
    app = synor_json("app", "create", "--prefund", "1d", "--account", "dev:1")["app"]
    code, out, _ = synor("app", "watch", "--polls", "1", "--interval", "0.01", "--json")
    assert code == 0
    events = [json.loads(line) for line in out.splitlines()]
    assert {"action": "start", "app": app} in [{k: e[k] for k in ("action", "app")} for e in events]


def test_a_contract_of_the_wrong_kind_is_one_line_not_a_traceback(stack, synor, nothing_sent):
    _, record = stack
    code, out, err = synor("oracle", "price", "--oracle", record.contracts["factory"])
    assert code == 2 and out == "" and err.count("\n") == 1
    assert err.startswith("error: ") and "expected kind" in err


def test_a_permit_token_without_eip5267_still_pays_in_one_transaction(
    project, accounts, chain, stack, tmp_path
):
    """Mainnet USDC has `permit` and `DOMAIN_SEPARATOR` but no `eip712Domain()`: the client rebuilds the
    domain from name, `version()` and chain, checks it against `DOMAIN_SEPARATOR`, and permits."""
    _, record = stack
    token = project.LegacyPermitToken.deploy(sender=accounts[0])
    token.mint(accounts[1], 1_000 * 10**6, sender=accounts[0])
    factory = project.PayableDAppFactory.deploy(
        token, 33_052_248_677_249_000_000, accounts[PAYEE_INDEX], sender=accounts[0]
    )
    contracts = {**record.contracts, "factory": factory.address, "payment_token": token.address}
    save(Deployment(**{**asdict(record), "contracts": contracts}), tmp_path)
    synor = cli_for(tmp_path)
    code, out, err = synor("app", "create", "--account", "dev:1", "--json")
    assert code == 0, err
    app = json.loads(out)["app"]
    code, out, err = synor("app", "extend", app, "1w", "--account", "dev:1", "--dry-run", "--json")
    assert code == 0, err
    assert [tx["call"].split("(")[0] for tx in json.loads(out)["transactions"]] == ["extendRunwayWithPermit"]
    before = token.balanceOf(accounts[PAYEE_INDEX])
    code, out, err = synor("app", "extend", app, "1w", "--account", "dev:1", "--json")
    assert code == 0, err
    assert token.balanceOf(accounts[PAYEE_INDEX]) - before == 19_990_001
    assert token.allowance(accounts[1], factory) == 0 and token.nonces(accounts[1]) == 1
