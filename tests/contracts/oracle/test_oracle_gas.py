"""Gas of the oracle's hot paths against their targets (figures are printed for `make bench`)."""

from __future__ import annotations

from devstack.uniswap import ONE
from tests.contracts.oracle.conftest import run_round

# A V2 source reads two cumulatives and keeps two slots (arithmetic and harmonic means); each round also
# keeps its Chainlink-style round data (issue 7): about 45k gas a source with 3 V2 pairs and 1 V3 pool.
UPDATE_PER_SOURCE = 45_000
UPDATE_SKIP = 35_000
READ = 6_000


def test_update_with_three_v2_pairs_and_one_v3_pool(oracle, pools, deployer):
    assert sorted(p.kind for p in pools) == [0, 0, 0, 1]
    run_round(oracle, deployer)  # storage warm in the steady state: every slot already non-zero
    receipt = run_round(oracle, deployer)
    assert receipt.events.filter(oracle.PriceUpdated)[0].sources == 4
    print(f"\ngas.oracle.update {receipt.gas_used}")
    assert receipt.gas_used <= UPDATE_PER_SOURCE * len(pools)


def test_update_when_nothing_is_due(oracle, deployer):
    receipt = oracle.update(sender=deployer)
    assert not receipt.events.filter(oracle.PriceUpdated)
    print(f"\ngas.oracle.update.skip {receipt.gas_used}")
    assert receipt.gas_used <= UPDATE_SKIP


def test_a_billing_read_from_another_contract(project, oracle, deployer):
    probe = project.OracleReadProbe.deploy(sender=deployer)
    gas, tokens = probe.measureUsdToToken(oracle, 20 * ONE)
    assert tokens == oracle.usdToToken(20 * ONE)
    print(f"\ngas.oracle.read {gas}")
    assert gas <= READ
    gas, answer = probe.measureLatestRoundData(oracle)
    assert answer == oracle.price()
    print(f"gas.oracle.latestRoundData {gas}")
    assert gas <= READ + 500  # five return words to encode and decode
