"""`make demo`: the whole system end to end on a local anvil, narrated for a newcomer.

Starts its own anvil on a free port (never 8545, so it runs beside a developer's node), deploys with
`ape run deploy` into `.demo/deployments/` (never `deployments/local.json`), then walks through the
Cartesi billing example with the real `synor` CLI: a 6-decimal payment token, a one-week prefund (19.99), a two-week extension paid by
someone else (39.98), a zero-prefund registration with no node, and runway running out; the SYNOR/USD
oracle and the revenue split; then usage billing — a prepaid balance, an operator and its signer, a signed
batch of usage reports over two billing periods charged exactly by the price book, a refused replay, debt
collected after a top-up, and an operator the account never allowed refused. On exit it stops the node and
removes its deployment record.
"""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys
from pathlib import Path

from rich.console import Console
from rich.rule import Rule

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tools")]

from free_port import free_port  # noqa: E402

from devstack.node import NodeError, local_stack  # noqa: E402
from devstack.uniswap import ARTIFACTS  # noqa: E402
from synor.units import format_amount  # noqa: E402

BIN = ROOT / ".venv" / "bin"
DEMO = ROOT / ".demo"
DEPLOYMENTS = DEMO / "deployments"
RPC = "http://127.0.0.1:8545"  # set by main() to the demo's own node
console = Console(soft_wrap=True)
# The `synor` commands the demo runs read its own deployment record, not deployments/local.json.
os.environ["SYNOR_DEPLOYMENTS"] = str(DEPLOYMENTS)


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


def compiled_abi(name: str) -> list[dict[str, object]]:
    """The ABI of a contract of this repository as ape compiled it (test-only contracts are not shipped)."""
    abi: list[dict[str, object]] = json.loads((ROOT / ".build" / "__local__.json").read_text())[
        "contractTypes"
    ][name]["abi"]
    return abi


def rpc(method: str, params: list[object]) -> object:
    from web3 import Web3

    return Web3(Web3.HTTPProvider(RPC)).provider.make_request(method, params)  # type: ignore[arg-type]


def balance_of(token: str, holder: str) -> int:
    from web3 import Web3

    from synor.artifacts import abi

    w3 = Web3(Web3.HTTPProvider(RPC))
    return int(
        w3.eth.contract(address=Web3.to_checksum_address(token), abi=abi("IERC20Token"))
        .functions.balanceOf(holder)
        .call()
    )


def send(account_index: int, contract: str, address: str, function: str, *args: object) -> None:
    """Sends one transaction from a development account (steps the CLI has no verb for) to a contract shipped
    with the package or, for the test stablecoin, compiled by ape."""
    from web3 import Web3

    from synor.artifacts import abi, shipped_names

    w3 = Web3(Web3.HTTPProvider(RPC))
    contract_abi = abi(contract) if contract in shipped_names() else compiled_abi(contract)
    send_raw(
        account_index,
        w3.eth.contract(address=Web3.to_checksum_address(address), abi=contract_abi),
        function,
        *args,
    )


def send_raw(account_index: int, contract: object, function: str, *args: object) -> None:
    from web3 import Web3

    from synor.accounts import dev_account

    w3 = Web3(Web3.HTTPProvider(RPC))
    signer = dev_account(account_index)
    call = getattr(contract.functions, function)  # type: ignore[attr-defined]
    tx = call(*args).build_transaction(
        {"from": signer.address, "nonce": w3.eth.get_transaction_count(signer.address)}
    )
    receipt = w3.eth.wait_for_transaction_receipt(
        w3.eth.send_raw_transaction(signer.sign_transaction(tx).raw_transaction)
    )
    if receipt["status"] != 1:
        raise SystemExit(f"demo step failed: {function}")


def synor_supply(synor: str) -> int:
    from web3 import Web3

    from synor.artifacts import abi

    w3 = Web3(Web3.HTTPProvider(RPC))
    return int(
        w3.eth.contract(address=Web3.to_checksum_address(synor), abi=abi("SynorToken"))
        .functions.totalSupply()
        .call()
    )


