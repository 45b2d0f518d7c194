"""A deployed stack on the test session's anvil, recorded where the CLI under test reads it."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest
from click.testing import CliRunner

from devstack.deploy import StackOptions, deploy_stack, local_revenue
from devstack.usage import UsageBillingOptions
from synor.cli import main
from synor.deployments import save

PAYEE_INDEX = 9
SYNOR = 10**18
FUNDED = (1, 2, 3)  # hold SYNOR (granted at deployment) in the `billing` stack
OPERATOR = 4  # registered with the settlement at deployment, an operator of the splitter (weight 2)


@pytest.fixture(scope="module")
def stack(project, accounts, chain, tmp_path_factory):
    folder = tmp_path_factory.mktemp("deployments")
    options = StackOptions(
        grant_to=tuple(a.address for a in accounts[1:4]), payee=accounts[PAYEE_INDEX].address
    )
    record = deploy_stack(project, accounts[0], options, "local", chain.provider.http_uri)
    save(record, folder)
    return folder, record


@pytest.fixture(scope="module")
def billing(project, accounts, chain, tmp_path_factory):
    """The local stack with revenue, hence usage billing (escrow and settlement), recorded for the CLI."""
    dev = [a.address for a in accounts[:10]]
    revenue = replace(local_revenue(dev), pool_liquidity=(1_000_000 * 10**6, 2_000_000 * SYNOR))
    options = StackOptions(
        grant_to=tuple(dev[i] for i in FUNDED),
        revenue=revenue,
        usage_billing=UsageBillingOptions(operators=(dev[OPERATOR],)),
    )
    record = deploy_stack(project, accounts[0], options, "local", chain.provider.http_uri)
    folder = tmp_path_factory.mktemp("billing-deployments")
    save(record, folder)
    contracts = record.contracts
    return {
        "folder": folder,
        "escrow": project.PrepaidEscrow.at(contracts["escrow"]),
        "settlement": project.UsageSettlement.at(contracts["settlement"]),
        "synor": project.SynorToken.at(contracts["synor"]),
        "splitter": project.FeeSplitter.at(contracts["splitter"]),
        "price_book": project.PriceBook.at(contracts["price_book"]),
    }


def cli_for(folder):
    """Runs `synor --deployments <folder> ARGS…` in-process; returns (exit code, stdout, stderr)."""
    runner = CliRunner(mix_stderr=False)

    def invoke(*args: str, env: dict[str, str] | None = None):
        result = runner.invoke(main, ["--deployments", str(folder), *args], env=env, catch_exceptions=False)
        return result.exit_code, result.stdout, result.stderr

    return invoke


def json_of(invoke, *args: str):
    """Runs a command with `--json`, requires success, and returns the parsed output."""
    code, out, err = invoke(*args, "--json")
    assert code == 0, err
    return json.loads(out)


@pytest.fixture
def synor(stack):
    return cli_for(stack[0])


@pytest.fixture
def synor_json(synor):
    return lambda *args: json_of(synor, *args)


@pytest.fixture
def refused(synor, chain):
    """Runs a command that must be refused: exit 2, one line naming ``message``, no transaction."""

    def check(message, *args):
        height = chain.blocks.height
        code, out, err = synor(*args)
        assert code == 2 and out == "", err
        assert err.startswith("error: ") and err.count("\n") == 1, err
        assert message in err, err
        code, out, err = synor(*args, "--json")
        assert code == 2 and out == ""
        assert message in json.loads(err)["error"]
        assert chain.blocks.height == height, "a refused command must not send a transaction"

    return check
