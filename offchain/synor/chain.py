"""A connection to the chain a deployment lives on, and sending transactions people can follow.

All network access starts here, when a command asks for it: importing this module connects to nothing.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import requests
from eth_account.signers.local import LocalAccount
from rich.console import Console
from web3 import Web3
from web3.contract import Contract
from web3.contract.contract import ContractFunction
from web3.exceptions import ContractCustomError, ContractLogicError
from web3.types import TxReceipt

from synor.artifacts import abi
from synor.deployments import Deployment, load
from synor.errors import describe_revert, revert_bytes

T = TypeVar("T")


class ChainError(RuntimeError):
    """The chain could not do what was asked; the message is one line saying why and what to do."""


def connect_web3(url: str, timeout: float = 15.0) -> Web3:
    """A web3 connection over HTTP (nothing is sent until it is used)."""
    return Web3(Web3.HTTPProvider(url, request_kwargs={"timeout": timeout}))


NETWORK_ERRORS: tuple[type[BaseException], ...] = (
    requests.exceptions.ConnectionError,
    requests.exceptions.Timeout,
    ConnectionError,
    TimeoutError,
)


def with_backoff(
    action: Callable[[], T],
    describe: str,
    log: Callable[[str], None],
    attempts: int | None = None,
    first_delay: float = 0.5,
    max_delay: float = 30.0,
    sleep: Callable[[float], None] = time.sleep,
) -> T:
    """Runs ``action``, retrying network failures with exponential back-off and saying so each time.

    ``attempts=None`` retries for ever (keepers); a number gives up after that many tries.
    """
    delay, attempt = first_delay, 0
    while True:
        attempt += 1
        try:
            return action()
        except NETWORK_ERRORS as error:
            if attempts is not None and attempt >= attempts:
                raise ChainError(f"{describe} failed after {attempt} attempts: {error}") from None
            log(f"{describe}: {type(error).__name__}; retrying in {delay:.1f}s (attempt {attempt})")
            sleep(delay)
            delay = min(delay * 2, max_delay)


@dataclass
class Chain:
    """The chain and contracts of one deployment."""

    w3: Web3
    deployment: Deployment
    console: Console

    @classmethod
    def connect(
        cls,
        network: str,
        rpc_url: str | None = None,
        directory: Any = None,
        console: Console | None = None,
    ) -> Chain:
        """Connects to ``network``'s chain and checks it holds the recorded deployment."""
        deployment = load(network) if directory is None else load(network, directory)
        url = rpc_url or os.environ.get("SYNOR_RPC_URL") or deployment.rpc_url
        w3 = connect_web3(url)
        try:
            chain_id = w3.eth.chain_id
        except NETWORK_ERRORS:
            raise ChainError(
                f"cannot reach the node at {url}: start it (`make node` starts anvil and deploys) or pass --rpc URL"
            ) from None
        if chain_id != deployment.chain_id:
            raise ChainError(
                f"the node at {url} is chain {chain_id}, but the {network} deployment is on chain "
                f"{deployment.chain_id}: pass the right --rpc or --network"
            )
        factory = deployment.address("factory")
        if not w3.eth.get_code(Web3.to_checksum_address(factory)):
            raise ChainError(
                f"no contract at the recorded factory {factory}: the node was reset; redeploy with "
                "`ape run deploy` (or `make deploy`)"
            )
        return cls(w3=w3, deployment=deployment, console=console or Console(stderr=True))

    def contract(self, name: str, address: str | None = None) -> Contract:
        """A contract handle from the shipped ABI, at ``address`` or the recorded deployment."""
        target = address or self.deployment.address(_record_key(name))
        return self.w3.eth.contract(address=Web3.to_checksum_address(target), abi=abi(name))

    def now(self) -> int:
        """The latest block's timestamp: the chain's idea of now, not this machine's clock."""
        return int(self.w3.eth.get_block("latest")["timestamp"])

    def send(self, signer: LocalAccount, call: ContractFunction, what: str) -> TxReceipt:
        """Signs and sends ``call``, showing progress; a revert becomes a ChainError naming the error."""
        try:
            tx = call.build_transaction(
                {
                    "from": signer.address,
                    "nonce": self.w3.eth.get_transaction_count(signer.address, "pending"),
                    "chainId": self.deployment.chain_id,
                }
            )
        except ContractCustomError as error:
            raise ChainError(f"{what} would fail: {describe_revert(revert_bytes(error.data))}") from None
        except ContractLogicError as error:
            raise ChainError(f"{what} would fail: {error.message or error}") from None
        signed = signer.sign_transaction(dict(tx))  # type: ignore[arg-type]
        with self.console.status(f"{what}: waiting for the transaction to be mined…"):
            tx_hash = self.w3.eth.send_raw_transaction(signed.raw_transaction)
            receipt = self.w3.eth.wait_for_transaction_receipt(tx_hash, timeout=120)
        if receipt["status"] != 1:
            raise ChainError(f"{what} reverted in transaction 0x{bytes(tx_hash).hex()}")
        return receipt


def _record_key(contract_name: str) -> str:
    return {"PayableDAppFactory": "factory", "SynorToken": "synor"}.get(contract_name, contract_name)
