"""`ape run deploy`: deploy and wire the Synor stack, then record the addresses for the `synor` CLI.

    ape run deploy --network ethereum:local:foundry --account TEST::0

On a local chain it also deploys a 6-decimal test stablecoin and grants it to the development accounts.
"""

from __future__ import annotations

from pathlib import Path

import click
from ape import accounts, project
from ape.cli import ConnectedProviderCommand, account_option, network_option

from synor.deploy import CARTESI_PRICE, StackOptions, deploy_stack
from synor.deployments import DEFAULT_DIRECTORY, save


@click.command(cls=ConnectedProviderCommand)
@network_option()
@account_option()
@click.option(
    "--price", default=CARTESI_PRICE, show_default=True, help="Runway price in payment tokens per second."
)
@click.option(
    "--payment-token", help="Existing ERC-20 to accept (default: deploy a 6-decimal test stablecoin)."
)
@click.option("--payee", help="Receives runway payments (default: the deployer).")
@click.option(
    "--out", "directory", default=str(DEFAULT_DIRECTORY), show_default=True, help="Deployment records folder."
)
def cli(network, provider, account, price, payment_token, payee, directory):
    """Deploy SynorToken and PayableDAppFactory and record them in deployments/<network>.json."""
    local = provider.network.name == "local"
    if payment_token is None and not local:
        raise click.UsageError(
            "--payment-token is required outside local networks (the test stablecoin is local only)"
        )
    grants = tuple(a.address for a in accounts.test_accounts[:4]) if local else ()
    options = StackOptions(
        price_per_token_second=price, payment_token=payment_token, payee=payee, grant_to=grants
    )
    record = deploy_stack(project, account, options, provider.network.name, provider.http_uri or provider.uri)
    path = save(record, Path(directory))
    for name, address in record.contracts.items():
        click.echo(f"{name:>14}  {address}")
    click.echo(f"recorded in {path}")