def buy_synor_on_v2(pair_address: str, stablecoin: str, amount: int, trader_index: int) -> None:
    """A real Uniswap V2 trade: send `amount` of the stablecoin to the pair, take the SYNOR it pays out."""
    from web3 import Web3

    from synor.accounts import dev_account

    w3 = Web3(Web3.HTTPProvider(RPC))
    pair = w3.eth.contract(
        address=Web3.to_checksum_address(pair_address),
        abi=json.loads(ARTIFACTS["UniswapV2Pair"].read_text())["abi"],
    )
    reserve0, reserve1, _ = pair.functions.getReserves().call()
    coin_is_token0 = pair.functions.token0().call().lower() == stablecoin.lower()
    reserve_in, reserve_out = (reserve0, reserve1) if coin_is_token0 else (reserve1, reserve0)
    out = amount * 997 * reserve_out // (reserve_in * 1000 + amount * 997)  # the pair's own formula
    trader = dev_account(trader_index).address
    send(trader_index, "TestStablecoin", stablecoin, "mint", trader, amount)
    send(trader_index, "TestStablecoin", stablecoin, "transfer", pair_address, amount)
    send_raw(trader_index, pair, "swap", *((0, out) if coin_is_token0 else (out, 0)), trader, b"")


def oracle_walkthrough(record: dict[str, dict[str, str]]) -> None:
    contracts = record["contracts"]
    console.print(Rule("the SYNOR/USD price"))
    say(
        "The deployment also created real Uniswap pools from the npm artifacts — SYNOR against USDC, DAI and USDT "
        "on V2 and SYNOR/USDC on V3, each at $0.50 — and a TwapOracle reading all four, whose sources can only "
        "change through a one-hour timelock. It keeps a 30-minute time-weighted average per pool and uses the median."
    )
    run("synor oracle sources")
    say(
        "Traders (dev:9) buy SYNOR with 40,000 of each stablecoin on the three V2 pools; half an hour passes."
    )
    for coin in ("payment_token", "dai", "usdt"):
        decimals = 6 if coin != "dai" else 18
        pool = {"payment_token": "pool_v2_usdc", "dai": "pool_v2_dai", "usdt": "pool_v2_usdt"}[coin]
        buy_synor_on_v2(contracts[pool], contracts[coin], 40_000 * 10**decimals, 9)
    rpc("evm_increaseTime", [31 * 60])
    rpc("evm_mine", [])
    say(
        "The oracle keeper sees a window has elapsed and records a round; a second run right away has nothing due."
    )
    run("synor keeper oracle --once --account dev:0")
    run("synor keeper oracle --once --account dev:0")
    say("The price billing uses now (usdToToken rounds up, tokenToUsd rounds down), and the rounds so far:")
    run("synor oracle price")
    run("synor oracle history")
    say(
        "Only three of the four pools counted in round 2: nobody traded on the V3 pool, so its average sits more than "
        "5% from the median and is left out — the same check that cuts off a pool someone manipulates."
    )


