# %% [markdown]
# # A tour of the slacalc library
#
# Outage windows and contract terms in; availability, credits, claim deadlines and the evidence
# behind them out. Run it as a script (`python examples/library_tour.py`) or cell by cell in an
# editor that understands `# %%` cells. Every number printed here is worked by hand in
# `tests/test_examples.py`, which runs this file.

# %%
from __future__ import annotations

import pandas as pd

import slacalc

pd.set_option("display.width", 120)
pd.set_option("display.max_columns", 12)

# %% [markdown]
# ## 1. Contracts are data
# Each bundled SLA is a TOML file under `contracts/`; its file name is its id.

# %%
print(slacalc.list_contracts())
exchange = slacalc.load_contract("microsoft-365-exchange-online")
print(exchange.name, "—", exchange.commitment_percent, "% per", exchange.period, exchange.timezone)
for tier in exchange.tiers:
    print("  ", tier.describe())
print("  claim:", exchange.claim.describe())

# %% [markdown]
# ## 2. One customer, one outage
# A full 60-minute outage on 10 April 2026 (a 30-day month) for a tenant of 500 users paying
# 2,000.00 USD a month. Times carry their offset (`Z`); naive times would be read in
# `timezone=` (default UTC).

# %%
outage = pd.DataFrame(
    {"id": ["INC-1"], "start": ["2026-04-10T10:00:00Z"], "end": ["2026-04-10T11:00:00Z"]}
)
one = slacalc.calculate(outage, exchange, users=500, monthly_fee="2000.00")
first = one.to_frame().iloc[0]
print(
    first[["period", "availability_percent", "tier", "credit_amount", "claim_deadline"]].to_string()
)

# %% [markdown]
# ## 3. The same outage under other contracts
# Worked example 14 of the reference: the first Microsoft tier pays 25 %, Atlassian's 10 %,
# Google Workspace pays days of service, and GitHub measures a whole quarter.

# %%
same_outage = {}
for contract_id in (
    "microsoft-365-exchange-online",
    "atlassian-cloud-premium",
    "google-workspace",
    "github-enterprise-cloud",
):
    frame = slacalc.calculate(outage, contract_id, users=500, monthly_fee="2000.00").to_frame()
    same_outage[contract_id] = frame.iloc[0]
comparison = pd.DataFrame(same_outage).T[
    ["period", "availability_percent", "credit_percent", "credit_days", "credit_amount"]
]
print(comparison.to_string())

# %% [markdown]
# ## 4. Partial impact, overlapping windows, an exclusion, a bad row
# Microsoft counts user-minutes. Two windows overlap on 20 April; at each instant the larger
# count of affected users counts, not the sum. A maintenance window is excluded (it leaves the
# denominator too), and a row whose end is before its start is rejected, not silently dropped.

# %%
april = pd.DataFrame(
    {
        "id": ["INC-1", "INC-2", "INC-3", "MNT-1", "INC-4"],
        "start": [
            "2026-04-10T10:00:00Z",
            "2026-04-20T09:00:00Z",
            "2026-04-20T10:00:00Z",
            "2026-04-25T00:00:00Z",
            "2026-04-28T12:00:00Z",
        ],
        "end": [
            "2026-04-10T11:00:00Z",
            "2026-04-20T11:00:00Z",
            "2026-04-20T12:00:00Z",
            "2026-04-25T02:00:00Z",
            "2026-04-28T11:00:00Z",
        ],
        "affected_users": [None, 50, 30, None, 10],
        "excluded": ["", "", "", "maintenance", ""],
    }
)
mixed = slacalc.calculate(april, exchange, users=500, monthly_fee="2000.00")
row = mixed.to_frame().iloc[0]
print(
    row[
        [
            "measured_minutes",
            "downtime_minutes",
            "user_minutes_lost",
            "availability_percent",
            "credit_amount",
            "minutes_to_next_tier",
            "next_tier",
        ]
    ].to_string()
)
print("\nEvidence (windows that counted, merged):")
print(mixed.evidence[["start", "end", "minutes", "peak_affected_users", "incident_ids"]])
print("\nExcluded:")
print(mixed.exclusions[["start", "end", "minutes", "reason"]])
print("\nRejected:")
for problem in mixed.rejected:
    print("  ", problem)

# %% [markdown]
# ## 5. A portfolio: every tenant under its own contract
# A provider (or a partner) passes a customers table. An outage row with no tenant applies to
# every tenant. "What if it lasts another day?" is the same call with a longer window.

# %%
customers = pd.DataFrame(
    {
        "tenant": ["acme", "globex"],
        "contract": ["microsoft-365-exchange-online", "google-workspace"],
        "users": [500, 80],
        "monthly_fee": ["2000.00", "1120.00"],
        "currency": ["USD", "USD"],
    }
)
portfolio = slacalc.calculate(outage, customers=customers)
longer = outage.assign(end=["2026-04-11T11:00:00Z"])
what_if = slacalc.calculate(longer, customers=customers)
columns = ["tenant", "availability_percent", "credit_percent", "credit_days", "credit_amount"]
print("As it happened:")
print(portfolio.to_frame()[columns].to_string(index=False))
print("\nIf it had lasted another day:")
print(what_if.to_frame()[columns].to_string(index=False))
