# Synor Economics. `make demo` and `make test` work on a fresh machine; see README.md.
SHELL := /bin/bash
VENV := .venv
BIN := $(CURDIR)/$(VENV)/bin
export PATH := $(BIN):$(PATH)

.PHONY: setup test test-ape test-forge lint demo bench abi clean

setup:
	@bash tools/setup.sh

test: setup lint
	$(MAKE) --no-print-directory test-forge
	$(MAKE) --no-print-directory test-ape

## Contract, CLI and off-chain tests on anvil (ape starts its own anvil on 127.0.0.1:8545).
test-ape:
	$(BIN)/ape test tests/

## Fuzz and invariant tests of the money math (forge, offline, through the solc-js wrapper).
test-forge:
	$(BIN)/forge test

lint:
	$(BIN)/ruff check offchain tests scripts bench tools
	$(BIN)/ruff format --check offchain tests scripts bench tools
	$(BIN)/mypy

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
