"""`synor usage sign` and `synor usage submit` against usage billing on anvil: signed files charge exactly
the rating, replays and bad files are refused before anything is sent, skips are reported."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from synor.pricing.catalogue import CATALOGUE
from synor.pricing.rating import SEED_BOOK, charge_up
from synor.usage.typed_data import Domain, report_digest
from tests.cli.conftest import FUNDED, OPERATOR, SYNOR, cli_for, json_of

DAY = 24 * 3600
GB_MONTH = 2_592 * 10**12


@pytest.fixture(scope="module")
def ready(billing, accounts, chain):
    """dev:4 signs for itself; dev:1 and dev:2 deposited and allowed it; dev:3 deposited but allowed nobody."""
    settlement, escrow, token = billing["settlement"], billing["escrow"], billing["synor"]
    operator = accounts[OPERATOR]
    settlement.addSigner(operator, sender=operator)
    for index in FUNDED:
        token.approve(escrow, 1_000 * SYNOR, sender=accounts[index])
        escrow.deposit(accounts[index], 20 * SYNOR, sender=accounts[index])
    for index in FUNDED[:2]:
        escrow.allow(operator, 2**256 - 1, sender=accounts[index])
    chain.pending_timestamp = chain.blocks.head.timestamp + DAY + 1
    chain.mine()
    return billing


@pytest.fixture
def synor(ready):
    return cli_for(ready["folder"])


@pytest.fixture
def synor_json(synor):
    return lambda *args: json_of(synor, *args)


def write(tmp_path, name, document):
    path = tmp_path / name
    path.write_text(json.dumps(document))
    return str(path)


def report(account, resource, quantity, period=0, operator=None):
    return {
        "account": account,
        "operator": operator,
        "resource": resource,
        "period": period,
        "cumulativeQuantity": str(quantity),
    }


def test_a_signed_batch_charges_exactly_the_rating_and_a_replay_is_refused(
    accounts, ready, chain, synor, synor_json, tmp_path
):
    escrow, settlement = ready["escrow"], ready["settlement"]
    op, payer = accounts[OPERATOR].address, accounts[1].address
    period = settlement.currentPeriod()
    reports = [
        report(payer, "storage.capacity", 500 * GB_MONTH, period, op),
        report(payer, "compute.cpu", 100 * 3600, period, op),
        report(payer, "hosting.ssl", 2_592_000, period, op),
    ]
    unsigned = write(tmp_path, "reports.json", {"reports": reports})
    signed_path = str(tmp_path / "signed.json")
    code, out, err = synor("usage", "sign", unsigned, "--out", signed_path, "--account", f"dev:{OPERATOR}")
    assert code == 0, err
    signed = json.loads(Path(signed_path).read_text())
    assert signed["mode"] == "batch" and signed["signer"] == op and signed["operator"] == op
    assert signed["settlement"] == settlement.address and signed["chainId"] == chain.chain_id

    before = escrow.balanceOf(payer)
    result = synor_json("usage", "submit", signed_path, "--account", "dev:9")  # anyone may submit
    assert [line["amount"] for line in result["charged"]] == [str(10 * SYNOR), str(2 * SYNOR), "0"]
    assert all(line["collected"] == line["amount"] for line in result["charged"])
    assert result["skipped"] == []
    assert escrow.balanceOf(payer) == before - 12 * SYNOR
    storage = CATALOGUE["storage.capacity"].resource_id
    assert settlement.chargedCumulative(payer, op, storage, period) == 500 * GB_MONTH

    height = chain.blocks.height
    code, out, err = synor("usage", "submit", signed_path, "--account", "dev:9")
    assert code == 2 and out == "" and err.startswith("error: nothing to charge") and "NotAboveCharged" in err
    assert chain.blocks.height == height


def test_each_report_signed_alone_and_a_partial_replay_charges_only_the_new_slice(
    accounts, ready, synor, synor_json, tmp_path
):
    settlement = ready["settlement"]
    op, payer = accounts[OPERATOR].address, accounts[2].address
    period = settlement.currentPeriod()
    first = write(tmp_path, "a.json", [report(payer, "database.queries", 10**6, period, op)])
    signed = str(tmp_path / "a-signed.json")
    assert synor("usage", "sign", first, "--each", "--out", signed, "--account", f"dev:{OPERATOR}")[0] == 0
    assert json.loads(Path(signed).read_text())["mode"] == "reports"
    charged = synor_json("usage", "submit", signed, "--account", "dev:9")["charged"]
    assert [c["amount"] for c in charged] == [str(SYNOR // 100)]  # 0.01 SYNOR per 1M queries

    # The same cumulative again plus a higher one: the replay is skipped, the new slice charged.
    both = write(
        tmp_path,
        "b.json",
        [
            report(payer, "database.queries", 10**6, period, op),
            report(payer, "database.queries", 3 * 10**6 + 1, period, op),
        ],
    )
    signed_both = str(tmp_path / "b-signed.json")
    assert synor("usage", "sign", both, "--out", signed_both, "--account", f"dev:{OPERATOR}")[0] == 0
    result = synor_json("usage", "submit", signed_both, "--account", "dev:9")
    card = SEED_BOOK["database.queries"]
    assert [c["amount"] for c in result["charged"]] == [
        str(charge_up(card, 3 * 10**6 + 1) - charge_up(card, 10**6))
    ]
    assert result["skipped"][0]["index"] == 0 and "NotAboveCharged" in result["skipped"][0]["reason"]


def test_an_operator_the_account_never_allowed_is_refused(accounts, ready, refused, synor, tmp_path):
    op, stranger = accounts[OPERATOR].address, accounts[3].address  # dev:3 allowed nobody
    period = ready["settlement"].currentPeriod()
    path = write(tmp_path, "c.json", [report(stranger, "compute.cpu", 3600, period, op)])
    signed = str(tmp_path / "c-signed.json")
    assert synor("usage", "sign", path, "--out", signed, "--account", f"dev:{OPERATOR}")[0] == 0
    refused("Settlement_NotAllowed", "usage", "submit", signed, "--account", "dev:9")


def test_bad_files_and_signatures_are_refused_before_sending(accounts, ready, refused, synor, tmp_path):
    op, payer = accounts[OPERATOR].address, accounts[1].address
    period = ready["settlement"].currentPeriod()
    good = report(payer, "compute.cpu", 7200, period, op)
    cases = [
        ([{**good, "cumulativeQuantity": 1.5}], "must be a whole number"),
        ([{**good, "cumulativeQuantity": str(2**128)}], "below 340282366920938463463374607431768211456"),
        ([{**good, "resource": "compute.tpu"}], "unknown resource 'compute.tpu'"),
        ([{**good, "account": payer.lower()[:-1] + "Z"}], "account must be a 0x address"),
        ([{**good, "account": "0x" + payer[2:].swapcase()}], "fails its EIP-55 checksum"),
        ([{**good, "evidenceRoot": "0x1234"}], "evidenceRoot: expected 0x and 64 hex digits"),
        ([], "non-empty JSON list"),
    ]
    for document, message in cases:
        refused(
            message, "usage", "sign", write(tmp_path, "bad.json", document), "--account", f"dev:{OPERATOR}"
        )
    not_json = tmp_path / "not.json"
    not_json.write_text("{")
    refused("is not JSON", "usage", "sign", str(not_json), "--account", f"dev:{OPERATOR}")
    refused("cannot read", "usage", "sign", str(tmp_path / "missing.json"), "--account", f"dev:{OPERATOR}")
    mixed = [good, {**good, "operator": accounts[5].address}]
    refused("split the file, or sign each report with --each", "usage", "sign", write(tmp_path, "m.json", mixed),
            "--account", f"dev:{OPERATOR}")  # fmt: skip
    refused(
        "is not an active signer", "usage", "sign", write(tmp_path, "g.json", [good]), "--account", "dev:1"
    )

    path = write(tmp_path, "g.json", [good])
    signed_path = tmp_path / "g-signed.json"
    assert synor("usage", "sign", path, "--out", str(signed_path), "--account", f"dev:{OPERATOR}")[0] == 0
    signed = json.loads(signed_path.read_text())
    tampered = {**signed, "reports": [{**signed["reports"][0], "cumulativeQuantity": "999999999"}]}
    refused("not 0x", "usage", "submit", write(tmp_path, "t.json", tampered), "--account", "dev:9")
    other_chain = {**signed, "chainId": signed["chainId"] + 1}
    refused("sign it again for this deployment", "usage", "submit", write(tmp_path, "o.json", other_chain),
            "--account", "dev:9")  # fmt: skip
    refused('expected "mode"', "usage", "submit", path, "--account", "dev:9")


def test_signatures_match_the_contracts_digest(accounts, ready, chain):
    settlement = ready["settlement"]
    domain = Domain(chain.chain_id, settlement.address)
    item = (accounts[1].address, accounts[OPERATOR].address, b"\x07" * 32, 5, 2**100, b"\x09" * 32)
    assert report_digest(domain, item) == bytes(settlement.hashReport(item))
