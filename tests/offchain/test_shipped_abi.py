"""The ABIs shipped in the package are exactly what the contracts compile to (`make abi` refreshes them)."""

from __future__ import annotations

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
