"""`synor keeper …`: the keeper bots node operators run, all on the one runner (synor.runner).

- `keeper settle`: splits, releases, syncs, burns and buy-backs. It holds no state of its own: every
  round it reads the chain, plans (synor.revenue.settle) and sends one step at a time, re-reading after
  each. A restart, a second keeper or a step someone else already sent changes nothing.
- `keeper oracle`: the oracle's update() whenever a window has elapsed, skipping otherwise.
- `keeper meter`: the usage store's aggregates as signed cumulative reports, settled on chain
  (synor.metering.keeper); the chain's charged cumulatives are its only memory.

All retry an unreachable node with exponential back-off (saying so on stderr), take `--once`, and
under `--json` print one JSON object per line.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import click

from synor.cli.context import Context, pass_context
from synor.cli.options import (
    BASE_UNITS,
    COUNT,
    Address,
    account_option,
    dry_run_option,
    interval_option,
    json_option,
    once_option,
    oracle_option,
)
from synor.cli.usage import opened_store, store_option
from synor.errors import ChainError
from synor.runner import Outcome, Runner, with_backoff
from synor.units import format_amount, format_synor

if TYPE_CHECKING:
    from synor.oracle.client import OracleClient, Round
    from synor.revenue.client import RevenueClient
    from synor.revenue.settle import Policy, Step


@click.group()
def keeper() -> None:
    """Keeper bots run by node operators."""


# ---------------------------------------------------------------------------------------- settle


@dataclass
class RoundResult:
    """What one settlement round did: steps sent, and steps skipped with the reason."""

    sent: int = 0
    skipped: list[tuple[Step, str]] = field(default_factory=list)
    unreadable: dict[str, str] = field(default_factory=dict)  # token symbol -> why its state can't be read


@keeper.command()
@account_option
@interval_option(60.0)
@once_option
@click.option("--rounds", type=COUNT, help="Stop after this many rounds.")
@click.option(
    "--min-amount", type=BASE_UNITS, default=1, show_default=True, help="Base units below which a step waits."
)
@click.option("--max-steps", type=COUNT, default=50, show_default=True, help="Most transactions per round.")
@dry_run_option
@json_option
@pass_context
def settle(
    context: Context,
    account: str | None,
    interval: float,
    once: bool,
    rounds: int | None,
    min_amount: int,
    max_steps: int,
    dry_run: bool,
    as_json: bool,
) -> None:
    """Trigger pending splits, staking releases and syncs, the SYNOR burn and buy-back-and-burn.

    With --dry-run: plan one round and print the transactions it would send; send nothing.
    """
    from synor.revenue.client import RevenueClient
    from synor.revenue.settle import Policy

    signer = context.signer(account)
    client = RevenueClient(context.chain)
    policy = Policy(
        min_amount=min_amount,
        max_slippage_bps=with_backoff(
            lambda: client.max_slippage_bps, "reading the slippage bound", context.log
        ),
    )
    if dry_run:
        _plan_round(context, client, signer, policy, max_steps)
        return

    def round_() -> Outcome:
        result = _round(context, client, signer, policy, max_steps)
        _summarise(context, client, result)
        return Outcome()

    Runner(interval=interval, log=context.log, once=once, limit=rounds).run(round_, "settling")


def _round(
    context: Context, client: RevenueClient, signer: Any, policy: Policy, max_steps: int
) -> RoundResult:
    """Sends planned steps one at a time until nothing is pending; a refused step is skipped this round
    (someone else settled it first, or the signer lacks a role) and reported with its reason."""
    from synor.revenue.settle import plan

    result = RoundResult()
    refused: set[tuple[str, str]] = set()
    while result.sent < max_steps:
        states, unreadable = with_backoff(client.readable_states, "reading the splitter", context.log)
        for token, reason in unreadable:
            if token.symbol not in result.unreadable:
                result.unreadable[token.symbol] = reason
                context.log(f"skipped {token.symbol} this round: its state cannot be read: {reason}")
                if context.json:
                    context.emit_json({"unreadable": token.address, "symbol": token.symbol, "reason": reason})
        steps = [s for s in plan(states, policy) if (s.kind.value, s.token) not in refused]
        if not steps:
            break
        step = steps[0]
        try:
            sent = with_backoff(functools.partial(client.execute, signer, step), step.describe(), context.log)
        except ChainError as error:
            reason = str(error)
            refused.add((step.kind.value, step.token))
            result.skipped.append((step, reason))
            context.log(f"skipped {_label(client, step)}: {reason}")
            if context.json:
                context.emit_json(
                    {
                        "skipped": step.kind.value,
                        "token": step.token,
                        "amount": str(step.amount),
                        "reason": reason,
                    }
                )
            continue
        result.sent += 1
        context.report(
            {
                "step": step.kind.value,
                "token": step.token,
                "amount": str(sent.amount),
                "transaction": sent.tx_hash,
            },
            f"{_describe(client, step, sent.amount)} (tx {sent.tx_hash})",
        )
    return result


def _summarise(context: Context, client: RevenueClient, result: RoundResult) -> None:
    """The end of a round for people: "nothing to settle" only when nothing was pending at all."""
    if context.json:
        return
    if result.unreadable:
        context.out.print(
            f"could not read {', '.join(sorted(result.unreadable))} (reasons on stderr): every other token was settled"
        )
    if result.skipped:
        labels = ", ".join(_label(client, step) for step, _ in result.skipped)
        context.out.print(
            f"settled {result.sent} step(s); skipped {len(result.skipped)} this signer could not send: {labels} "
            "(reasons on stderr)"
        )
    elif result.sent == 0 and not result.unreadable:
        context.out.print("nothing to settle")


def _plan_round(context: Context, client: RevenueClient, signer: Any, policy: Policy, max_steps: int) -> None:
    """A dry run of one round: every planned step goes through the sender's dry run; nothing is sent."""
    from synor.revenue.settle import plan
    from synor.sender import DryRun

    steps = plan(client.states(), policy)[:max_steps]
    if not steps:
        context.report(
            {"dry_run": True, "sent": False, "transactions": []}, "nothing to settle: nothing would be sent"
        )
        return
    for step in steps:
        try:
            client.execute(signer, step)
        except DryRun:
            continue
        except ChainError as error:
            context.log(f"would skip {_label(client, step)}: {error}")
    context.chain.sender.finish()


