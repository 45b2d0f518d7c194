"""`synor keeper meter`: the usage store's aggregates become signed cumulative reports charged on chain —
exactly once, even when the keeper is killed with SIGKILL at random moments while usage keeps arriving."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import time
from collections import defaultdict
from pathlib import Path

import pytest

from synor.metering.events import UsageEvent
from synor.metering.evidence import root
from synor.metering.store import SqliteStore
from synor.pricing.catalogue import CATALOGUE
from synor.pricing.rating import SEED_BOOK, charge_up
from tests.cli.conftest import FUNDED, OPERATOR, SYNOR, cli_for, json_of

ROOT = Path(__file__).resolve().parents[2]
SYNOR_BIN = ROOT / ".venv" / "bin" / "synor"
DAY = 24 * 3600
DEPOSIT = 10_000 * SYNOR
RESOURCES = ("storage.capacity", "compute.cpu", "network.egress", "database.queries")
KILLS = 20


@pytest.fixture(scope="module")
def metered(billing, accounts, chain):
    """dev:4 signs for itself; the funded accounts prepaid and allowed it (no ceiling)."""
    settlement, escrow, token = billing["settlement"], billing["escrow"], billing["synor"]
    operator = accounts[OPERATOR]
    settlement.addSigner(operator, sender=operator)
    for index in FUNDED:
        token.approve(escrow, DEPOSIT, sender=accounts[index])
        escrow.deposit(accounts[index], DEPOSIT, sender=accounts[index])
        escrow.allow(operator, 2**256 - 1, sender=accounts[index])
    chain.pending_timestamp = chain.blocks.head.timestamp + DAY + 1
    chain.mine()
    return billing


def usage(rng: random.Random, payers: list[str], operator: str, period: int, tag: str, count: int):
    """``count`` random metered events (deterministic ids), stamped with ``period``."""
    batch = []
    for n in range(count):
        resource = rng.choice(RESOURCES)
        quantity = rng.randrange(1, 10**15 if resource == "storage.capacity" else 10**7)
        event = UsageEvent(
            source=f"meter/{resource}",
            id=f"{tag}-{n}",
            type="synor.usage",
            subject=rng.choice(payers),
            time=1_800_000_000 + n,
            resource=resource,
            quantity=quantity,
            operator=operator,
        )
        batch.append((event, period))
    return batch


def charges_by_key(settlement, start_block):
    """Sum of UsageCharged amounts per (account, operator, resource id, period), from the chain's logs."""
    sums: dict[tuple[str, str, bytes, int], int] = defaultdict(int)
    for log in settlement.UsageCharged.range(start_block, settlement.chain_manager.blocks.height + 1):
        charge = (
            log.charge
        )  # ChargeRecord: (period, previous, cumulative, slices, amount, usd, price, collected, root)
        sums[(log.account, log.operator, bytes(log.resource), int(charge[0]))] += int(charge[4])
    return sums


def assert_exactly_once(metered, store_path, payers, start_block):
    settlement, escrow = metered["settlement"], metered["escrow"]
    store = SqliteStore(store_path)
    try:
        aggregates = store.aggregates()
        leaves = {key: store.event_leaves(key) for key in aggregates}
    finally:
        store.close()
    charged = charges_by_key(settlement, start_block)
    spent: dict[str, int] = defaultdict(int)
    for key, aggregate in aggregates.items():
        rid = CATALOGUE[key.resource].resource_id
        on_chain = settlement.chargedCumulative(key.account, key.operator, rid, key.period)
        assert on_chain == aggregate.total, key  # nothing lost
        expected = charge_up(SEED_BOOK[key.resource], aggregate.total)
        assert charged[(key.account, key.operator, rid, key.period)] == expected, key  # nothing twice
        spent[key.account] += expected
        assert len(leaves[key]) == aggregate.count
    for payer in payers:
        assert escrow.balanceOf(payer) == DEPOSIT - spent[payer]
    return aggregates


