#!/usr/bin/env bash
# Idempotent bootstrap for a fresh machine (see ../shared/TOOLCHAIN.md for why each step exists).
# After it, `.venv/bin/ape test` and `.venv/bin/synor` work from the repository root as they are.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
PYTHON=${PYTHON:-python3}
SOLC_VERSION=0.8.30

say() { printf '\033[1;34m[setup]\033[0m %s\n' "$*"; }

# 1. npm toolchain: solc-js, anvil, forge, cast, OpenZeppelin, Uniswap artifacts (exact pins, lockfile).
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  say "installing the npm toolchain (npm ci)"
  npm ci --no-audit --no-fund --loglevel=error
else
  say "npm toolchain up to date"
fi

# OpenZeppelin's Solidity sources only, for ape (see ape-config.yaml); forge reads node_modules.
OZ_COPY=.deps/openzeppelin-contracts
if [ ! -f "$OZ_COPY/.complete" ] || [ node_modules/.package-lock.json -nt "$OZ_COPY/.complete" ]; then
  say "preparing $OZ_COPY (Solidity sources of @openzeppelin/contracts)"
  rm -rf "$OZ_COPY" && mkdir -p "$OZ_COPY"
  (cd node_modules/@openzeppelin/contracts && find . -name '*.sol' -print0 | xargs -0 cp --parents -t "$ROOT/$OZ_COPY")
  touch "$OZ_COPY/.complete"
fi

# 1b. Services the metering tests start on free ports (Debian's redis-server and postgresql), installed
# only when missing; as root directly, otherwise through sudo, never interactively.
if [ ! -x /usr/bin/redis-server ] || ! ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1; then
  say "installing redis-server and postgresql (Debian packages)"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo -n"
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -q
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends redis-server postgresql
else
  say "redis-server and postgresql present"
fi

# 2. Python virtual environment with the pinned packages and this project, editable.
if [ ! -x .venv/bin/python ]; then
  say "creating .venv"
  "$PYTHON" -m venv .venv
fi
stamp=.venv/.synor-setup
want=$(cat pyproject.toml constraints.txt | sha256sum | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  say "installing Python packages (ape takes a few minutes on 2 cores)"
  .venv/bin/pip install --quiet --upgrade "pip==26.3"
  .venv/bin/pip install --quiet -c constraints.txt -e ".[dev]"
  echo "$want" > "$stamp"
else
  say "Python packages up to date"
fi

# 3. Native tools where ape-foundry and our scripts look for them: on the venv's PATH.
for tool in anvil forge cast; do
  ln -sf "$ROOT/node_modules/@foundry-rs/$tool-linux-amd64/bin/$tool" ".venv/bin/$tool"
done

# ape-foundry looks for anvil on PATH only: a one-line .pth hook puts the venv's bin first for any
# interpreter of this venv, so `.venv/bin/ape test` works without activating the venv.
site=$(.venv/bin/python -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
cat > "$site/synor_toolchain_path.pth" <<'PTH'
import os, sys; os.environ["PATH"] = os.path.join(sys.prefix, "bin") + os.pathsep + os.environ.get("PATH", "")
PTH

# 4. The compiler: a solc-compatible wrapper around solc-js where py-solc-x looks for solc binaries.
SOLCX_DIR=${SOLCX_BINARY_PATH:-$HOME/.solcx}
mkdir -p "$SOLCX_DIR"
ln -sf "$ROOT/tools/solc.js" "$SOLCX_DIR/solc-v$SOLC_VERSION"
chmod +x tools/solc.js

say "ready: $(.venv/bin/ape --version 2>/dev/null | head -1 || echo ape), solc $("$SOLCX_DIR/solc-v$SOLC_VERSION" --version | tail -1), $(.venv/bin/anvil --version | head -1)"
