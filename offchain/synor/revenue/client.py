"""Talking to the FeeSplitter and SynorStaking of a deployment: books, claims, splits, burns, buy-backs."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any

from eth_account.signers.local import LocalAccount
from web3 import Web3
from web3.contract import Contract
from web3.contract.contract import ContractFunction
from web3.logs import DISCARD
from web3.types import TxReceipt

from synor.chain import Chain, ChainError, checksum, tx_hash
from synor.revenue.settle import Step, StepKind, TokenState

ZERO_ADDRESS = "0x" + "00" * 20
BOOK_FIELDS = (
    "accounted",
    "treasuryAccrued",
    "treasuryPaid",
    "communityAccrued",
    "communityPaid",
    "stakersAccrued",
    "stakersPaid",
    "operatorsAttributed",
    "operatorPoolAccrued",
    "validatorPoolAccrued",
    "membersPaid",
    "burnAccrued",
    "burned",
)
"""``IFeeSplitter.Book``'s fields, in ABI order."""


@dataclass(frozen=True)
class RevenueToken:
    address: str
    symbol: str
    decimals: int
    is_synor: bool


@dataclass(frozen=True)
class StakingReward:
    """One reward token of the staking contract as one account sees it (amounts in base units)."""

    address: str
    symbol: str
    decimals: int
    earned: int  # claimable now
    claimed: int  # paid so far
    retired: bool  # no longer rewarded; what was earned stays claimable


@dataclass(frozen=True)
class StakePosition:
    """One account's SYNOR in the staking contract (base units; ``unlock_at`` is a Unix time, 0 if none)."""

    staked: int
    cooling: int
    unlock_at: int
    total_staked: int
    cooldown: int


@dataclass(frozen=True)
class Sent:
    """A transaction the client sent and the amount it moved (from the contract's own event)."""

    amount: int
    tx_hash: str


