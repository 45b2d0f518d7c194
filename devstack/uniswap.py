"""Real Uniswap V2/V3 contracts from their npm artifacts, and integer helpers to trade on them.

For local chains, tests and the demo (the artifacts come from the repository's node_modules). ape is
imported lazily inside functions, so importing this module loads nothing heavy.
"""

from __future__ import annotations

import json
from itertools import count
from math import isqrt
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
UNISWAP = ROOT / "node_modules" / "@uniswap"
ARTIFACTS = {
    "UniswapV2Factory": UNISWAP / "v2-core/build/UniswapV2Factory.json",
    "UniswapV2Pair": UNISWAP / "v2-core/build/UniswapV2Pair.json",
    "UniswapV3Factory": UNISWAP / "v3-core/artifacts/contracts/UniswapV3Factory.sol/UniswapV3Factory.json",
    "UniswapV3Pool": UNISWAP / "v3-core/artifacts/contracts/UniswapV3Pool.sol/UniswapV3Pool.json",
}

ONE = 10**18
Q96 = 2**96
MIN_TICK, MAX_TICK = -887272, 887272
FULL_RANGE_60 = (-887220, 887220)  # the widest ticks usable at tick spacing 60 (fee 0.3%)
MIN_SQRT_RATIO = 4295128739
MAX_SQRT_RATIO = 1461446703485210103287273052203988822378723970342

_salts = count(1)


def container(name: str) -> Any:
    """An ape ContractContainer for one of the Uniswap artifacts (bytecode compiled by Uniswap, deployed
    as is)."""
    from ape.contracts import ContractContainer
    from ethpm_types import ContractType

    data = json.loads(ARTIFACTS[name].read_text())
    bytecode = data["bytecode"] if isinstance(data["bytecode"], str) else data["bytecode"]["object"]
    if not bytecode.startswith("0x"):
        bytecode = "0x" + bytecode
    contract_type = ContractType.model_validate(
        {"contractName": name, "abi": data["abi"], "deploymentBytecode": {"bytecode": bytecode}}
    )
    return ContractContainer(contract_type)


