"""`synor account …`: an account's prepaid SYNOR balance for metered usage in the PrepaidEscrow.

Deposits (anyone may fund anyone), consent per operator with a ceiling per billing period, outstanding
debt (collectable by anyone once funds exist) and thawing withdrawals. Every write is checked against the
escrow's views first: one that would revert or change nothing is refused (one line, exit 2, nothing sent).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import click

from synor.cli.context import Context, pass_context
from synor.cli.options import Address, Amount, Ceiling, account_option, dry_run_option, json_option
from synor.units import SYNOR_DECIMALS, format_amount, format_synor, format_time, money_json, parse_amount

if TYPE_CHECKING:
    from synor.billing.escrow import AccountState, Consent, Debt, EscrowClient


def _client(context: Context) -> EscrowClient:
    from synor.billing.escrow import EscrowClient

    return EscrowClient(context.chain)


def _debt_json(debt: Debt) -> dict[str, Any]:
    return {"synor": money_json(debt.synor), "usd": money_json(debt.usd)}


def _debt_text(debt: Debt) -> str:
    text = format_synor(debt.synor)
    return f"{text} + {format_amount(debt.usd, 18)} USD (unpriced)" if debt.usd else text


def _spent_now(consent: Consent, period: int) -> int:
    return consent.spent if consent.spent_period == period else 0


def _consent_json(consent: Consent, period: int) -> dict[str, Any]:
    return {
        "operator": consent.operator,
        "status": "revoked" if consent.revoked else "allowed",
        "ceiling": None if consent.ceiling is None else money_json(consent.ceiling),
        "spent_this_period": money_json(_spent_now(consent, period)),
        "headroom": None if consent.headroom is None else money_json(consent.headroom),
        "until_period": consent.until_period,
        "debt": _debt_json(consent.debt),
    }


def _consent_text(consent: Consent, period: int) -> str:
    if consent.revoked:
        status = f"revoked (may charge usage up to period {consent.until_period})"
    else:
        status = "allowed"
    ceiling = (
        "no ceiling" if consent.ceiling is None else f"ceiling {format_synor(consent.ceiling)} per period"
    )
    headroom = "unlimited" if consent.headroom is None else format_synor(consent.headroom)
    return (
        f"  {consent.operator}: {status}, {ceiling}, spent {format_synor(_spent_now(consent, period))} this period, "
        f"headroom {headroom}; debt {_debt_text(consent.debt)}"
    )


def _state_json(state: AccountState) -> dict[str, Any]:
    return {
        "account": state.account,
        "period": state.period,
        "balance": money_json(state.balance),
        "total_debt": _debt_json(state.total_debt),
        "withdrawal": {
            "status": state.withdrawal.status,
            "unlocks_at": state.withdrawal.unlocks_at or None,
        },
        "operators": [_consent_json(c, state.period) for c in state.consents],
    }


def _holder(context: Context, holder: str | None, account: str | None) -> str:
    """The account shown: the ACCOUNT argument, else the --account signer's address."""
    return holder if holder is not None else context.signer(account).address


@click.group()
def account() -> None:
    """Prepaid SYNOR balances for metered usage: deposits, operator consent, debt and withdrawals."""


@account.command()
@click.argument("amount", type=Amount(positive=True))
@click.option("--to", "to", type=Address(what="account"), help="Account credited (default: the signer).")
@click.option("--permit", is_flag=True, help="Approve by an EIP-2612 permit (one transaction, no approve).")
@account_option
@dry_run_option
@json_option
@pass_context
def deposit(
    context: Context,
    amount: str,
    to: str | None,
    permit: bool,
    account: str | None,
    dry_run: bool,
    as_json: bool,
) -> None:
    """Deposit AMOUNT SYNOR into a prepaid balance, approving exactly what is missing (or --permit)."""
    base_units = parse_amount(amount, SYNOR_DECIMALS)
    client = _client(context)
    signer = context.signer(account)
    credited = to or signer.address
    sent = client.deposit(signer, credited, base_units, permit=permit)
    balance = client.balance_of(credited)
    context.report(
        {
            "account": credited,
            "from": signer.address,
            "deposited": money_json(sent.amount),
            "balance": money_json(balance),
            "transaction": sent.tx_hash,
        },
        f"deposited {format_synor(sent.amount)} from {signer.address} into {credited} (tx {sent.tx_hash}); "
        f"balance {format_synor(balance)}",
    )


@account.command()
@click.argument("holder", metavar="[ACCOUNT]", type=Address(what="account"), required=False)
@account_option
@json_option
@pass_context
def balance(context: Context, holder: str | None, account: str | None, as_json: bool) -> None:
    """An account's balance, debt per operator (SYNOR and USD), withdrawal status and consents."""
    state = _client(context).state(_holder(context, holder, account))
    if as_json:
        context.emit_json(_state_json(state))
        return
    out = context.out
    out.print(f"{state.account}: prepaid balance {format_synor(state.balance)} (period {state.period})")
    out.print(f"  debt in total: {_debt_text(state.total_debt)}")
    out.print(f"  {state.withdrawal.describe()}")
    if not state.consents:
        out.print("  no operator allowed: allow one with `synor account allow OPERATOR`")
    for consent in state.consents:
        out.print(_consent_text(consent, state.period))