def test_one_round_reports_every_aggregate_and_the_next_has_nothing_to_do(accounts, metered, chain, tmp_path):
    settlement = metered["settlement"]
    payers = [accounts[i].address for i in FUNDED]
    operator = accounts[OPERATOR].address
    period = settlement.currentPeriod()
    db = tmp_path / "usage.db"
    store = SqliteStore(db)
    store.commit(usage(random.Random(1), payers, operator, period, "a", 200))
    store.close()
    start = chain.blocks.height
    synor = cli_for(metered["folder"])
    args = ("keeper", "meter", "--store", f"sqlite:{db}", "--account", f"dev:{OPERATOR}", "--once")

    planned = json_of(synor, *args, "--dry-run")
    assert planned["action"] == "plan" and planned["reports"] > 0 and chain.blocks.height == start

    first = json_of(synor, *args)
    assert first["reports"] == first["charged"] == planned["reports"] and len(first["transactions"]) == 1
    aggregates = assert_exactly_once(metered, db, payers, start)

    # Each report committed to its events: the evidence root is the Merkle root of their leaves.
    logs = list(settlement.UsageCharged.range(start, chain.blocks.height + 1))
    by_key = {(log.account, bytes(log.resource)): bytes(log.charge[8]) for log in logs}
    store = SqliteStore(db)
    for key in aggregates:
        rid = CATALOGUE[key.resource].resource_id
        assert by_key[(key.account, rid)] == root(store.event_leaves(key))
    store.close()

    height = chain.blocks.height
    again = json_of(synor, *args)
    assert again["reports"] == 0 and again["transactions"] == [] and again["settled"] == len(aggregates)
    assert chain.blocks.height == height  # nothing to do, nothing sent


def test_a_signer_the_operator_never_authorized_is_refused(metered, refused_meter):
    refused_meter("is not an active signer", "--account", "dev:1")


@pytest.fixture
def refused_meter(metered, chain, tmp_path):
    synor = cli_for(metered["folder"])

    def check(message, *extra):
        height = chain.blocks.height
        code, out, err = synor("keeper", "meter", "--store", f"sqlite:{tmp_path / 'x.db'}", "--once", *extra)
        assert code == 2 and out == "" and message in err and err.count("\n") == 1, err
        assert chain.blocks.height == height

    return check


def test_killed_at_random_moments_the_keeper_charges_exactly_once(accounts, metered, chain, tmp_path):
    """SIGKILL the keeper 20 times at random moments (while it reads, signs, sends or waits) with usage
    arriving between runs; then one clean round. The chain must hold exactly the rating of every total."""
    settlement = metered["settlement"]
    payers = [accounts[i].address for i in FUNDED]
    operator = accounts[OPERATOR].address
    period = settlement.currentPeriod()
    db = tmp_path / "killed.db"
    rng = random.Random(20261123)
    start = chain.blocks.height
    command = [
        str(SYNOR_BIN), "--deployments", str(metered["folder"]), "keeper", "meter",
        "--store", f"sqlite:{db}", "--account", f"dev:{OPERATOR}", "--interval", "0.1", "--max-batch", "7",
    ]  # fmt: skip
    env = {k: v for k, v in os.environ.items() if not k.startswith("APE_")}
    for kill in range(KILLS):
        store = SqliteStore(db)
        store.commit(usage(rng, payers, operator, period, f"k{kill}", rng.randrange(5, 40)))
        store.close()
        keeper = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
        )
        time.sleep(rng.uniform(0.5, 4.0))
        keeper.send_signal(signal.SIGKILL)
        keeper.wait(timeout=30)
        assert keeper.returncode == -signal.SIGKILL
    assert chain.blocks.height > start, "the killed keepers settled some batches before dying"
    final = subprocess.run([*command, "--once", "--json"], cwd=ROOT, env=env, capture_output=True, text=True)
    assert final.returncode == 0, final.stderr
    summary = json.loads(final.stdout.strip().splitlines()[-1])
    assert summary["action"] == "round"
    aggregates = assert_exactly_once(metered, db, payers, start)
    assert len(aggregates) == len(RESOURCES) * len(payers)
