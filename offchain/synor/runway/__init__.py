"""Application runway: pricing, buying and watching runway on a PayableDAppFactory."""
