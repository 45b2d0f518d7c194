"""Signers: anvil's development accounts, SYNOR_PRIVATE_KEY, and ape keyfiles."""

from __future__ import annotations

import json

import pytest
from eth_account import Account

from synor.accounts import AccountError, dev_account, resolve


def test_dev_accounts_are_anvils():
    assert dev_account(0).address == "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266"
    assert resolve("dev:1").address == "0x70997970C51812dc3A010C7d01b50e0d17dc79C8"
    assert resolve("TEST::1").address == resolve("dev:1").address


@pytest.mark.parametrize(
    ("spec", "match"), [("dev:10", "does not exist"), ("dev:x", "dev:N"), ("TEST::", "TEST::N")]
)
def test_bad_dev_accounts(spec, match):
    with pytest.raises(AccountError, match=match):
        resolve(spec)


def test_private_key_from_environment(monkeypatch):
    account = Account.create()
    monkeypatch.setenv("SYNOR_PRIVATE_KEY", account.key.hex())
    assert resolve(None).address == account.address
    monkeypatch.setenv("SYNOR_PRIVATE_KEY", "0x1234")
    with pytest.raises(AccountError, match="not a valid private key"):
        resolve(None)
    monkeypatch.delenv("SYNOR_PRIVATE_KEY")
    with pytest.raises(AccountError, match="no account"):
        resolve(None)


def test_ape_keyfile_unlocks_with_passphrase(tmp_path, monkeypatch):
    account = Account.create()
    (tmp_path / "accounts").mkdir()
    (tmp_path / "accounts" / "ops.json").write_text(json.dumps(Account.encrypt(account.key, "s3cret")))
    monkeypatch.setenv("APE_DATA_FOLDER", str(tmp_path))
    monkeypatch.delenv("SYNOR_PASSPHRASE", raising=False)
    assert resolve("ops", prompt=lambda _: "s3cret").address == account.address
    with pytest.raises(AccountError, match="wrong passphrase"):
        resolve("ops", prompt=lambda _: "nope")
    with pytest.raises(AccountError, match="locked"):
        resolve("ops")
    monkeypatch.setenv("SYNOR_PASSPHRASE", "s3cret")
    assert resolve("ops").address == account.address
    with pytest.raises(AccountError, match="no ape account 'missing'"):
        resolve("missing")
