"""`ape run deploy`: deploy and wire the Synor stack, then record the addresses for the `synor` CLI.

    ape run deploy --network ethereum:local:foundry --account TEST::0

On a local chain it also deploys a 6-decimal test stablecoin and grants it to the development accounts.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import click
from ape import accounts, project
from ape.cli import ConnectedProviderCommand, account_option, network_option

from devstack.deploy import CARTESI_PRICE, StackOptions, deploy_stack, local_revenue
from devstack.oracle import OracleOptions
from devstack.revenue import RevenueOptions
from synor.deployments import DEFAULT_DIRECTORY, save


def _weights(pairs: tuple[str, ...]) -> tuple[tuple[str, int], ...]:
    weighted: list[tuple[str, int]] = []
    for pair in pairs:
        address, _, weight = pair.partition(":")
        if not weight.isdigit() or int(weight) == 0:
            raise click.BadParameter(f"{pair!r}: expected ADDRESS:WEIGHT with a positive whole weight")
        weighted.append((address, int(weight)))
    return tuple(weighted)


@click.command(cls=ConnectedProviderCommand)
@network_option()
@account_option()
@click.option(
    "--price", default=CARTESI_PRICE, show_default=True, help="Runway price in payment tokens per second."
)
@click.option(
    "--payment-token", help="Existing ERC-20 to accept (default: deploy a 6-decimal test stablecoin)."
)
@click.option("--payee", help="Receives runway payments (default: the fee splitter).")
@click.option("--treasury", help="Receives the protocol treasury share (required outside local networks).")
@click.option("--community-pool", help="Receives the community pool share (required outside local networks).")
@click.option("--keeper", help="May trigger buy-back-and-burn (default: the deployer).")
@click.option(
    "--uniswap-v2-factory",
    help="The canonical Uniswap V2 factory: only its pairs may be buy-back pairs (required outside local "
    "networks; locally one is deployed from the npm build).",
)
@click.option(
    "--operator",
    "operators",
    multiple=True,
    metavar="ADDRESS:WEIGHT",
    help="A node operator serving the factory and its weight (repeatable).",
)
@click.option(
    "--validator",
    "validators",
    multiple=True,
    metavar="ADDRESS:WEIGHT",
    help="A validator and its weight (repeatable).",
)
@click.option(
    "--out", "directory", default=str(DEFAULT_DIRECTORY), show_default=True, help="Deployment records folder."
)
def cli(
    network: Any,
    provider: Any,
    account: Any,
    price: str,
    payment_token: str | None,
    payee: str | None,
    treasury: str | None,
    community_pool: str | None,
    keeper: str | None,
    uniswap_v2_factory: str | None,
    operators: tuple[str, ...],
    validators: tuple[str, ...],
    directory: str,
) -> None:
    """Deploy SYNOR, staking, the fee splitter and the PayableDAppFactory (paying the splitter), and
    record them in deployments/<network>.json."""
    local = provider.network.name == "local"
    if local:
        dev = [a.address for a in accounts.test_accounts[:10]]
        revenue = local_revenue(dev)
        grants = tuple(dev[:4])
    else:
        if payment_token is None:
            raise click.UsageError(
                "--payment-token is required outside local networks (the test stablecoin is local only)"
            )
        if not (treasury and community_pool):
            raise click.UsageError("--treasury and --community-pool are required outside local networks")
        if not uniswap_v2_factory:
            raise click.UsageError("--uniswap-v2-factory is required outside local networks")
        revenue = RevenueOptions(uniswap_v2_factory=uniswap_v2_factory)
        grants = ()
    revenue = replace(
        revenue,
        treasury=treasury or revenue.treasury,
        community_pool=community_pool or revenue.community_pool,
        keeper=keeper or revenue.keeper,
        operators=_weights(operators) or revenue.operators,
        validators=_weights(validators) or revenue.validators,
    )
    options = StackOptions(
        price_per_token_second=price,
        payment_token=payment_token,
        payee=payee,
        grant_to=grants,
        revenue=revenue,
        local_oracle=OracleOptions() if local else None,
    )
    record = deploy_stack(project, account, options, provider.network.name, provider.http_uri or provider.uri)
    path = save(record, Path(directory))
    for name, address in record.contracts.items():
        click.echo(f"{name:>16}  {address}")
    click.echo(f"recorded in {path}")
