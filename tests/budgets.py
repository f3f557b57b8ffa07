"""Request budgets for test servers that are not about budgets: a test module registers many
organizations from one address, which production's defaults would rightly refuse."""

from __future__ import annotations

GENEROUS_BUDGETS = {
    "budget_per_address": 1_000_000,
    "budget_per_organization": 1_000_000,
    "budget_anonymous_writes": 1_000_000,
}
GENEROUS_BUDGET_ENV = {
    **{f"MARKET_{name.upper()}": str(value) for name, value in GENEROUS_BUDGETS.items()},
    # Load generators open all their connections from the loopback address.
    "MARKET_CONNECTIONS_PER_ADDRESS": "0",
}
