"""What every command may need, shared by the root group, the options and the command modules.

The chain is connected on first use, so `--help` and bad input never touch the network.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click
from rich.console import Console

if TYPE_CHECKING:
    from synor.chain import Chain


def _stdout_console() -> Console:
    return Console(soft_wrap=True, width=None if sys.stdout.isatty() else 200)


def _stderr_console() -> Console:
    # soft_wrap: long lines (addresses, hashes) are never broken in the middle.
    return Console(stderr=True, soft_wrap=True)


@dataclass
class Context:
    """Global options and lazily created connections of one `synor` invocation."""

    network: str
    rpc_url: str | None
    deployments: Path
    json: bool = False
    dry_run: bool = False
    out: Console = field(default_factory=_stdout_console)
    err: Console = field(default_factory=_stderr_console)
    _chain: Chain | None = None

    @property
    def chain(self) -> Chain:
        if self._chain is None:
            from synor.chain import Chain

            self._chain = Chain.connect(self.network, self.rpc_url, self.deployments, console=self.err)
        self._chain.sender.dry_run = self.dry_run
        return self._chain

    def emit_json(self, payload: Any) -> None:
        """One JSON object on one line of stdout (a stream of them is JSON lines)."""
        click.echo(json.dumps(payload, sort_keys=True, separators=(",", ":")))

    def report(self, event: dict[str, Any], text: str) -> None:
        """``event`` as a JSON line under ``--json``, else ``text`` for people."""
        if self.json:
            self.emit_json(event)
        else:
            self.out.print(text)

    def log(self, message: str) -> None:
        """Progress and retries, on stderr (never on stdout, which carries results)."""
        from rich.text import Text

        self.err.print(Text(message, style="yellow"))

    def signer(self, spec: str | None) -> Any:
        """The signer named by ``--account`` (a passphrase is prompted for only when needed)."""
        from synor import accounts

        return accounts.resolve(spec, prompt=lambda question: click.prompt(question, hide_input=True))


pass_context = click.make_pass_decorator(Context)
