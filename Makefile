# Synor Economics. `make demo` and `make test` work on a fresh machine; see README.md.
SHELL := /bin/bash
VENV := .venv
BIN := $(CURDIR)/$(VENV)/bin
export PATH := $(BIN):$(PATH)

.PHONY: setup test test-ape test-forge lint slither demo bench abi clean

setup:
	@bash tools/setup.sh

test: setup lint
	$(MAKE) --no-print-directory test-forge
	$(MAKE) --no-print-directory slither
	$(MAKE) --no-print-directory test-ape

## Contract, CLI and off-chain tests on anvil (tests/conftest.py starts a private anvil on a free port).
test-ape:
	$(BIN)/ape test tests/

## Fuzz and invariant tests of the money math (forge, offline, through the solc-js wrapper).
test-forge:
	$(BIN)/forge test

lint:
	$(BIN)/ruff check offchain tests scripts bench tools
	$(BIN)/ruff format --check offchain tests scripts bench tools
	$(BIN)/mypy

## Static analysis: fails on any finding of medium severity or above (justified ones are annotated in place).
SLITHER := .venv-slither/bin/slither
$(SLITHER):
	python3 -m venv .venv-slither
	.venv-slither/bin/pip install --quiet "slither-analyzer==0.11.6" "crytic-compile==0.4.2"

slither: setup $(SLITHER)
	$(SLITHER) . --compile-force-framework foundry --foundry-out-directory .forge/out \
		--filter-paths "node_modules|tests/|contracts/test/" --exclude-informational --exclude-low --fail-medium

demo: setup
	$(BIN)/python scripts/demo.py

bench: setup
	$(BIN)/python -m bench

## Refreshes the ABIs shipped inside the Python package from the compiled contracts.
abi: setup
	$(BIN)/ape compile
	$(BIN)/python tools/export_abi.py

clean:
	rm -rf .build .forge contracts/.cache .demo
