"""`make node` / `make deploy`: a local node with the whole stack, for the `synor` CLI to work against.

    python scripts/node.py [--port 8545] [--out deployments]      # start anvil, deploy, run until Ctrl-C
    python scripts/node.py --attach [--port 8545] [--out deployments]  # deploy to a node already running

`make node` keeps anvil in the foreground with the stack deployed and recorded in
``deployments/local.json``, so `synor ...` commands work against it; Ctrl-C stops the node and removes
the record (it would point at a stopped node). `make deploy` deploys again to a node already running.
"""

from __future__ import annotations

import argparse
import signal
import sys
from pathlib import Path
from types import FrameType

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from devstack.node import HOST, NodeError, deploy, listening, local_stack  # noqa: E402


def _stop_on_sigterm(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--port", type=int, default=8545, help="anvil's port on 127.0.0.1 (default 8545)")
    parser.add_argument("--out", type=Path, default=ROOT / "deployments", help="deployment records folder")
    parser.add_argument("--attach", action="store_true", help="deploy to a node already running, then exit")
    args = parser.parse_args(argv)
    out: Path = args.out
    try:
        if args.attach:
            print(deploy(args.port, out), flush=True)
            print(f"deployed to http://{HOST}:{args.port}, recorded in {out / 'local.json'}", flush=True)
            return 0
        # Ctrl-C (SIGINT, even where a shell started us with it ignored) and SIGTERM stop the node cleanly.
        signal.signal(signal.SIGINT, signal.default_int_handler)
        signal.signal(signal.SIGTERM, _stop_on_sigterm)
        if listening(args.port):
            raise NodeError(
                f"{HOST}:{args.port} is already in use: stop the node running there, pick another port "
                "(`make node NODE_PORT=8546`), or deploy to that node with `make deploy`"
            )
        print(f"starting anvil on {HOST}:{args.port} and deploying the stack…", flush=True)
        with local_stack(args.port, out, ROOT / ".node" / "anvil.log") as node:
            print(node.deploy_output, flush=True)
            print(
                f"\nready: node at {node.rpc_url}, deployment recorded in {node.record}\n"
                "`synor` commands now use it (try `synor app cost 1w`); anvil's log: .node/anvil.log.\n"
                "Ctrl-C stops the node and removes the record.",
                flush=True,
            )
            try:
                code = node.process.wait()
            except KeyboardInterrupt:
                code = None
        if code is not None:
            print(f"anvil exited on its own (code {code}); see .node/anvil.log", file=sys.stderr)
        print(f"\nnode stopped; removed {node.record}", flush=True)
        return 0 if code is None else 1
    except NodeError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
