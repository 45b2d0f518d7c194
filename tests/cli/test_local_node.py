"""`make node`, `make deploy` and `make demo`'s node: their own anvil on the port asked for, a deployment
recorded where asked (never deployments/local.json for the demo), and no record left behind for a node
that was stopped."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest
from free_port import free_port
from web3 import Web3

from devstack.node import NodeError, deploy, listening, local_stack
from synor.deployments import Deployment, save
from tests.cli.conftest import cli_for

ROOT = Path(__file__).resolve().parents[2]
SHARED_RECORD = ROOT / "deployments" / "local.json"


def _state(path: Path) -> tuple[bool, bytes, int]:
    return (True, path.read_bytes(), path.stat().st_mtime_ns) if path.exists() else (False, b"", 0)


def _node_script():
    spec = importlib.util.spec_from_file_location("node_script", ROOT / "scripts" / "node.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_demo_stack_runs_on_a_free_port_records_in_its_own_folder_and_leaves_nothing(tmp_path):
    before = _state(SHARED_RECORD)
    port = free_port()
    out = tmp_path / "demo-deployments"
    with local_stack(port, out, tmp_path / "anvil.log") as node:
        assert node.rpc_url == f"http://127.0.0.1:{port}"
        record = json.loads(node.record.read_text())
        assert node.record == out / "local.json" and record["rpc_url"] == node.rpc_url
        w3 = Web3(Web3.HTTPProvider(node.rpc_url))
        for name in ("factory", "splitter", "oracle", "payment_token"):
            assert w3.eth.get_code(Web3.to_checksum_address(record["contracts"][name]))
        assert "factory" in node.deploy_output
    assert not node.record.exists()  # it would point at a stopped node
    assert not listening(port)  # the node is stopped
    assert _state(SHARED_RECORD) == before  # deployments/local.json untouched


def test_deploying_to_a_port_where_no_node_listens_is_refused_and_writes_nothing(tmp_path):
    port = free_port()
    with pytest.raises(NodeError, match=f"no node listens on 127.0.0.1:{port}"):
        deploy(port, tmp_path)
    assert not list(tmp_path.iterdir())
    assert not listening(port)  # ape was not left to start (and later stop) a node of its own


def test_make_node_refuses_a_busy_port_and_make_deploy_an_idle_one(tmp_path, chain, capsys):
    node = _node_script()
    busy = int(chain.provider.http_uri.rsplit(":", 1)[1])  # this test session's own anvil
    assert node.main(["--port", str(busy), "--out", str(tmp_path)]) == 2
    assert f"127.0.0.1:{busy} is already in use" in capsys.readouterr().err
    idle = free_port()
    assert node.main(["--attach", "--port", str(idle), "--out", str(tmp_path)]) == 2
    assert "no node listens" in capsys.readouterr().err
    assert not list(tmp_path.iterdir())


def test_a_missing_or_unreachable_deployment_points_to_make_node(tmp_path):
    code, _, err = cli_for(tmp_path)("app", "cost", "1w")
    assert code == 2 and "`make node`" in err and "ape run deploy" in err
    unreachable = f"http://127.0.0.1:{free_port()}"
    save(Deployment("local", 31337, unreachable, 0, {"factory": "0x" + "11" * 20}, {}), tmp_path)
    code, _, err = cli_for(tmp_path)("app", "cost", "1w")
    assert code == 2 and "cannot reach the node" in err and "`make node`" in err
