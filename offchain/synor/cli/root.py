"""The root `synor` group: global options, lazily loaded subcommands, and the one error mapping.

Subcommand groups are imported when they run (or their own help is asked for), never for `synor --help`:
the chain stack (web3) loads only when a command needs it. Command modules import `synor.cli.context`
and `synor.cli.options`, never this module, so there is no import cycle.

Errors: every ``SynorError`` (bad input, a refused transaction, an unreachable node, a missing
deployment), every click usage error, and a contract revert met while reading become one line on
stderr and exit code 2 — under ``--json`` that line is one JSON object ``{"error": "..."}`` (stdout
stays empty). A dry run (``--dry-run``) ends by printing its plan and exits 0.
"""

from __future__ import annotations

import importlib
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import click

from synor.cli.context import Context
from synor.cli.options import RpcUrl
from synor.errors import SynorError, describe_contract_error

EXIT_USER_ERROR = 2

SUBCOMMANDS: dict[str, tuple[str, str]] = {
    "account": (
        "synor.cli.account:account",
        "Prepaid SYNOR balances for metered usage: deposits, operator consent, debt and withdrawals.",
    ),
    "operator": (
        "synor.cli.operator:operator",
        "Usage-billing operators: registration, signer keys and status.",
    ),
    "app": ("synor.cli.app:app", "Application runway on the PayableDAppFactory."),
    "fees": ("synor.cli.fees:fees", "Revenue distribution: the fee splitter, staking rewards and the burn."),
    "price": (
        "synor.cli.price:price",
        "The usage price book: prices per billing unit, tiers, scheduled changes.",
    ),
    "oracle": ("synor.cli.oracle:oracle", "The SYNOR/USD TWAP oracle billing converts USD prices with."),
    "keeper": ("synor.cli.keeper:keeper", "Keeper bots run by node operators."),
    "stake": (
        "synor.cli.staking:stake",
        "Stake AMOUNT SYNOR (approving exactly what is missing): earn a share of transaction fees by stake and time.",
    ),
    "unstake": (
        "synor.cli.staking:unstake",
        "Stop staking AMOUNT SYNOR now (it stops earning and cools down), or --withdraw what has cooled down.",
    ),
    "rewards": (
        "synor.cli.staking:rewards",
        "A staker's stake, cool-down and rewards (earned and claimed) in every reward token.",
    ),
    "usage": (
        "synor.cli.usage:usage",
        "Metered usage: ingest and aggregate usage events; sign and submit usage reports.",
    ),
}
"""Name -> (``module:attribute``, one-line help shown by `synor --help` without importing it)."""

__all__ = ["EXIT_USER_ERROR", "SUBCOMMANDS", "Context", "SynorGroup", "main"]


class SynorGroup(click.Group):
    """The root group: loads subcommands lazily and maps every known failure to one line, exit 2."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *SUBCOMMANDS})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in SUBCOMMANDS and cmd_name not in self.commands:
            module_name, attribute = SUBCOMMANDS[cmd_name][0].split(":")
            command = getattr(importlib.import_module(module_name), attribute)
            self.add_command(command, cmd_name)
        return super().get_command(ctx, cmd_name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """Lists subcommands from SUBCOMMANDS, without importing them."""
        rows = [(name, SUBCOMMANDS[name][1]) for name in sorted(SUBCOMMANDS)]
        with formatter.section("Commands"):
            formatter.write_dl(rows)

    def main(
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        arguments = list(sys.argv[1:] if args is None else args)
        as_json = (
            "--json" in arguments[: arguments.index("--")] if "--" in arguments else "--json" in arguments
        )
        try:
            result = super().main(arguments, prog_name, complete_var, standalone_mode=False, **extra)
        except click.exceptions.Exit as done:  # raised when not standalone by some click versions
            sys.exit(done.exit_code)
        except click.Abort:
            click.echo("aborted", err=True)
            sys.exit(1)
        except click.ClickException as error:
            _fail(error.format_message(), as_json)
        except SynorError as error:
            _fail(str(error), as_json)
        except Exception as error:
            dry_run = _dry_run(error)
            if dry_run is not None:
                _print_plan(dry_run, as_json)
                sys.exit(0)
            message = _known(error)
            if message is None:
                raise
            _fail(message, as_json)
        if not standalone_mode:
            return result
        sys.exit(result if isinstance(result, int) else 0)


def _fail(message: str, as_json: bool) -> None:
    line = " ".join(message.split())  # one line, whatever the message held
    if as_json:
        click.echo(json.dumps({"error": line}), err=True)
    else:
        click.echo(f"error: {line}", err=True)
    sys.exit(EXIT_USER_ERROR)


def _dry_run(error: BaseException) -> Any:
    sender = sys.modules.get("synor.sender")
    return error if sender is not None and isinstance(error, sender.DryRun) else None


def _known(error: BaseException) -> str | None:
    """One line for a failure the chain stack raised outside a transaction (a read that reverted, a node
    that went away), or None for a bug, which keeps its traceback."""
    reason = describe_contract_error(error)
    if reason is not None:
        refused = type(error).__name__ != "BadFunctionCallOutput"
        return f"the contract refused: {reason}" if refused else reason
    if "requests" in sys.modules:
        from synor.runner import network_errors

        if isinstance(error, network_errors()):
            return f"lost the node: {type(error).__name__}; is it running? (pass --rpc-url URL)"
    return None


def _print_plan(dry_run: Any, as_json: bool) -> None:
    planned = dry_run.planned
    if as_json:
        payload = {"dry_run": True, "sent": False, "transactions": [tx.to_json() for tx in planned]}
        click.echo(json.dumps(payload, sort_keys=True, separators=(",", ":")))
        return
    click.echo(f"dry run: nothing sent; it would send {len(planned)} transaction(s):")
    for number, tx in enumerate(planned, start=1):
        click.echo(f"  {number}. {tx.describe()}")


@click.group(cls=SynorGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--network",
    envvar="SYNOR_NETWORK",
    default="local",
    show_default=True,
    help="Deployment to use: deployments/<network>.json (written by `ape run deploy`).",
)
@click.option(
    "--rpc-url",
    "--rpc",
    "rpc_url",
    type=RpcUrl(),
    envvar=["SYNOR_RPC_URL", "ETH_RPC_URL"],
    help="Node URL (env SYNOR_RPC_URL, then ETH_RPC_URL; default: the deployment's).",
)
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
