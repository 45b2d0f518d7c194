"""`synor oracle` (price, sources, history) and `synor keeper oracle` (runs update rounds)."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import click
from rich.table import Table

from synor import accounts
from synor.chain import ChainError, with_backoff
from synor.cli.keeper import keeper
from synor.cli.root import Context, SynorGroup
from synor.oracle.client import OracleClient, OracleState, Round, SourceView
from synor.oracle.twap import ONE, SkipReason, SourceKind, format_usd, seconds_until_due

pass_context = click.make_pass_decorator(Context)
json_option = click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
oracle_option = click.option(
    "--oracle", "address", help="Oracle address (default: the deployment's `oracle`)."
)


def _client(context: Context, address: str | None) -> OracleClient:
    return OracleClient(context.chain, address)


def _when(timestamp: int) -> str:
    return time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime(timestamp)) if timestamp else "never"


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


def _round_json(round_: Round) -> dict[str, Any]:
    return {
        "round_id": round_.round_id,
        "status": round_.status.name.lower(),
        "refused": round_.refused,
        "valid": round_.valid,
        "agreeing": round_.agreeing,
        "detail_bps": round_.detail_bps,
        "candidate": str(round_.candidate),
        "price": str(round_.price),
        "sources": round_.sources,
        "block": round_.block,
        "transaction": round_.tx_hash,
    }


@click.group(cls=SynorGroup)
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
@click.option("--from-block", type=int, help="First block (default: the deployment's start).")
@click.option("--last", type=click.IntRange(min=1), help="Only the last N rounds.")
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
        context.emit_json({"rounds": [_round_json(r) for r in rounds]})
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


@keeper.command(name="oracle")
@oracle_option
@click.option(
    "--account",
    help="Signer: dev:N (anvil's account N), an ape account alias, or omit to use SYNOR_PRIVATE_KEY.",
)
@click.option("--interval", default=15.0, show_default=True, help="Most seconds between checks.")
@click.option("--once", is_flag=True, help="Check once: run a round if one is due, then exit.")
@click.option("--rounds", type=click.IntRange(min=1), help="Stop after running this many rounds.")
@click.option("--retries", default=5, show_default=True, help="Attempts per round before giving up.")
@json_option
@pass_context
def keeper_oracle(
    context: Context,
    address: str | None,
    account: str | None,
    interval: float,
    once: bool,
    rounds: int | None,
    retries: int,
    as_json: bool,
) -> None:
    """Call the oracle's update() whenever a window has elapsed; skip otherwise; log each price."""
    signer = accounts.resolve(account, prompt=lambda question: click.prompt(question, hide_input=True))
    client = _client(context, address)

    def log(message: str) -> None:
        context.err.print(f"[yellow]{message}[/yellow]")

    def report(event: dict[str, Any], text: str) -> None:
        if as_json:
            context.emit_json(event)
        else:
            context.out.print(text)

    ran = 0
    try:
        while True:
            state = with_backoff(client.state, "reading the oracle", log)
            now = with_backoff(context.chain.now, "reading the chain time", log)
            wait = seconds_until_due(now, state.updated_at, state.window)
            if wait > 0:
                report(
                    {"action": "skip", "now": now, "next_update_at": state.next_update_at, "wait": wait},
                    f"skip: round {state.round_id} is {now - state.updated_at}s old; next due in {wait}s",
                )
                if once:
                    return
                time.sleep(min(interval, wait))
                continue
            round_ = _update_with_retries(client, signer, retries, log)
            if round_ is None:
                report(
                    {"action": "skip", "now": now, "reason": "not due when mined"}, "skip: not due when mined"
                )
            else:
                ran += 1
                text = (
                    f"round {round_.round_id}: {round_.status.name.lower().replace('_', ' ')}; "
                    f"price {format_usd(round_.price)}, candidate {format_usd(round_.candidate)}, "
                    f"{round_.sources} sources (tx {round_.tx_hash})"
                )
                report({"action": "update", **_round_json(round_)}, text)
            if once or (rounds is not None and ran >= rounds):
                return
            time.sleep(interval if round_ is None else 0)
    except KeyboardInterrupt:
        context.err.print("stopped")


def _update_with_retries(
    client: OracleClient,
    signer: Any,
    attempts: int,
    log: Callable[[str], None],
    sleep: Callable[[float], None] = time.sleep,
) -> Round | None:
    """Sends update(), retrying network failures and failed transactions with exponential back-off."""
    delay = 1.0
    for attempt in range(1, attempts + 1):
        try:
            return with_backoff(
                lambda: client.update(signer), "sending the oracle update", log, attempts=3, sleep=sleep
            )
        except ChainError as error:
            if attempt == attempts:
                raise
            log(f"update failed ({error}); retrying in {delay:.0f}s (attempt {attempt} of {attempts})")
            sleep(delay)
            delay = min(delay * 2, 60.0)
    return None
