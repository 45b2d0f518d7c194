"""`synor stake`, `synor unstake` and `synor rewards`: SYNOR staking for the stakers' share of fees.

Staking rewards stream: what arrives is spread over the staking contract's reward duration and earned by
stake and time, so a stake earns from the moment it is made, never from rewards that arrived before it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import click

from synor.cli.context import Context, pass_context
from synor.cli.options import Address, Amount, account_option, dry_run_option, json_option
from synor.errors import ChainError
from synor.units import (
    SYNOR_DECIMALS,
    format_amount,
    format_duration,
    format_synor,
    format_time,
    money_json,
    parse_amount,
)

if TYPE_CHECKING:
    from synor.revenue.client import RevenueClient, StakePosition


def _client(context: Context) -> RevenueClient:
    from synor.revenue.client import RevenueClient

    return RevenueClient(context.chain)


def _position_json(position: StakePosition) -> dict[str, Any]:
    return {
        "staked": money_json(position.staked),
        "cooling": money_json(position.cooling),
        "unlock_at": position.unlock_at or None,
        "total_staked": money_json(position.total_staked),
        "cooldown_seconds": position.cooldown,
    }


@click.command()
@click.argument("amount", type=Amount(positive=True))
@account_option
@dry_run_option
@json_option
@pass_context
def stake(context: Context, amount: str, account: str | None, dry_run: bool, as_json: bool) -> None:
    """Stake AMOUNT SYNOR (approving exactly what is missing): earn a share of transaction fees by stake and time."""
    client = _client(context)
    signer = context.signer(account)
    sent = client.stake(signer, parse_amount(amount, SYNOR_DECIMALS))
    position = client.position(signer.address)
    context.report(
        {"account": signer.address, "staked": money_json(sent.amount), "transaction": sent.tx_hash}
        | {"position": _position_json(position)},
        f"staked {format_synor(sent.amount)} from {signer.address} (tx {sent.tx_hash}); "
        f"now staking {format_synor(position.staked)} of {format_synor(position.total_staked)}",
    )


@click.command()
@click.argument("amount", type=Amount(positive=True), required=False)
@click.option("--withdraw", is_flag=True, help="Take back the SYNOR whose cool-down has ended.")
@account_option
@dry_run_option
@json_option
@pass_context
def unstake(
    context: Context, amount: str | None, withdraw: bool, account: str | None, dry_run: bool, as_json: bool
) -> None:
    """Stop staking AMOUNT SYNOR now (it stops earning and cools down), or --withdraw what has cooled down."""
    if (amount is None) == (not withdraw):
        raise click.UsageError("give either AMOUNT to unstake or --withdraw, not both and not neither")
    client = _client(context)
    signer = context.signer(account)
    position = client.position(signer.address)
    if withdraw:
        now = context.chain.now()
        if position.cooling == 0:
            raise ChainError(
                f"nothing is cooling down for {signer.address}: nothing to withdraw, nothing sent"
            )
        if now < position.unlock_at:
            raise ChainError(
                f"{format_synor(position.cooling)} unlocks in {format_duration(position.unlock_at - now)} "
                f"({format_time(position.unlock_at)}): nothing sent"
            )
        sent = client.withdraw(signer)
        context.report(
            {"account": signer.address, "withdrawn": money_json(sent.amount), "transaction": sent.tx_hash},
            f"withdrew {format_synor(sent.amount)} to {signer.address} (tx {sent.tx_hash})",
        )
        return
    assert amount is not None
    base_units = parse_amount(amount, SYNOR_DECIMALS)
    if base_units > position.staked:
        raise ChainError(
            f"{signer.address} stakes {format_synor(position.staked)}: cannot unstake {format_synor(base_units)}"
        )
    sent = client.request_unstake(signer, base_units)
    after = client.position(signer.address)
    context.report(
        {"account": signer.address, "unstaking": money_json(sent.amount), "transaction": sent.tx_hash}
        | {"position": _position_json(after)},
        f"unstaking {format_synor(sent.amount)} (tx {sent.tx_hash}): withdraw with `synor unstake --withdraw` "
        f"from {format_time(after.unlock_at)}",
    )


@click.command()
@click.option(
    "--of", "holder", type=Address(), help="Whose stake and rewards (default: the --account signer)."
)
@account_option
@json_option
@pass_context
def rewards(context: Context, holder: str | None, account: str | None, as_json: bool) -> None:
    """A staker's stake, cool-down and rewards (earned and claimed) in every reward token."""
    client = _client(context)
    address = holder or context.signer(account).address
    position = client.position(address)
    tokens = client.rewards(address)
    if as_json:
        context.emit_json(
            {
                "account": address,
                "position": _position_json(position),
                "rewards": [
                    {
                        "token": t.address,
                        "symbol": t.symbol,
                        "earned": money_json(t.earned, t.decimals),
                        "claimed": money_json(t.claimed, t.decimals),
                        "retired": t.retired,
                    }
                    for t in tokens
                ],
            }
        )
        return
    context.out.print(
        f"{address} stakes {format_synor(position.staked)} of {format_synor(position.total_staked)}"
    )
    if position.cooling:
        context.out.print(
            f"  cooling down {format_synor(position.cooling)}, withdrawable from {format_time(position.unlock_at)}"
        )
    for t in tokens:
        note = " (retired)" if t.retired else ""
        context.out.print(
            f"  {t.symbol}{note}: claimable {format_amount(t.earned, t.decimals)}, "
            f"claimed {format_amount(t.claimed, t.decimals)}"
        )
    if any(t.earned for t in tokens):
        context.out.print("  claim with `synor fees claim TOKEN --staking`")
