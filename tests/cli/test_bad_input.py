"""Every option of every command, given bad input: one line on stderr, exit 2, nothing sent — never a
traceback. Under --json the line is one JSON object {"error": …}. A meta-test checks the table covers
every option and argument of every command."""

from __future__ import annotations

import json

import click
import pytest

from synor.cli import main
from tests.cli.conftest import cli_for

APP = "0x" + "01" * 20
GOOD = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8"  # dev:1, checksummed
BAD_CHECKSUM = GOOD[:-1] + "c"  # mixed case, last letter's case flipped: a typo the checksum catches
NO_CODE = "0x" + "ab" * 20  # an address without a contract
HUGE = "9" * 90 + "w"
SIGN = ("--account", "dev:1")
OPERATOR = "0x" + "22" * 20
LONG_LOCATION = "ipfs://" + "x" * 1_100  # the factory takes at most 1,024 bytes
NO_FOLDER = "/nonexistent-synor-folder/keys.json"

CASES: list[tuple[str, tuple[str, ...], str]] = [
    # (covers "command path:parameter", args, message)
    ("root:rpc_url", ("--rpc-url", "localhost:8545", "app", "cost", "1w"), "invalid RPC URL"),
    ("root:rpc_url", ("--rpc", "http://", "app", "cost", "1w"), "invalid RPC URL"),
    ("root:rpc_url", ("--rpc-url", "http://127.0.0.1:99999", "app", "cost", "1w"), "invalid RPC URL"),
    ("root:network", ("--network", "nowhere", "app", "cost", "1w"), "no deployment for network 'nowhere'"),
    ("app cost:duration", ("app", "cost", "1x"), "invalid duration"),
    ("app cost:duration", ("app", "cost", "1.5d"), "invalid duration"),
    ("app cost:duration", ("app", "cost", HUGE), "too long"),
    (
        "app cost:duration",
        ("app", "cost", str(2**64)),
        "PayableDAppFactory_Overflow(seconds_=18446744073709551616)",
    ),
    ("app create:owner", ("app", "create", "--owner", "bob", *SIGN), "invalid address 'bob'"),
    ("app create:owner", ("app", "create", "--owner", BAD_CHECKSUM, *SIGN), "EIP-55 checksum"),
    ("app create:template_hash", ("app", "create", "--template", "0x12", *SIGN), "invalid template hash"),
    ("app create:prefund", ("app", "create", "--prefund", "1y", *SIGN), "invalid duration"),
    ("app create:prefund", ("app", "create", "--prefund", HUGE, *SIGN), "too long"),
    ("app create:max_cost", ("app", "create", "--max-cost", "-1", *SIGN), "at least 0"),
    ("app create:max_cost", ("app", "create", "--max-cost", "NaN", *SIGN), "finite"),
    ("app create:max_cost", ("app", "create", "--max-cost", "1e99", *SIGN), "too large"),
    ("app create:salt", ("app", "create", "--salt", "0x42", *SIGN), "invalid salt '0x42'"),
    ("app create:account", ("app", "create", "--account", "dev:99"), "does not exist"),
    ("app create:account", ("app", "create", "--account", "no such/alias"), "invalid account"),
    ("app create:location", ("app", "create", "--location", "", *SIGN), "the machine location is empty"),
    ("app create:location", ("app", "create", "--location", LONG_LOCATION, *SIGN), "at most 1024"),
    ("app extend:app_address", ("app", "extend", "nope", "1w", *SIGN), "invalid application address"),
    ("app extend:app_address", ("app", "extend", BAD_CHECKSUM, "1w", *SIGN), "EIP-55 checksum"),
    ("app extend:duration", ("app", "extend", APP, "0", *SIGN), "at least one second"),
    ("app extend:duration", ("app", "extend", APP, HUGE, *SIGN), "too long"),
    ("app extend:max_cost", ("app", "extend", APP, "1w", "--max-cost", "twenty", *SIGN), "invalid amount"),
    ("app extend:account", ("app", "extend", APP, "1w", "--account", "dev:x"), "invalid account"),
    (
        "app import:app_address",
        ("app", "import", "0x12", "--location", "s3://m", *SIGN),
        "invalid application",
    ),
    ("app import:app_address", ("app", "import", BAD_CHECKSUM, "--location", "s3://m", *SIGN), "EIP-55"),
    ("app import:location", ("app", "import", APP, "--location", "", *SIGN), "the machine location is empty"),
    ("app import:location", ("app", "import", APP, "--location", LONG_LOCATION, *SIGN), "at most 1024"),
    (
        "app import:prefund",
        ("app", "import", APP, "--location", "s3://m", "--prefund", "2y", *SIGN),
        "invalid duration",
    ),
    (
        "app import:prefund",
        ("app", "import", APP, "--location", "s3://m", "--prefund", HUGE, *SIGN),
        "too long",
    ),
    (
        "app import:max_cost",
        ("app", "import", APP, "--location", "s3://m", "--max-cost", "-1", *SIGN),
        "at least 0",
    ),
    (
        "app import:max_cost",
        ("app", "import", APP, "--location", "s3://m", "--max-cost", "1e99", *SIGN),
        "too large",
    ),
    (
        "app import:account",
        ("app", "import", APP, "--location", "s3://m", "--account", "dev:99"),
        "does not exist",
    ),
    ("app status:app_address", ("app", "status", "0x123"), "invalid application address"),
    ("app list:owner", ("app", "list", "--owner", "0xZZ"), "invalid address"),
    ("app watch:interval", ("app", "watch", "--interval", "-1"), "invalid interval"),
    ("app watch:interval", ("app", "watch", "--interval", "nan"), "invalid interval"),
    ("app watch:interval", ("app", "watch", "--interval", "inf"), "invalid interval"),
    ("app watch:interval", ("app", "watch", "--interval", "0"), "invalid interval"),
    ("app watch:polls", ("app", "watch", "--polls", "0"), "x>=1"),
    ("fees status:holder", ("fees", "status", "--of", "0x1234"), "invalid address"),
    ("fees status:holder", ("fees", "status", "--of", BAD_CHECKSUM), "EIP-55 checksum"),
    ("fees claim:token", ("fees", "claim", "0xnot", *SIGN), "invalid token address"),
    ("fees claim:token", ("fees", "claim", "US DC", *SIGN), "invalid token"),
    ("fees claim:account", ("fees", "claim", "USDC", "--account", "dev:-1"), "invalid account"),
    ("fees split:token", ("fees", "split", BAD_CHECKSUM, *SIGN), "EIP-55 checksum"),
    ("fees split:account", ("fees", "split", "--account", "TEST::10"), "does not exist"),
    ("fees buyback:token", ("fees", "buyback", "$$$", *SIGN), "invalid token"),
    ("fees buyback:amount", ("fees", "buyback", "USDC", "--amount", "0", *SIGN), "must be more than 0"),
    ("fees buyback:amount", ("fees", "buyback", "USDC", "--amount", "-5", *SIGN), "at least 0"),
    ("fees buyback:min_out", ("fees", "buyback", "USDC", "--min-out", "-1", *SIGN), "at least 0"),
    ("fees buyback:account", ("fees", "buyback", "USDC", "--account", "dev:"), "invalid account"),
    ("oracle price:address", ("oracle", "price", "--oracle", NO_CODE), "is not a contract"),
    ("oracle price:address", ("oracle", "price", "--oracle", "0xabc"), "invalid oracle"),
    ("oracle sources:address", ("oracle", "sources", "--oracle", NO_CODE), "is not a contract"),
    ("oracle history:address", ("oracle", "history", "--oracle", BAD_CHECKSUM), "EIP-55 checksum"),
    ("oracle history:from_block", ("oracle", "history", "--from-block", "-5"), "x>=0"),
    ("oracle history:last", ("oracle", "history", "--last", "0"), "x>=1"),
    ("keeper settle:account", ("keeper", "settle", "--account", "a b"), "invalid account"),
    ("keeper settle:interval", ("keeper", "settle", "--interval", "NaN", *SIGN), "invalid interval"),
    ("keeper settle:rounds", ("keeper", "settle", "--rounds", "0", *SIGN), "x>=1"),
    ("keeper settle:min_amount", ("keeper", "settle", "--min-amount", "-5", *SIGN), "x>=1"),
    ("keeper settle:max_steps", ("keeper", "settle", "--max-steps", "0", *SIGN), "x>=1"),
    ("price show:name", ("price", "show", "storage.nope"), "unknown resource 'storage.nope'"),
    ("stake:amount", ("stake", "twelve", *SIGN), "invalid amount"),
    ("stake:amount", ("stake", "0", *SIGN), "must be more than 0"),
    ("stake:account", ("stake", "1", "--account", "dev:99"), "does not exist"),
    ("unstake:amount", ("unstake", "1e99", *SIGN), "too large"),
    ("unstake:account", ("unstake", "1", "--account", "no such/alias"), "invalid account"),
    ("rewards:holder", ("rewards", "--of", BAD_CHECKSUM), "EIP-55 checksum"),
    ("rewards:account", ("rewards", "--account", "dev:x"), "invalid account"),
    ("keeper oracle:address", ("keeper", "oracle", "--oracle", NO_CODE, *SIGN), "is not a contract"),
    ("keeper oracle:account", ("keeper", "oracle", "--account", "dev:10"), "does not exist"),
    ("keeper oracle:interval", ("keeper", "oracle", "--interval", "-inf", *SIGN), "invalid interval"),
    ("keeper oracle:rounds", ("keeper", "oracle", "--rounds", "-1", *SIGN), "x>=1"),
    ("keeper oracle:retries", ("keeper", "oracle", "--retries", "0", *SIGN), "x>=1"),
    ("usage ingest:source", ("usage", "ingest", "/nonexistent-synor-events.ndjson"), "No such file"),
    ("usage ingest:store_url", ("usage", "ingest", "-", "--store", "mysql://db/usage"), "invalid store URL"),
    ("usage ingest:store_url", ("usage", "ingest", "-", "--store", "sqlite:"), "no file path"),
    (
        "usage ingest:store_url",
        ("usage", "ingest", "-", "--store", "postgresql://h:99999/db"),
        "invalid store URL",
    ),
    (
        "usage ingest:redis_url",
        ("usage", "ingest", "-", "--redis", "http://127.0.0.1:6379"),
        "invalid Redis URL",
    ),
    ("usage ingest:redis_url", ("usage", "ingest", "-", "--redis", "redis://"), "invalid Redis URL"),
    ("usage ingest:redis_url", ("usage", "ingest", "-", "--redis", "redis://h:70000"), "invalid Redis URL"),
    ("usage ingest:shards", ("usage", "ingest", "-", "--shards", "0"), "1<=x<=4096"),
    ("usage ingest:genesis", ("usage", "ingest", "-", "--genesis", "-1"), "x>=0"),
    ("usage ingest:period_length", ("usage", "ingest", "-", "--period-length", "soon"), "invalid duration"),
    ("usage ingest:period_length", ("usage", "ingest", "-", "--period-length", "0"), "at least one second"),
    ("usage ingest:late_window", ("usage", "ingest", "-", "--late-window", "1.5d"), "invalid duration"),
    ("usage aggregate:store_url", ("usage", "aggregate", "--store", "ftp://x/y"), "invalid store URL"),
    ("usage aggregate:redis_url", ("usage", "aggregate", "--redis", "redis:///"), "invalid Redis URL"),
    ("usage aggregate:shards", ("usage", "aggregate", "--shards", "4097"), "1<=x<=4096"),
    ("usage aggregate:genesis", ("usage", "aggregate", "--genesis", "soon"), "not a valid integer"),
    ("usage aggregate:period_length", ("usage", "aggregate", "--period-length", HUGE), "too long"),
    ("usage aggregate:late_window", ("usage", "aggregate", "--late-window", "-1d"), "invalid duration"),
    ("usage aggregate:consumer", ("usage", "aggregate", "--consumer", "a b"), "invalid consumer name"),
    ("usage aggregate:consumer", ("usage", "aggregate", "--consumer", ""), "invalid consumer name"),
    ("usage aggregate:claim_idle_ms", ("usage", "aggregate", "--claim-idle", "-1"), "x>=0"),
    ("usage aggregate:max_deliveries", ("usage", "aggregate", "--max-deliveries", "0"), "x>=1"),
    ("usage status:store_url", ("usage", "status", "--store", "sqlite://"), "no file path"),
    ("usage status:redis_url", ("usage", "status", "--redis", "redis://local host"), "invalid Redis URL"),
    ("usage status:shards", ("usage", "status", "--shards", "-3"), "1<=x<=4096"),
    ("usage status:limit", ("usage", "status", "--limit", "-1"), "x>=0"),
    ("usage sign:path", ("usage", "sign", NO_FOLDER, *SIGN), "cannot read"),
    ("usage sign:out", ("usage", "sign", NO_FOLDER, "--out", "/", *SIGN), "is a directory"),
    ("usage sign:account", ("usage", "sign", NO_FOLDER, "--account", "dev:10"), "does not exist"),
    ("usage submit:path", ("usage", "submit", "/", *SIGN), "is a directory"),
    ("usage submit:path", ("usage", "submit", NO_FOLDER, *SIGN), "cannot read"),
    ("usage submit:account", ("usage", "submit", NO_FOLDER, "--account", "a b"), "invalid account"),
    ("keeper meter:store_url", ("keeper", "meter", "--store", "ftp://x/y", *SIGN), "invalid store URL"),
    ("keeper meter:operators", ("keeper", "meter", "--operator", "0x12", *SIGN), "invalid"),
    ("keeper meter:account", ("keeper", "meter", "--account", "dev:99"), "does not exist"),
    ("keeper meter:interval", ("keeper", "meter", "--interval", "NaN", *SIGN), "invalid interval"),
    ("keeper meter:rounds", ("keeper", "meter", "--rounds", "0", *SIGN), "x>=1"),
    ("keeper meter:max_batch", ("keeper", "meter", "--max-batch", "501", *SIGN), "1<=x<=500"),
    (
        "usage key:keys_path",
        ("usage", "key", "--keys", "/", "--source", "s", "--operator", OPERATOR),
        "is a directory",
    ),
    (
        "usage key:keys_path",
        ("usage", "key", "--keys", NO_FOLDER, "--source", "s", "--operator", OPERATOR),
        "cannot write the keys file",
    ),
    ("usage key:source", ("usage", "key", "--source", "", "--operator", OPERATOR), "invalid source"),
    ("usage key:source", ("usage", "key", "--source", "a b", "--operator", OPERATOR), "invalid source"),
    ("usage key:source", ("usage", "key", "--source", "s" * 257, "--operator", OPERATOR), "invalid source"),
    (
        "usage key:operator",
        ("usage", "key", "--source", "s", "--operator", "node-1"),
        "invalid operator address",
    ),
    ("usage key:operator", ("usage", "key", "--source", "s", "--operator", BAD_CHECKSUM), "EIP-55 checksum"),
    ("usage serve:host", ("usage", "serve", "--host", "no such host"), "invalid host"),
    ("usage serve:host", ("usage", "serve", "--host", "-bad-.example"), "invalid host"),
    ("usage serve:port", ("usage", "serve", "--port", "65536"), "0<=x<=65535"),
    ("usage serve:port", ("usage", "serve", "--port", "http"), "not a valid integer"),
    ("usage serve:keys_path", ("usage", "serve", "--keys", "/"), "is a directory"),
    ("usage serve:keys_path", ("usage", "serve", "--keys", NO_FOLDER), "no keys file"),
    ("usage serve:store_url", ("usage", "serve", "--store", "redis://h"), "invalid store URL"),
    ("usage serve:redis_url", ("usage", "serve", "--redis", "unix://"), "invalid Redis URL"),
    ("usage serve:shards", ("usage", "serve", "--shards", "0"), "1<=x<=4096"),
    ("usage serve:genesis", ("usage", "serve", "--genesis", "-5"), "x>=0"),
    ("usage serve:period_length", ("usage", "serve", "--period-length", "1y"), "invalid duration"),
    ("usage serve:late_window", ("usage", "serve", "--late-window", HUGE), "too long"),
    ("usage simulate:accounts", ("usage", "simulate", "--accounts", "0"), "1<=x<=10000"),
    ("usage simulate:subjects", ("usage", "simulate", "--subject", "0x12"), "invalid account"),
    ("usage simulate:accounts", ("usage", "simulate", "--accounts", "10001"), "1<=x<=10000"),
    ("usage simulate:duration", ("usage", "simulate", "--duration", "0"), "at least one second"),
    ("usage simulate:duration", ("usage", "simulate", "--duration", "53w"), "at most 366d"),
    ("usage simulate:seed", ("usage", "simulate", "--seed", "1.5"), "not a valid integer"),
    ("usage simulate:operator", ("usage", "simulate", "--operator", "nobody"), "invalid operator address"),
    ("usage simulate:operator", ("usage", "simulate", "--operator", BAD_CHECKSUM), "EIP-55 checksum"),
    ("usage simulate:genesis", ("usage", "simulate", "--genesis", "-1"), "x>=0"),
    ("account deposit:amount", ("account", "deposit", "12.5.1", *SIGN), "invalid amount"),
    ("account deposit:amount", ("account", "deposit", "0", *SIGN), "must be more than 0"),
    (
        "account deposit:amount",
        ("account", "deposit", "0.0000000000000000001", *SIGN),
        "more than 18 decimals",
    ),
    ("account deposit:to", ("account", "deposit", "1", "--to", "alice", *SIGN), "invalid account 'alice'"),
    ("account deposit:to", ("account", "deposit", "1", "--to", BAD_CHECKSUM, *SIGN), "EIP-55 checksum"),
    ("account deposit:account", ("account", "deposit", "1", "--account", "dev:99"), "does not exist"),
    ("account balance:holder", ("account", "balance", "0x12"), "invalid account '0x12'"),
    ("account balance:holder", ("account", "balance", BAD_CHECKSUM), "EIP-55 checksum"),
    ("account balance:account", ("account", "balance", "--account", "dev:-1"), "invalid account"),
    ("account allow:operator", ("account", "allow", "node-1", *SIGN), "invalid operator 'node-1'"),
    ("account allow:operator", ("account", "allow", BAD_CHECKSUM, *SIGN), "EIP-55 checksum"),
    ("account allow:ceiling", ("account", "allow", OPERATOR, "--ceiling", "0", *SIGN), "must be more than 0"),
    ("account allow:ceiling", ("account", "allow", OPERATOR, "--ceiling", "lots", *SIGN), "invalid amount"),
    (
        "account allow:ceiling",
        ("account", "allow", OPERATOR, "--ceiling", "79228162515", *SIGN),
        "ceiling '79228162515' is too large",
    ),
    ("account allow:account", ("account", "allow", OPERATOR, "--account", "dev:10"), "does not exist"),
    ("account revoke:operator", ("account", "revoke", "0x" + "1" * 39, *SIGN), "invalid operator"),
    ("account revoke:account", ("account", "revoke", OPERATOR, "--account", "a b"), "invalid account"),
    ("account withdraw:to", ("account", "withdraw", "--to", "0x0", *SIGN), "invalid recipient '0x0'"),
    ("account withdraw:account", ("account", "withdraw", "--account", "dev:"), "invalid account"),
    ("account debt:holder", ("account", "debt", "me"), "invalid account 'me'"),
    ("account debt:operator", ("account", "debt", GOOD, "--operator", BAD_CHECKSUM), "EIP-55 checksum"),
    ("account debt:account", ("account", "debt", "--account", "TEST::x"), "invalid account"),
    ("operator register:address", ("operator", "register", "op", *SIGN), "invalid operator 'op'"),
    (
        "operator register:account",
        ("operator", "register", OPERATOR, "--account", "dev:99"),
        "does not exist",
    ),
    ("operator deregister:address", ("operator", "deregister", BAD_CHECKSUM, *SIGN), "EIP-55 checksum"),
    (
        "operator deregister:account",
        ("operator", "deregister", OPERATOR, "--account", "x y"),
        "invalid account",
    ),
    ("operator signer add:address", ("operator", "signer", "add", "key", *SIGN), "invalid signer 'key'"),
    (
        "operator signer add:account",
        ("operator", "signer", "add", GOOD, "--account", "dev:x"),
        "invalid account",
    ),
    (
        "operator signer revoke:address",
        ("operator", "signer", "revoke", BAD_CHECKSUM, *SIGN),
        "EIP-55 checksum",
    ),
    (
        "operator signer revoke:account",
        ("operator", "signer", "revoke", GOOD, "--account", "dev:10"),
        "does not exist",
    ),
    ("operator status:address", ("operator", "status", "0xZZ"), "invalid operator '0xZZ'"),
    ("operator status:account", ("operator", "status", "--account", "dev:1000"), "invalid account"),
]

