"""`make demo`: the whole system end to end on a local anvil, narrated for a newcomer.

Starts anvil, deploys with `ape run deploy`, then walks through the Cartesi billing example with the
real `synor` CLI: a 6-decimal payment token, a one-week prefund (19.99), a two-week extension paid by
someone else (39.98), a zero-prefund registration with no node, and runway running out.
"""

from __future__ import annotations

import json
import shlex
import socket
import subprocess
import sys
import time
from pathlib import Path

from rich.console import Console
from rich.rule import Rule

from synor.units import format_amount

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"
HOST, PORT = "127.0.0.1", 8545
RPC = f"http://{HOST}:{PORT}"
PAYEE = "0xa0Ee7A142d267C1f36714E4a8F75612F20a79720"  # anvil's dev:9, which holds no test USDC
console = Console(soft_wrap=True)


def say(text: str) -> None:
    console.print(f"\n[bold cyan]»[/bold cyan] {text}")


def run(command: str, capture_json: bool = False) -> dict[str, object] | None:
    """Runs a shell-free command from .venv/bin, echoing it like a terminal session."""
    console.print(f"[dim]$[/dim] [bold]{command}[/bold]")
    argv = shlex.split(command)
    argv[0] = str(BIN / argv[0])
    result = subprocess.run(argv, cwd=ROOT, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        console.print(result.stdout + result.stderr)
        raise SystemExit(f"demo step failed: {command}")
    if capture_json:
        payload: dict[str, object] = json.loads(result.stdout)
        console.print(json.dumps(payload, indent=2))
        return payload
    console.print(result.stdout.rstrip())
    return None


def port_in_use() -> bool:
    with socket.socket() as probe:
        return probe.connect_ex((HOST, PORT)) == 0


def rpc(method: str, params: list[object]) -> object:
    from web3 import Web3

    return Web3(Web3.HTTPProvider(RPC)).provider.make_request(method, params)  # type: ignore[arg-type]


def balance_of(token: str, holder: str) -> int:
    from web3 import Web3

    from synor.artifacts import abi

    w3 = Web3(Web3.HTTPProvider(RPC))
    return int(
        w3.eth.contract(address=Web3.to_checksum_address(token), abi=abi("TestStablecoin"))
        .functions.balanceOf(holder)
        .call()
    )


def main() -> int:
    if port_in_use():
        console.print(
            f"[red]error:[/red] {HOST}:{PORT} is already in use: stop the node running there, then rerun `make demo`"
        )
        return 2
    logs = ROOT / ".demo"
    logs.mkdir(exist_ok=True)
    anvil = subprocess.Popen(
        [str(BIN / "anvil"), "--host", HOST, "--port", str(PORT)],
        stdout=(logs / "anvil.log").open("w"),
        stderr=subprocess.STDOUT,
    )
    try:
        for _ in range(100):
            if port_in_use():
                break
            time.sleep(0.1)
        return walkthrough()
    finally:
        anvil.terminate()
        anvil.wait(timeout=10)


def walkthrough() -> int:
    console.print(Rule("Synor Economics — paying for application runway"))
    say(
        f"A local chain (anvil) is running at {RPC}. Deploy the SYNOR token, a 6-decimal test USDC and the "
        "PayableDAppFactory priced like Cartesi's example: 0.000033052248677249 USDC per second."
    )
    with console.status("compiling the contracts (first run only)…"):
        subprocess.run([str(BIN / "ape"), "compile"], cwd=ROOT, capture_output=True, check=True)
    deploy = f"ape run deploy --network ethereum:local:foundry --account TEST::0 --payee {PAYEE}"
    console.print(f"[dim]$[/dim] [bold]{deploy}[/bold]")
    deployed = subprocess.run(
        [str(BIN / "ape"), *shlex.split(deploy)[1:]],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    if deployed.returncode != 0:
        console.print(deployed.stdout + deployed.stderr)
        raise SystemExit("deployment failed")
    console.print(
        "\n".join(line for line in deployed.stdout.splitlines() if not line.startswith(("INFO", "SUCCESS")))
    )
    record = json.loads((ROOT / "deployments" / "local.json").read_text())
    token = record["contracts"]["payment_token"]

    say(
        "How much does runway cost? `cost` rounds up to a whole base unit, so the payee is never short-changed."
    )
    run("synor app cost 1w")
    run("synor app cost 2w")

    say(
        "The developer (dev:1) creates an application and prefunds one week. The CLI approves exactly the cost, "
        "then calls newApplication: tokens go straight to the payee, the factory holds none."
    )
    created = run("synor app create --prefund 1w --account dev:1 --json", capture_json=True)
    assert created is not None
    app = str(created["app"])

    say(
        "A sponsor (dev:2), not the owner, extends that runway by two weeks. Their token supports EIP-2612, "
        "so the CLI signs a permit and pays in a single transaction."
    )
    run(f"synor app extend {app} 2w --account dev:2")
    run(f"synor app status {app}")

    say("A second application is registered with a zero prefund: it exists on chain, but no node runs it.")
    run("synor app create --account dev:1")
    run("synor app list")

    say("A node operator asks which applications must be running now (the Sunodo controller's question):")
    run("synor app watch --once")

    paid = format_amount(balance_of(token, PAYEE), 6, "USDC")
    say(f"The payee ({PAYEE}) has received {paid}: 19.990001 + 39.980001, to the base unit.")

    say("Three weeks and a second later the runway has run out: the node must stop the application.")
    rpc("evm_increaseTime", [3 * 7 * 24 * 3600 + 1])
    rpc("evm_mine", [])
    run(f"synor app status {app}")
    run("synor app watch --once")

    say("Anyone can revive it: a lapsed runway restarts from now, so the gap is never charged.")
    run(f"synor app extend {app} 1d --account dev:2")
    run("synor app watch --once")

    say("Bad input gets one clear line and sends nothing:")
    for command in (f"synor app extend {app} 1w --max-cost 5 --account dev:2", "synor app cost 3x"):
        console.print(f"[dim]$[/dim] [bold]{command}[/bold]")
        argv = shlex.split(command)
        argv[0] = str(BIN / argv[0])
        result = subprocess.run(argv, cwd=ROOT, capture_output=True, text=True, check=False)
        console.print(f"{result.stderr.strip().splitlines()[-1]}  [dim](exit {result.returncode})[/dim]")
    console.print(Rule("done"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
