"""Statistics: the month x flow x item x region cube and the facts computed from it."""
