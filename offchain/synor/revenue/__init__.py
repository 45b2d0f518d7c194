"""Revenue distribution: the fee splitter's and staking's money math, free of I/O."""
