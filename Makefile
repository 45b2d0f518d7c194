# Synor Economics. `make demo` and `make test` work on a fresh machine; see README.md.
SHELL := /bin/bash
VENV := .venv
BIN := $(CURDIR)/$(VENV)/bin
export PATH := $(BIN):$(PATH)

.PHONY: setup test test-ape test-forge lint slither demo node deploy bench gas-check gas-snapshot abi clean

setup:
	@bash tools/setup.sh

test: setup lint
	$(MAKE) --no-print-directory test-forge
	$(MAKE) --no-print-directory slither
	$(MAKE) --no-print-directory test-ape
	$(MAKE) --no-print-directory gas-check

## Contract, CLI and off-chain tests on anvil (tests/conftest.py starts a private anvil on a free port).
test-ape:
	$(BIN)/ape test tests/

## Fuzz and invariant tests of the money math (forge, offline, through the solc-js wrapper).
test-forge:
	$(BIN)/forge test

lint:
	$(BIN)/ruff check offchain devstack tests scripts bench tools
	$(BIN)/ruff format --check offchain devstack tests scripts bench tools
	$(BIN)/mypy

## Static analysis: fails on any finding of medium severity or above (justified ones are annotated in place).
SLITHER := .venv-slither/bin/slither
$(SLITHER):
	python3 -m venv .venv-slither
	.venv-slither/bin/pip install --quiet "slither-analyzer==0.11.6" "crytic-compile==0.4.2"

slither: setup $(SLITHER)
	$(SLITHER) . --compile-force-framework foundry --foundry-out-directory .forge/out \
		--filter-paths "node_modules|tests/|contracts/test/" --exclude-informational --exclude-low --fail-medium

## The narrated walkthrough, on its own anvil on a free port; leaves no deployment record behind.
demo: setup
	$(BIN)/python scripts/demo.py

## A local node for the CLI: anvil on 127.0.0.1:$(NODE_PORT) with the stack deployed and recorded in
## deployments/local.json, in the foreground until Ctrl-C (which stops it and removes the record).
NODE_PORT ?= 8545
node: setup
	$(BIN)/python scripts/node.py --port $(NODE_PORT)

## Deploys the stack again to the node already running on 127.0.0.1:$(NODE_PORT) (e.g. after a contract change).
deploy: setup
	$(BIN)/python scripts/node.py --attach --port $(NODE_PORT)

## Also runs the usage invariant with 10,000 sequences (the `bench` foundry profile; `make test`: 2,000).
bench: setup
	$(BIN)/python -m bench
	FOUNDRY_PROFILE=bench $(BIN)/forge test --match-path tests/forge/UsageInvariant.t.sol

## Fails, listing every gas figure that changed, when gas differs from bench/gas-snapshot.json.
gas-check: setup
	$(BIN)/python -m bench --gas --check

## Refreshes bench/gas-snapshot.json (and the gas figures in bench/results.json) after an intended change.
gas-snapshot: setup
	$(BIN)/python -m bench --gas

## Refreshes the ABIs shipped inside the Python package from the compiled contracts.
abi: setup
	$(BIN)/ape compile
	$(BIN)/python tools/export_abi.py

clean:
	rm -rf .build .forge contracts/.cache .demo .node