def sqrt_price_x96(price18: int, synor_is_token0: bool, quote_decimals: int) -> int:
    """sqrt(token1/token0) in Q64.96 for SYNOR (18 decimals) at `price18` (18-decimal USD per SYNOR)."""
    # quote base units per SYNOR base unit = price18 * 10**quote_decimals / 10**36
    num, den = price18 * 10**quote_decimals, 10**36
    if not synor_is_token0:
        num, den = den, num
    return isqrt(num * 2**192 // den)


def price_from_sqrt(sqrt_x96: int, synor_is_token0: bool, quote_decimals: int) -> int:
    """Inverse of sqrt_price_x96, rounded down, in 18-decimal USD per SYNOR."""
    scale = int(10 ** (36 - quote_decimals))
    if synor_is_token0:
        return sqrt_x96 * sqrt_x96 * scale // 2**192
    return 2**192 * scale // (sqrt_x96 * sqrt_x96)


class Pool:
    """One SYNOR/stablecoin pool (V2 pair or V3 pool) and how to trade on it."""

    def __init__(self, kind: int, contract: Any, synor: Any, quote: Any, router: Any = None) -> None:
        self.kind = kind  # 0 = V2, 1 = V3 (ITwapOracle.SourceKind)
        self.contract = contract
        self.synor = synor
        self.quote = quote
        self.router = router
        self.synor_is_token0 = contract.token0() == synor.address
        self.quote_decimals = quote.decimals()

    @property
    def address(self) -> str:
        return str(self.contract.address)

    def spot_price(self) -> int:
        """Current spot price, 18-decimal USD per SYNOR."""
        if self.kind == 1:
            return price_from_sqrt(
                self.contract.slot0().sqrtPriceX96, self.synor_is_token0, self.quote_decimals
            )
        r0, r1, _ = self.contract.getReserves()
        synor_r, quote_r = (int(r0), int(r1)) if self.synor_is_token0 else (int(r1), int(r0))
        return quote_r * int(10 ** (36 - self.quote_decimals)) // synor_r

    def move_to(self, price18: int, trader: Any) -> None:
        """Trades (paid by `trader`, who holds and has approved enough of both tokens) until the spot
        price is about `price18`."""
        if self.kind == 1:
            target = sqrt_price_x96(price18, self.synor_is_token0, self.quote_decimals)
            current = self.contract.slot0().sqrtPriceX96
            if target == current:
                return
            zero_for_one = target < current
            self.router.swap(self.address, zero_for_one, 10**40, target, sender=trader)
            return
        r0, r1, _ = self.contract.getReserves()
        k = r0 * r1
        # target token1/token0 as num/den
        num, den = price18 * 10**self.quote_decimals, 10**36
        if not self.synor_is_token0:
            num, den = den, num
        new_r0 = isqrt(k * den // num)
        if new_r0 < r0:  # token1 in, token0 out
            amount_in = ((k // new_r0 - r1) * 1000) // 997 + 1
            self.swap_in(1, amount_in, trader)
        elif new_r0 > r0:
            amount_in = ((new_r0 - r0) * 1000) // 997 + 1
            self.swap_in(0, amount_in, trader)

    def swap_in(self, token_index: int, amount_in: int, trader: Any) -> None:
        """V2: sends `amount_in` of token0/token1 to the pair and takes the constant-product output."""
        pair = self.contract
        r0, r1, _ = pair.getReserves()
        reserve_in, reserve_out = (r0, r1) if token_index == 0 else (r1, r0)
        amount_out = amount_in * 997 * reserve_out // (reserve_in * 1000 + amount_in * 997)
        token_in = self.synor if (token_index == 0) == self.synor_is_token0 else self.quote
        token_in.transfer(pair, amount_in, sender=trader)
        out0, out1 = (0, amount_out) if token_index == 0 else (amount_out, 0)
        pair.swap(out0, out1, trader, b"", sender=trader)


def create_v2_pool(
    v2_factory: Any,
    pair_container: Any,
    synor: Any,
    quote: Any,
    price18: int,
    synor_amount: int,
    provider: Any,
) -> Pool:
    """A V2 pair of SYNOR and ``quote`` at ``price18`` with ``synor_amount`` of SYNOR (and its worth
    of ``quote``) from ``provider``, who holds both."""
    receipt = v2_factory.createPair(synor, quote, sender=provider)
    pair = pair_container.at(receipt.events[0].pair)
    quote_amount = synor_amount * price18 * 10 ** quote.decimals() // 10**36
    synor.transfer(pair, synor_amount, sender=provider)
    quote.transfer(pair, quote_amount, sender=provider)
    pair.mint(provider, sender=provider)
    return Pool(0, pair, synor, quote)


def create_v3_pool(
    v3_factory: Any,
    pool_container: Any,
    router: Any,
    synor: Any,
    quote: Any,
    price18: int,
    synor_amount: int,
    provider: Any,
    fee: int = 3000,
) -> Pool:
    """A V3 pool as ``create_v2_pool``, with full-range liquidity minted through ``router`` (which
    ``provider`` has approved for both tokens)."""
    receipt = v3_factory.createPool(synor, quote, fee, sender=provider)
    pool = pool_container.at(receipt.events[0].pool)
    synor_is_token0 = pool.token0() == synor.address
    pool.initialize(sqrt_price_x96(price18, synor_is_token0, quote.decimals()), sender=provider)
    quote_amount = synor_amount * price18 * 10 ** quote.decimals() // 10**36
    liquidity = isqrt(synor_amount * quote_amount)  # full range: L = sqrt(x * y)
    router.mint(pool, provider, *FULL_RANGE_60, liquidity, sender=provider)
    return Pool(1, pool, synor, quote, router)


def through_timelock(timelock: Any, target: Any, calldata: Any, proposer: Any) -> Any:
    """Schedules `calldata` on `target`, lets the minimum delay pass (local chains: by moving the
    next block's time), executes it; returns the receipt."""
    import ape

    salt = next(_salts).to_bytes(32, "big")
    zero = b"\x00" * 32
    delay = timelock.getMinDelay()
    timelock.schedule(target, 0, calldata, zero, salt, delay, sender=proposer)
    ape.chain.pending_timestamp = ape.chain.pending_timestamp + delay
    return timelock.execute(target, 0, calldata, zero, salt, sender=proposer)


def advance(seconds: int) -> None:
    """Makes the next block `seconds` later than it would otherwise be (local chains)."""
    import ape

    ape.chain.pending_timestamp = ape.chain.pending_timestamp + seconds
