"""What a plan means: indicators, accounts per company, limits, trade-offs, robustness, scenarios, yearly changes."""
