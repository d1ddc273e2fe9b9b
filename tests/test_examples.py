"""Every example in ``examples/`` runs, and its numbers match values worked out by hand.

The data examples are run with the exact command their README shows (through ``slacalc.cli.main``,
in-process, with ``--format json`` added), so a README cannot drift from what the program does.
Month lengths used below: March and October 31 × 1,440 = 44,640 minutes; April and June
30 × 1,440 = 43,200 minutes.
"""

from __future__ import annotations

import json
import runpy
import shlex
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from slacalc import cli

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"


def readme_command(example: str) -> list[str]:
    """The ``$ slacalc ...`` command of an example's README, as arguments after ``slacalc``."""
    text = (EXAMPLES / example / "README.md").read_text(encoding="utf-8")
    commands = [line[2:] for line in text.splitlines() if line.startswith("$ slacalc ")]
    assert len(commands) == 1, commands
    argv = shlex.split(commands[0])
    assert argv[0] == "slacalc"
    return argv[1:]


def run(
    argv: list[str], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> str:
    monkeypatch.chdir(ROOT)  # README paths are relative to the repository root
    status = cli.main(argv)
    out, err = capsys.readouterr()
    assert status == 0, err
    assert ", column " not in err  # no rejected rows in any example
    return out


def results_of(
    example: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> dict[tuple[str, str], dict[str, Any]]:
    rows = json.loads(run([*readme_command(example), "--format", "json"], capsys, monkeypatch))
    by_key = {(r["tenant"], r["period"]): r for r in rows}
    assert len(by_key) == len(rows)
    return by_key


def total(rows: Any) -> Decimal:
    return sum((Decimal(r["credit_amount"]) for r in rows), Decimal(0))


def readme_lines_in_output(
    example: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The lines of output a README quotes (its ```text block) appear in the real table."""
    text = (EXAMPLES / example / "README.md").read_text(encoding="utf-8")
    quoted = text.split("```text\n")[1].split("```")[0].strip().splitlines()
    assert quoted
    table = run(readme_command(example), capsys, monkeypatch).splitlines()
    for line in quoted:
        assert line in table


# Exchange Online, March–April 2026 ---------------------------------------------------------------
#
# Per affected user of each cohort (the largest active share counts, not the sum):
#   Outlook Mobile, March: 2 % × 20,760 + (50 − 2) % × 720 + (30 − 2) % × 120
#                        = 415.2 + 345.6 + 33.6 = 794.4 minutes
#   Outlook for Mac, March: 2 % × 20,760 + (50 − 2) % × 1,440 = 415.2 + 691.2 = 1,106.4
#   Outlook Mobile, April: 2 % × 21,540 + (30 − 2) % × 240 = 430.8 + 67.2 = 498.0
#   Outlook for Mac, April: 2 % × 21,540 + (100 − 2) % × 360 = 430.8 + 352.8 = 783.6
# (20,760 = 17 Mar 14:00 → 1 Apr 00:00; 21,540 = 1 Apr 00:00 → 15 Apr 23:00.)


def test_exchange_march_2026_what_each_tenant_can_claim_and_by_when(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    r = results_of("exchange-march-2026", capsys, monkeypatch)
    assert sorted(r) == [
        (t, p) for t in ("contoso", "fabrikam", "northwind") for p in ("2026-03", "2026-04")
    ]

    # contoso: 1,000 users (400 Mobile, 100 Mac), 4,000.00 USD.
    march = r["contoso", "2026-03"]
    assert march["user_minutes"] == 44_640_000  # 44,640 × 1,000
    assert march["user_minutes_lost"] == 428_400  # 400 × 794.4 + 100 × 1,106.4
    assert march["downtime_user_seconds"] == "25704000"  # exact: 428,400 × 60
    # (44,640,000 − 428,400) / 44,640,000 × 100 = 99.04032258064…, floored to 10 places
    assert march["availability_percent"] == "99.0403225806"
    assert (march["credit_percent"], march["credit_amount"]) == ("25", "1000.00")  # < 99.9
    assert march["claim_deadline"] == "2026-04-30"  # end of the month after March
    # To fall below 99 %: 1 % of 44,640,000 = 446,400 user-minutes, 18,000 more than lost,
    # = 18 minutes for all 1,000 users = 1,080 s; "below" needs one second more: 1,081 s.
    assert march["seconds_to_next_tier"] == 1_081
    assert march["incident_ids"] == ["EX1256020", "EX1268771"]

    april = r["contoso", "2026-04"]
    assert april["user_minutes_lost"] == 277_560  # 400 × 498.0 + 100 × 783.6
    # 277,560 / 43,200,000 = 0.6425 % → 99.3575 % exactly
    assert april["availability_percent"] == "99.3575"
    assert (april["credit_percent"], april["credit_amount"]) == ("25", "1000.00")
    assert april["claim_deadline"] == "2026-05-31"

    # fabrikam: 250 users (10 Mobile, 0 Mac), 1,000.00 USD: above 99.9 % both months.
    f_march, f_april = r["fabrikam", "2026-03"], r["fabrikam", "2026-04"]
    assert f_march["user_minutes_lost"] == 7_944  # 10 × 794.4
    # 7,944 / (44,640 × 250 = 11,160,000) = 0.07118279569…% → 99.92881720430…
    assert f_march["availability_percent"] == "99.9288172043"
    assert f_april["user_minutes_lost"] == 4_980  # 10 × 498.0
    # 4,980 / (43,200 × 250 = 10,800,000) = 0.04611…% → 99.95388…
    assert f_april["availability_percent"] == "99.9538888888"
    assert not f_march["breached"]
    assert not f_april["breached"]
    assert f_march["credit_amount"] == f_april["credit_amount"] == "0.00"

    # northwind: 40 users (30 Mobile, 10 Mac), 160.00 EUR: below 99 % both months.
    n_march, n_april = r["northwind", "2026-03"], r["northwind", "2026-04"]
    assert n_march["user_minutes_lost"] == 34_896  # 30 × 794.4 + 10 × 1,106.4
    # 34,896 / (44,640 × 40 = 1,785,600) = 1.95430107526…% → 98.04569892473…
    assert n_march["availability_percent"] == "98.0456989247"
    assert n_april["user_minutes_lost"] == 22_776  # 30 × 498.0 + 10 × 783.6
    # 22,776 / (43,200 × 40 = 1,728,000) = 1.31805…% → 98.68194…
    assert n_april["availability_percent"] == "98.6819444444"
    for row in (n_march, n_april):
        assert (row["credit_percent"], row["credit_amount"], row["currency"]) == (
            "50",
            "80.00",  # 50 % of 160.00
            "EUR",
        )

    assert total(v for (t, _), v in r.items() if t != "northwind") == Decimal("2000.00")
    readme_lines_in_output("exchange-march-2026", capsys, monkeypatch)


# AWS us-east-1, 20 October 2025 -------------------------------------------------------------------


def test_aws_portfolio_files_are_what_the_committed_script_writes(tmp_path: Path) -> None:
    folder = EXAMPLES / "aws-us-east-1-october-2025"
    runpy.run_path(str(folder / "make_portfolio.py"))["write"](tmp_path)
    for name in ("customers.csv", "outages.csv"):
        assert (tmp_path / name).read_bytes() == (folder / name).read_bytes()


def test_aws_us_east_1_liability_across_200_accounts(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    r = results_of("aws-us-east-1-october-2025", capsys, monkeypatch)
    assert len(r) == 200  # --period 2025-10 reports the unaffected accounts too
    # Account N pays 100 × N USD; October = 44,640 minutes.
    expected = {
        1: (0, "100", "0"),  # no windows
        2: (491, "98.9000896057", "30"),  # 09:25–17:36; 44,149 / 44,640 = 98.90008960573…%
        3: (193, "99.5676523297", "10"),  # 17:37–20:50; 44,447 / 44,640 = 99.56765232974…%
        0: (704, "98.4229390681", "30"),  # 09:25–21:09; 43,936 / 44,640 = 98.42293906810…%
    }
    for n in range(1, 201):
        row = r[f"acct-{n:03d}", "2025-10"]
        downtime, availability, percent = expected[n % 4]
        assert row["downtime_seconds"] == downtime * 60
        assert row["availability_percent"] == availability
        assert row["credit_percent"] == percent
        assert Decimal(row["credit_amount"]) == Decimal(100 * n) * Decimal(percent) / 100
        # The end of the second billing cycle after the incident; no incident, no deadline.
        assert row["claim_deadline"] == ("2025-12-31" if downtime else None)
    # Σ N: N = 4k → 4 × 1,275 = 5,100; N = 4k − 2 → 5,000; N = 4k − 1 → 5,050 (Σ k≤50 = 1,275).
    # 30 % × 100 × (5,100 + 5,000) + 10 % × 100 × 5,050 = 303,000 + 50,500
    assert total(r.values()) == Decimal("353500.00")
    # Margins: 30 % accounts to 100 % (< 95): 5 % of 2,678,400 s = 133,920 s, less 491 × 60,
    # plus one second → 104,461 s; the untouched accounts to 10 %: 0.01 % = 267.84 s → 268 s.
    assert r["acct-002", "2025-10"]["seconds_to_next_tier"] == 104_461
    assert r["acct-001", "2025-10"]["seconds_to_next_tier"] == 268
    readme_lines_in_output("aws-us-east-1-october-2025", capsys, monkeypatch)


# Google Cloud / Workspace, 12 June 2025 -----------------------------------------------------------


def test_google_portfolio_files_are_what_the_committed_script_writes(tmp_path: Path) -> None:
    folder = EXAMPLES / "google-cloud-june-2025"
    runpy.run_path(str(folder / "make_portfolio.py"))["write"](tmp_path)
    for name in ("customers.csv", "outages.csv"):
        assert (tmp_path / name).read_bytes() == (folder / name).read_bytes()


def test_google_june_2025_workspace_credits_across_90_domains(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    r = results_of("google-cloud-june-2025", capsys, monkeypatch)
    assert len(r) == 90
    # June = 43,200 minutes. 17:51 → 22:38 = 287 min; 17:51 → 01:18 = 447 min (same month).
    for n in range(1, 91):
        row = r[f"domain-{n:02d}", "2025-06"]
        fee = Decimal(140 * n)
        assert row["claim_deadline"] == "2025-07-30"  # 30 days after 30 June
        if n % 3 == 1:  # 5 % error rate is not "> 5 %": no Downtime at all
            assert (row["downtime_seconds"], row["availability_percent"]) == (0, "100")
            assert not row["breached"]
            assert row["credit_amount"] == "0.00"
        elif n % 3 == 2:  # 42,913 / 43,200 = 99.33564814…% → < 99.9 → 3 days
            assert (row["downtime_seconds"], row["availability_percent"]) == (
                287 * 60,
                "99.3356481481",
            )
            assert row["credit_days"] == "3"
            assert Decimal(row["credit_amount"]) == fee * 3 / 30  # = 14 × N
        else:  # 42,753 / 43,200 = 98.96527…% → < 99 → 7 days
            assert (row["downtime_seconds"], row["availability_percent"]) == (
                447 * 60,
                "98.9652777777",
            )
            assert row["credit_days"] == "7"
            assert Decimal(row["credit_amount"]) == Decimal(
                98 * (n // 3)
            )  # 140 × 3k × 7 / 30 = 98k
    # 14 × (3 × 465 − 30 = 1,365) + 98 × 465 = 19,110 + 45,570
    assert total(r.values()) == Decimal("64680.00")
    assert sum(Decimal(v["credit_days"]) for v in r.values()) == 30 * 3 + 30 * 7
    readme_lines_in_output("google-cloud-june-2025", capsys, monkeypatch)


# The library tour ---------------------------------------------------------------------------------


def test_library_tour_runs_and_its_numbers_are_the_hand_worked_ones(
    capsys: pytest.CaptureFixture[str],
) -> None:
    tour = runpy.run_path(str(EXAMPLES / "library_tour.py"), run_name="__main__")
    assert "microsoft-365-exchange-online" in capsys.readouterr().out

    # 60 minutes, all 500 users, April: (43,200 − 60) / 43,200 = 99.861111…% → 25 % of 2,000.00
    first = tour["first"]
    assert first["availability_percent"] == Decimal("99.8611111111")
    assert first["credit_amount"] == Decimal("500.00")
    assert str(first["claim_deadline"]) == "2026-05-31"

    # Worked example 14: Atlassian 10 % → 200.00; Workspace 3 days → 2,000 × 3 / 30 = 200.00;
    # GitHub measures Q2 (91 days = 131,040 min): 130,980 / 131,040 = 99.95421245…% → no credit.
    same = tour["same_outage"]
    assert same["atlassian-cloud-premium"]["credit_amount"] == Decimal("200.00")
    assert same["google-workspace"]["credit_days"] == 3
    assert same["google-workspace"]["credit_amount"] == Decimal("200.00")
    assert same["github-enterprise-cloud"]["availability_percent"] == Decimal("99.9542124542")
    assert same["github-enterprise-cloud"]["credit_amount"] == Decimal("0.00")

    # Section 4: measured 43,200 − 120 (maintenance) = 43,080 min → 21,540,000 user-minutes.
    # Lost: 500 × 60 + (09–10: 50 × 60) + (10–11: max(50, 30) × 60) + (11–12: 30 × 60)
    #     = 30,000 + 3,000 + 3,000 + 1,800 = 37,800 → 99.82451253481…%
    row = tour["row"]
    assert row["measured_minutes"] == 43_080
    assert row["downtime_minutes"] == 60 + 180
    assert row["user_minutes_lost"] == 37_800
    assert row["availability_percent"] == Decimal("99.8245125348")
    assert row["credit_amount"] == Decimal("500.00")
    # To < 99 %: (1 % × 1,292,400,000 − 100 × 2,268,000) / (100 × 500) = 21,312 s, + 1 s.
    assert row["seconds_to_next_tier"] == 21_313
    rejected = tour["mixed"].rejected
    assert [(p.row, p.column) for p in rejected] == [(5, "end")]

    # Section 5: Workspace globex pays 1,120.00: 3 days → 112.00; if it lasted another day,
    # 1,500 min → 41,700 / 43,200 = 96.52777…%: acme 50 % → 1,000.00; globex 7 days →
    # 1,120 × 7 / 30 = 261.333… → 261.33.
    now = tour["portfolio"].to_frame().set_index("tenant")["credit_amount"]
    later = tour["what_if"].to_frame().set_index("tenant")["credit_amount"]
    assert (now["acme"], now["globex"]) == (Decimal("500.00"), Decimal("112.00"))
    assert (later["acme"], later["globex"]) == (Decimal("1000.00"), Decimal("261.33"))
