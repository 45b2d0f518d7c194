"""The ABIs shipped in the package are exactly what the contracts compile to (`make abi` refreshes them)."""

from __future__ import annotations

from pathlib import Path

import pytest

from synor.artifacts import abi, artifact, shipped_names


@pytest.mark.parametrize("name", shipped_names())
def test_shipped_abi_matches_compiled_contract(project, name):
    contract_type = getattr(project, name).contract_type
    compiled = [
        entry.model_dump(mode="json", by_alias=True, exclude_none=True) for entry in contract_type.abi
    ]
    assert _canonical(abi(name)) == _canonical(compiled), f"run `make abi`: {name} changed"
    assert artifact(name)["bytecode"] == contract_type.deployment_bytecode.bytecode


def _canonical(entries):
    def strip(entry):
        if isinstance(entry, dict):
            return {key: strip(value) for key, value in entry.items() if key not in ("internalType",)}
        if isinstance(entry, list):
            return [strip(item) for item in entry]
        return entry

    return sorted(
        (strip(entry) for entry in entries), key=lambda e: (e.get("type", ""), e.get("name", ""), str(e))
    )


def test_the_package_ships_a_generic_erc20_abi_and_no_test_contract():
    names = shipped_names()
    assert "IERC20Token" in names
    assert not [name for name in names if name.startswith(("Test", "Mock")) or "Test" in name]
    functions = {entry["name"] for entry in abi("IERC20Token") if entry["type"] == "function"}
    assert functions == {
        "name",
        "symbol",
        "decimals",
        "totalSupply",
        "balanceOf",
        "transfer",
        "allowance",
        "approve",
        "transferFrom",
        "permit",
        "nonces",
        "DOMAIN_SEPARATOR",
        "eip712Domain",
    }


def test_the_installable_package_has_no_local_development_code():
    """Deployment with ape and the local stack (Uniswap artifacts from node_modules, test tokens) live in
    devstack/, outside the package."""
    package = Path(__file__).resolve().parents[2] / "offchain" / "synor"
    for source in package.rglob("*.py"):
        text = source.read_text()
        for needle in ("node_modules", "TestStablecoin", "devstack", "import ape", "from ape"):
            assert needle not in text, f"{source.relative_to(package)} mentions {needle}"
