"""The `synor` command line: thin click commands over the package's pure logic and chain clients."""

from __future__ import annotations

from synor.cli.root import main

__all__ = ["main"]
