"""Where the contracts of each network are: `deployments/<network>.json`, written by `ape run deploy`.

The file is plain JSON so any tool can read it. It also records the chain id (to refuse a file that
belongs to another chain) and the deployment block (where event scans start).
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from synor.errors import SynorError

DEFAULT_DIRECTORY = Path("deployments")


class DeploymentError(SynorError, RuntimeError):
    """The deployment record is missing or unusable; the message says how to fix it."""


@dataclass(frozen=True)
class Deployment:
    """The addresses and facts of one network's deployment."""

    network: str
    chain_id: int
    rpc_url: str
    start_block: int
    contracts: dict[str, str]
    payment_token: dict[str, Any] = field(default_factory=dict)

    def address(self, name: str) -> str:
        """The address of contract ``name`` (e.g. ``factory``)."""
        try:
            return self.contracts[name]
        except KeyError:
            raise DeploymentError(
                f"no {name!r} in the {self.network} deployment: redeploy with `ape run deploy`"
            ) from None

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=2, sort_keys=True) + "\n"


def path_for(network: str, directory: Path = DEFAULT_DIRECTORY) -> Path:
    return directory / f"{network}.json"


def load(network: str, directory: Path = DEFAULT_DIRECTORY) -> Deployment:
    """The deployment of ``network``, or a DeploymentError saying how to create it."""
    path = path_for(network, directory)
    if not path.exists():
        raise DeploymentError(
            f"no deployment for network {network!r} ({path} is missing): run `make node` (a local node with the stack) or `ape run deploy` first"
        )
    try:
        data = json.loads(path.read_text())
        return Deployment(**data)
    except (ValueError, TypeError) as error:
        raise DeploymentError(f"{path} is not a valid deployment record ({error}): redeploy") from None


def save(deployment: Deployment, directory: Path = DEFAULT_DIRECTORY) -> Path:
    """Writes the record atomically and returns its path."""
    directory.mkdir(parents=True, exist_ok=True)
    path = path_for(deployment.network, directory)
    temporary = path.with_suffix(".json.tmp")
    temporary.write_text(deployment.to_json())
    temporary.replace(path)
    return path
