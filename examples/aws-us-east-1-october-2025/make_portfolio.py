"""Write this example's portfolio: 200 AWS accounts and their windows of the 20 October 2025 event.

Deterministic (no randomness), so the committed ``customers.csv`` and ``outages.csv`` are exactly
what this script writes, and a test checks that they still are. Run it from anywhere::

    python examples/aws-us-east-1-october-2025/make_portfolio.py

Account ``acct-NNN`` (N = 1 … 200) pays 100 × N USD a month for EC2 in us-east-1 and belongs to
one of four groups by N mod 4 (see README.md for why each group saw what it saw):

====  ======================  =================================================  ==========
N%4   group                   windows (UTC, 20 October 2025)                     minutes
====  ======================  =================================================  ==========
1     steady fleet            none                                               0
2     autoscaling fleet       EC2 launches failing 09:25–17:36                   491
3     launched after 17:37    new instances without network 17:37–20:50          193
0     autoscaling behind NLB  launches 09:25–17:36 and NLB errors 12:30–21:09    704 (union)
====  ======================  =================================================  ==========
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ACCOUNTS = 200
CONTRACT = "aws-ec2-region"
EVENT = "aws-101925"  # https://aws.amazon.com/message/101925

LAUNCHES = (f"{EVENT}-ec2-launch", "2025-10-20T09:25:00Z", "2025-10-20T17:36:00Z")
NETWORK = (f"{EVENT}-new-instance-network", "2025-10-20T17:37:00Z", "2025-10-20T20:50:00Z")
NLB = (f"{EVENT}-nlb", "2025-10-20T12:30:00Z", "2025-10-20T21:09:00Z")
WINDOWS = {1: (), 2: (LAUNCHES,), 3: (NETWORK,), 0: (LAUNCHES, NLB)}


def tenant(n: int) -> str:
    return f"acct-{n:03d}"


def write(directory: Path) -> None:
    """Write ``customers.csv`` and ``outages.csv`` into ``directory``."""
    with (directory / "customers.csv").open("w", newline="", encoding="utf-8") as f:
        out = csv.writer(f, lineterminator="\n")
        out.writerow(["tenant", "contract", "users", "monthly_fee", "currency"])
        for n in range(1, ACCOUNTS + 1):
            # users: 1 account; the time method counts minutes, not users.
            out.writerow([tenant(n), CONTRACT, 1, f"{100 * n}.00", "USD"])
    with (directory / "outages.csv").open("w", newline="", encoding="utf-8") as f:
        out = csv.writer(f, lineterminator="\n")
        out.writerow(["id", "tenant", "start", "end"])
        for n in range(1, ACCOUNTS + 1):
            for incident, start, end in WINDOWS[n % 4]:
                out.writerow([incident, tenant(n), start, end])


if __name__ == "__main__":
    write(Path(sys.argv[1]) if len(sys.argv) > 1 else HERE)
