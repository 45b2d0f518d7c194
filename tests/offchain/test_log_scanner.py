"""The one log scanner: eth_getLogs in chunks from the deployment's first block to the head."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from rich.console import Console

from synor.chain import Chain, ChainError
from synor.deployments import Deployment


class Event:
    def __init__(self) -> None:
        self.ranges: list[tuple[int, int]] = []

    def get_logs(self, from_block: int, to_block: int, argument_filters: object = None) -> list[int]:
        self.ranges.append((from_block, to_block))
        return list(range(from_block, to_block + 1))


def _chain(head: int, start: int) -> Chain:
    w3 = SimpleNamespace(eth=SimpleNamespace(block_number=head))
    deployment = Deployment("local", 31337, "http://127.0.0.1:8545", start, {})
    return Chain(w3=w3, deployment=deployment, console=Console(stderr=True))  # type: ignore[arg-type]


def test_scans_from_the_deployment_block_to_the_head_in_chunks():
    event = Event()
    logs = list(_chain(head=25, start=3).scan_logs(event, chunk=10))
    assert event.ranges == [(3, 12), (13, 22), (23, 25)]
    assert logs == list(range(3, 26))  # every block once, in order


def test_an_explicit_range_and_an_empty_one():
    event = Event()
    assert list(_chain(head=100, start=0).scan_logs(event, None, 40, 44, chunk=3)) == [40, 41, 42, 43, 44]
    assert event.ranges == [(40, 42), (43, 44)]
    assert list(_chain(head=5, start=9).scan_logs(Event())) == []  # nothing mined since the deployment


def test_a_negative_block_is_refused():
    with pytest.raises(ChainError, match="does not exist"):
        list(_chain(head=5, start=0).scan_logs(Event(), None, -1, 5))
