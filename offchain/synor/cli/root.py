"""The root `synor` group: global options, one-line errors, and lazy chain access."""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import click
from rich.console import Console

from synor.accounts import AccountError
from synor.chain import Chain, ChainError
from synor.deployments import DeploymentError
from synor.units import InputError

USER_ERRORS = (InputError, ChainError, DeploymentError, AccountError)
EXIT_USER_ERROR = 2


@dataclass
class Context:
    """What every command may need, created on first use (so `--help` never touches the network)."""

    network: str
    rpc_url: str | None
    deployments: Path
    out: Console = field(
        default_factory=lambda: Console(soft_wrap=True, width=None if sys.stdout.isatty() else 200)
    )
    err: Console = field(default_factory=lambda: Console(stderr=True))
    _chain: Chain | None = None

    @property
    def chain(self) -> Chain:
        if self._chain is None:
            self._chain = Chain.connect(self.network, self.rpc_url, self.deployments, console=self.err)
        return self._chain

    def emit_json(self, payload: Any) -> None:
        click.echo(json.dumps(payload, indent=2, sort_keys=True))


class SynorGroup(click.Group):
    """A group whose commands turn known failures into one line on stderr and exit code 2."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except USER_ERRORS as error:
            click.echo(f"error: {error}", err=True)
            sys.exit(EXIT_USER_ERROR)


@click.group(cls=SynorGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--network",
    envvar="SYNOR_NETWORK",
    default="local",
    show_default=True,
    help="Deployment to use: deployments/<network>.json (written by `ape run deploy`).",
)
@click.option("--rpc", "rpc_url", envvar="SYNOR_RPC_URL", help="Node URL (default: the deployment's).")
@click.option(
    "--deployments",
    type=click.Path(file_okay=False, path_type=Path),
    envvar="SYNOR_DEPLOYMENTS",
    default=Path("deployments"),
    show_default=True,
    help="Folder of deployment records.",
)
@click.version_option(package_name="synor-economics", prog_name="synor")
@click.pass_context
def main(ctx: click.Context, network: str, rpc_url: str | None, deployments: Path) -> None:
    """Synor Economics: pay for application runway and follow it on chain."""
    ctx.obj = Context(network=network, rpc_url=rpc_url, deployments=deployments)


def _register() -> None:
    from synor.cli.app import app
    from synor.cli.fees import fees
    from synor.cli.keeper import keeper
    from synor.cli.oracle import oracle

    main.add_command(app)
    main.add_command(fees)
    main.add_command(oracle)
    main.add_command(keeper)
    main.add_command(__import__("synor.cli.usage", fromlist=["usage"]).usage)
    main.add_command(__import__("synor.cli.price", fromlist=["price"]).price)


_register()
