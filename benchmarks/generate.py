"""The standard provider workload, generated from a seed so every run sees the same data.

10,000 tenants, each with licensed users, a monthly fee and three disjoint cohorts (client types)
that add up to its users; outage windows whose starts are spread uniformly over calendar 2026 in
``America/Los_Angeles`` (the contract's zone), with log-normal durations (median 30 minutes, capped
at 5 days, clipped to the year), about 20 % without a cohort (whole population) and about 2 %
excluded. Affected users are a count (35 %), a percent with two decimals (35 %) or not given (30 %,
meaning everyone in the cohort or population).

Workloads (``WORKLOADS``): ``1m`` and ``10m`` under a copy of ``microsoft-365-exchange-online``
measured in Los Angeles with a weekly Sunday 02:00 maintenance window; ``time`` is the 1M windows
under a copy of ``google-workspace`` (method ``time``, "> 5 %" threshold) in the same zone.

``python benchmarks/generate.py --windows 1000000`` writes the CSV and Parquet files to
``benchmarks/data/``; the runner calls :func:`load` which generates them on first use.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import numpy as np
import pandas as pd

import slacalc
from slacalc.model.contract import Contract, Maintenance

DATA = Path(__file__).resolve().parent / "data"
SEED = 20260101
ZONE = "America/Los_Angeles"
YEAR_START = pd.Timestamp("2026-01-01", tz=ZONE).tz_convert("UTC")
YEAR_END = pd.Timestamp("2027-01-01", tz=ZONE).tz_convert("UTC")
PERIODS = tuple(f"2026-{m:02d}" for m in range(1, 13))
COHORTS = ("Outlook desktop", "Outlook mobile", "Outlook on the web")
MEDIAN_SECONDS = 30 * 60
SIGMA = 1.2  # log-normal shape: ~16 % of windows last over 2 h, ~0.1 % over a day
CAP_SECONDS = 5 * 24 * 3600
EXCLUSION_REASONS = ("maintenance", "customer", "force-majeure")
CURRENCIES = (
    ("USD", Decimal("8.00"), 0.80),
    ("EUR", Decimal("7.50"), 0.15),
    ("JPY", Decimal("900"), 0.05),
)

WORKLOADS = {"1m": 1_000_000, "10m": 10_000_000, "time": 1_000_000}


def exchange_la() -> Contract:
    """Exchange Online measured in Los Angeles (DST) with a weekly two-hour maintenance window."""
    return slacalc.load_contract("microsoft-365-exchange-online").model_copy(
        update={
            "id": "bench-exchange-la",
            "timezone": ZONE,
            "maintenance": (
                Maintenance(
                    every="week",
                    weekday="sunday",
                    start="02:00",
                    duration_minutes=120,
                    description="weekly",
                ),
            ),
        }
    )


def workspace_la() -> Contract:
    """Google Workspace (method ``time``, a minute is down above 5 % of users) in Los Angeles."""
    return slacalc.load_contract("google-workspace").model_copy(
        update={"id": "bench-workspace-la", "timezone": ZONE}
    )


def contract_for(workload: str) -> Contract:
    """The contract a workload is measured under."""
    return workspace_la() if workload == "time" else exchange_la()


@dataclass(frozen=True)
class Workload:
    """Outage windows (the columns of docs/rules.md) and the customers they belong to."""

    outages: pd.DataFrame
    customers: slacalc.Customers


def customers(n_tenants: int = 10_000, seed: int = SEED) -> slacalc.Customers:
    """Tenants with licensed users, a monthly fee (``Decimal``), three cohorts summing to users."""
    rng = np.random.default_rng([seed, 1])
    tenant = np.array([f"t{i:05d}" for i in range(n_tenants)], dtype=object)
    users = np.clip(np.rint(rng.lognormal(np.log(300), 1.5, n_tenants)), 20, 200_000).astype(
        np.int64
    )
    pick = rng.choice(len(CURRENCIES), size=n_tenants, p=[c[2] for c in CURRENCIES])
    currency = np.array([CURRENCIES[i][0] for i in pick], dtype=object)
    fee = pd.Series(
        [CURRENCIES[i][1] * int(u) for i, u in zip(pick.tolist(), users.tolist(), strict=True)],
        dtype=object,
    )
    share = rng.dirichlet([6.0, 3.0, 1.0], size=n_tenants)
    sizes = np.array([1 + rng.multinomial(u - 3, p) for u, p in zip(users, share, strict=True)])
    frame = pd.DataFrame(
        {
            "row": np.arange(2, n_tenants + 2, dtype=np.int64),
            "tenant": tenant,
            "contract": "microsoft-365-exchange-online",
            "users": users,
            "monthly_fee": fee,
            "currency": currency,
        }
    )
    cohorts = pd.DataFrame(
        {
            "tenant": np.repeat(tenant, len(COHORTS)),
            "cohort": np.tile(np.array(COHORTS, dtype=object), n_tenants),
            "users": sizes.ravel().astype(np.int64),
        }
    )
    return slacalc.Customers(frame=frame, cohorts=cohorts)


def outages(custs: slacalc.Customers, n_windows: int, seed: int = SEED) -> pd.DataFrame:
    """``n_windows`` outage windows over the customers' tenants, in the docs/rules.md columns."""
    rng = np.random.default_rng([seed, 2, n_windows])
    n_tenants = len(custs.frame)
    # Some tenants see many more windows than others (gamma-distributed rates, mean 1).
    rate = rng.gamma(2.0, 0.5, n_tenants)
    who = rng.choice(n_tenants, size=n_windows, p=rate / rate.sum())
    lo, hi = int(YEAR_START.timestamp()), int(YEAR_END.timestamp())
    start = rng.integers(lo, hi, size=n_windows, dtype=np.int64)
    duration = np.rint(MEDIAN_SECONDS * np.exp(SIGMA * rng.standard_normal(n_windows)))
    duration = np.clip(duration, 1, CAP_SECONDS).astype(np.int64)
    end = np.minimum(start + duration, hi)
    order = np.argsort(start, kind="stable")  # an export arrives in time order
    who, start, end = who[order], start[order], end[order]

    whole = rng.random(n_windows) < 0.20
    cohort_no = rng.choice(len(COHORTS), size=n_windows, p=[0.5, 0.3, 0.2])
    cohort = np.where(whole, "", np.array(COHORTS, dtype=object)[cohort_no]).astype(object)
    sizes = custs.cohorts["users"].to_numpy().reshape(n_tenants, len(COHORTS))
    population = np.where(whole, custs.frame["users"].to_numpy()[who], sizes[who, cohort_no])
    kind = rng.choice(3, size=n_windows, p=[0.35, 0.35, 0.30])  # count, percent, everyone
    count = 1 + np.floor(rng.random(n_windows) * population).astype(np.int64)
    hundredths = rng.integers(1, 10_001, size=n_windows)
    affected_users = np.where(kind == 0, count, np.nan)
    affected_percent = np.where(kind == 1, hundredths / 100, np.nan)

    excluded = np.full(n_windows, "", dtype=object)
    out = rng.random(n_windows) < 0.02
    excluded[out] = np.array(EXCLUSION_REASONS, dtype=object)[rng.integers(0, 3, int(out.sum()))]
    number = pd.Series(rng.integers(1, 10_000_000, size=n_windows)).astype(str).str.zfill(7)
    ids = ("EX" + number).to_numpy(dtype=object)
    ids[rng.random(n_windows) < 0.05] = ""

    return pd.DataFrame(
        {
            "id": ids,
            "tenant": custs.frame["tenant"].to_numpy(dtype=object)[who],
            "service": "",
            "cohort": cohort,
            "start": pd.to_datetime(start, unit="s", utc=True),
            "end": pd.to_datetime(end, unit="s", utc=True),
            "affected_users": affected_users,
            "affected_percent": affected_percent,
            "excluded": excluded,
        }
    )


