"""Signed usage reports: the EIP-712 messages operators sign and the settlement contract checks."""