def _label(client: RevenueClient, step: Step) -> str:
    return f"{step.kind.value} {client.token(step.token).symbol}"


def _describe(client: RevenueClient, step: Step, amount: int) -> str:
    """``split USDC: 62.825717 USDC`` — what a settled step moved, in the token's own units."""
    token = client.token(step.token)
    if step.kind.value == "buyback":
        return f"buyback {token.symbol}: bought and burned {format_amount(amount, 18, 'SYNOR')}"
    return f"{step.kind.value} {token.symbol}: {format_amount(amount, token.decimals, token.symbol)}"


# ---------------------------------------------------------------------------------------- oracle


@keeper.command(name="oracle")
@oracle_option
@account_option
@interval_option(15.0, "Most seconds between checks.")
@click.option("--once", is_flag=True, help="Check once: run a round if one is due, then exit.")
@click.option("--rounds", type=COUNT, help="Stop after running this many rounds.")
@click.option(
    "--retries", type=COUNT, default=5, show_default=True, help="Attempts per round before giving up."
)
@dry_run_option
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
    dry_run: bool,
    as_json: bool,
) -> None:
    """Call the oracle's update() whenever a window has elapsed; skip otherwise; log each price.

    With --dry-run: say whether a round is due and, if so, print the update it would send.
    """
    from synor.oracle.client import OracleClient
    from synor.oracle.twap import format_usd, seconds_until_due

    signer = context.signer(account)
    client = OracleClient(context.chain, address)

    def round_() -> Outcome:
        state = client.state()
        now = context.chain.now()
        wait = seconds_until_due(now, state.updated_at, state.window)
        if wait > 0:
            context.report(
                {"action": "skip", "now": now, "next_update_at": state.next_update_at, "wait": wait},
                f"skip: round {state.round_id} is {now - state.updated_at}s old; next due in {wait}s",
            )
            return Outcome(counted=False, wait=wait)
        ran = _update_with_retries(client, signer, retries, context.log)
        if ran is None:
            context.report(
                {"action": "skip", "now": now, "reason": "not due when mined"}, "skip: not due when mined"
            )
            return Outcome(counted=False)
        text = (
            f"round {ran.round_id}: {ran.status.name.lower().replace('_', ' ')}; "
            f"price {format_usd(ran.price)}, candidate {format_usd(ran.candidate)}, "
            f"{ran.sources} sources (tx {ran.tx_hash})"
        )
        context.report({"action": "update", **round_json(ran)}, text)
        return Outcome(wait=0)

    Runner(interval=interval, log=context.log, once=once or dry_run, limit=rounds).run(
        round_, "running the oracle keeper"
    )


