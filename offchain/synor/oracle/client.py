"""Reading and updating a deployed TwapOracle (the `synor oracle` commands and the oracle keeper)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
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
    """ITwapOracle.PriceState plus what a reader needs to judge it.

    ``price`` is the accepted price (from round ``accepted_round`` at ``accepted_at``); ``status`` is the
    latest round's outcome: a refused round leaves the accepted price in force until ``max_age``."""

    price: int
    accepted_at: int
    accepted_round: int
    round_id: int
    updated_at: int
    status: Status
    valid: int
    sources: int
    detail_bps: int
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
    low: int  # V2: harmonic mean; V3: geometric mean (0 unless reason is NONE)
    high: int  # V2: arithmetic mean; V3: geometric mean (0 unless reason is NONE)
    quote_liquidity: int
    reason: SkipReason


@dataclass(frozen=True)
class Round:
    """A PriceUpdated event (and, for a refused round, its RoundRefused event's counts)."""

    round_id: int
    status: Status
    candidate: int
    price: int
    sources: int
    block: int
    tx_hash: str
    valid: int | None = None
    agreeing: int | None = None
    detail_bps: int | None = None

    @property
    def refused(self) -> bool:
        """The round's candidate was not accepted; ``price`` is the earlier accepted price."""
        return self.status is not Status.OK


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
            accepted_at=int(s[1]),
            accepted_round=int(s[2]),
            round_id=int(s[3]),
            updated_at=int(s[4]),
            status=Status(s[5]),
            valid=int(s[6]),
            sources=int(s[7]),
            detail_bps=int(s[8]),
            source_count=int(s[9]),
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
            low, high, liquidity, reason = self.contract.functions.sourceQuote(index).call()
            views.append(
                SourceView(
                    index=index,
                    pool=Web3.to_checksum_address(src[0]),
                    kind=SourceKind(src[1]),
                    token_is_token0=bool(src[2]),
                    quote_decimals=int(src[3]),
                    min_quote_liquidity=int(src[5]),
                    low=int(low),
                    high=int(high),
                    quote_liquidity=int(liquidity),
                    reason=SkipReason(reason),
                )
            )
        return views

    def history(self, from_block: int | None = None, to_block: int | None = None) -> list[Round]:
        """Every update round in the block range (default: since the deployment), oldest first; refused
        rounds carry their RoundRefused counts."""
        refusals = {
            int(log["args"]["roundId"]): log["args"]
            for log in self._logs(from_block, to_block, self.contract.events.RoundRefused)
        }
        rounds = []
        for log in self._logs(from_block, to_block, self.contract.events.PriceUpdated):
            round_ = _round(log)
            refusal = refusals.get(round_.round_id)
            if refusal is not None:
                round_ = replace(
                    round_,
                    valid=int(refusal["valid"]),
                    agreeing=int(refusal["agreeing"]),
                    detail_bps=int(refusal["detailBps"]),
                )
            rounds.append(round_)
        return rounds

    def update(self, signer: LocalAccount) -> Round | None:
        """Sends `update()`; returns the round it ran, or None when nothing was due."""
        receipt = self.chain.send(signer, self.contract.functions.update(), "oracle update")
        events = self.contract.events.PriceUpdated().process_receipt(receipt)
        return _round(events[0]) if events else None

    def _logs(self, start: int | None, end: int | None, event: Any) -> Iterator[Any]:
        return self.chain.scan_logs(event, None, start, end, chunk=LOG_CHUNK)


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
