"""Fixtures for the price book (a timelock, and a PriceBook seeded with the seed's table) and for usage
billing (a PriceBook with test cards, a settable oracle, a splitter, the escrow and settlement), with helpers."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, NamedTuple

import ape
import pytest
from eth_abi.abi import encode as abi_encode
from eth_account import Account
from eth_account.signers.local import LocalAccount
from eth_typing import Hash32
from eth_utils.crypto import keccak

from devstack.pricing import seed_arguments
from devstack.uniswap import through_timelock
from devstack.usage import UsageBillingOptions, deploy_usage_billing
from synor.pricing.rating import MAX_UINT256, UNBOUNDED, Currency, RateCard, Tier

DELAY = 3600
PERIOD = 30 * 24 * 3600


@pytest.fixture(scope="module")
def timelock(project, deployer):
    return project.SynorTimelock.deploy(
        DELAY, [deployer], [ape.utils.ZERO_ADDRESS], ape.utils.ZERO_ADDRESS, sender=deployer
    )


@pytest.fixture(scope="module")
def genesis(chain):
    return chain.blocks.head.timestamp - 10 * PERIOD - 5


@pytest.fixture(scope="module")
def book(project, deployer, timelock, genesis):
    ids, cards = seed_arguments()
    return project.PriceBook.deploy(genesis, PERIOD, timelock, ids, cards, sender=deployer)


def set_card(
    book: Any, timelock: Any, proposer: Any, resource: bytes, from_period: int, card: RateCard
) -> Any:
    """`setRateCard` scheduled on the timelock, delayed, executed; returns the execution receipt."""
    return through_timelock(
        timelock, book, book.setRateCard.encode_input(resource, from_period, card.as_tuple()), proposer
    )


# ------------------------------------------------------------------ usage billing (escrow + settlement)

ONE = 10**18
WINDOW = 7 * 24 * 3600
SIGNER_DELAY = 24 * 3600
USD_PER_SYNOR = ONE // 2  # the test oracle's price: 0.50 USD per SYNOR
TIERED_ID = b"\x01" * 32
USD_ID = b"\x02" * 32
TIERED_CARD = RateCard(
    unit_size=1_000,
    tiers=(Tier(10_000, 0), Tier(1_000_000, 3 * ONE), Tier(UNBOUNDED, ONE)),
)
"""A SYNOR card: 10 free units, 3 SYNOR per unit up to 1,000 units, then 1 SYNOR (units of 1,000)."""
USD_CARD = RateCard.flat(1, 2 * ONE, Currency.USD)
"""A USD card: 2 USD per base quantity."""


@dataclass
class UsageStack:
    book: Any
    escrow: Any
    settlement: Any
    oracle: Any
    splitter: Any
    synor: Any
    admin: Any
    guardian: Any
    registrar: Any
    operator: Any
    signer: LocalAccount
    treasury: Any


@pytest.fixture(scope="module")
def usage_stack(project, accounts, deployer, synor, genesis) -> UsageStack:
    """PriceBook (timelock = the deployer, so cards change directly), a settable SYNOR/USD oracle, a fee
    splitter, the escrow and settlement (signer delay passed), one registered operator with one signer."""
    from tests.contracts.revenue.conftest import ADMIN_DELAY as SPLITTER_ADMIN_DELAY
    from tests.contracts.revenue.conftest import COOLDOWN, deploy_splitter

    treasury, community, guardian, registrar, operator = (accounts[i] for i in (5, 6, 7, 8, 9))
    book = project.PriceBook.deploy(
        genesis,
        PERIOD,
        deployer,
        [TIERED_ID, USD_ID],
        [TIERED_CARD.as_tuple(), USD_CARD.as_tuple()],
        sender=deployer,
    )
    oracle = project.SettablePriceOracle.deploy(synor, USD_PER_SYNOR, sender=deployer)
    staking = project.SynorStaking.deploy(synor, COOLDOWN, SPLITTER_ADMIN_DELAY, deployer, sender=deployer)
    splitter = deploy_splitter(project, deployer, synor, treasury, community, staking)
    options = UsageBillingOptions(
        settlement_window=WINDOW,
        signer_delay=SIGNER_DELAY,
        registrar=registrar.address,
        guardian=guardian.address,
        operators=(),
    )
    addresses = deploy_usage_billing(project, deployer, synor, splitter, book, oracle, options)
    escrow = project.PrepaidEscrow.at(addresses["escrow"])
    settlement = project.UsageSettlement.at(addresses["settlement"])
    settlement.registerOperator(operator, sender=registrar)
    signer = Account.from_key(b"\x5a" * 32)
    settlement.addSigner(signer.address, sender=operator)
    ape.chain.pending_timestamp = int(ape.chain.pending_timestamp) + SIGNER_DELAY
    ape.chain.mine()
    return UsageStack(
        book,
        escrow,
        settlement,
        oracle,
        splitter,
        synor,
        deployer,
        guardian,
        registrar,
        operator,
        signer,
        treasury,
    )


def error_data(signature: str, types: tuple[str, ...] = (), values: tuple[Any, ...] = ()) -> bytes:
    """The ABI encoding of the custom error `signature` (e.g. ``"Settlement_EmptyBatch()"``) with `values`."""
    return keccak(text=signature)[:4] + abi_encode(list(types), list(values))


def make_report(
    stack: UsageStack,
    account: Any,
    cumulative: int,
    resource: bytes = TIERED_ID,
    period: int | None = None,
    operator: Any = None,
    evidence: bytes = b"\xee" * 32,
) -> tuple[Any, ...]:
    """An ABI tuple of `UsageReport` (period: the current one)."""
    return (
        str(getattr(account, "address", account)),
        str(getattr(operator or stack.operator, "address", operator or stack.operator)),
        resource,
        stack.settlement.currentPeriod() if period is None else period,
        cumulative,
        evidence,
    )


def sign_report(stack: UsageStack, report: tuple[Any, ...], key: LocalAccount | None = None) -> bytes:
    """The signature over the report's EIP-712 digest (as the settlement computes it)."""
    signer = key or stack.signer
    return bytes(signer.unsafe_sign_hash(Hash32(bytes(stack.settlement.hashReport(report)))).signature)


