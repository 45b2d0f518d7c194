"""Shared fixtures: accounts and deployed contracts on the anvil node ape starts for the session."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tools"))
from free_port import free_port

# Every test run starts its own anvil on a free port and never attaches to a node that already listens
# (a developer's anvil on 8545, or a second test run). ape-foundry reads APE_FOUNDRY_HOST when it
# connects, after this module is imported; subprocesses (`ape run deploy`) inherit it.
os.environ.setdefault("APE_FOUNDRY_HOST", f"http://127.0.0.1:{free_port()}")

# The Cartesi example: 0.000033052248677249 USDC per second, as an 18-decimal fixed-point number of
# the 6-decimal token's base units per second (33.052248677249 base units per second).
CARTESI_PRICE = 33_052_248_677_249_000_000
WEEK = 7 * 24 * 3600
TEMPLATE = b"\x11" * 32


@pytest.fixture(scope="session")
def deployer(accounts):
    return accounts[0]


@pytest.fixture(scope="session")
def developer(accounts):
    return accounts[1]


@pytest.fixture(scope="session")
def sponsor(accounts):
    return accounts[2]


@pytest.fixture(scope="session")
def payee(accounts):
    return accounts[3]


@pytest.fixture(scope="session")
def stranger(accounts):
    return accounts[4]


@pytest.fixture(scope="session")
def usdc(project, deployer, developer, sponsor):
    token = project.TestStablecoin.deploy("Test USD Coin", "USDC", 6, sender=deployer)
    for holder in (developer, sponsor):
        token.mint(holder, 1_000_000 * 10**6, sender=deployer)
    return token


@pytest.fixture(scope="session")
def synor(project, deployer, developer, sponsor):
    token = project.SynorToken.deploy(deployer, 1_000_000_000 * 10**18, sender=deployer)
    for holder in (developer, sponsor):
        token.transfer(holder, 1_000_000 * 10**18, sender=deployer)
    return token


@pytest.fixture(scope="session")
def factory(project, deployer, usdc, payee):
    """The Cartesi example: a 6-decimal payment token at 0.000033052248677249 tokens per second."""
    return project.PayableDAppFactory.deploy(usdc, CARTESI_PRICE, payee, sender=deployer)


@pytest.fixture(scope="session")
def synor_factory(project, deployer, synor, payee):
    """An 18-decimal token at 0.5 SYNOR per hour."""
    return project.PayableDAppFactory.deploy(synor, 5 * 10**17 * 10**18 // 3600, payee, sender=deployer)


@pytest.fixture
def app(project, factory, developer):
    """A registered application with no runway (zero prefund)."""
    receipt = factory.newApplication(developer, TEMPLATE, 0, sender=developer)
    return project.Application.at(receipt.events.filter(factory.ApplicationCreated)[0].app)