@account.command()
@click.argument("operator", type=Address(what="operator"))
@click.option(
    "--ceiling",
    type=Ceiling(),
    default="none",
    show_default=True,
    help="Most SYNOR the operator may collect per billing period, or none for no ceiling.",
)
@account_option
@dry_run_option
@json_option
@pass_context
def allow(
    context: Context,
    operator: str,
    ceiling: int | None,
    account: str | None,
    dry_run: bool,
    as_json: bool,
) -> None:
    """Allow OPERATOR (a registered operator) to charge the signer's balance, up to --ceiling per period."""
    client = _client(context)
    signer = context.signer(account)
    sent = client.allow(signer, operator, ceiling)
    shown = "no ceiling" if ceiling is None else f"a ceiling of {format_synor(ceiling)} per period"
    context.report(
        {
            "account": signer.address,
            "operator": operator,
            "ceiling": None if ceiling is None else money_json(ceiling),
            "transaction": sent.tx_hash,
        },
        f"{signer.address} allowed {operator} with {shown} (tx {sent.tx_hash})",
    )


@account.command()
@click.argument("operator", type=Address(what="operator"))
@account_option
@dry_run_option
@json_option
@pass_context
def revoke(context: Context, operator: str, account: str | None, dry_run: bool, as_json: bool) -> None:
    """Revoke OPERATOR: usage after the current period can no longer be charged."""
    client = _client(context)
    signer = context.signer(account)
    sent = client.revoke(signer, operator)
    context.report(
        {
            "account": signer.address,
            "operator": operator,
            "last_period": sent.amount,
            "transaction": sent.tx_hash,
        },
        f"{signer.address} revoked {operator} (tx {sent.tx_hash}): it may still charge usage up to "
        f"period {sent.amount}, until that period's settlement window closes",
    )


@account.command()
@click.option(
    "--request", is_flag=True, help="Ask to withdraw (public; unlocks after the settlement window)."
)
@click.option("--cancel", is_flag=True, help="Cancel the withdrawal request.")
@click.option(
    "--to", "to", type=Address(what="recipient"), help="Where the SYNOR goes (default: the signer)."
)
@account_option
@dry_run_option
@json_option
@pass_context
def withdraw(
    context: Context,
    request: bool,
    cancel: bool,
    to: str | None,
    account: str | None,
    dry_run: bool,
    as_json: bool,
) -> None:
    """Withdraw the balance less debt once unlocked; --request asks first, --cancel takes the request back."""
    if request and cancel:
        raise click.UsageError("give --request or --cancel, not both")
    if to is not None and (request or cancel):
        raise click.UsageError("--to goes with the withdrawal itself, not with --request or --cancel")
    client = _client(context)
    signer = context.signer(account)
    if request:
        sent = client.request_withdrawal(signer)
        context.report(
            {"account": signer.address, "unlocks_at": sent.amount, "transaction": sent.tx_hash},
            f"{signer.address} asked to withdraw (tx {sent.tx_hash}); the balance stays chargeable until "
            f"{format_time(sent.amount)}, then `synor account withdraw`",
        )
        return
    if cancel:
        sent = client.cancel_withdrawal(signer)
        context.report(
            {"account": signer.address, "cancelled": True, "transaction": sent.tx_hash},
            f"{signer.address} cancelled its withdrawal request (tx {sent.tx_hash})",
        )
        return
    recipient = to or signer.address
    sent = client.withdraw(signer, recipient)
    remaining = client.balance_of(signer.address)
    context.report(
        {
            "account": signer.address,
            "to": recipient,
            "withdrawn": money_json(sent.amount),
            "balance": money_json(remaining),
            "transaction": sent.tx_hash,
        },
        f"withdrew {format_synor(sent.amount)} from {signer.address} to {recipient} (tx {sent.tx_hash}); "
        f"{format_synor(remaining)} stays for outstanding debt",
    )


@account.command()
@click.argument("holder", metavar="[ACCOUNT]", type=Address(what="account"), required=False)
@click.option("--collect", is_flag=True, help="Collect the debt to --operator now (anyone may).")
@click.option(
    "--operator",
    type=Address(what="operator"),
    help="The operator whose debt to show or, with --collect, to collect.",
)
@account_option
@dry_run_option
@json_option
@pass_context
def debt(
    context: Context,
    holder: str | None,
    collect: bool,
    operator: str | None,
    account: str | None,
    dry_run: bool,
    as_json: bool,
) -> None:
    """An account's outstanding debt per operator, or --collect it for --operator."""
    if collect and operator is None:
        raise click.UsageError("--collect needs --operator OPERATOR: whose debt to collect")
    client = _client(context)
    address = _holder(context, holder, account)
    if collect:
        assert operator is not None
        signer = context.signer(account)
        sent = client.collect_debt(signer, address, operator)
        left = client.debt_of(address, operator)
        context.report(
            {
                "account": address,
                "operator": operator,
                "collected": money_json(sent.amount),
                "debt": _debt_json(left),
                "transaction": sent.tx_hash,
            },
            f"collected {format_synor(sent.amount)} of {address}'s debt to {operator} (tx {sent.tx_hash}); "
            f"still owed: {_debt_text(left)}",
        )
        return
    operators = [operator] if operator is not None else client.operators_of(address)
    debts = [(op, client.debt_of(address, op)) for op in operators]
    owed = [(op, d) for op, d in debts if not d.zero]
    total = client.total_debt_of(address)
    if as_json:
        context.emit_json(
            {
                "account": address,
                "total": _debt_json(total),
                "debts": [{"operator": op, **_debt_json(d)} for op, d in owed],
            }
        )
        return
    context.out.print(f"{address} owes {_debt_text(total)} in total")
    for op, d in owed:
        context.out.print(f"  to {op}: {_debt_text(d)}")
    if owed:
        context.out.print("  collect with `synor account debt ACCOUNT --collect --operator OPERATOR`")
