"""The oracle as a Chainlink feed: AggregatorV3Interface and AggregatorInterface reads over the kept
rounds, refused rounds as timed-out rounds, staleness left to the consumer, and Chainlink's phased
proxy pattern in front of it."""

from __future__ import annotations

import ape

from devstack.uniswap import ONE, advance
from tests.contracts.oracle.conftest import MAX_AGE, START_PRICE, run_round

OK, DIVERGE = 1, 3
ROUNDS_KEPT = 32


def round_data(oracle, round_id):
    return tuple(oracle.getRoundData(round_id))


def test_before_any_price_the_feed_has_no_data(bare_oracle):
    with ape.reverts(bare_oracle.TwapOracle_NoPrice):
        bare_oracle.latestRoundData()
    with ape.reverts(bare_oracle.TwapOracle_UnknownRound, roundId=1):
        bare_oracle.getRoundData(1)
    assert (bare_oracle.latestAnswer(), bare_oracle.latestTimestamp(), bare_oracle.latestRound()) == (0, 0, 0)
    assert (bare_oracle.getAnswer(1), bare_oracle.getTimestamp(1)) == (0, 0)
    assert bare_oracle.ROUNDS_KEPT() == ROUNDS_KEPT


def test_accepted_and_refused_rounds_read_like_chainlink_rounds(oracle, pools, deployer):
    first = oracle.state()
    r1, p1, t1 = first.acceptedRound, first.price, first.acceptedAt
    assert tuple(oracle.latestRoundData()) == (r1, p1, t1, t1, r1)
    assert round_data(oracle, r1) == (r1, p1, t1, t1, r1)
    assert (oracle.latestAnswer(), oracle.latestTimestamp(), oracle.latestRound()) == (p1, t1, r1)
    assert (oracle.getAnswer(r1), oracle.getTimestamp(r1)) == (p1, t1)
    # A refused round (half the pools 30% off: no strict majority) carries the answer in force, as a
    # Chainlink round that timed out: answeredInRound and updatedAt point at the accepting round.
    for pool in pools[:2]:
        pool.move_to(START_PRICE * 13 // 10, deployer)
    receipt = run_round(oracle, deployer)
    refused = receipt.events.filter(oracle.RoundRefused)[0]
    assert (refused.roundId, refused.status, refused.valid, refused.agreeing) == (r1 + 1, DIVERGE, 4, 0)
    t2 = receipt.timestamp
    assert round_data(oracle, r1 + 1) == (r1 + 1, p1, t2, t1, r1)
    assert (oracle.getAnswer(r1 + 1), oracle.getTimestamp(r1 + 1)) == (p1, t1)
    assert tuple(oracle.latestRoundData()) == (r1, p1, t1, t1, r1)
    assert oracle.price() == p1  # billing keeps the accepted price while it is fresh
    # Rounds that did not run, and round 0, are unknown.
    for unknown in (0, r1 + 2, 2**32 - 1, 2**40):
        with ape.reverts(oracle.TwapOracle_UnknownRound, roundId=unknown):
            oracle.getRoundData(unknown)
        assert (oracle.getAnswer(unknown), oracle.getTimestamp(unknown)) == (0, 0)
    for pool in pools[:2]:
        pool.move_to(START_PRICE, deployer)
    receipt = run_round(oracle, deployer)
    assert not receipt.events.filter(oracle.RoundRefused)
    assert oracle.latestRound() == r1 + 2
    assert round_data(oracle, r1 + 2)[4] == r1 + 2


def test_the_last_32_rounds_are_kept(oracle, deployer):
    first = oracle.state().roundId
    for _ in range(ROUNDS_KEPT):
        run_round(oracle, deployer)
    latest = oracle.state().roundId
    assert latest == first + ROUNDS_KEPT
    assert round_data(oracle, latest - ROUNDS_KEPT + 1)[0] == latest - ROUNDS_KEPT + 1
    with ape.reverts(oracle.TwapOracle_UnknownRound, roundId=first):
        oracle.getRoundData(first)
    assert oracle.getAnswer(first) == 0


def test_staleness_is_left_to_the_feed_consumer_but_billing_reverts(oracle, deployer):
    state = oracle.state()
    advance(MAX_AGE + 1)
    ape.chain.mine()
    for read in (oracle.price, lambda: oracle.usdToToken(ONE), lambda: oracle.tokenToUsd(ONE)):
        with ape.reverts(oracle.TwapOracle_StalePrice, updatedAt=state.acceptedAt, maxAge=MAX_AGE):
            read()
    round_id, answer, _, updated_at, answered_in = oracle.latestRoundData()
    assert (round_id, answer, updated_at, answered_in) == (
        state.acceptedRound,
        state.price,
        state.acceptedAt,
        round_id,
    )
    assert ape.chain.blocks.head.timestamp - updated_at > MAX_AGE  # the consumer sees the age
    assert oracle.latestAnswer() == state.price
    run_round(oracle, deployer, wait=0)  # V2 records older than maxAge are re-recorded ...
    run_round(oracle, deployer)  # ... and give prices again a window later
    assert oracle.price() > 0


def test_chainlinks_phased_proxy_works_in_front_of_it(project, oracle, bare_oracle, deployer):
    proxy = project.PhasedAggregatorProxy.deploy(oracle, sender=deployer)
    state = oracle.state()
    phase1 = 1 << 64
    assert (proxy.decimals(), proxy.description(), proxy.version()) == (18, "SYNOR / USD", 1)
    latest = tuple(proxy.latestRoundData())
    assert latest == (
        phase1 | state.acceptedRound,
        state.price,
        state.acceptedAt,
        state.acceptedAt,
        phase1 | state.acceptedRound,
    )
    assert tuple(proxy.getRoundData(latest[0])) == latest
    assert proxy.latestRound() == latest[0]
    assert (proxy.latestAnswer(), proxy.latestTimestamp()) == (state.price, state.acceptedAt)
    assert (proxy.getAnswer(latest[0]), proxy.getTimestamp(latest[0])) == (state.price, state.acceptedAt)
    assert proxy.getAnswer((7 << 64) | 1) == 0  # a phase that never existed
    # A new phase (another oracle): old rounds stay readable through their phase.
    proxy.setAggregator(bare_oracle, sender=deployer)
    assert tuple(proxy.getRoundData(latest[0])) == latest
    with ape.reverts():
        proxy.latestRoundData()  # the new aggregator has no answer yet (TwapOracle_NoPrice)
