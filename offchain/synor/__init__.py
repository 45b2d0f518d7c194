"""Synor Economics: off-chain tooling for the on-chain billing layer of Synor's L2 services.

Pure logic (money math, parsing) lives in modules free of I/O; chain access and the CLI sit on top.
Nothing here touches the network at import time.
"""

__version__ = "0.1.0"
