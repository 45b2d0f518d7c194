"""`synor keeper settle`: splits, releases, syncs, burns and buy-backs, on a schedule, idempotently.

The keeper holds no state of its own: every round it reads the chain, plans (synor.revenue.settle) and
sends one step at a time, re-reading after each. A restart, a second keeper or a step someone else
already sent changes nothing; RPC outages are retried with back-off.
"""

from __future__ import annotations

import functools
import time
from typing import Any

import click

from synor import accounts
from synor.chain import ChainError, with_backoff
from synor.cli.root import Context, SynorGroup
from synor.revenue.client import RevenueClient
from synor.revenue.settle import Policy, Step, plan

pass_context = click.make_pass_decorator(Context)


@click.group(cls=SynorGroup)
def keeper() -> None:
    """Keeper bots run by node operators."""


@keeper.command()
@click.option("--account", help="Signer: dev:N, an ape account alias, or omit to use SYNOR_PRIVATE_KEY.")
@click.option("--interval", default=60.0, show_default=True, help="Seconds between rounds.")
@click.option("--once", is_flag=True, help="Settle everything pending now, then exit.")
@click.option("--rounds", type=click.IntRange(min=1), help="Stop after this many rounds.")
@click.option("--min-amount", default=1, show_default=True, help="Base units below which a step waits.")
@click.option("--max-steps", default=50, show_default=True, help="Most transactions per round.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per step on stdout.")
@pass_context
def settle(
    context: Context,
    account: str | None,
    interval: float,
    once: bool,
    rounds: int | None,
    min_amount: int,
    max_steps: int,
    as_json: bool,
) -> None:
    """Trigger pending splits, staking releases and syncs, the SYNOR burn and buy-back-and-burn."""
    signer = accounts.resolve(account, prompt=lambda question: click.prompt(question, hide_input=True))
    client = RevenueClient(context.chain)

    def log(message: str) -> None:
        context.err.print(f"[yellow]{message}[/yellow]")

    policy = Policy(
        min_amount=min_amount,
        max_slippage_bps=with_backoff(lambda: client.max_slippage_bps, "reading the slippage bound", log),
    )
    count = 0
    try:
        while True:
            sent = _round(context, client, signer, policy, max_steps, log, as_json)
            count += 1
            if once or (rounds is not None and count >= rounds):
                if not as_json and sent == 0:
                    context.out.print("nothing to settle")
                return
            time.sleep(interval)
    except KeyboardInterrupt:
        context.err.print("stopped")


def _round(
    context: Context,
    client: RevenueClient,
    signer: Any,
    policy: Policy,
    max_steps: int,
    log: Any,
    as_json: bool,
) -> int:
    """Sends planned steps one at a time until nothing is pending; a refused step is skipped this round."""
    refused: set[tuple[str, str]] = set()
    sent = 0
    while sent < max_steps:
        states = with_backoff(client.states, "reading the splitter", log)
        steps: list[Step] = [s for s in plan(states, policy) if (s.kind.value, s.token) not in refused]
        if not steps:
            break
        step = steps[0]
        try:
            result = with_backoff(functools.partial(client.execute, signer, step), step.describe(), log)
        except ChainError as error:
            # Someone else settled it first, or this signer lacks the keeper role: re-read and go on.
            log(f"{step.describe()}: {error}")
            refused.add((step.kind.value, step.token))
            continue
        sent += 1
        if as_json:
            context.emit_json(
                {
                    "step": step.kind.value,
                    "token": step.token,
                    "amount": str(result.amount),
                    "transaction": result.tx_hash,
                }
            )
        else:
            context.out.print(f"{step.kind.value} {step.token}: {result.amount} (tx {result.tx_hash})")
    return sent