class RevenueClient:
    """The revenue contracts of one deployment (records ``splitter`` and ``staking``)."""

    def __init__(self, chain: Chain) -> None:
        self.chain = chain
        self.splitter: Contract = chain.contract("FeeSplitter", chain.deployment.address("splitter"))
        self.staking: Contract = chain.contract("SynorStaking", chain.deployment.address("staking"))

    # ------------------------------------------------------------------ reads

    @cached_property
    def synor(self) -> str:
        return Web3.to_checksum_address(self.splitter.functions.synor().call())

    @cached_property
    def max_slippage_bps(self) -> int:
        return int(self.splitter.functions.maxSlippageBps().call())

    def erc20(self, address: str) -> Contract:
        return self.chain.contract("IERC20Token", address)

    def tokens(self) -> list[RevenueToken]:
        """The accepted tokens, SYNOR first."""
        found = []
        for address in self.splitter.functions.acceptedTokens().call():
            token = self.erc20(address)
            found.append(
                RevenueToken(
                    address=Web3.to_checksum_address(address),
                    symbol=str(token.functions.symbol().call()),
                    decimals=int(token.functions.decimals().call()),
                    is_synor=Web3.to_checksum_address(address) == self.synor,
                )
            )
        return found

    def token(self, text: str) -> RevenueToken:
        """An accepted token by symbol (case-insensitive) or address."""
        for token in self.tokens():
            if text.lower() in (token.symbol.lower(), token.address.lower()):
                return token
        symbols = ", ".join(t.symbol for t in self.tokens())
        raise ChainError(f"{text!r} is not a token the splitter accepts (accepted: {symbols})")

    def book(self, token: str) -> dict[str, int]:
        values = self.splitter.functions.book(Web3.to_checksum_address(token)).call()
        return {name: int(value) for name, value in zip(BOOK_FIELDS, values, strict=True)}

    def claimable(self, token: str, account: str) -> int:
        return int(self.splitter.functions.claimable(checksum(token), checksum(account)).call())

    def claimed(self, token: str, account: str) -> int:
        return int(self.splitter.functions.claimed(checksum(token), checksum(account)).call())

    def staking_earned(self, token: str, account: str) -> tuple[int, int]:
        """``(earned, claimed)`` of ``account`` in the staking contract, zeros for a non-reward token."""
        if not self.staking.functions.isRewardToken(checksum(token)).call():
            return 0, 0
        earned = int(self.staking.functions.earned(checksum(token), checksum(account)).call())
        claimed = int(self.staking.functions.claimed(checksum(token), checksum(account)).call())
        return earned, claimed

    def rewards(self, account: str) -> list[StakingReward]:
        """What ``account`` has earned and claimed in every reward token of the staking contract, the
        active ones first, then the retired ones (still claimable)."""
        functions = self.staking.functions
        listed = [(a, False) for a in functions.rewardTokens().call()]
        listed += [(a, True) for a in functions.retiredRewardTokens().call()]
        found = []
        for address, retired in listed:
            token = self.erc20(address)
            found.append(
                StakingReward(
                    address=checksum(address),
                    symbol=str(token.functions.symbol().call()),
                    decimals=int(token.functions.decimals().call()),
                    earned=int(functions.earned(checksum(address), checksum(account)).call()),
                    claimed=int(functions.claimed(checksum(address), checksum(account)).call()),
                    retired=retired,
                )
            )
        return found

    def state(self, token: RevenueToken) -> TokenState:
        """What the settlement planner needs to know about ``token``."""
        address = token.address
        book = self.book(address)
        listed = bool(self.staking.functions.isRewardToken(address).call())
        pair_address = self.splitter.functions.buyBackPair(address).call()
        reserve_in = reserve_out = 0
        if pair_address != ZERO_ADDRESS:
            pair = self.chain.w3.eth.contract(address=Web3.to_checksum_address(pair_address), abi=PAIR_ABI)
            r0, r1, _ = pair.functions.getReserves().call()
            token0 = checksum(pair.functions.token0().call())
            reserve_in, reserve_out = (r0, r1) if token0 == address else (r1, r0)
        return TokenState(
            token=address,
            is_synor=token.is_synor,
            unaccounted=int(self.splitter.functions.unaccounted(address).call()),
            stakers_due=book["stakersAccrued"] - book["stakersPaid"],
            pending_burn=book["burnAccrued"] - book["burned"],
            staking_listed=listed,
            staking_unsynced=int(self.staking.functions.unsynced(address).call()) if listed else 0,
            total_staked=int(self.staking.functions.totalStaked().call()),
            has_pair=pair_address != ZERO_ADDRESS,
            reserve_in=int(reserve_in),
            reserve_out=int(reserve_out),
        )

    def states(self) -> list[TokenState]:
        return self.readable_states()[0]

    def readable_states(self) -> tuple[list[TokenState], list[tuple[RevenueToken, str]]]:
        """Every accepted token's state, and the tokens whose reads revert (e.g. a `balanceOf` that
        reverts) with the contract's reason: one broken token stalls only itself, never the others.
        Network failures still raise, for the caller's back-off."""
        from synor.errors import describe_contract_error

        states: list[TokenState] = []
        unreadable: list[tuple[RevenueToken, str]] = []
        for token in self.tokens():
            try:
                states.append(self.state(token))
            except Exception as error:
                reason = describe_contract_error(error)
                if reason is None:
                    raise
                unreadable.append((token, reason))
        return states, unreadable

    # ------------------------------------------------------------------ writes

    def claim(self, signer: LocalAccount, token: str) -> Sent:
        receipt = self._send(signer, self.splitter.functions.claim(checksum(token)), "claiming")
        events = self.splitter.events.Claimed().process_receipt(receipt, errors=DISCARD)
        return Sent(sum(int(e["args"]["amount"]) for e in events), tx_hash(receipt))

    def claim_staking(self, signer: LocalAccount, token: str) -> Sent:
        receipt = self._send(
            signer, self.staking.functions.claim(checksum(token)), "claiming staking rewards"
        )
        events = self.staking.events.RewardClaimed().process_receipt(receipt, errors=DISCARD)
        return Sent(sum(int(e["args"]["amount"]) for e in events), tx_hash(receipt))

    def stake(self, signer: LocalAccount, amount: int) -> Sent:
        """Stakes ``amount`` base units of SYNOR, approving exactly the missing allowance first."""
        if amount <= 0:
            raise ChainError("the amount to stake must be positive")
        synor = self.erc20(self.staking.functions.stakingToken().call())
        balance = int(synor.functions.balanceOf(signer.address).call())
        if balance < amount:
            raise ChainError(
                f"insufficient SYNOR: {signer.address} holds {balance} base units, needs {amount}"
            )
        allowance = int(synor.functions.allowance(signer.address, self.staking.address).call())
        if allowance < amount:
            approve = synor.functions.approve(self.staking.address, amount)
            self.chain.send(signer, approve, "approving SYNOR", final=False)
        receipt = self._send(signer, self.staking.functions.stake(amount), "staking")
        events = self.staking.events.Staked().process_receipt(receipt, errors=DISCARD)
        return Sent(sum(int(e["args"]["amount"]) for e in events), tx_hash(receipt))

    def request_unstake(self, signer: LocalAccount, amount: int) -> Sent:
        """Stops staking ``amount`` base units now; withdrawable after the cool-down."""
        if amount <= 0:
            raise ChainError("the amount to unstake must be positive")
        call = self.staking.functions.requestUnstake(amount)
        receipt = self._send(signer, call, "requesting unstake")
        events = self.staking.events.UnstakeRequested().process_receipt(receipt, errors=DISCARD)
        return Sent(sum(int(e["args"]["amount"]) for e in events), tx_hash(receipt))

    def position(self, account: str) -> StakePosition:
        """``account``'s stake, what is cooling down and when it unlocks, and the cool-down length."""
        functions = self.staking.functions
        cooling, unlock_at = functions.cooling(checksum(account)).call()
        return StakePosition(
            staked=int(functions.stakeOf(checksum(account)).call()),
            cooling=int(cooling),
            unlock_at=int(unlock_at),
            total_staked=int(functions.totalStaked().call()),
            cooldown=int(functions.cooldown().call()),
        )

    def withdraw(self, signer: LocalAccount) -> Sent:
        """Returns the SYNOR whose cool-down has ended."""
        receipt = self._send(signer, self.staking.functions.withdraw(), "withdrawing")
        events = self.staking.events.Withdrawn().process_receipt(receipt, errors=DISCARD)
        return Sent(sum(int(e["args"]["amount"]) for e in events), tx_hash(receipt))

    def split(self, signer: LocalAccount, token: str) -> Sent:
        receipt = self._send(signer, self.splitter.functions.split(checksum(token)), "splitting")
        events = self.splitter.events.ServiceRevenueSplit().process_receipt(receipt, errors=DISCARD)
        return Sent(sum(int(e["args"]["amount"]) for e in events), tx_hash(receipt))

    def buyback(self, signer: LocalAccount, token: str, amount: int, min_out: int) -> Sent:
        call = self.splitter.functions.buyBack(checksum(token), amount, min_out)
        receipt = self._send(signer, call, "buying back SYNOR")
        events = self.splitter.events.BoughtBackAndBurned().process_receipt(receipt, errors=DISCARD)
        return Sent(sum(int(e["args"]["synorBurned"]) for e in events), tx_hash(receipt))

    def _send(self, signer: LocalAccount, call: ContractFunction, what: str) -> TxReceipt:
        """Through the one transaction sender (estimate, gas headroom, named errors, dry runs)."""
        return self.chain.send(signer, call, what)

    def execute(self, signer: LocalAccount, step: Step) -> Sent:
        """Sends one planned settlement step."""
        token = checksum(step.token)
        if step.kind is StepKind.SPLIT:
            return self.split(signer, token)
        if step.kind is StepKind.BUYBACK:
            return self.buyback(signer, token, step.amount, step.min_out)
        if step.kind is StepKind.RELEASE:
            receipt = self._send(signer, self.splitter.functions.releaseToStaking(token), "releasing")
            events: Any = self.splitter.events.StakerRewardsReleased().process_receipt(
                receipt, errors=DISCARD
            )
            return Sent(sum(int(e["args"]["amount"]) for e in events), tx_hash(receipt))
        if step.kind is StepKind.SYNC:
            receipt = self._send(signer, self.staking.functions.sync(token), "syncing staking rewards")
            events = self.staking.events.RewardsSynced().process_receipt(receipt, errors=DISCARD)
            return Sent(sum(int(e["args"]["amount"]) for e in events), tx_hash(receipt))
        receipt = self._send(signer, self.splitter.functions.burn(), "burning SYNOR")
        events = self.splitter.events.Burned().process_receipt(receipt, errors=DISCARD)
        return Sent(sum(int(e["args"]["amount"]) for e in events), tx_hash(receipt))


PAIR_ABI: list[dict[str, Any]] = [
    {
        "type": "function",
        "name": "getReserves",
        "stateMutability": "view",
        "inputs": [],
        "outputs": [
            {"name": "reserve0", "type": "uint112"},
            {"name": "reserve1", "type": "uint112"},
            {"name": "blockTimestampLast", "type": "uint32"},
        ],
    },
    {
        "type": "function",
        "name": "token0",
        "stateMutability": "view",
        "inputs": [],
        "outputs": [{"name": "", "type": "address"}],
    },
]
"""The two Uniswap V2 pair reads the keeper needs (the pair is third-party; its ABI is not shipped)."""
