"""Money over time: what an investment costs each year."""

from __future__ import annotations


def annuity(rate: float, years: float) -> float:
    """Share of an investment to count each year over its lifetime (capital recovery factor)."""
    if years <= 0:
        return 1.0
    if rate == 0:
        return 1.0 / years
    return float(rate / (1 - (1 + rate) ** -years))
