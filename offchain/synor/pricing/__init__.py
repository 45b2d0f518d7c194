"""Usage pricing: the resource catalogue (issue 8's table), the seed's price book and rating (identical to the contracts')."""
