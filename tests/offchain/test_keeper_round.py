"""The settlement keeper's round, against a stand-in client: RPC outages are retried, refusals skipped."""

from __future__ import annotations

import dataclasses

from synor.chain import ChainError
from synor.cli.keeper import _round
from synor.cli.root import Context
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

    def states(self) -> list[TokenState]:
        self.reads += 1
        if self.reads == 1:
            raise ConnectionError("connection refused")
        return [self.state]

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


def _context(tmp_path) -> Context:
    return Context(network="local", rpc_url=None, deployments=tmp_path)


def test_a_round_survives_an_outage_and_settles_in_order(tmp_path, capsys):
    client = FlakyClient()
    logged: list[str] = []
    sent = _round(_context(tmp_path), client, None, Policy(), 10, logged.append, as_json=True)  # type: ignore[arg-type]
    assert sent == 2
    assert [s.kind for s in client.sent] == [StepKind.SPLIT, StepKind.RELEASE]
    assert any("ConnectionError" in line and "retrying" in line for line in logged)
    assert '"step": "split"' in capsys.readouterr().out
    # Idempotent: a second round (a restart) finds nothing to do and sends nothing.
    assert _round(_context(tmp_path), client, None, Policy(), 10, logged.append, as_json=True) == 0  # type: ignore[arg-type]
    assert len(client.sent) == 2


def test_a_refused_step_is_skipped_for_the_round_not_retried_for_ever(tmp_path):
    client = FlakyClient(refuse=StepKind.SPLIT)
    logged: list[str] = []
    assert _round(_context(tmp_path), client, None, Policy(), 10, logged.append, as_json=False) == 0  # type: ignore[arg-type]
    assert any("AccessControlUnauthorizedAccount" in line for line in logged)
    assert client.sent == []


def test_max_steps_bounds_a_round(tmp_path):
    client = FlakyClient()
    assert _round(_context(tmp_path), client, None, Policy(), 1, print, as_json=False) == 1  # type: ignore[arg-type]
    assert [s.kind for s in client.sent] == [StepKind.SPLIT]
