"""The real Uniswap deployments behave as the oracle tests assume."""

from tests.contracts.oracle.conftest import START_PRICE


def test_pools_start_at_half_a_dollar_with_both_token_orders(pools):
    orders = {p.synor_is_token0 for p in pools}
    assert orders == {True, False}
    for pool in pools:
        assert abs(pool.spot_price() - START_PRICE) * 10_000 <= START_PRICE  # within 1 bp


def test_move_to_reaches_the_target_on_v2_and_v3(pools, deployer):
    for pool in pools:
        pool.move_to(START_PRICE * 11 // 10, deployer)
        assert abs(pool.spot_price() - START_PRICE * 11 // 10) * 1000 <= START_PRICE  # within 0.1%
