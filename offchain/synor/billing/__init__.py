"""Chain clients of usage billing: the prepaid escrow (balances, consent, debt, withdrawals) and the usage
settlement (operators, signers, periods). Amounts are integers in base units, never floats."""
