"""`synor operator …`: usage-billing operators in the UsageSettlement: the registry (registrar role) and
each operator's signer keys (added with a delay, revoked at once).

Every write is checked against the settlement's views first: one that would revert or change nothing is
refused (one line, exit 2, nothing sent).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from synor.cli.context import Context, pass_context
from synor.cli.options import Address, account_option, dry_run_option, json_option
from synor.units import format_duration, format_time

if TYPE_CHECKING:
    from synor.billing.settlement import SettlementClient


def _client(context: Context) -> SettlementClient:
    from synor.billing.settlement import SettlementClient

    return SettlementClient(context.chain)


@click.group()
def operator() -> None:
    """Usage-billing operators: registration, signer keys and status."""


@operator.command()
@click.argument("address", metavar="OPERATOR", type=Address(what="operator"))
@account_option
@dry_run_option
@json_option
@pass_context
def register(context: Context, address: str, account: str | None, dry_run: bool, as_json: bool) -> None:
    """Register OPERATOR so its signed usage reports are accepted (registrar only)."""
    signer = context.signer(account)
    sent = _client(context).register(signer, address)
    context.report(
        {"operator": address, "registered": True, "transaction": sent.tx_hash},
        f"registered operator {address} (tx {sent.tx_hash})",
    )


@operator.command()
@click.argument("address", metavar="OPERATOR", type=Address(what="operator"))
@account_option
@dry_run_option
@json_option
@pass_context
def deregister(context: Context, address: str, account: str | None, dry_run: bool, as_json: bool) -> None:
    """Deregister OPERATOR: its reports are refused from now on (registrar only)."""
    signer = context.signer(account)
    sent = _client(context).deregister(signer, address)
    context.report(
        {"operator": address, "registered": False, "transaction": sent.tx_hash},
        f"deregistered operator {address} (tx {sent.tx_hash}): its reports are refused from now on",
    )


@operator.group()
def signer() -> None:
    """The calling operator's signer keys: add (active after the signer delay) or revoke (at once)."""


@signer.command("add")
@click.argument("address", metavar="SIGNER", type=Address(what="signer"))
@account_option
@dry_run_option
@json_option
@pass_context
def signer_add(context: Context, address: str, account: str | None, dry_run: bool, as_json: bool) -> None:
    """Authorize SIGNER to sign the operator's (--account's) usage reports, after the signer delay."""
    me = context.signer(account)
    sent = _client(context).add_signer(me, address)
    context.report(
        {"operator": me.address, "signer": address, "active_from": sent.amount, "transaction": sent.tx_hash},
        f"{me.address} added signer {address} (tx {sent.tx_hash}); it signs from {format_time(sent.amount)}",
    )


@signer.command("revoke")
@click.argument("address", metavar="SIGNER", type=Address(what="signer"))
@account_option
@dry_run_option
@json_option
@pass_context
def signer_revoke(context: Context, address: str, account: str | None, dry_run: bool, as_json: bool) -> None:
    """Revoke SIGNER of the operator (--account), immediately."""
    me = context.signer(account)
    sent = _client(context).revoke_signer(me, address)
    context.report(
        {"operator": me.address, "signer": address, "revoked": True, "transaction": sent.tx_hash},
        f"{me.address} revoked signer {address} (tx {sent.tx_hash})",
    )


@operator.command()
@click.argument("address", metavar="[OPERATOR]", type=Address(what="operator"), required=False)
@account_option
@json_option
@pass_context
def status(context: Context, address: str | None, account: str | None, as_json: bool) -> None:
    """Whether OPERATOR (default: --account) is registered, its signers, and the current period."""
    client = _client(context)
    who = address if address is not None else context.signer(account).address
    state = client.status(who)
    period = client.period()
    if as_json:
        context.emit_json(
            {
                "operator": state.operator,
                "registered": state.registered,
                "signers": [
                    {"signer": s.address, "active_from": s.active_from, "active": s.active}
                    for s in state.signers
                ],
                "revoked_signers": state.revoked,
                "period": {
                    "current": period.index,
                    "closes_at": period.closes_at,
                    "settlement_window": period.settlement_window,
                    "signer_delay": period.signer_delay,
                },
            }
        )
        return
    out = context.out
    out.print(f"{state.operator}: {'registered' if state.registered else 'not registered'} operator")
    for s in state.signers:
        when = "active since" if s.active else "active from"
        out.print(f"  signer {s.address}: {when} {format_time(s.active_from)}")
    for revoked in state.revoked:
        out.print(f"  signer {revoked}: revoked")
    if not state.signers:
        out.print("  no signer: add one with `synor operator signer add SIGNER --account OPERATOR`")
    out.print(
        f"  period {period.index} takes reports until {format_time(period.closes_at)} "
        f"(settlement window {format_duration(period.settlement_window)}, "
        f"signer delay {format_duration(period.signer_delay)})"
    )