def signed(stack: UsageStack, report: tuple[Any, ...], key: LocalAccount | None = None) -> tuple[Any, ...]:
    """A `SignedReport` tuple signed by `key` (default: the operator's active signer)."""
    signer = key or stack.signer
    return (report, signer.address, sign_report(stack, report, signer))


def fund(stack: UsageStack, account: Any, amount: int, ceiling: int | None = None) -> None:
    """`account` deposits `amount` for itself and allows the operator (no ceiling unless given)."""
    if amount:
        stack.synor.approve(stack.escrow, amount, sender=account)
        stack.escrow.deposit(account, amount, sender=account)
    if ceiling is not None or not stack.escrow.isAllowed(
        account, stack.operator, stack.settlement.currentPeriod()
    ):
        stack.escrow.allow(stack.operator, MAX_UINT256 if ceiling is None else ceiling, sender=account)


def skipped_reasons(stack: UsageStack, receipt: Any) -> list[bytes]:
    """The reason bytes of each ReportSkipped event of `receipt`, in order."""
    return [bytes(e.reason) for e in receipt.events.filter(stack.settlement.ReportSkipped)]


class ChargeRecord(NamedTuple):
    """`IUsageSettlement.ChargeRecord`, as decoded from a UsageCharged event."""

    period: int
    previousCumulative: int
    cumulative: int
    slices: tuple[int, ...]
    amount: int
    usdAmount: int
    usdPerSynor: int
    collected: int
    evidenceRoot: bytes


def charges(stack: UsageStack, receipt: Any) -> list[ChargeRecord]:
    """The ChargeRecord of each UsageCharged event of `receipt`, in order."""
    records = []
    for event in receipt.events.filter(stack.settlement.UsageCharged):
        raw = list(event.charge)
        raw[3] = tuple(int(x) for x in raw[3])
        raw[8] = bytes(raw[8])
        records.append(ChargeRecord(*raw))
    return records


def revert_data(sender: Any, data: bytes, to: Any = None) -> bytes:
    """The raw revert data of an `eth_call` of `data` (to `to`, or a deployment when None) from `sender`, in
    the current state (ape re-simulates a failed transaction later, when a deployment's address differs)."""
    from web3.exceptions import ContractCustomError, ContractLogicError

    tx: dict[str, Any] = {"from": str(getattr(sender, "address", sender)), "data": data}
    if to is not None:
        tx["to"] = str(getattr(to, "address", to))
    try:
        ape.chain.provider.web3.eth.call(tx)
    except (ContractCustomError, ContractLogicError) as error:
        raw = error.data
        assert isinstance(raw, str), raw
        return bytes.fromhex(raw.removeprefix("0x"))
    raise AssertionError("the call did not revert")
