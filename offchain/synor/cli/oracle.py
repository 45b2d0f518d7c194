"""`synor oracle`: price, sources and history of the TWAP oracle (its keeper is `synor keeper oracle`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import click
from rich.table import Table

from synor.cli.context import Context, pass_context
from synor.cli.keeper import round_json
from synor.cli.options import BLOCK, COUNT, json_option, oracle_option
from synor.oracle.twap import ONE, SkipReason, SourceKind, format_usd
from synor.units import format_time

if TYPE_CHECKING:
    from synor.oracle.client import OracleClient, OracleState, SourceView


def _client(context: Context, address: str | None) -> OracleClient:
    from synor.oracle.client import OracleClient

    return OracleClient(context.chain, address)


def _when(timestamp: int) -> str:
    return format_time(timestamp) if timestamp else "never"


def _state_json(state: OracleState) -> dict[str, Any]:
    return {
        "round_id": state.round_id,
        "status": state.status.name.lower(),
        "accepted_price": str(state.price),
        "accepted_round": state.accepted_round,
        "accepted_at": state.accepted_at,
        "updated_at": state.updated_at,
        "next_update_at": state.next_update_at,
        "sources_in_round": state.sources,
        "valid_in_round": state.valid,
        "sources_configured": state.source_count,
        "detail_bps": state.detail_bps,
        "window": state.window,
        "max_age": state.max_age,
    }


def _source_json(view: SourceView) -> dict[str, Any]:
    return {
        "index": view.index,
        "pool": view.pool,
        "kind": "uniswap-v2" if view.kind is SourceKind.UNISWAP_V2 else "uniswap-v3",
        "price": str(view.high) if view.reason is SkipReason.NONE else None,
        "low": str(view.low) if view.reason is SkipReason.NONE else None,
        "high": str(view.high) if view.reason is SkipReason.NONE else None,
        "quote_liquidity": str(view.quote_liquidity),
        "quote_decimals": view.quote_decimals,
        "min_quote_liquidity_usd": view.min_quote_liquidity,
        "status": view.reason.name.lower() if view.reason is not SkipReason.NONE else "ok",
    }


@click.group()
def oracle() -> None:
    """The SYNOR/USD TWAP oracle billing converts USD prices with."""


@oracle.command()
@oracle_option
@json_option
@pass_context
def price(context: Context, address: str | None, as_json: bool) -> None:
    """The SYNOR/USD price billing uses now, or the named reason it may not be used."""
    client = _client(context, address)
    state = client.state()
    usable, error = client.usable_price()
    if as_json:
        payload = {
            **_state_json(state),
            "usable_price": None if usable is None else str(usable),
            "error": error,
        }
        if usable is not None:
            payload["synor_per_usd"] = str(client.usd_to_token(ONE))
        context.emit_json(payload)
        return
    if usable is None:
        context.out.print(f"[red]no usable price[/red]: {error}")
    else:
        context.out.print(
            f"SYNOR/USD [bold]{format_usd(usable)}[/bold] (round {state.accepted_round}, "
            f"{_when(state.accepted_at)}); $1 buys {format_usd(client.usd_to_token(ONE)).lstrip('$')} SYNOR"
        )
    if state.round_id != state.accepted_round and state.round_id:
        context.out.print(
            f"latest round {state.round_id} refused: {state.status.name.lower().replace('_', ' ')}; "
            f"the accepted price stands until {_when(state.accepted_at + state.max_age)}"
        )
    context.out.print(
        f"{state.sources} of {state.source_count} sources in the last round; next round from "
        f"{_when(state.next_update_at)}"
    )


@oracle.command()
@oracle_option
@json_option
@pass_context
def sources(context: Context, address: str | None, as_json: bool) -> None:
    """Each source's pool, kind, current average and liquidity, or why it is skipped."""
    views = _client(context, address).sources()
    if as_json:
        context.emit_json({"sources": [_source_json(v) for v in views]})
        return
    table = Table("#", "pool", "kind", "averages (low-high)", "USD side", "status")
    for view in views:
        liquidity = view.quote_liquidity // 10**view.quote_decimals
        table.add_row(
            str(view.index),
            view.pool,
            "V2" if view.kind is SourceKind.UNISWAP_V2 else "V3",
            f"{format_usd(view.low)}-{format_usd(view.high)}" if view.reason is SkipReason.NONE else "-",
            f"${liquidity:,} (floor ${view.min_quote_liquidity:,})",
            "ok" if view.reason is SkipReason.NONE else view.reason.name.lower().replace("_", " "),
        )
    context.out.print(table)


@oracle.command()
@oracle_option
@click.option("--from-block", type=BLOCK, help="First block (default: the deployment's start).")
@click.option("--last", type=COUNT, help="Only the last N rounds.")
@json_option
@pass_context
def history(
    context: Context, address: str | None, from_block: int | None, last: int | None, as_json: bool
) -> None:
    """Every update round: status, candidate and accepted price; refused rounds keep the earlier price."""
    rounds = _client(context, address).history(from_block)
    if last is not None:
        rounds = rounds[-last:]
    if as_json:
        context.emit_json({"rounds": [round_json(r) for r in rounds]})
        return
    table = Table("round", "block", "status", "candidate", "accepted", "sources")
    for r in rounds:
        status = r.status.name.lower().replace("_", " ")
        if r.refused:
            status = f"refused: {status} ({r.agreeing} of {r.valid} agreeing"
            status += f", {r.detail_bps} bps)" if r.detail_bps else ")"
        table.add_row(
            str(r.round_id),
            str(r.block),
            status,
            format_usd(r.candidate) if r.candidate else "-",
            format_usd(r.price) if r.price else "-",
            str(r.sources),
        )
    context.out.print(table)
