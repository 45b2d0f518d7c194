"""Talking to the PrepaidEscrow of a deployment: balances, consent, headroom, debt, withdrawals, and the
account's writes (deposit, allow, revoke, withdraw, collect debt).

Every write is checked first against the contract's views, so a transaction that would revert or change
nothing is refused with a one-line ``ChainError`` ("…: nothing sent") instead of being sent. The one
transaction sender (``synor.sender``) still estimates each call and refuses one bound to fail.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from eth_account.signers.local import LocalAccount
from web3.contract import Contract
from web3.logs import DISCARD

from synor.chain import Chain, ChainError, checksum, tx_hash
from synor.deployments import DeploymentError
from synor.permit import PermitDomain, discover_domain, sign_permit
from synor.units import SYNOR_DECIMALS, format_amount, format_synor, format_time

USD_DECIMALS = SYNOR_DECIMALS  # the oracle's USD has 18 decimals too
NO_CEILING = 2**256 - 1
"""What `allow` takes for "no ceiling" (stored, and read back by `consent`, as ``2**96 - 1``)."""
STORED_NO_CEILING = 2**96 - 1
MAX_CEILING = STORED_NO_CEILING - 1
"""The largest ceiling in base units (a ceiling must be below ``2**96 - 1``)."""
OPEN_ENDED = 2**32 - 1
"""A consent's ``untilPeriod`` while it is not revoked."""
PERMIT_SECONDS = 3600
"""How long a deposit's permit stays valid."""


def usd_text(amount: int) -> str:
    return f"{format_amount(amount, USD_DECIMALS)} USD"


@dataclass(frozen=True)
class Debt:
    """Outstanding debt: SYNOR base units, and 18-decimal USD not yet converted (no price then)."""

    synor: int
    usd: int

    @property
    def zero(self) -> bool:
        return self.synor == 0 and self.usd == 0


@dataclass(frozen=True)
class Consent:
    """An account's consent for one operator, as the escrow holds it now.

    ``ceiling`` is None for no ceiling; ``until_period`` is None while the consent is not revoked (else the
    last period of usage the operator may still charge). ``headroom`` is what it may still collect in the
    current period (None: unlimited). ``debt`` is the account's outstanding debt to it.
    """

    operator: str
    ceiling: int | None
    spent: int
    spent_period: int
    until_period: int | None
    headroom: int | None
    debt: Debt

    @property
    def revoked(self) -> bool:
        return self.until_period is not None


@dataclass(frozen=True)
class Withdrawal:
    """An account's withdrawal request: ``unlocks_at`` 0 when none; ``now`` is the chain's time."""

    unlocks_at: int
    now: int

    @property
    def status(self) -> str:
        if self.unlocks_at == 0:
            return "none"
        return "unlocked" if self.now >= self.unlocks_at else "locked"

    def describe(self) -> str:
        if self.status == "none":
            return "no withdrawal requested"
        if self.status == "locked":
            return f"withdrawal requested: chargeable until {format_time(self.unlocks_at)}"
        return f"withdrawal requested: unlocked since {format_time(self.unlocks_at)}"


@dataclass(frozen=True)
class AccountState:
    """Everything the escrow holds for one account (amounts in base units)."""

    account: str
    balance: int
    total_debt: Debt
    withdrawal: Withdrawal
    consents: list[Consent]
    period: int


@dataclass(frozen=True)
class Sent:
    """A transaction the client sent and the amount it moved (from the contract's own event)."""

    amount: int
    tx_hash: str


def escrow_address(chain: Chain, key: str = "escrow") -> str:
    """The recorded address of ``key`` (``escrow`` or ``settlement``), or a DeploymentError saying that
    usage billing is deployed with the revenue contracts."""
    try:
        return chain.deployment.address(key)
    except DeploymentError:
        raise DeploymentError(
            f"no {key!r} in the {chain.deployment.network} deployment: usage billing is deployed with the "
            "revenue contracts; redeploy with `ape run deploy`"
        ) from None


