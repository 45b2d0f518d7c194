"""Usage pricing: the resource catalogue (issue 8's table). Rating and the price book come with issue 8."""
