"""Writes the ABIs (and creation bytecode) the `synor` package ships, from ape's compiled manifest.

Run through `make abi` after changing a contract; `tests/offchain/test_shipped_abi.py` fails while the
shipped copies differ from what the contracts compile to.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MANIFEST = ROOT / ".build" / "__local__.json"
OUT = ROOT / "offchain" / "synor" / "abi"

# Contracts the off-chain tools talk to, and the generic ERC-20 (+ EIP-2612 permit) interface they use
# on payment and revenue tokens. Test-only contracts (TestStablecoin, ...) stay out of the package: the
# local development stack (devstack/) deploys them from ape's project.
SHIPPED = [
    "Application",
    "FeeSplitter",
    "IERC20Token",
    "PayableDAppFactory",
    "PrepaidEscrow",
    "PriceBook",
    "SynorStaking",
    "SynorTimelock",
    "SynorToken",
    "TwapOracle",
    "UsageSettlement",
]


def shipped_artifact(contract_type: dict[str, object]) -> dict[str, object]:
    bytecode = contract_type.get("deploymentBytecode") or {}
    assert isinstance(bytecode, dict)
    return {"abi": contract_type["abi"], "bytecode": bytecode.get("bytecode", "0x")}


def main() -> int:
    if not MANIFEST.exists():
        print(f"{MANIFEST} is missing: run `ape compile` first", file=sys.stderr)
        return 1
    types = json.loads(MANIFEST.read_text())["contractTypes"]
    OUT.mkdir(parents=True, exist_ok=True)
    for name in SHIPPED:
        artifact = shipped_artifact(types[name])
        (OUT / f"{name}.json").write_text(json.dumps(artifact, indent=1, sort_keys=True) + "\n")
        print(f"wrote {OUT.relative_to(ROOT)}/{name}.json")
    return 0


if __name__ == "__main__":
    sys.exit(main())
