"""`synor fees`: what each party earned, claimed and what was burned; claims, splits and buy-backs."""

from __future__ import annotations

from typing import Any

import click
from rich.table import Table

from synor import accounts
from synor.chain import ChainError
from synor.cli.root import Context, SynorGroup
from synor.revenue.client import RevenueClient, RevenueToken
from synor.revenue.settle import Policy, buyback_step
from synor.units import format_amount, parse_amount

pass_context = click.make_pass_decorator(Context)
json_option = click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
account_option = click.option(
    "--account",
    help="Signer: dev:N (anvil's account N), an ape account alias, or omit to use SYNOR_PRIVATE_KEY.",
)


def _signer(name: str | None) -> Any:
    return accounts.resolve(name, prompt=lambda question: click.prompt(question, hide_input=True))


def _money(amount: int, token: RevenueToken) -> dict[str, Any]:
    return {
        "base_units": str(amount),
        "amount": format_amount(amount, token.decimals),
        "symbol": token.symbol,
    }


def _fmt(amount: int, token: RevenueToken) -> str:
    return f"{format_amount(amount, token.decimals)} {token.symbol}"


@click.group(cls=SynorGroup)
def fees() -> None:
    """Revenue distribution: the fee splitter, staking rewards and the burn."""


@fees.command()
@click.option("--of", "holder", help="Also show what this address earned and claimed.")
@json_option
@pass_context
def status(context: Context, holder: str | None, as_json: bool) -> None:
    """Per token: what each party has earned and claimed, what waits to be split, and what was burned."""
    client = RevenueClient(context.chain)
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
@click.argument("token")
@click.option("--staking", "from_staking", is_flag=True, help="Claim staking rewards instead.")
@account_option
@json_option
@pass_context
def claim(context: Context, token: str, from_staking: bool, account: str | None, as_json: bool) -> None:
    """Pull what the signer earned in TOKEN (symbol or address): treasury, pool, operator, validator."""
    client = RevenueClient(context.chain)
    info = client.token(token)
    signer = _signer(account)
    sent = client.claim_staking(signer, info.address) if from_staking else client.claim(signer, info.address)
    if as_json:
        context.emit_json(
            {"account": signer.address, "claimed": _money(sent.amount, info), "transaction": sent.tx_hash}
        )
    elif sent.amount == 0:
        context.out.print(f"nothing to claim in {info.symbol} for {signer.address}")
    else:
        context.out.print(f"claimed {_fmt(sent.amount, info)} to {signer.address} (tx {sent.tx_hash})")


@fees.command()
@click.argument("token", required=False)
@account_option
@json_option
@pass_context
def split(context: Context, token: str | None, account: str | None, as_json: bool) -> None:
    """Split revenue that arrived by plain transfer (e.g. runway payments), for TOKEN or every token."""
    client = RevenueClient(context.chain)
    signer = _signer(account)
    targets = [client.token(token)] if token else client.tokens()
    results: list[dict[str, Any]] = []
    for info in targets:
        if client.state(info).unaccounted == 0:
            results.append({"token": info.address, "symbol": info.symbol, "split": _money(0, info)})
            continue
        sent = client.split(signer, info.address)
        results.append(
            {
                "token": info.address,
                "symbol": info.symbol,
                "split": _money(sent.amount, info),
                "transaction": sent.tx_hash,
            }
        )
    if as_json:
        context.emit_json({"splits": results})
        return
    for result in results:
        context.out.print(f"{result['symbol']}: split {result['split']['amount']} {result['symbol']}")


@fees.command()
@click.argument("token")
@click.option("--amount", help="How much of the burn share to swap (default: the largest safe slice).")
@click.option("--min-out", help="The least SYNOR to accept (default: the quote less the keeper tolerance).")
@account_option
@json_option
@pass_context
def buyback(
    context: Context, token: str, amount: str | None, min_out: str | None, account: str | None, as_json: bool
) -> None:
    """Swap TOKEN's burn share for SYNOR through its Uniswap V2 pair and burn it (keeper role)."""
    client = RevenueClient(context.chain)
    info = client.token(token)
    if info.is_synor:
        raise ChainError("SYNOR's burn share is burned directly: the keeper's `settle` calls burn()")
    state = client.state(info)
    step = buyback_step(state, Policy(max_slippage_bps=client.max_slippage_bps))
    amount_in = parse_amount(amount, info.decimals) if amount else (step.amount if step else 0)
    if amount_in == 0:
        raise ChainError(
            f"no {info.symbol} burn share can be bought back now (pending {_fmt(state.pending_burn, info)})"
        )
    least = (
        parse_amount(min_out, 18) if min_out else (step.min_out if step and step.amount == amount_in else 0)
    )
    sent = client.buyback(_signer(account), info.address, amount_in, least)
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
