"""A connection to the chain a deployment lives on, its contracts, its events and its transactions.

All network access starts here, when a command asks for it: importing this module connects to nothing.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import requests
from eth_account.signers.local import LocalAccount
from rich.console import Console
from web3 import Web3
from web3.contract import Contract
from web3.contract.contract import ContractFunction
from web3.types import TxReceipt

from synor.artifacts import abi
from synor.deployments import Deployment, load
from synor.errors import ChainError
from synor.runner import with_backoff
from synor.sender import Sender
from synor.units import parse_rpc_url

__all__ = ["LOG_CHUNK", "NETWORK_ERRORS", "Chain", "ChainError", "connect_web3", "with_backoff"]

LOG_CHUNK = 10_000
"""Blocks per eth_getLogs request: public nodes refuse larger ranges."""


def connect_web3(url: str, timeout: float = 15.0) -> Web3:
    """A web3 connection over HTTP (nothing is sent until it is used)."""
    return Web3(Web3.HTTPProvider(url, request_kwargs={"timeout": timeout}))


NETWORK_ERRORS: tuple[type[BaseException], ...] = (
    requests.exceptions.ConnectionError,
    requests.exceptions.Timeout,
    ConnectionError,
    TimeoutError,
)


@dataclass
class Chain:
    """The chain and contracts of one deployment."""

    w3: Web3
    deployment: Deployment
    console: Console
    sender: Sender = None  # type: ignore[assignment]  # made from the others when not given

    def __post_init__(self) -> None:
        if self.sender is None:
            self.sender = Sender(self.w3, self.deployment.chain_id, self.console)

    @classmethod
    def connect(
        cls,
        network: str,
        rpc_url: str | None = None,
        directory: Any = None,
        console: Console | None = None,
    ) -> Chain:
        """Connects to ``network``'s chain and checks it holds the recorded deployment.

        The node is ``rpc_url``, else ``SYNOR_RPC_URL``, else ``ETH_RPC_URL``, else the deployment's.
        """
        deployment = load(network) if directory is None else load(network, directory)
        url = parse_rpc_url(
            rpc_url or os.environ.get("SYNOR_RPC_URL") or os.environ.get("ETH_RPC_URL") or deployment.rpc_url
        )
        w3 = connect_web3(url)
        try:
            chain_id = w3.eth.chain_id
        except NETWORK_ERRORS:
            raise ChainError(
                f"cannot reach the node at {url}: start it (`make node` starts anvil and deploys) or pass --rpc-url URL"
            ) from None
        if chain_id != deployment.chain_id:
            raise ChainError(
                f"the node at {url} is chain {chain_id}, but the {network} deployment is on chain "
                f"{deployment.chain_id}: pass the right --rpc-url or --network"
            )
        factory = deployment.address("factory")
        if not w3.eth.get_code(Web3.to_checksum_address(factory)):
            raise ChainError(
                f"no contract at the recorded factory {factory}: the node was reset; redeploy with "
                "`ape run deploy` (or `make deploy`)"
            )
        console = console or Console(stderr=True, soft_wrap=True)
        return cls(w3=w3, deployment=deployment, console=console)

    def contract(self, name: str, address: str | None = None) -> Contract:
        """A contract handle from the shipped ABI, at ``address`` or the recorded deployment."""
        target = address or self.deployment.address(_record_key(name))
        return self.w3.eth.contract(address=Web3.to_checksum_address(target), abi=abi(name))

    def is_contract(self, address: str) -> bool:
        """Whether code lives at ``address``."""
        return bool(self.w3.eth.get_code(Web3.to_checksum_address(address)))

    def now(self) -> int:
        """The latest block's timestamp: the chain's idea of now, not this machine's clock."""
        return int(self.w3.eth.get_block("latest")["timestamp"])

    def send(
        self, signer: LocalAccount, call: ContractFunction, what: str, *, final: bool = True
    ) -> TxReceipt:
        """Sends ``call`` through the one transaction sender (``synor.sender``)."""
        return self.sender.send(signer, call, what, final=final)

    def scan_logs(
        self,
        event: Any,
        argument_filters: dict[str, Any] | None = None,
        from_block: int | None = None,
        to_block: int | None = None,
        chunk: int = LOG_CHUNK,
    ) -> Iterator[Any]:
        """Every ``event`` log in the block range, oldest first, fetched ``chunk`` blocks at a time.

        The range defaults to the deployment's first block through the chain head.
        """
        first = self.deployment.start_block if from_block is None else from_block
        last = self.w3.eth.block_number if to_block is None else to_block
        if first < 0:
            raise ChainError(f"block {first} does not exist: blocks are numbered from 0")
        for chunk_start in range(first, last + 1, chunk):
            chunk_end = min(chunk_start + chunk - 1, last)
            yield from event.get_logs(
                from_block=chunk_start, to_block=chunk_end, argument_filters=argument_filters
            )


def checksum(address: str) -> str:
    """``address`` EIP-55 checksummed (as web3 requires for arguments)."""
    return str(Web3.to_checksum_address(address))


def tx_hash(receipt: TxReceipt) -> str:
    """A receipt's transaction hash as 0x-hex."""
    return "0x" + bytes(receipt["transactionHash"]).hex()


def _record_key(contract_name: str) -> str:
    return {"PayableDAppFactory": "factory", "SynorToken": "synor"}.get(contract_name, contract_name)
