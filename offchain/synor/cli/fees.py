"""`synor fees`: what each party earned, claimed and what was burned; claims, splits and buy-backs."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import click
from rich.table import Table

from synor.cli.context import Context, pass_context
from synor.cli.options import Address, Amount, TokenRef, account_option, dry_run_option, json_option
from synor.errors import ChainError
from synor.units import format_amount, parse_amount

if TYPE_CHECKING:
    from synor.revenue.client import RevenueClient, RevenueToken


def _client(context: Context) -> RevenueClient:
    from synor.revenue.client import RevenueClient

    return RevenueClient(context.chain)


def _money(amount: int, token: RevenueToken) -> dict[str, Any]:
    return {
        "base_units": str(amount),
        "amount": format_amount(amount, token.decimals),
        "symbol": token.symbol,
    }


def _fmt(amount: int, token: RevenueToken) -> str:
    return f"{format_amount(amount, token.decimals)} {token.symbol}"


@click.group()
def fees() -> None:
    """Revenue distribution: the fee splitter, staking rewards and the burn."""


@fees.command()
@click.option("--of", "holder", type=Address(), help="Also show what this address earned and claimed.")
@json_option
@pass_context
def status(context: Context, holder: str | None, as_json: bool) -> None:
    """Per token: what each party has earned and claimed, what waits to be split, and what was burned."""
    client = _client(context)
    splitter = client.splitter.functions
    treasury, community, staking = (
        splitter.treasury().call(),
        splitter.communityPool().call(),
        splitter.staking().call(),
    )
    rows = []
    for token in client.tokens():
        book = client.book(token.address)
        state = client.state(token)
        row: dict[str, Any] = {
            "token": token.address,
            "symbol": token.symbol,
            "unsplit": _money(state.unaccounted, token),
            "held": _money(book["accounted"], token),
            "treasury": {
                "address": treasury,
                "earned": _money(book["treasuryAccrued"], token),
                "claimed": _money(book["treasuryPaid"], token),
            },
            "community_pool": {
                "address": community,
                "earned": _money(book["communityAccrued"], token),
                "claimed": _money(book["communityPaid"], token),
            },
            "stakers": {
                "address": staking,
                "earned": _money(book["stakersAccrued"], token),
                "released": _money(book["stakersPaid"], token),
                "unsynced_in_staking": _money(state.staking_unsynced, token),
            },
            "operators": {
                "earned_attributed": _money(book["operatorsAttributed"], token),
                "earned_by_set": _money(book["operatorPoolAccrued"], token),
            },
            "validators": {"earned": _money(book["validatorPoolAccrued"], token)},
            "members_claimed": _money(book["membersPaid"], token),
            "burn": {
                "accrued": _money(book["burnAccrued"], token),
                "burned": _money(book["burned"], token),
                "pending": _money(book["burnAccrued"] - book["burned"], token),
                "method": "burn" if token.is_synor else "buy-back-and-burn",
            },
        }
        if holder is not None:
            earned, staking_claimed = client.staking_earned(token.address, holder)
            row["holder"] = {
                "address": holder,
                "claimable": _money(client.claimable(token.address, holder), token),
                "claimed": _money(client.claimed(token.address, holder), token),
                "staking_claimable": _money(earned, token),
                "staking_claimed": _money(staking_claimed, token),
            }
        rows.append((token, book, state, row))
    synor_supply = int(client.erc20(client.synor).functions.totalSupply().call())
    if as_json:
        context.emit_json({"tokens": [row for *_, row in rows], "synor_total_supply": str(synor_supply)})
        return
    table = Table(title="Fee splitter")
    for column in ("token", "unsplit", "treasury", "community", "stakers", "operators", "validators", "burn"):
        table.add_column(column)
    for token, book, state, _ in rows:
        table.add_row(
            token.symbol,
            _fmt(state.unaccounted, token),
            f"{_fmt(book['treasuryAccrued'], token)}\nclaimed {_fmt(book['treasuryPaid'], token)}",
            f"{_fmt(book['communityAccrued'], token)}\nclaimed {_fmt(book['communityPaid'], token)}",
            f"{_fmt(book['stakersAccrued'], token)}\nreleased {_fmt(book['stakersPaid'], token)}",
            f"{_fmt(book['operatorsAttributed'] + book['operatorPoolAccrued'], token)}",
            f"{_fmt(book['validatorPoolAccrued'], token)}",
            f"{_fmt(book['burnAccrued'], token)}\nburned {_fmt(book['burned'], token)}",
        )
    context.out.print(table)
    context.out.print(f"SYNOR total supply: {format_amount(synor_supply, 18)} SYNOR")
    if holder is not None:
        for token, _, _, row in rows:
            h = row["holder"]
            context.out.print(
                f"{holder} {token.symbol}: claimable {h['claimable']['amount']}, claimed {h['claimed']['amount']}, "
                f"staking claimable {h['staking_claimable']['amount']}"
            )


@fees.command()
@click.argument("token", type=TokenRef())
@click.option("--staking", "from_staking", is_flag=True, help="Claim staking rewards instead.")
@account_option
@dry_run_option
@json_option
@pass_context
def claim(
    context: Context, token: str, from_staking: bool, account: str | None, dry_run: bool, as_json: bool
) -> None:
    """Pull what the signer earned in TOKEN (symbol or address): treasury, pool, operator, validator.

    With nothing to claim, nothing is sent: it says so and exits 0.
    """
    client = _client(context)
    info = client.token(token)
    signer = context.signer(account)
    if from_staking:
        due, _ = client.staking_earned(info.address, signer.address)
    else:
        due = client.claimable(info.address, signer.address)
    if due == 0:
        where = "staking rewards" if from_staking else "the fee splitter"
        context.report(
            {"account": signer.address, "claimed": _money(0, info), "transaction": None},
            f"nothing to claim in {info.symbol} for {signer.address} from {where}: nothing sent",
        )
        return
    sent = client.claim_staking(signer, info.address) if from_staking else client.claim(signer, info.address)
    context.report(
        {"account": signer.address, "claimed": _money(sent.amount, info), "transaction": sent.tx_hash},
        f"claimed {_fmt(sent.amount, info)} to {signer.address} (tx {sent.tx_hash})",
    )


@fees.command()
@click.argument("token", type=TokenRef(), required=False)
@account_option
@dry_run_option
@json_option
@pass_context
def split(context: Context, token: str | None, account: str | None, dry_run: bool, as_json: bool) -> None:
    """Split revenue that arrived by plain transfer (e.g. runway payments), for TOKEN or every token.

    A token with nothing to split sends nothing.
    """
    from synor.sender import DryRun

    client = _client(context)
    targets = [client.token(token)] if token else client.tokens()
    signer = context.signer(account)
    results: list[dict[str, Any]] = []
    for info in targets:
        if client.state(info).unaccounted == 0:
            results.append(
                {"token": info.address, "symbol": info.symbol, "split": _money(0, info), "transaction": None}
            )
            continue
        try:
            sent = client.split(signer, info.address)
        except DryRun:
            continue  # planned; the plan is printed once every token was looked at
        results.append(
            {
                "token": info.address,
                "symbol": info.symbol,
                "split": _money(sent.amount, info),
                "transaction": sent.tx_hash,
            }
        )
    if dry_run:
        context.chain.sender.finish()
    if as_json:
        context.emit_json({"splits": results})
        return
    for result in results:
        if result["transaction"] is None:
            context.out.print(f"{result['symbol']}: nothing to split, nothing sent")
        else:
            context.out.print(
                f"{result['symbol']}: split {result['split']['amount']} {result['symbol']} (tx {result['transaction']})"
            )


@fees.command()
@click.argument("token", type=TokenRef())
@click.option(
    "--amount",
    type=Amount(positive=True),
    help="How much of the burn share to swap (default: the largest safe slice).",
)
@click.option(
    "--min-out",
    type=Amount(),
    help="The least SYNOR to accept (default: the quote less the keeper tolerance).",
)
@account_option
@dry_run_option
@json_option
@pass_context
def buyback(
    context: Context,
    token: str,
    amount: str | None,
    min_out: str | None,
    account: str | None,
    dry_run: bool,
    as_json: bool,
) -> None:
    """Swap TOKEN's burn share for SYNOR through its Uniswap V2 pair and burn it (keeper role)."""
    from synor.revenue.settle import Policy, buyback_step

    client = _client(context)
    info = client.token(token)
    if info.is_synor:
        raise ChainError("SYNOR's burn share is burned directly: the keeper's `settle` calls burn()")
    state = client.state(info)
    if state.pending_burn == 0:
        raise ChainError(f"no {info.symbol} burn share is pending: nothing to buy back, nothing sent")
    step = buyback_step(state, Policy(max_slippage_bps=client.max_slippage_bps))
    if amount is not None:
        amount_in = parse_amount(amount, info.decimals)
        if amount_in > state.pending_burn:
            raise ChainError(
                f"--amount {_fmt(amount_in, info)} is more than the pending burn share "
                f"{_fmt(state.pending_burn, info)}"
            )
    elif step is None:
        raise ChainError(
            f"{_fmt(state.pending_burn, info)} of burn share is pending, but no slice of it can be swapped "
            f"within the {client.max_slippage_bps} bps slippage bound now (no pair, or too thin): nothing sent"
        )
    else:
        amount_in = step.amount
    least = (
        parse_amount(min_out, 18)
        if min_out is not None
        else (step.min_out if step is not None and step.amount == amount_in else 0)
    )
    signer = context.signer(account)
    sent = client.buyback(signer, info.address, amount_in, least)
    if as_json:
        context.emit_json(
            {
                "token": info.address,
                "amount_in": _money(amount_in, info),
                "synor_burned": str(sent.amount),
                "transaction": sent.tx_hash,
            }
        )
    else:
        context.out.print(
            f"swapped {_fmt(amount_in, info)} for {format_amount(sent.amount, 18)} SYNOR and burned it (tx {sent.tx_hash})"
        )