def revenue_walkthrough(record: dict[str, dict[str, str]]) -> None:
    contracts = record["contracts"]
    synor, staking, splitter = contracts["synor"], contracts["staking"], contracts["splitter"]
    console.print(Rule("where the money goes"))
    say(
        "Transaction fees follow their own schedule: 10% burn, 60% stakers, 20% community pool, 10% validators. "
        "dev:3 stakes 100,000 SYNOR, and the chain's fee collector (dev:0) hands the splitter 1,000 SYNOR of fees."
    )
    stake = 100_000 * 10**18
    send(3, "SynorToken", synor, "approve", staking, stake)
    send(3, "SynorStaking", staking, "stake", stake)
    fees = 1_000 * 10**18
    send(0, "SynorToken", synor, "approve", splitter, fees)
    send(0, "FeeSplitter", splitter, "distributeTransactionFees", synor, fees)
    supply_before = synor_supply(synor)

    say(
        "A node operator's settlement keeper splits what arrived by plain transfer (70% operators, 20% treasury, "
        "10% burn), burns the SYNOR burn share, and buys SYNOR with the USDC burn "
        "share through a real Uniswap V2 pool, then burns it. It is idempotent: a second run finds nothing to do."
    )
    run("synor keeper settle --once --account dev:0")
    run("synor keeper settle --once --account dev:0")
    run("synor fees status")

    say("Everyone pulls their own share; nobody can block anybody else's payout.")
    run("synor fees claim USDC --account dev:4")
    run("synor fees claim USDC --account dev:5")
    run("synor fees claim USDC --account dev:6")
    say(
        "The stakers' share reached staking when the fees were paid and streams out over a week, by stake x time: "
        "nobody who stakes later can take what accrued before. A week later dev:3 claims it."
    )
    rpc("evm_increaseTime", [7 * 24 * 3600])
    rpc("evm_mine", [])
    run("synor fees claim SYNOR --staking --account dev:3")
    burned = supply_before - synor_supply(synor)
    say(
        f"SYNOR supply fell by {format_amount(burned, 18, 'SYNOR')}: 100 SYNOR of transaction fees burned directly, "
        "plus the SYNOR bought back with the USDC burn share."
    )


def chain_time() -> int:
    from web3 import Web3

    return int(Web3(Web3.HTTPProvider(RPC)).eth.get_block("latest")["timestamp"])


def dev_address(index: int) -> str:
    from synor.accounts import dev_account

    return str(dev_account(index).address)


def refused(command: str) -> None:
    """Runs a command the system must refuse, showing its one line and exit code."""
    console.print(f"[dim]$[/dim] [bold]{command}[/bold]")
    argv = shlex.split(command)
    argv[0] = str(BIN / argv[0])
    result = subprocess.run(argv, cwd=ROOT, capture_output=True, text=True, check=False)
    if result.returncode == 0:
        raise SystemExit(f"demo step should have been refused: {command}")
    console.print(f"{result.stderr.strip().splitlines()[-1]}  [dim](exit {result.returncode})[/dim]")


def billing_periods(record: dict[str, dict[str, str]]) -> tuple[int, int]:
    """The price book's genesis and period length: the billing periods on this chain."""
    from web3 import Web3

    from synor.artifacts import abi

    book = Web3(Web3.HTTPProvider(RPC)).eth.contract(
        address=Web3.to_checksum_address(record["contracts"]["price_book"]), abi=abi("PriceBook")
    )
    return int(book.functions.genesis().call()), int(book.functions.periodLength().call())