def round_json(round_: Round) -> dict[str, Any]:
    """A PriceUpdated round as JSON (shared with `synor oracle history`)."""
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


# ---------------------------------------------------------------------------------------- meter


@keeper.command(name="meter")
@store_option
@click.option(
    "--operator",
    "operators",
    type=Address(),
    multiple=True,
    help="Report this operator's usage (repeatable; default: the --account's own address).",
)
@account_option
@interval_option(60.0, "Seconds between rounds.")
@once_option
@click.option("--rounds", type=COUNT, help="Stop after this many rounds.")
@click.option(
    "--max-batch",
    type=click.IntRange(1, 500),
    default=100,
    show_default=True,
    help="Reports per signed batch.",
)
@dry_run_option
@json_option
@pass_context
def keeper_meter(
    context: Context,
    store_url: str,
    operators: tuple[str, ...],
    account: str | None,
    interval: float,
    once: bool,
    rounds: int | None,
    max_batch: int,
    dry_run: bool,
    as_json: bool,
) -> None:
    """Turn the usage store's aggregates into signed cumulative reports and settle them on chain.

    --account is an active signer of every operator reported (it also pays the gas). The chain is the
    keeper's only memory: it reports each aggregate above what the settlement charged, so a restart
    after any crash neither loses nor repeats a charge. With --dry-run: print the plan, send nothing.
    """
    from synor.billing.settlement import SettlementClient
    from synor.metering.keeper import MeterKeeper
    from synor.usage.signing import sign_batch

    signer = context.signer(account)
    client = SettlementClient(context.chain)
    reported = operators or (signer.address,)
    for operator in reported:
        client.require_signer(operator, signer.address)
    domain = client.domain()

    with opened_store(store_url) as store:
        meter = MeterKeeper(
            store=store,
            settlement=client,
            submitter=signer,
            signer=signer.address,
            sign_batch=lambda operator, reports: sign_batch(signer, domain, operator, reports),
            operators=tuple(reported),
            max_batch=max_batch,
            log=context.log,
        )

        def round_() -> Outcome:
            if dry_run:
                planned, _ = meter.plan()
                context.report(
                    {"action": "plan", "reports": planned.reports, "batches": len(planned.batches),
                     "settled": planned.settled, "closed": len(planned.closed)},
                    f"would report {planned.reports} aggregate(s) in {len(planned.batches)} batch(es); "
                    f"{planned.settled} already settled, {len(planned.closed)} too late",
                )  # fmt: skip
                return Outcome()
            result = meter.round()
            context.report(
                {"action": "round", "reports": result.plan.reports, "charged": result.charged,
                 "amount": str(result.amount), "collected": str(result.collected),
                 "settled": result.plan.settled, "closed": len(result.plan.closed),
                 "transactions": [s.tx_hash for s in result.settled]},
                f"reported {result.plan.reports} aggregate(s) in {len(result.settled)} transaction(s): charged "
                f"{format_synor(result.amount)}, collected {format_synor(result.collected)}; "
                f"{result.plan.settled} already settled",
            )  # fmt: skip
            return Outcome()

        Runner(interval=interval, log=context.log, once=once or dry_run, limit=rounds).run(
            round_, "running the meter keeper"
        )
