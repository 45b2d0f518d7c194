"""Deployment with ape and the local development stack: not part of the installable `synor` package.

Everything here needs this repository: ape's `project` (the compiled contracts) and, for local chains,
the Uniswap V2/V3 artifacts in `node_modules`. `ape run deploy` (scripts/deploy.py), `make demo`,
`make node`, the benchmarks and the tests import it from the repository root.
"""