def generate(n_windows: int, n_tenants: int = 10_000, seed: int = SEED) -> Workload:
    """The workload with ``n_windows`` windows over ``n_tenants`` tenants."""
    custs = customers(n_tenants, seed)
    return Workload(outages=outages(custs, n_windows, seed), customers=custs)


def write_csv(frame: pd.DataFrame, path: Path) -> None:
    """The outages as a CSV file a provider might export: ISO 8601 times in UTC with ``Z``."""
    text = frame.assign(
        start=frame["start"].dt.strftime("%Y-%m-%dT%H:%M:%SZ"),
        end=frame["end"].dt.strftime("%Y-%m-%dT%H:%M:%SZ"),
        affected_users=frame["affected_users"].astype("Int64"),
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    text.to_csv(path, index=False)


def paths(n_windows: int) -> dict[str, Path]:
    """Where the files of a workload size live (``benchmarks/data/``, not committed)."""
    tag = f"{n_windows // 1000}k" if n_windows % 1_000_000 else f"{n_windows // 1_000_000}m"
    return {
        "csv": DATA / f"outages-{tag}.csv",
        "parquet": DATA / f"outages-{tag}.parquet",
        "customers": DATA / "customers.parquet",
        "cohorts": DATA / "cohorts.parquet",
    }


def save(work: Workload, n_windows: int, *, csv: bool = True) -> dict[str, Path]:
    """Write a workload's Parquet files (and the CSV) under ``benchmarks/data/``."""
    where = paths(n_windows)
    DATA.mkdir(parents=True, exist_ok=True)
    # Row groups of 250,000 windows, so Dask (benchmarks/run.py --dask) reads it in parallel.
    work.outages.to_parquet(where["parquet"], index=False, row_group_size=250_000)
    frame = work.customers.frame.assign(monthly_fee=work.customers.frame["monthly_fee"].astype(str))
    frame.to_parquet(where["customers"], index=False)
    work.customers.cohorts.to_parquet(where["cohorts"], index=False)
    if csv:
        write_csv(work.outages, where["csv"])
    return where


def load(n_windows: int, *, csv: bool = True) -> tuple[Workload, dict[str, Path]]:
    """The workload of ``n_windows`` windows, from ``benchmarks/data/`` or generated and saved."""
    where = paths(n_windows)
    if not where["parquet"].exists() or (csv and not where["csv"].exists()):
        work = generate(n_windows)
        save(work, n_windows, csv=csv)
        return work, where
    frame = pd.read_parquet(where["customers"])
    frame["monthly_fee"] = pd.Series([Decimal(v) for v in frame["monthly_fee"]], dtype=object)
    frame["tenant"] = frame["tenant"].astype(object)
    custs = slacalc.Customers(frame=frame, cohorts=pd.read_parquet(where["cohorts"]))
    return Workload(outages=pd.read_parquet(where["parquet"]), customers=custs), where


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--windows", type=int, default=1_000_000)
    args = parser.parse_args()
    for kind, path in save(generate(args.windows), args.windows).items():
        print(f"{kind}: {path}")


if __name__ == "__main__":
    main()
