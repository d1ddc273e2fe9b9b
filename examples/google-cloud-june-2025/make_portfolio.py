"""Write this example's portfolio: 90 Google Workspace domains and the 12 June 2025 event.

Deterministic (no randomness), so the committed ``customers.csv`` and ``outages.csv`` are exactly
what this script writes, and a test checks that they still are. Run it from anywhere::

    python examples/google-cloud-june-2025/make_portfolio.py

Domain ``domain-NN`` (N = 1 … 90) has 10 × N users at 14 USD a user a month (140 × N USD) and
belongs to one of three groups by N mod 3 (see README.md for the assumptions):

====  ==========================  ===============================================  =========
N%3   group                       window (times as Google posted them, PDT)        minutes
====  ==========================  ===============================================  =========
1     error rate at 5 %           12 June 10:51 → 18:18 PDT, 5 % of users          0 counted
2     served outside us-central1  12 June 10:51 → 15:38 PDT, all users             287
0     served from us-central1     12 June 10:51 → 18:18 PDT, all users             447
====  ==========================  ===============================================  =========
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
DOMAINS = 90
CONTRACT = "google-workspace"
INCIDENT = "ow5i3PPK96RduMcb1SsW"  # status.cloud.google.com/incidents/ow5i3PPK96RduMcb1SsW
START = "2025-06-12T10:51:00-07:00"  # 17:51 UTC
END = "2025-06-12T18:18:00-07:00"  # 01:18 UTC on 13 June
END_OTHER_REGIONS = "2025-06-12T15:38:00-07:00"  # 22:38 UTC: 2 h 40 min before END
WINDOWS = {1: (START, END, "5"), 2: (START, END_OTHER_REGIONS, ""), 0: (START, END, "")}


def tenant(n: int) -> str:
    return f"domain-{n:02d}"


def write(directory: Path) -> None:
    """Write ``customers.csv`` and ``outages.csv`` into ``directory``."""
    with (directory / "customers.csv").open("w", newline="", encoding="utf-8") as f:
        out = csv.writer(f, lineterminator="\n")
        out.writerow(["tenant", "contract", "users", "monthly_fee", "currency"])
        for n in range(1, DOMAINS + 1):
            out.writerow([tenant(n), CONTRACT, 10 * n, f"{140 * n}.00", "USD"])
    with (directory / "outages.csv").open("w", newline="", encoding="utf-8") as f:
        out = csv.writer(f, lineterminator="\n")
        out.writerow(["id", "tenant", "start", "end", "affected_percent"])
        for n in range(1, DOMAINS + 1):
            start, end, percent = WINDOWS[n % 3]
            out.writerow([INCIDENT, tenant(n), start, end, percent])


if __name__ == "__main__":
    write(Path(sys.argv[1]) if len(sys.argv) > 1 else HERE)
