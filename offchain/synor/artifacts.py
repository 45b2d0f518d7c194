"""The contract ABIs and creation bytecode shipped with the package (refreshed by `make abi`)."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

from eth_utils.abi import function_signature_to_4byte_selector


@cache
def artifact(name: str) -> dict[str, Any]:
    """``{"abi": [...], "bytecode": "0x..."}`` of a shipped contract."""
    text = resources.files("synor").joinpath("abi", f"{name}.json").read_text()
    loaded: dict[str, Any] = json.loads(text)
    return loaded


def abi(name: str) -> list[dict[str, Any]]:
    """The ABI of a shipped contract."""
    entries: list[dict[str, Any]] = artifact(name)["abi"]
    return entries


def shipped_names() -> list[str]:
    """Names of every shipped contract."""
    folder = resources.files("synor").joinpath("abi")
    return sorted(
        entry.name.removesuffix(".json") for entry in folder.iterdir() if entry.name.endswith(".json")
    )


@cache
def custom_errors() -> dict[bytes, dict[str, Any]]:
    """Every custom error of every shipped contract, by its 4-byte selector."""
    errors: dict[bytes, dict[str, Any]] = {}
    for name in shipped_names():
        for entry in abi(name):
            if entry.get("type") == "error":
                signature = f"{entry['name']}({','.join(_canonical_type(i) for i in entry['inputs'])})"
                errors[function_signature_to_4byte_selector(signature)] = entry
    return errors


def _canonical_type(parameter: dict[str, Any]) -> str:
    """The ABI type as it appears in a signature (tuples expanded)."""
    kind: str = parameter["type"]
    if kind.startswith("tuple"):
        inner = ",".join(_canonical_type(component) for component in parameter["components"])
        return f"({inner}){kind.removeprefix('tuple')}"
    return kind
