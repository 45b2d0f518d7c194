"""Talking to a PayableDAppFactory: prices, applications, runway, and paying for it."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from functools import cached_property

from eth_abi.exceptions import DecodingError
from eth_account.signers.local import LocalAccount
from web3 import Web3
from web3.contract import Contract
from web3.exceptions import BadFunctionCallOutput, ContractLogicError
from web3.logs import DISCARD

from synor.chain import Chain, ChainError, tx_hash
from synor.permit import PermitDomain, discover_domain, sign_permit


@dataclass(frozen=True)
class TokenInfo:
    address: str
    symbol: str
    decimals: int


@dataclass(frozen=True)
class Purchase:
    """Runway bought for ``app``: ``seconds`` for ``cost`` base units, now ending at ``until``."""

    app: str
    seconds: int
    cost: int
    until: int
    tx_hash: str


@dataclass(frozen=True)
class AppRecord:
    """An application as its creation (or import) event recorded it."""

    app: str
    owner: str
    template_hash: str
    block: int
    imported: bool = False


@dataclass(frozen=True)
class AppStatus:
    app: str
    owner: str
    template_hash: str
    until: int
    now: int
    location: str = ""

    @property
    def active(self) -> bool:
        return self.until > self.now

    @property
    def remaining(self) -> int:
        return max(self.until - self.now, 0)


class FactoryClient:
    """A PayableDAppFactory and its payment token, seen through one deployment."""

    def __init__(self, chain: Chain, address: str | None = None) -> None:
        self.chain = chain
        self.factory: Contract = chain.contract("PayableDAppFactory", address)

    # ------------------------------------------------------------------ reads

    @cached_property
    def token_contract(self) -> Contract:
        return self.chain.contract("IERC20Token", self.factory.functions.paymentToken().call())

    @cached_property
    def token(self) -> TokenInfo:
        contract = self.token_contract
        return TokenInfo(
            contract.address, contract.functions.symbol().call(), contract.functions.decimals().call()
        )

    @cached_property
    def price_per_second(self) -> int:
        return int(self.factory.functions.pricePerSecond().call())

    @cached_property
    def payee(self) -> str:
        return str(self.factory.functions.payee().call())

    def cost(self, seconds: int) -> int:
        return int(self.factory.functions.cost(seconds).call())

    def seconds_for(self, amount: int) -> int:
        return int(self.factory.functions.secondsFor(amount).call())

    def is_registered(self, app: str) -> bool:
        return bool(self.factory.functions.isRegistered(_checksum(app)).call())

    def status(self, app: str) -> AppStatus:
        address = _checksum(app)
        if not self.is_registered(address):
            raise ChainError(
                f"{app} is not an application of factory {self.factory.address}: check the address"
            )
        # Cartesi's accessor names, which applications created here and imported ones both answer.
        application = self.chain.contract("Application", address)
        return AppStatus(
            app=address,
            owner=application.functions.owner().call(),
            template_hash="0x" + bytes(application.functions.getTemplateHash().call()).hex(),
            until=int(self.factory.functions.runway(address).call()),
            now=self.chain.now(),
            location=self.location(address),
        )

    def location(self, app: str) -> str:
        """Where the machine snapshot of ``app`` is stored, as recorded here; empty if none was given."""
        return str(self.factory.functions.machineLocation(_checksum(app)).call())

    def applications(self, owner: str | None = None) -> list[AppRecord]:
        """Every application created or imported here (optionally of one first owner), oldest first."""
        argument_filters = {"owner": _checksum(owner)} if owner else None
        logs = [
            (log, False)
            for log in self.chain.scan_logs(self.factory.events.ApplicationCreated, argument_filters)
        ] + [
            (log, True)
            for log in self.chain.scan_logs(self.factory.events.ApplicationImported, argument_filters)
        ]
        logs.sort(key=lambda item: (item[0]["blockNumber"], item[0]["logIndex"]))
        return [
            AppRecord(
                app=log["args"]["app"],
                owner=log["args"]["owner"],
                template_hash="0x" + bytes(log["args"]["templateHash"]).hex(),
                block=log["blockNumber"],
                imported=imported,
            )
            for log, imported in logs
        ]

    def runway_events(self, from_block: int, to_block: int) -> list[tuple[str, int, int]]:
        """``(app, until, block)`` of every FinancialRunway event in the block range, in chain order."""
        return [
            (log["args"]["application"], int(log["args"]["until"]), log["blockNumber"])
            for log in self.chain.scan_logs(self.factory.events.FinancialRunway, None, from_block, to_block)
        ]

    # ------------------------------------------------------------------ writes

    def create(
        self,
        signer: LocalAccount,
        owner: str,
        template_hash: bytes,
        prefund_seconds: int,
        max_cost: int | None = None,
        salt: bytes | None = None,
        location: str | None = None,
    ) -> Purchase:
        """Creates an application with ``prefund_seconds`` of runway paid by ``signer``; with a
        ``location``, through Cartesi's overload that records it and emits ``MachineLocation``."""
        if location is not None:
            self._check_location(location)
        cost = self.cost(prefund_seconds)
        self._check_affordable(signer.address, cost, max_cost)
        if cost:
            self._ensure_allowance(signer, cost)
        salt = salt if salt is not None else secrets.token_bytes(32)
        if location is None:
            new_application = self.factory.get_function_by_signature(
                "newApplication(address,bytes32,uint256,bytes32)"
            )
            call = new_application(_checksum(owner), template_hash, prefund_seconds, salt)
        else:
            new_application = self.factory.get_function_by_signature(
                "newApplication(address,bytes32,string,uint256,bytes32)"
            )
            call = new_application(_checksum(owner), template_hash, location, prefund_seconds, salt)
        what = "creating the application" + (f", paying {_units(cost, self.token)}" if cost else "")
        receipt = self.chain.send(signer, call, what)
        created = self.factory.events.ApplicationCreated().process_receipt(receipt, errors=DISCARD)
        app = created[0]["args"]["app"]
        return Purchase(
            app, prefund_seconds, cost, int(self.factory.functions.runway(app).call()), tx_hash(receipt)
        )

    def extend(self, signer: LocalAccount, app: str, seconds: int, max_cost: int | None = None) -> Purchase:
        """Buys ``seconds`` of runway for ``app``, paid by ``signer`` (a permit when the token has one)."""
        address = _checksum(app)
        if not self.is_registered(address):
            raise ChainError(
                f"{app} is not an application of factory {self.factory.address}: check the address"
            )
        cost = self.cost(seconds)
        self._check_affordable(signer.address, cost, max_cost)
        limit = cost if max_cost is None else max_cost
        allowance = self.token_contract.functions.allowance(signer.address, self.factory.address).call()
        if allowance < cost and self._supports_permit():
            deadline = self.chain.now() + 3600
            # The contract calls permit(payer, factory, maxCost, …): sign exactly that value, or the
            # signature does not verify and the payment fails for want of an allowance.
            v, r, s = self._sign_permit(signer, limit, deadline)
            call = self.factory.functions.extendRunwayWithPermit(address, seconds, limit, deadline, v, r, s)
        else:
            self._ensure_allowance(signer, cost)
            call = self.factory.functions.extendRunway(address, seconds, limit)
        receipt = self.chain.send(signer, call, f"extending the runway, paying {_units(cost, self.token)}")
        paid = self.factory.events.RunwayPaid().process_receipt(receipt, errors=DISCARD)[0]["args"]
        return Purchase(
            address,
            seconds,
            int(paid["amount"]),
            int(self.factory.functions.runway(address).call()),
            tx_hash(receipt),
        )

    def import_application(
        self,
        signer: LocalAccount,
        app: str,
        location: str,
        prefund_seconds: int,
        max_cost: int | None = None,
    ) -> Purchase:
        """Registers ``app``, deployed elsewhere and owned by ``signer``, with its machine ``location``
        and ``prefund_seconds`` of runway paid by ``signer`` (Cartesi's ``importApplication``)."""
        address = _checksum(app)
        self._check_location(location)
        if self.is_registered(address):
            raise ChainError(f"{address} is already registered with factory {self.factory.address}")
        owner = self._owner_of(address)
        if owner.lower() != signer.address.lower():
            raise ChainError(f"only the owner of {address} ({owner}) may import it, not {signer.address}")
        cost = self.cost(prefund_seconds)
        self._check_affordable(signer.address, cost, max_cost)
        if cost:
            self._ensure_allowance(signer, cost)
        call = self.factory.functions.importApplication(address, location, prefund_seconds)
        receipt = self.chain.send(signer, call, "importing the application")
        return Purchase(
            address,
            prefund_seconds,
            cost,
            int(self.factory.functions.runway(address).call()),
            tx_hash(receipt),
        )

    @cached_property
    def max_location_length(self) -> int:
        return int(self.factory.functions.MAX_LOCATION_LENGTH().call())

    def _check_location(self, location: str) -> None:
        size = len(location.encode())
        if size == 0:
            raise ChainError("the machine location is empty: give where the machine snapshot is stored")
        if size > self.max_location_length:
            raise ChainError(
                f"the machine location is {size} bytes long; the factory accepts at most {self.max_location_length}"
            )

    def _owner_of(self, address: str) -> str:
        application = self.chain.contract("Application", address)
        try:
            owner = str(application.functions.owner().call())
            application.functions.getTemplateHash().call()
        except (
            BadFunctionCallOutput,
            ContractLogicError,
            DecodingError,
        ):  # no code, no such function, a bad answer
            raise ChainError(
                f"{address} is not an application: it must answer owner() and getTemplateHash()"
            ) from None
        return owner

    def _check_affordable(self, payer: str, cost: int, max_cost: int | None) -> None:
        token = self.token
        if max_cost is not None and cost > max_cost:
            raise ChainError(
                f"this costs {_units(cost, token)}, more than --max-cost {_units(max_cost, token)}"
            )
        balance = int(self.token_contract.functions.balanceOf(payer).call())
        if balance < cost:
            raise ChainError(
                f"{payer} holds {_units(balance, token)} but this costs {_units(cost, token)}: fund the account first"
            )

    def _ensure_allowance(self, signer: LocalAccount, cost: int) -> None:
        allowance = self.token_contract.functions.allowance(signer.address, self.factory.address).call()
        if allowance < cost:
            call = self.token_contract.functions.approve(self.factory.address, cost)
            self.chain.send(
                signer, call, f"approving {_units(cost, self.token)} for the factory", final=False
            )

    def _supports_permit(self) -> bool:
        return self._permit_domain is not None

    @cached_property
    def _permit_domain(self) -> PermitDomain | None:
        """The token's EIP-2612 domain (None without a permit: payments approve first)."""
        return discover_domain(self.token_contract, self.chain.deployment.chain_id)

    def _sign_permit(self, signer: LocalAccount, value: int, deadline: int) -> tuple[int, bytes, bytes]:
        domain = self._permit_domain
        assert domain is not None  # only called when _supports_permit()
        nonce = self.token_contract.functions.nonces(signer.address).call()
        return sign_permit(signer.key, domain, signer.address, self.factory.address, value, nonce, deadline)


def _checksum(address: str | None) -> str:
    if address is None or not Web3.is_address(address):
        raise ChainError(f"{address!r} is not an address: expected 0x followed by 40 hex digits")
    return str(Web3.to_checksum_address(address))


def _units(amount: int, token: TokenInfo) -> str:
    from synor.units import format_amount

    return format_amount(amount, token.decimals, token.symbol)