def usage_walkthrough(record: dict[str, dict[str, str]]) -> None:
    operator, payer, stranger = dev_address(4), dev_address(2), dev_address(3)
    console.print(Rule("usage billing: prepaid balances and signed usage reports"))
    say(
        "Usage of the L2 services is billed from prepaid SYNOR balances. The registrar (dev:0) registers a node "
        "operator (dev:4), which authorizes its own key as a signer: a new signer counts after a one-day delay."
    )
    run(f"synor operator register {operator} --account dev:0")
    run(f"synor operator signer add {operator} --account dev:4")
    say(
        "dev:2 prepays 15 SYNOR and allows the operator to charge it at most 100 SYNOR per billing period. "
        "Nobody can charge an account that never allowed them."
    )
    run("synor account deposit 15 --account dev:2")
    run(f"synor account allow {operator} --ceiling 100 --account dev:2")

    genesis, length = billing_periods(record)
    rpc("evm_increaseTime", [genesis + length + 3600 - chain_time()])
    rpc("evm_mine", [])
    say(
        "Billing period 1 has begun; period 0 still takes reports for its 7-day settlement window. The "
        "operator's meters report cumulative usage per account, resource and period: in period 0, 500 GB-months "
        "of storage and 25M database queries; in period 1 so far, 100 core-hours and 100 GB of egress."
    )
    gb_month = 2_592 * 10**12
    reports = [
        ("storage.capacity", 0, 500 * gb_month),
        ("database.queries", 0, 25 * 10**6),
        ("compute.cpu", 1, 100 * 3600),
        ("network.egress", 1, 100 * 10**9),
    ]
    unsigned = DEMO / "usage-reports.json"
    unsigned.write_text(
        json.dumps(
            [
                {"account": payer, "operator": operator, "resource": name, "period": period,
                 "cumulativeQuantity": str(quantity)}
                for name, period, quantity in reports
            ],
            indent=2,
        )
    )  # fmt: skip
    run("synor price list")
    say(
        "The operator signs the four reports as one EIP-712 UsageBatch (computed locally, never by the node); "
        "anyone may submit it — here dev:9. Each report is rated by the price book's card of its own period and "
        "charged from the balance: 10 + 0.25 + 2 + 5 = 17.25 SYNOR, of which the 15 in the balance are collected "
        "and 2.25 become debt."
    )
    signed = DEMO / "usage-signed.json"
    run(f"synor usage sign {unsigned.relative_to(ROOT)} --account dev:4 --out {signed.relative_to(ROOT)}")
    run(f"synor usage submit {signed.relative_to(ROOT)} --account dev:9")
    say("Submitting the same file again would charge nothing, so nothing is sent:")
    refused(f"synor usage submit {signed.relative_to(ROOT)} --account dev:9")
    run(f"synor account balance {payer}")
    say("dev:2 tops up 5 SYNOR; anyone may then collect the debt for the operator.")
    run("synor account deposit 5 --account dev:2")
    run(f"synor account debt {payer} --collect --operator {operator} --account dev:9")
    run(f"synor account balance {payer}")
    say("dev:3 never allowed this operator: a report charging dev:3 is refused before anything is sent.")
    other = DEMO / "usage-stranger.json"
    other.write_text(
        json.dumps([{"account": stranger, "operator": operator, "resource": "compute.cpu", "period": 1,
                     "cumulativeQuantity": "3600"}])
    )  # fmt: skip
    other_signed = DEMO / "usage-stranger-signed.json"
    run(f"synor usage sign {other.relative_to(ROOT)} --account dev:4 --out {other_signed.relative_to(ROOT)}")
    refused(f"synor usage submit {other_signed.relative_to(ROOT)} --account dev:9")
    say(
        "Usage revenue went through the fee splitter like runway revenue: 70% to the operator that served it "
        "(dev:4 can claim its 12.075 SYNOR), 20% to the treasury, 10% burned."
    )
    run("synor fees status")


