"""`deploy_revenue` refuses, before sending anything, what the FeeSplitter's constructor would refuse."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from devstack.revenue import RevenueOptions, deploy_revenue

DEPLOYER = SimpleNamespace(address="0x" + "11" * 20)
FACTORY = "0x" + "22" * 20


def test_the_uniswap_v2_factory_is_required_without_local_liquidity():
    with pytest.raises(ValueError, match="canonical Uniswap V2 factory"):
        deploy_revenue(None, DEPLOYER, None, None, RevenueOptions(treasury="0x" + "33" * 20))


@pytest.mark.parametrize(
    "options",
    [
        RevenueOptions(uniswap_v2_factory=FACTORY),  # both default to the deployer
        RevenueOptions(
            uniswap_v2_factory=FACTORY, treasury="0x" + "aB" * 20, community_pool="0x" + "Ab" * 20
        ),
    ],
)
def test_the_treasury_and_the_community_pool_must_differ(options):
    with pytest.raises(ValueError, match="must be different addresses"):
        deploy_revenue(None, DEPLOYER, None, None, options)