NOT_INPUT = {
    "as_json",
    "dry_run",
    "once",
    "from_staking",
    "withdraw",
    "permit",
    "request",
    "cancel",
    "collect",
    "with_chain",
    "each",
    "help",
    "version",
    "deployments",
}
"""Flags take no value; --deployments is a folder (any path works until a record is missing there)."""


@pytest.fixture
def nothing_sent(chain):
    height = chain.blocks.height
    yield
    assert chain.blocks.height == height, "a refused command must not send a transaction"


@pytest.mark.parametrize(("covers", "args", "message"), CASES, ids=[f"{c[0]}:{c[1][-1]}" for c in CASES])
def test_bad_input_is_one_line_and_exit_2(stack, nothing_sent, covers, args, message):
    synor = cli_for(stack[0])
    code, out, err = synor(*args)
    assert code == 2, err
    assert out == ""
    assert err.startswith("error: ") and err.count("\n") == 1, err
    assert message in err
    code, out, err = synor(*args, "--json")
    assert code == 2 and out == ""
    assert err.count("\n") == 1
    assert message in json.loads(err)["error"]


def _parameters() -> set[str]:
    """ "command path:parameter" for every option and argument people type, across every command (nested
    groups included: `operator signer add:address`)."""
    found = {f"root:{p.name}" for p in main.params if p.name not in NOT_INPUT}
    ctx = click.Context(main)

    def walk(path: str, command: click.Command) -> None:
        if isinstance(command, click.Group):
            for name, sub in command.commands.items():
                walk(f"{path} {name}", sub)
            return
        for param in command.params:
            if param.name not in NOT_INPUT:
                found.add(f"{path}:{param.name}")

    for group_name in main.list_commands(ctx):
        group = main.get_command(ctx, group_name)
        assert group is not None
        walk(group_name, group)  # a top-level command (`synor stake`) is its own path
    return found


def test_the_table_covers_every_option_of_every_command():
    covered = {covers for covers, _, _ in CASES}
    assert _parameters() - covered == set()
    assert covered - _parameters() == set()
