"""Misbehaving ERC-20 tokens (``contracts/test/``), one fixture for every contract that holds or moves tokens.

``misbehaving_token`` is parametrized over all six tokens in their ordinary state: a contract must work
with each and count what actually arrived (fee-on-transfer). ``failing_token`` is parametrized over the
four that can be made to fail a transfer (``sabotage``): a contract must then fail in that token only,
and pay everything once the token works again (``restore``). A new contract (e.g. the escrow) gets the
whole suite by taking these fixtures.
"""

from __future__ import annotations

from typing import Any

import pytest

BPS = 10_000


class MisbehavingToken:
    """A deployed misbehaving token and what it does to transfers."""

    name = ""
    can_fail = False
    fee_bps = 0
    """What a transfer between two holders loses (fee-on-transfer); minting is free."""

    def __init__(self, project: Any, deployer: Any) -> None:
        self.contract = getattr(project, self.name).deploy(sender=deployer)
        self.minter = deployer

    def __repr__(self) -> str:
        return self.name

    @property
    def address(self) -> str:
        return str(self.contract.address)

    def arrives(self, amount: int) -> int:
        """What reaches the recipient when ``amount`` is transferred between two holders."""
        return amount - amount * self.fee_bps // BPS

    def mint(self, to: Any, amount: int) -> None:
        self.contract.mint(to, amount, sender=self.minter)

    def balance(self, holder: Any) -> int:
        return int(self.contract.balanceOf(holder))

    def sabotage(self, holder: Any, reenter: bytes = b"") -> Any:
        """Makes transfers out of (and into) ``holder`` fail, and returns the error ``ape.reverts`` should
        expect when a contract passes the token's own failure on (as SafeERC20 does). ``reenter`` is the
        call the callback token makes back into ``holder`` during every transfer."""
        raise NotImplementedError(f"{self.name} cannot be made to fail")

    def restore(self) -> None:
        """Undoes ``sabotage``."""
        raise NotImplementedError(f"{self.name} cannot be made to fail")


class FeeOnTransfer(MisbehavingToken):
    name = "FeeOnTransferToken"
    fee_bps = 100  # the contract's default: 1% of every transfer is burned


class NoReturn(MisbehavingToken):
    name = "NoReturnToken"  # USDT-like: transfer, transferFrom and approve return nothing


class RevertingBalance(MisbehavingToken):
    name = "RevertingBalanceToken"
    can_fail = True

    def sabotage(self, holder: Any, reenter: bytes = b"") -> Any:
        self.contract.setBroken(True, sender=self.minter)  # balanceOf and every transfer revert, for everyone
        return self.contract.RevertingBalanceToken_Broken

    def restore(self) -> None:
        self.contract.setBroken(False, sender=self.minter)


class Blacklistable(MisbehavingToken):
    name = "BlacklistableToken"
    can_fail = True

    def __init__(self, project: Any, deployer: Any) -> None:
        super().__init__(project, deployer)
        self.blacklisted: list[Any] = []

    def sabotage(self, holder: Any, reenter: bytes = b"") -> Any:
        self.contract.setBlacklisted(holder, True, sender=self.minter)
        self.blacklisted.append(holder)
        return self.contract.BlacklistableToken_Blacklisted

    def restore(self) -> None:
        while self.blacklisted:
            self.contract.setBlacklisted(self.blacklisted.pop(), False, sender=self.minter)


class FalseReturning(MisbehavingToken):
    name = "FalseReturningToken"
    can_fail = True

    def sabotage(self, holder: Any, reenter: bytes = b"") -> Any:
        self.contract.setRefusing(True, sender=self.minter)  # transfers answer false instead of reverting
        return None  # the contract names the failure itself (SafeERC20FailedOperation, PaymentFailed)

    def restore(self) -> None:
        self.contract.setRefusing(False, sender=self.minter)


class Callback(MisbehavingToken):
    name = "CallbackToken"
    can_fail = True

    def sabotage(self, holder: Any, reenter: bytes = b"") -> Any:
        self.contract.setHook(holder, reenter, sender=self.minter)  # every transfer calls back into holder
        return None  # the holder's own reentrancy guard refuses: ReentrancyGuardReentrantCall

    def restore(self) -> None:
        self.contract.setHook("0x" + "00" * 20, b"", sender=self.minter)


ALL = [FeeOnTransfer, NoReturn, RevertingBalance, Blacklistable, FalseReturning, Callback]
FAILING = [kind for kind in ALL if kind.can_fail]


@pytest.fixture(params=ALL, ids=lambda kind: kind.name)
def misbehaving_token(request, project, deployer) -> MisbehavingToken:
    """Each misbehaving token, deployed fresh, in its ordinary (working) state."""
    kind: type[MisbehavingToken] = request.param
    return kind(project, deployer)


@pytest.fixture(params=FAILING, ids=lambda kind: kind.name)
def failing_token(request, project, deployer) -> MisbehavingToken:
    """Each misbehaving token that can be made to fail a transfer, deployed fresh and working until sabotaged."""
    kind: type[MisbehavingToken] = request.param
    return kind(project, deployer)
