"""Chain indexer (issue 10): billing events decoded from raw logs."""