def metering_walkthrough(record: dict[str, dict[str, str]]) -> None:
    import time

    operator, first, second = dev_address(4), dev_address(1), dev_address(2)
    console.print(Rule("metering: from what services observe to settled charges"))
    say(
        "Now the operator's own meters. dev:1 prepays 50 SYNOR and allows the operator too; dev:2 tops up 20. "
        "A load generator drives all five meters (storage levels, web server logs, database counters, cgroup "
        "samples, egress counters) for both accounts over the last six hours."
    )
    run("synor account deposit 50 --account dev:1")
    run(f"synor account allow {operator} --account dev:1")
    run("synor account deposit 20 --account dev:2")

    # This local chain has travelled weeks ahead of the wall clock; the meters keep wall-clock time, so
    # their period 0 starts as far before now as the chain's does (on a real chain the two agree).
    genesis = int(time.time()) - (chain_time() - billing_periods(record)[0])
    load, store = DEMO / "load.ndjson", DEMO / "usage.db"
    store.unlink(missing_ok=True)
    argv = [str(BIN / "synor"), "usage", "simulate", "--subject", first, "--subject", second,
            "--operator", operator, "--duration", "6h", "--genesis", str(genesis)]  # fmt: skip
    console.print(f"[dim]$[/dim] [bold]synor usage simulate --subject {first} --subject {second} "
                  f"--operator {operator} --duration 6h --genesis {genesis} > .demo/load.ndjson[/bold]")  # fmt: skip
    load.write_text(subprocess.run(argv, cwd=ROOT, capture_output=True, text=True, check=True).stdout)
    console.print(f"{len(load.read_text().splitlines())} events")
    say(
        "The embedded pipeline validates them and commits per (account, operator, resource, period) aggregates "
        "to SQLite, deduplicating by (source, id) in the same transaction; ingesting the file again adds nothing."
    )
    run(f"synor usage ingest .demo/load.ndjson --store sqlite:.demo/usage.db --genesis {genesis}")
    run(f"synor usage ingest .demo/load.ndjson --store sqlite:.demo/usage.db --genesis {genesis}")
    say(
        "The meter keeper signs every aggregate above what the chain already charged as one UsageBatch, each "
        "report committing to the Merkle root of its events, and settles it. (dev:2's period-0 storage and queries "
        "were already charged above, beyond these totals: those two count as settled.) A second round finds "
        "nothing to do."
    )
    run("synor keeper meter --store sqlite:.demo/usage.db --account dev:4 --once")
    run("synor keeper meter --store sqlite:.demo/usage.db --account dev:4 --once")
    run("synor usage status --store sqlite:.demo/usage.db --chain --limit 0")
    run(f"synor account balance {first}")


def main() -> int:
    global RPC
    with console.status("compiling the contracts (first run only)…"):
        subprocess.run([str(BIN / "ape"), "compile"], cwd=ROOT, capture_output=True, check=True)
    port = free_port()
    console.print(Rule("Synor Economics — paying for application runway"))
    say(
        f"Start a local chain (anvil) on a free port, {port}, and deploy the SYNOR token, a 6-decimal test USDC "
        "and the PayableDAppFactory priced like Cartesi's example: 0.000033052248677249 USDC per second. "
        "The demo records its deployment in .demo/deployments (the `synor` commands below read it through "
        "SYNOR_DEPLOYMENTS) and removes it when it stops the node; deployments/local.json is never touched."
    )
    console.print(
        f"[dim]$[/dim] [bold]APE_FOUNDRY_HOST=http://127.0.0.1:{port} ape run deploy --network "
        "ethereum:local:foundry --account TEST::0 --out .demo/deployments[/bold]"
    )
    try:
        with local_stack(port, DEPLOYMENTS, DEMO / "anvil.log") as node:
            RPC = node.rpc_url
            console.print(node.deploy_output)
            return walkthrough(json.loads(node.record.read_text()))
    except NodeError as error:
        console.print(f"[red]error:[/red] {error}")
        return 1


def walkthrough(record: dict[str, dict[str, str]]) -> int:
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

    splitter = record["contracts"]["splitter"]
    paid = format_amount(balance_of(token, splitter), 6, "USDC")
    say(
        f"The factory's payee is the FeeSplitter: it now holds {paid} (19.990001 + 39.980001, to the base unit), "
        "not yet split between anyone."
    )
    run("synor fees status")

    oracle_walkthrough(record)
    revenue_walkthrough(record)

    console.print(Rule("when the runway runs out"))
    say(
        "Two more weeks and a second later (three weeks after it was paid) the runway has run out: the node must stop "
        "the application."
    )
    rpc("evm_increaseTime", [2 * 7 * 24 * 3600 + 1])
    rpc("evm_mine", [])
    run(f"synor app status {app}")
    run("synor app watch --once")

    say("Anyone can revive it: a lapsed runway restarts from now, so the gap is never charged.")
    run(f"synor app extend {app} 1d --account dev:2")
    run("synor app watch --once")

    usage_walkthrough(record)
    metering_walkthrough(record)

    say("Bad input gets one clear line and sends nothing:")
    for command in (f"synor app extend {app} 1w --max-cost 5 --account dev:2", "synor app cost 3x"):
        refused(command)
    console.print(Rule("done"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
