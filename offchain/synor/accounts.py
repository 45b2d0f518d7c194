"""Who signs: anvil's well-known development accounts, ape keyfile accounts, or a key in the environment.

Secrets never live in code: a private key comes from ``SYNOR_PRIVATE_KEY`` or an ape keyfile
(``~/.ape/accounts/<alias>.json``) unlocked with a passphrase from the environment or a prompt.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path

from eth_account import Account
from eth_account.signers.local import LocalAccount

from synor.errors import SynorError

# Anvil's public development mnemonic: its accounts hold test ether on local chains only.
DEV_MNEMONIC = "test test test test test test test test test test test junk"
DEV_ACCOUNTS = 10


class AccountError(SynorError, ValueError):
    """The account cannot be used; the message says what to do instead."""


def dev_account(index: int) -> LocalAccount:
    """Anvil's development account ``index`` (0-9)."""
    if not 0 <= index < DEV_ACCOUNTS:
        raise AccountError(f"dev account {index} does not exist: use dev:0 to dev:{DEV_ACCOUNTS - 1}")
    Account.enable_unaudited_hdwallet_features()
    account: LocalAccount = Account.from_mnemonic(DEV_MNEMONIC, account_path=f"m/44'/60'/0'/0/{index}")
    return account


def resolve(spec: str | None, prompt: Callable[[str], str] | None = None) -> LocalAccount:
    """The signer named by ``--account``.

    ``dev:N`` (or ape's ``TEST::N``) is anvil's development account N; any other name is an ape
    keyfile alias; no name falls back to ``SYNOR_PRIVATE_KEY``.
    """
    if spec is None:
        key = os.environ.get("SYNOR_PRIVATE_KEY")
        if not key:
            raise AccountError(
                "no account: pass --account dev:1 (local anvil), --account <ape alias>, or set SYNOR_PRIVATE_KEY"
            )
        try:
            account: LocalAccount = Account.from_key(key)
        except (ValueError, TypeError):
            raise AccountError(
                "SYNOR_PRIVATE_KEY is not a valid private key (expected 32 bytes of hex)"
            ) from None
        return account
    for prefix in ("dev:", "TEST::"):
        if spec.startswith(prefix):
            index = spec.removeprefix(prefix)
            if not index.isdigit():
                raise AccountError(f"invalid account {spec!r}: use {prefix}N with N a number, e.g. {prefix}1")
            return dev_account(int(index))
    return _ape_keyfile(spec, prompt)


def _ape_keyfile(alias: str, prompt: Callable[[str], str] | None) -> LocalAccount:
    data_folder = Path(os.environ.get("APE_DATA_FOLDER", Path.home() / ".ape"))
    path = data_folder / "accounts" / f"{alias}.json"
    if not path.exists():
        raise AccountError(
            f"no ape account {alias!r} ({path} is missing): create it with `ape accounts generate {alias}` "
            "or use --account dev:N on a local chain"
        )
    passphrase = os.environ.get(f"APE_ACCOUNTS_{alias}_PASSPHRASE") or os.environ.get("SYNOR_PASSPHRASE")
    if passphrase is None:
        if prompt is None:
            raise AccountError(f"account {alias!r} is locked: set SYNOR_PASSPHRASE")
        passphrase = prompt(f"Passphrase for ape account {alias!r}")
    try:
        key = Account.decrypt(json.loads(path.read_text()), passphrase)
    except ValueError:
        raise AccountError(f"wrong passphrase for ape account {alias!r}") from None
    account: LocalAccount = Account.from_key(key)
    return account
