"""Entra sign-in logs: distinct users of the affected client per window, read in chunks."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest

import slacalc
from slacalc.errors import InputError
from slacalc.io.signins import Client, apply_signins, summarise_signins

DATA = Path(__file__).parent / "data" / "feeds"

# Hand-made, in the admin center's CSV download columns: three Outlook users on phones, one on a
# Mac, one in a browser; the window is 19 March 2026 08:00–20:00 UTC.
HEADER = "Date (UTC),Request ID,User,Username,Application,Client app,Operating System,Status,"
OUTLOOK = "Microsoft Outlook,Mobile Apps and Desktop clients"
LOG = "\n".join(
    [
        HEADER + "Sign-in error code",
        f"2026-03-01T09:00:00Z,r1,A,a@contoso.com,{OUTLOOK},Ios 17,Success,0",
        f"2026-03-02T09:00:00Z,r2,B,b@contoso.com,{OUTLOOK},Android 14,Success,0",
        f"2026-03-03T09:00:00Z,r3,C,c@contoso.com,{OUTLOOK},Ios 17,Success,0",
        f"2026-03-19T09:00:00Z,r4,A,A@contoso.com,{OUTLOOK},Ios 17,Failure,50058",
        f"2026-03-19T10:00:00Z,r5,A,a@contoso.com,{OUTLOOK},Ios 17,Failure,50058",
        f"2026-03-19T11:00:00Z,r6,B,b@contoso.com,{OUTLOOK},Android 14,Success,0",
        f"2026-03-19T12:00:00Z,r7,D,d@contoso.com,{OUTLOOK},MacOs,Success,0",
        "2026-03-19T13:00:00Z,r8,E,e@contoso.com,Office 365 Exchange Online,Browser,Windows 10,"
        "Success,0",
        f"2026-03-19T20:00:00Z,r9,C,c@contoso.com,{OUTLOOK},Ios 17,Success,0",
    ]
)

WINDOWS = pd.DataFrame(
    {
        "id": ["EX1256020", "EX1256020"],
        "cohort": ["Outlook for Mobile", "Outlook for Mac"],
        "start": pd.to_datetime(["2026-03-19T08:00Z"] * 2, utc=True),
        "end": pd.to_datetime(["2026-03-19T20:00Z"] * 2, utc=True),
    }
)


@pytest.mark.parametrize("chunk_rows", [2, 1000])
def test_users_during_and_before_each_window(chunk_rows: int) -> None:
    summary = summarise_signins(LOG.encode(), WINDOWS, chunk_rows=chunk_rows)
    got = summary.windows[["cohort", "users_during", "users_before", "failed_during"]]
    assert got.to_dict("records") == [
        # phones: a (twice, failed, case differs) and b during; c signed in at 20:00, the end,
        # which is outside [start, end); before: a, b, c in the 30 days before
        {"cohort": "Outlook for Mobile", "users_during": 2, "users_before": 3, "failed_during": 2},
        {"cohort": "Outlook for Mac", "users_during": 1, "users_before": 0, "failed_during": 0},
    ]
    assert (summary.rows_read, summary.rows_used) == (9, 8)  # the browser sign-in is no cohort's
    # the Mac user hit during the window makes that cohort at least 1
    assert summary.cohorts == {"Outlook for Mobile": 3, "Outlook for Mac": 1}


def test_the_graph_signins_json_sample_is_read() -> None:
    # the documented sign-in is Graph Explorer in a browser on Windows: no Outlook cohort's
    windows = WINDOWS.assign(
        start=pd.to_datetime(["2020-03-13T19:00Z"] * 2, utc=True),
        end=pd.to_datetime(["2020-03-13T20:00Z"] * 2, utc=True),
    )
    summary = summarise_signins(DATA / "graph-signins.json", windows)
    assert (summary.rows_read, summary.rows_used) == (1, 0)
    browser = {"Browsers": Client(client="Browser", os=("Windows",))}
    summary = summarise_signins(DATA / "graph-signins.json", windows.assign(cohort="Browsers"),
                                browser)  # fmt: skip
    assert list(summary.windows["users_during"]) == [1, 1]


def test_measured_users_round_trip_through_calculate() -> None:
    summary = summarise_signins(LOG.encode(), WINDOWS)
    outages = WINDOWS.assign(
        tenant="", service="", affected_users=float("nan"), affected_percent=float("nan"),
        excluded="", users_source="assumed all",
    )  # fmt: skip
    measured = apply_signins(outages, summary)
    assert list(measured["affected_users"]) == [2.0, 1.0]
    assert list(measured["users_source"]) == ["sign-in log", "sign-in log"]
    results = slacalc.calculate(
        measured, "microsoft-365-exchange-online", users=100, monthly_fee="400",
        cohorts={"Outlook for Mobile": 3, "Outlook for Mac": 1},
    )  # fmt: skip
    frame = results.to_frame()
    # (2 + 1) users × 720 min = 2,160 user-min of 100 × 44,640 = 4,464,000 → 99.95161… %
    # ≥ 99.9: no credit
    assert str(frame["availability_percent"].iloc[0])[:10] == "99.9516129"
    assert frame["credit_amount"].iloc[0] == Decimal("0.00")


def test_a_log_without_users_is_refused() -> None:
    with pytest.raises(InputError, match="not a sign-in log"):
        summarise_signins(b"Date (UTC),Application\n2026-03-19T09:00:00Z,Outlook\n", WINDOWS)


@pytest.mark.slow
def test_a_large_log_on_disk_is_read_in_chunks_never_whole(tmp_path: Path) -> None:
    import tracemalloc

    # hand-made: 400,000 phone sign-ins of 2,000 users over March (≈ 40 MB of CSV)
    path = tmp_path / "signins.csv"
    minutes = pd.Timestamp("2026-03-01T00:00Z") + pd.to_timedelta(
        pd.RangeIndex(400_000) % 44_000, unit="min"
    )
    frame = pd.DataFrame(
        {
            "Date (UTC)": minutes.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "Username": [f"user{i % 2000}@contoso.com" for i in range(400_000)],
            "Application": "Microsoft Outlook",
            "Client app": "Mobile Apps and Desktop clients",
            "Operating System": "Ios 17",
            "Sign-in error code": "0",
        }
    )
    frame.to_csv(path, index=False)
    size = path.stat().st_size
    del frame, minutes
    tracemalloc.start()
    summary = summarise_signins(path, WINDOWS, chunk_rows=50_000)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert summary.rows_read == 400_000
    # row i: minute i % 44,000 of March, user i % 2,000. 19 Mar 08:00–20:00 is minutes
    # 26,400–27,119; 44,000 is a multiple of 2,000, so in every cycle those minutes are users
    # 26,400 % 2,000 = 400 … 1,119: 720 distinct users. Before it (from 1 March, within the 30
    # days), minutes 0–26,399 cover every one of the 2,000 users.
    assert summary.windows[["users_during", "users_before"]].iloc[0].tolist() == [720, 2000]
    assert peak < size / 2  # never the whole file at once
