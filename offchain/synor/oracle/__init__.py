"""SYNOR/USD oracle: the TWAP arithmetic (pure, `twap`) and the chain client behind `synor oracle`."""
