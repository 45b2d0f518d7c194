"""The CLI's structure: `synor --help` loads no chain stack, subcommands load lazily without an import
cycle, the keepers live together, and the one error root maps to one line and exit 2."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from synor.cli import main
from synor.cli.root import SUBCOMMANDS

CLI = Path(__file__).resolve().parents[2] / "offchain" / "synor" / "cli"
HEAVY = ("web3", "ape", "eth_abi", "eth_account", "requests")


@pytest.mark.parametrize("args", [["--help"], *[[name, "--help"] for name in SUBCOMMANDS]])
def test_help_imports_no_chain_stack(args):
    script = (
        "import sys\n"
        "from synor.cli import main\n"
        f"try:\n    main({args!r})\nexcept SystemExit:\n    pass\n"
        f"print(sorted({{m.split('.')[0] for m in sys.modules}} & set({HEAVY!r})))\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert "Commands:" in result.stdout or "Usage:" in result.stdout  # a group, or a top-level command
    assert result.stdout.strip().splitlines()[-1] == "[]"


def test_the_help_table_is_each_groups_own_help():
    ctx = click.Context(main)
    for name, (_, summary) in SUBCOMMANDS.items():
        group = main.get_command(ctx, name)
        assert group is not None and (group.help or "").splitlines()[0] == summary


def test_command_modules_never_import_the_root():
    for path in CLI.glob("*.py"):
        if path.name in ("root.py", "__init__.py"):
            continue
        tree = ast.parse(path.read_text())
        imported = {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
        assert "synor.cli.root" not in imported and "synor.cli" not in imported, path.name


def test_the_oracle_keeper_is_defined_with_the_other_keepers():
    keeper = main.get_command(click.Context(main), "keeper")
    assert isinstance(keeper, click.Group)
    assert set(keeper.commands) >= {"settle", "oracle"}
    assert {command.callback.__module__ for command in keeper.commands.values()} == {"synor.cli.keeper"}


def test_a_usage_error_is_one_line_and_exit_2_and_json_under_json(tmp_path):
    runner = CliRunner(mix_stderr=False)
    result = runner.invoke(main, ["--deployments", str(tmp_path), "app", "cost", "1x"])
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr.startswith("error: ") and result.stderr.count("\n") == 1
    result = runner.invoke(main, ["--deployments", str(tmp_path), "app", "cost", "1x", "--json"])
    assert result.exit_code == 2 and result.stdout == ""
    assert "invalid duration" in json.loads(result.stderr)["error"]


def test_a_synor_error_is_one_line_and_json_under_json(tmp_path):
    runner = CliRunner(mix_stderr=False)
    result = runner.invoke(main, ["--deployments", str(tmp_path), "app", "cost", "1w", "--json"])
    assert result.exit_code == 2 and result.stdout == ""
    (line,) = result.stderr.splitlines()
    assert json.loads(line)["error"].startswith("no deployment for network 'local'")


def test_help_of_a_group_and_version_exit_0():
    runner = CliRunner(mix_stderr=False)
    assert runner.invoke(main, ["app", "--help"]).exit_code == 0
    assert runner.invoke(main, ["--version"]).exit_code == 0
    result = runner.invoke(main, ["nosuch"])
    assert result.exit_code == 2 and "No such command" in result.stderr


def test_a_runway_beyond_the_calendar_is_shown_not_a_traceback():
    from synor.units import format_time

    assert format_time(0) == "1970-01-01 00:00:00 UTC"
    assert format_time(2**64 - 1) == f"timestamp {2**64 - 1}"
