"""`synor app`: price, create, extend and follow application runway on the PayableDAppFactory."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import click
from rich.markup import escape
from rich.table import Table

from synor.cli.context import Context, pass_context
from synor.cli.options import (
    Address,
    Amount,
    Bytes32,
    Duration,
    account_option,
    dry_run_option,
    interval_option,
    json_option,
    once_option,
)
from synor.runner import Outcome, Runner
from synor.runway.schedule import Action, RunwaySchedule
from synor.units import format_amount, format_duration, format_time, format_token_rate, parse_amount

if TYPE_CHECKING:
    from synor.runway.client import AppStatus, FactoryClient, Purchase


prefund_option = click.option(
    "--prefund",
    type=Duration(),
    default="0",
    show_default=True,
    help="Runway to prepay (0 registers without running a node).",
)


def _client(context: Context) -> FactoryClient:
    from synor.runway.client import FactoryClient

    return FactoryClient(context.chain)


def _money(amount: int, client: FactoryClient) -> dict[str, Any]:
    token = client.token
    return {
        "base_units": str(amount),
        "amount": format_amount(amount, token.decimals),
        "symbol": token.symbol,
    }


def _max_cost(text: str | None, client: FactoryClient) -> int | None:
    return None if text is None else parse_amount(text, client.token.decimals)


def _purchase_json(purchase: Purchase, client: FactoryClient) -> dict[str, Any]:
    return {
        "app": purchase.app,
        "seconds": purchase.seconds,
        "cost": _money(purchase.cost, client),
        "until": purchase.until,
        "transaction": purchase.tx_hash,
    }


def _status_json(status: AppStatus) -> dict[str, Any]:
    return {
        "app": status.app,
        "owner": status.owner,
        "template_hash": status.template_hash,
        "until": status.until,
        "now": status.now,
        "active": status.active,
        "remaining_seconds": status.remaining,
        "location": status.location,
    }


@click.group()
def app() -> None:
    """Application runway on the PayableDAppFactory."""


@app.command()
@click.argument("duration", type=Duration())
@json_option
@pass_context
def cost(context: Context, duration: int, as_json: bool) -> None:
    """What DURATION of runway costs: 1w, 3d, 12h or seconds."""
    client = _client(context)
    amount = client.cost(duration)
    if as_json:
        context.emit_json(
            {
                "seconds": duration,
                "cost": _money(amount, client),
                "price_per_second": str(client.price_per_second),
            }
        )
        return
    token = client.token
    context.out.print(
        f"{format_duration(duration)} ({duration:,} s) of runway costs "
        f"[bold]{format_amount(amount, token.decimals, token.symbol)}[/bold] "
        f"at {format_token_rate(client.price_per_second, token.decimals)} {token.symbol}/s"
    )


@app.command()
@click.option("--owner", type=Address(), help="Owner of the new application (default: the signer).")
@click.option(
    "--template",
    "template_hash",
    type=Bytes32("template hash"),
    default="0x" + "00" * 32,
    show_default=True,
    help="Machine template hash (32 bytes hex).",
)
@prefund_option
@click.option("--max-cost", type=Amount(), help="Refuse to pay more than this many tokens (e.g. 20).")
@click.option(
    "--salt",
    type=Bytes32("salt"),
    help="CREATE2 salt (32 bytes hex) for a predictable address; random if omitted.",
)
@click.option(
    "--location", help="Where the machine snapshot is stored (URL, IPFS CID); node controllers read it."
)
@account_option
@dry_run_option
@json_option
@pass_context
def create(
    context: Context,
    owner: str | None,
    template_hash: bytes,
    prefund: int,
    max_cost: str | None,
    salt: bytes | None,
    location: str | None,
    account: str | None,
    dry_run: bool,
    as_json: bool,
) -> None:
    """Create an application, optionally with prepaid runway and its machine location."""
    signer = context.signer(account)
    client = _client(context)
    purchase = client.create(
        signer, owner or signer.address, template_hash, prefund, _max_cost(max_cost, client), salt, location
    )
    if as_json:
        context.emit_json({**_purchase_json(purchase, client), "location": location or ""})
        return
    token = client.token
    if prefund:
        context.out.print(
            f"created application [bold]{purchase.app}[/bold], paid {format_amount(purchase.cost, token.decimals, token.symbol)} "
            f"for {format_duration(prefund)}: runway until {format_time(purchase.until)}"
        )
    else:
        context.out.print(
            f"registered application [bold]{purchase.app}[/bold] with no prefund: no node runs it until someone extends its runway"
        )


@app.command()
@click.argument("app_address", metavar="APP", type=Address(what="application address"))
@click.argument("duration", type=Duration(minimum=1))
@click.option("--max-cost", type=Amount(), help="Refuse to pay more than this many tokens.")
@account_option
@dry_run_option
@json_option
@pass_context
def extend(
    context: Context,
    app_address: str,
    duration: int,
    max_cost: str | None,
    account: str | None,
    dry_run: bool,
    as_json: bool,
) -> None:
    """Buy DURATION more runway for APP (anyone may pay for any application)."""
    signer = context.signer(account)
    client = _client(context)
    purchase = client.extend(signer, app_address, duration, _max_cost(max_cost, client))
    if as_json:
        context.emit_json(_purchase_json(purchase, client))
        return
    token = client.token
    context.out.print(
        f"extended {purchase.app} by {format_duration(duration)} for "
        f"{format_amount(purchase.cost, token.decimals, token.symbol)}: runway until {format_time(purchase.until)}"
    )


@app.command(name="import")
@click.argument("app_address", metavar="APP", type=Address(what="application address"))
@click.option("--location", required=True, help="Where the machine snapshot is stored (URL, IPFS CID).")
@prefund_option
@click.option("--max-cost", type=Amount(), help="Refuse to pay more than this many tokens.")
@account_option
@dry_run_option
@json_option
@pass_context
def import_app(
    context: Context,
    app_address: str,
    location: str,
    prefund: int,
    max_cost: str | None,
    account: str | None,
    dry_run: bool,
    as_json: bool,
) -> None:
    """Register APP, deployed elsewhere, with its machine location (its owner signs)."""
    signer = context.signer(account)
    client = _client(context)
    purchase = client.import_application(signer, app_address, location, prefund, _max_cost(max_cost, client))
    if as_json:
        context.emit_json({**_purchase_json(purchase, client), "location": location})
        return
    token = client.token
    paid = (
        f"paid {format_amount(purchase.cost, token.decimals, token.symbol)} for {format_duration(prefund)}: "
        f"runway until {format_time(purchase.until)}"
        if prefund
        else "no prefund: no node runs it until someone extends its runway"
    )
    context.out.print(
        f"imported application [bold]{purchase.app}[/bold] (machine at {escape(location)}), {paid}"
    )


@app.command()
@click.argument("app_address", metavar="APP", type=Address(what="application address"))
@json_option
@pass_context
def status(context: Context, app_address: str, as_json: bool) -> None:
    """Owner, template and runway of APP."""
    state = _client(context).status(app_address)
    if as_json:
        context.emit_json(_status_json(state))
        return
    context.out.print(f"application {state.app}")
    context.out.print(f"  owner     {state.owner}")
    context.out.print(f"  template  {state.template_hash}")
    context.out.print(f"  location  {escape(state.location) or '(none recorded)'}")
    if state.active:
        context.out.print(
            f"  runway    until {format_time(state.until)} ([green]active[/green], {format_duration(state.remaining)} left)"
        )
    else:
        context.out.print(
            f"  runway    ended {format_time(state.until)} ([red]inactive[/red]: no node should run it)"
        )


@app.command(name="list")
@click.option("--owner", type=Address(), help="Only applications created for this owner.")
@json_option
@pass_context
def list_apps(context: Context, owner: str | None, as_json: bool) -> None:
    """Every application of the factory, with its runway."""
    client = _client(context)
    now = context.chain.now()
    rows: list[dict[str, Any]] = []
    for record in client.applications(owner):
        until = int(client.factory.functions.runway(record.app).call())
        rows.append(
            {
                "app": record.app,
                "owner": record.owner,
                "template_hash": record.template_hash,
                "location": client.location(record.app),
                "imported": record.imported,
                "until": until,
                "active": until > now,
            }
        )
    if as_json:
        context.emit_json({"now": now, "applications": rows})
        return
    table = Table(title=f"{len(rows)} application(s)")
    for column in ("application", "owner", "location", "runway", "state"):
        table.add_column(column)
    for row in rows:
        remaining = row["until"] - now
        state = (
            f"[green]active[/green], {format_duration(remaining)} left"
            if row["active"]
            else "[red]inactive[/red]"
        )
        table.add_row(
            row["app"], row["owner"], escape(row["location"]) or "-", format_time(row["until"]), state
        )
    context.out.print(table)


@app.command()
@interval_option(2.0, "Seconds between polls.")
@once_option
@click.option(
    "--polls", type=click.IntRange(min=1), help="Stop after this many polls (default: run until interrupted)."
)
@json_option
@pass_context
def watch(context: Context, interval: float, once: bool, polls: int | None, as_json: bool) -> None:
    """Follow FinancialRunway events: which applications a node must run now, and when each stops.

    With --once: what must run now. Otherwise one line (or JSON object) per START and STOP.
    """
    client = _client(context)
    chain = context.chain
    schedule = RunwaySchedule()
    next_block = chain.deployment.start_block

    def poll() -> Outcome:
        nonlocal next_block
        head = chain.w3.eth.block_number
        if head >= next_block:
            for app_address, until, _ in client.runway_events(next_block, head):
                schedule.record(app_address, until)
            next_block = head + 1
        now = chain.now()
        changes = schedule.reconcile(now)
        if once:
            _print_schedule(context, schedule, now, as_json)
            return Outcome()
        for change in changes:
            event = {"action": change.action.value, "app": change.app, "until": change.until, "now": now}
            if change.action is Action.START:
                text = f"[green]START[/green] {change.app}: paid until {format_time(change.until)} ({format_duration(change.until - now)} left)"
            else:
                text = f"[red]STOP[/red]  {change.app}: runway ended {format_time(change.until)}"
            context.report(event, text)
        return Outcome()

    Runner(interval=interval, log=context.log, once=once, limit=polls).run(poll, "reading runway events")


def _print_schedule(context: Context, schedule: RunwaySchedule, now: int, as_json: bool) -> None:
    active = schedule.active(now)
    if as_json:
        context.emit_json(
            {"now": now, "running": [{"app": app_address, "until": until} for app_address, until in active]}
        )
        return
    if not active:
        context.out.print("no application has runway: no node needs to run")
        return
    context.out.print(f"{len(active)} application(s) must be running now:")
    for app_address, until in active:
        context.out.print(f"  {app_address}  stops {format_time(until)} (in {format_duration(until - now)})")