class EscrowClient:
    """The PrepaidEscrow of one deployment (record ``escrow``) and its SYNOR token."""

    def __init__(self, chain: Chain) -> None:
        self.chain = chain
        self.escrow: Contract = chain.contract("PrepaidEscrow", escrow_address(chain, "escrow"))

    # ------------------------------------------------------------------ reads

    @cached_property
    def token(self) -> Contract:
        return self.chain.contract("SynorToken", self.escrow.functions.synor().call())

    @cached_property
    def settlement(self) -> Contract:
        return self.chain.contract("UsageSettlement", self.escrow.functions.settlement().call())

    def balance_of(self, account: str) -> int:
        return int(self.escrow.functions.balanceOf(checksum(account)).call())

    def wallet_balance(self, account: str) -> int:
        """SYNOR ``account`` holds in its wallet (outside the escrow)."""
        return int(self.token.functions.balanceOf(checksum(account)).call())

    def allowance(self, owner: str) -> int:
        return int(self.token.functions.allowance(checksum(owner), self.escrow.address).call())

    def debt_of(self, account: str, operator: str) -> Debt:
        synor, usd = self.escrow.functions.debtOf(checksum(account), checksum(operator)).call()
        return Debt(int(synor), int(usd))

    def total_debt_of(self, account: str) -> Debt:
        synor, usd = self.escrow.functions.totalDebtOf(checksum(account)).call()
        return Debt(int(synor), int(usd))

    def headroom(self, account: str, operator: str) -> int | None:
        """What ``operator`` may still collect from ``account`` this period (None: no ceiling)."""
        value = int(self.escrow.functions.headroom(checksum(account), checksum(operator)).call())
        return None if value == NO_CEILING else value

    def consent(self, account: str, operator: str) -> Consent:
        ceiling, spent, spent_period, until_period = self.escrow.functions.consent(
            checksum(account), checksum(operator)
        ).call()
        return Consent(
            operator=checksum(operator),
            ceiling=None if int(ceiling) == STORED_NO_CEILING else int(ceiling),
            spent=int(spent),
            spent_period=int(spent_period),
            until_period=None if int(until_period) == OPEN_ENDED else int(until_period),
            headroom=self.headroom(account, operator),
            debt=self.debt_of(account, operator),
        )

    def is_allowed(self, account: str, operator: str) -> bool:
        """Whether ``account`` has allowed ``operator`` and not revoked it."""
        ceiling, _, _, until_period = self.escrow.functions.consent(
            checksum(account), checksum(operator)
        ).call()
        return int(ceiling) != 0 and int(until_period) == OPEN_ENDED

    def withdrawal(self, account: str) -> Withdrawal:
        unlocks_at = int(self.escrow.functions.withdrawalUnlocksAt(checksum(account)).call())
        return Withdrawal(unlocks_at, self.chain.now())

    def paused(self) -> bool:
        return bool(self.escrow.functions.paused().call())

    def current_period(self) -> int:
        return int(self.settlement.functions.currentPeriod().call())

    def operators_of(self, account: str) -> list[str]:
        """Every operator ``account`` ever allowed, in the order first allowed (from OperatorAllowed logs;
        debt can only arise for an operator that was allowed)."""
        found: dict[str, None] = {}
        logs = self.chain.scan_logs(self.escrow.events.OperatorAllowed, {"account": checksum(account)})
        for log in logs:
            found.setdefault(checksum(log["args"]["operator"]), None)
        return list(found)

    def state(self, account: str) -> AccountState:
        address = checksum(account)
        return AccountState(
            account=address,
            balance=self.balance_of(address),
            total_debt=self.total_debt_of(address),
            withdrawal=self.withdrawal(address),
            consents=[self.consent(address, operator) for operator in self.operators_of(address)],
            period=self.current_period(),
        )

    # ------------------------------------------------------------------ writes

    def deposit(self, signer: LocalAccount, account: str, amount: int, permit: bool = False) -> Sent:
        """Deposits ``amount`` SYNOR base units from ``signer`` into ``account``'s balance. Without enough
        allowance it approves exactly ``amount`` first, or, with ``permit``, signs an EIP-2612 permit for
        exactly ``amount`` (one transaction)."""
        if amount <= 0:
            raise ChainError("the amount to deposit must be positive: nothing sent")
        if int(account, 16) == 0:
            raise ChainError("cannot deposit into the zero address: nothing sent")
        held = self.wallet_balance(signer.address)
        if held < amount:
            raise ChainError(
                f"{signer.address} holds {format_synor(held)}, less than the {format_synor(amount)} to deposit: "
                "nothing sent"
            )
        functions = self.escrow.functions
        if self.allowance(signer.address) >= amount:
            call = functions.deposit(checksum(account), amount)
        elif permit:
            deadline = self.chain.now() + PERMIT_SECONDS
            v, r, s = self._sign_permit(signer, amount, deadline)
            call = functions.depositWithPermit(checksum(account), amount, deadline, v, r, s)
        else:
            approve = self.token.functions.approve(self.escrow.address, amount)
            self.chain.send(signer, approve, f"approving {format_synor(amount)} for the escrow", final=False)
            call = functions.deposit(checksum(account), amount)
        receipt = self.chain.send(signer, call, f"depositing {format_synor(amount)}")
        events = self.escrow.events.Deposited().process_receipt(receipt, errors=DISCARD)
        return Sent(sum(int(e["args"]["amount"]) for e in events), tx_hash(receipt))

    def allow(self, signer: LocalAccount, operator: str, ceiling: int | None) -> Sent:
        """Allows ``operator`` to charge ``signer`` up to ``ceiling`` base units per period (None: no
        ceiling). Refused when ``operator`` is not a registered operator (its reports would be refused, and
        a mistyped address is likelier than an operator not yet registered) or when the consent is already
        exactly this."""
        address = checksum(operator)
        if ceiling is not None and not 0 < ceiling <= MAX_CEILING:
            raise ChainError(
                f"a ceiling must be more than 0 and at most {format_synor(MAX_CEILING)} (or none): nothing sent"
            )
        if not bool(self.settlement.functions.isOperator(address).call()):
            raise ChainError(
                f"{address} is not a registered operator of settlement {self.settlement.address}: nothing "
                "sent (check the address, or ask the registrar to `synor operator register` it first)"
            )
        if (
            self.is_allowed(signer.address, address)
            and self.consent(signer.address, address).ceiling == ceiling
        ):
            shown = "no ceiling" if ceiling is None else f"a ceiling of {format_synor(ceiling)} per period"
            raise ChainError(f"{address} is already allowed with {shown}: nothing sent")
        value = NO_CEILING if ceiling is None else ceiling
        receipt = self.chain.send(
            signer, self.escrow.functions.allow(address, value), "allowing the operator"
        )
        return Sent(ceiling or 0, tx_hash(receipt))

    def revoke(self, signer: LocalAccount, operator: str) -> Sent:
        """Revokes ``operator``: refused when it was never allowed or is already revoked."""
        address = checksum(operator)
        raw_ceiling, _, _, until_period = self.escrow.functions.consent(signer.address, address).call()
        if int(raw_ceiling) == 0:
            raise ChainError(f"{signer.address} never allowed {address}: nothing to revoke, nothing sent")
        if int(until_period) != OPEN_ENDED:
            raise ChainError(
                f"{address} is already revoked (it may charge usage up to period {int(until_period)}): "
                "nothing sent"
            )
        receipt = self.chain.send(signer, self.escrow.functions.revoke(address), "revoking the operator")
        events = self.escrow.events.OperatorRevoked().process_receipt(receipt, errors=DISCARD)
        last = int(events[0]["args"]["lastPeriod"]) if events else 0
        return Sent(last, tx_hash(receipt))

    def request_withdrawal(self, signer: LocalAccount) -> Sent:
        """Asks to withdraw; returns when it unlocks (``Sent.amount``)."""
        pending = self.withdrawal(signer.address)
        if pending.unlocks_at:
            raise ChainError(
                f"{signer.address} already asked to withdraw (unlocks {format_time(pending.unlocks_at)}): "
                "nothing sent"
            )
        if self.balance_of(signer.address) == 0:
            raise ChainError(f"{signer.address} has no prepaid balance to withdraw: nothing sent")
        receipt = self.chain.send(
            signer, self.escrow.functions.requestWithdrawal(), "requesting a withdrawal"
        )
        events = self.escrow.events.WithdrawalRequested().process_receipt(receipt, errors=DISCARD)
        unlocks_at = int(events[0]["args"]["unlocksAt"]) if events else 0
        return Sent(unlocks_at, tx_hash(receipt))

    def cancel_withdrawal(self, signer: LocalAccount) -> Sent:
        if self.withdrawal(signer.address).unlocks_at == 0:
            raise ChainError(f"{signer.address} has not asked to withdraw: nothing to cancel, nothing sent")
        receipt = self.chain.send(
            signer, self.escrow.functions.cancelWithdrawal(), "cancelling the withdrawal"
        )
        return Sent(0, tx_hash(receipt))

    def withdraw(self, signer: LocalAccount, to: str) -> Sent:
        """Withdraws the balance less outstanding debt to ``to``, once the request has unlocked."""
        if int(to, 16) == 0:
            raise ChainError("cannot withdraw to the zero address: nothing sent")
        pending = self.withdrawal(signer.address)
        if pending.unlocks_at == 0:
            raise ChainError(
                f"{signer.address} has not asked to withdraw: request first with `synor account withdraw "
                "--request` (the balance stays chargeable until the period's settlement window closes): "
                "nothing sent"
            )
        if pending.status == "locked":
            raise ChainError(
                f"the withdrawal unlocks at {format_time(pending.unlocks_at)} (the balance is chargeable "
                "until then): nothing sent"
            )
        balance = self.balance_of(signer.address)
        debt = self.total_debt_of(signer.address)
        if balance <= debt.synor:
            raise ChainError(
                f"{signer.address}'s balance {format_synor(balance)} does not exceed its debt "
                f"{format_synor(debt.synor)}: nothing to withdraw, nothing sent"
            )
        receipt = self.chain.send(signer, self.escrow.functions.withdraw(checksum(to)), "withdrawing")
        events = self.escrow.events.Withdrawn().process_receipt(receipt, errors=DISCARD)
        return Sent(sum(int(e["args"]["amount"]) for e in events), tx_hash(receipt))

    def collect_debt(self, signer: LocalAccount, account: str, operator: str) -> Sent:
        """Collects what can be collected now of ``account``'s debt to ``operator`` (anyone may)."""
        holder, address = checksum(account), checksum(operator)
        debt = self.debt_of(holder, address)
        if debt.zero:
            raise ChainError(f"{holder} owes {address} nothing: nothing to collect, nothing sent")
        if self.paused():
            raise ChainError("charging is paused by the guardian: debt cannot be collected now, nothing sent")
        if self.balance_of(holder) == 0:
            raise ChainError(
                f"{holder} has no prepaid balance: deposit first (`synor account deposit`), nothing sent"
            )
        if self.headroom(holder, address) == 0:
            raise ChainError(
                f"{address} has reached {holder}'s ceiling this period: collect next period or raise the "
                "ceiling (`synor account allow`), nothing sent"
            )
        call = self.escrow.functions.collectDebt(holder, address)
        receipt = self.chain.send(signer, call, "collecting debt")
        events = self.escrow.events.DebtCollected().process_receipt(receipt, errors=DISCARD)
        return Sent(sum(int(e["args"]["amount"]) for e in events), tx_hash(receipt))

    # ------------------------------------------------------------------ permits

    def _sign_permit(self, signer: LocalAccount, value: int, deadline: int) -> tuple[int, bytes, bytes]:
        domain = self._permit_domain
        nonce = int(self.token.functions.nonces(signer.address).call())
        return sign_permit(signer.key, domain, signer.address, self.escrow.address, value, nonce, deadline)

    @cached_property
    def _permit_domain(self) -> PermitDomain:
        """SYNOR's EIP-2612 domain, checked against its ``DOMAIN_SEPARATOR()``."""
        domain = discover_domain(self.token, self.chain.deployment.chain_id)
        if domain is None:
            raise ChainError(
                f"the SYNOR token {self.token.address} has no EIP-2612 permit this client can sign: deposit "
                "without --permit (it approves first), nothing sent"
            )
        return domain
