"""The settlement keeper's round, against a stand-in client: RPC outages are retried, refusals skipped."""

from __future__ import annotations

import dataclasses
import json

from synor.chain import ChainError
from synor.cli.context import Context
from synor.cli.keeper import RoundResult, _round, _summarise
from synor.revenue.client import RevenueToken, Sent
from synor.revenue.settle import Policy, Step, StepKind, TokenState

TOKEN = "0x" + "11" * 20


class FlakyClient:
    """Chain state in memory; the first read fails like a node that is down, one step kind is refused."""

    def __init__(self, refuse: StepKind | None = None) -> None:
        # A token whose stakers' share waits in the splitter (it accrued before staking listed the token).
        self.state = TokenState(
            TOKEN, False, unaccounted=1_000, stakers_due=0, pending_burn=0, staking_listed=True
        )
        self.reads = 0
        self.sent: list[Step] = []
        self.refuse = refuse

    def readable_states(self) -> tuple[list[TokenState], list[tuple[RevenueToken, str]]]:
        self.reads += 1
        if self.reads == 1:
            raise ConnectionError("connection refused")
        return [self.state], []

    def token(self, text: str) -> RevenueToken:
        return RevenueToken(TOKEN, "USDC", 6, False)

    def execute(self, signer: object, step: Step) -> Sent:
        if step.kind is self.refuse:
            raise ChainError("splitting would fail: AccessControlUnauthorizedAccount(...)")
        self.sent.append(step)
        if step.kind is StepKind.SPLIT:
            self.state = dataclasses.replace(self.state, unaccounted=0, stakers_due=5)
        elif step.kind is StepKind.RELEASE:
            self.state = dataclasses.replace(self.state, stakers_due=0)
        return Sent(step.amount, "0x" + "ab" * 32)


def _context(tmp_path, as_json: bool = False, logged: list[str] | None = None) -> Context:
    context = Context(network="local", rpc_url=None, deployments=tmp_path, json=as_json)
    if logged is not None:
        context.log = logged.append  # type: ignore[method-assign,assignment]
    return context


def test_a_round_survives_an_outage_and_settles_in_order(tmp_path, capsys):
    client = FlakyClient()
    logged: list[str] = []
    result = _round(_context(tmp_path, True, logged), client, None, Policy(), 10)  # type: ignore[arg-type]
    assert result.sent == 2 and result.skipped == []
    assert [s.kind for s in client.sent] == [StepKind.SPLIT, StepKind.RELEASE]
    assert any("ConnectionError" in line and "retrying" in line for line in logged)
    lines = capsys.readouterr().out.splitlines()
    assert [json.loads(line)["step"] for line in lines] == ["split", "release"]  # one JSON object per line
    # Idempotent: a second round (a restart) finds nothing to do and sends nothing.
    assert _round(_context(tmp_path, True, logged), client, None, Policy(), 10).sent == 0  # type: ignore[arg-type]
    assert len(client.sent) == 2


def test_a_refused_step_is_skipped_for_the_round_and_reported_not_retried_for_ever(tmp_path, capsys):
    client = FlakyClient(refuse=StepKind.SPLIT)
    logged: list[str] = []
    context = _context(tmp_path, False, logged)
    result = _round(context, client, None, Policy(), 10)  # type: ignore[arg-type]
    assert result.sent == 0 and [step.kind for step, _ in result.skipped] == [StepKind.SPLIT]
    assert any("skipped split USDC" in line and "AccessControlUnauthorizedAccount" in line for line in logged)
    assert client.sent == []
    _summarise(context, client, result)  # type: ignore[arg-type]
    out = capsys.readouterr().out
    assert "nothing to settle" not in out
    assert "skipped 1 this signer could not send: split USDC" in out


def test_a_refused_step_is_a_json_line_under_json(tmp_path, capsys):
    client = FlakyClient(refuse=StepKind.SPLIT)
    _round(_context(tmp_path, True, []), client, None, Policy(), 10)  # type: ignore[arg-type]
    (line,) = capsys.readouterr().out.splitlines()
    event = json.loads(line)
    assert event["skipped"] == "split" and "AccessControlUnauthorizedAccount" in event["reason"]


def test_nothing_pending_says_nothing_to_settle(tmp_path, capsys):
    _summarise(_context(tmp_path), FlakyClient(), RoundResult())  # type: ignore[arg-type]
    assert capsys.readouterr().out.strip() == "nothing to settle"


def test_max_steps_bounds_a_round(tmp_path):
    client = FlakyClient()
    assert _round(_context(tmp_path, False, []), client, None, Policy(), 1).sent == 1  # type: ignore[arg-type]
    assert [s.kind for s in client.sent] == [StepKind.SPLIT]
