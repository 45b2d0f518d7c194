"""Reading and updating a deployed TwapOracle (the `synor oracle` commands and the oracle keeper)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from eth_account.signers.local import LocalAccount
from web3 import Web3
from web3.exceptions import ContractCustomError, ContractLogicError

from synor.chain import Chain
from synor.errors import describe_revert, revert_bytes
from synor.oracle.twap import SkipReason, SourceKind, Status

LOG_CHUNK = 5_000


@dataclass(frozen=True)
class OracleState:
    """ITwapOracle.PriceState plus what a reader needs to judge it."""

    price: int
    updated_at: int
    status: Status
    sources: int
    detail_bps: int
    round_id: int
    source_count: int
    window: int
    max_age: int

    @property
    def next_update_at(self) -> int:
        return self.updated_at + self.window


@dataclass(frozen=True)
class SourceView:
    """One source and what it would give now."""

    index: int
    pool: str
    kind: SourceKind
    token_is_token0: bool
    quote_decimals: int
    min_quote_liquidity: int
    price: int
    quote_liquidity: int
    reason: SkipReason


@dataclass(frozen=True)
class Round:
    """A PriceUpdated event."""

    round_id: int
    status: Status
    candidate: int
    price: int
    sources: int
    block: int
    tx_hash: str


class OracleClient:
    """The deployment's oracle (record key ``oracle``) or the one at ``address``."""

    def __init__(self, chain: Chain, address: str | None = None) -> None:
        self.chain = chain
        target = address or chain.deployment.address("oracle")
        self.contract = chain.contract("TwapOracle", target)

    def state(self) -> OracleState:
        s = self.contract.functions.state().call()
        cfg = self.contract.functions.config().call()
        return OracleState(
            price=int(s[0]),
            updated_at=int(s[1]),
            status=Status(s[2]),
            sources=int(s[3]),
            detail_bps=int(s[4]),
            round_id=int(s[5]),
            source_count=int(s[6]),
            window=int(cfg[2]),
            max_age=int(cfg[3]),
        )

    def usable_price(self) -> tuple[int | None, str | None]:
        """``(price, None)`` when billing may use it, else ``(None, the named error)``."""
        try:
            return int(self.contract.functions.price().call()), None
        except ContractCustomError as error:
            return None, describe_revert(revert_bytes(error.data))
        except ContractLogicError as error:
            return None, str(error.message or error)

    def usd_to_token(self, amount_usd: int) -> int:
        return int(self.contract.functions.usdToToken(amount_usd).call())

    def sources(self) -> list[SourceView]:
        views = []
        for index in range(int(self.contract.functions.sourceCount().call())):
            src = self.contract.functions.source(index).call()
            price, liquidity, reason = self.contract.functions.sourceQuote(index).call()
            views.append(
                SourceView(
                    index=index,
                    pool=Web3.to_checksum_address(src[0]),
                    kind=SourceKind(src[1]),
                    token_is_token0=bool(src[2]),
                    quote_decimals=int(src[3]),
                    min_quote_liquidity=int(src[5]),
                    price=int(price),
                    quote_liquidity=int(liquidity),
                    reason=SkipReason(reason),
                )
            )
        return views

    def history(self, from_block: int | None = None, to_block: int | None = None) -> list[Round]:
        """Every update round in the block range (default: since the deployment), oldest first."""
        return [_round(log) for log in self._logs(from_block, to_block)]

    def update(self, signer: LocalAccount) -> Round | None:
        """Sends `update()`; returns the round it ran, or None when nothing was due."""
        receipt = self.chain.send(signer, self.contract.functions.update(), "oracle update")
        events = self.contract.events.PriceUpdated().process_receipt(receipt)
        return _round(events[0]) if events else None

    def _logs(self, start: int | None, end: int | None) -> Iterator[Any]:
        return self.chain.scan_logs(self.contract.events.PriceUpdated, None, start, end, chunk=LOG_CHUNK)


def _round(log: Any) -> Round:
    args = log["args"]
    return Round(
        round_id=int(args["roundId"]),
        status=Status(args["status"]),
        candidate=int(args["candidate"]),
        price=int(args["price"]),
        sources=int(args["sources"]),
        block=int(log["blockNumber"]),
        tx_hash="0x" + bytes(log["transactionHash"]).hex(),
    )
