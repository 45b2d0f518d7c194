"""A deployed stack on the test session's anvil, recorded where the CLI under test reads it."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from devstack.deploy import StackOptions, deploy_stack
from synor.cli import main
from synor.deployments import save

PAYEE_INDEX = 9


@pytest.fixture(scope="module")
def stack(project, accounts, chain, tmp_path_factory):
    folder = tmp_path_factory.mktemp("deployments")
    options = StackOptions(
        grant_to=tuple(a.address for a in accounts[1:4]), payee=accounts[PAYEE_INDEX].address
    )
    record = deploy_stack(project, accounts[0], options, "local", chain.provider.http_uri)
    save(record, folder)
    return folder, record


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
