"""``slacalc claims`` and ``slacalc calculate … --claim``, against SQLite and PostgreSQL.

The outage file is test_cli's: 400 users paying 1,600.00 USD a month under Exchange Online.
April: 100 × 60 + 400 × 30 = 18,000 user-minutes lost of 43,200 × 400 = 17,280,000
→ 99.89583333 % → below 99.9 % → 25 % of 1,600.00 = 400.00 USD, claim by 31 May 2026.
March (60 min × 100 users of 17,856,000 → 99.9664 %) has no credit, so no claim.
"""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from slacalc import cli

OUTAGES = """\
id,start,end,affected_users
INC-1,2026-03-31T23:00:00Z,2026-04-01T01:00:00Z,100
INC-2,2026-04-10T10:00:00Z,2026-04-10T10:30:00Z,
"""
CALCULATE = ["--contract", "microsoft-365-exchange-online", "--users", "400", "--fee", "1600"]


@pytest.fixture
def outages(tmp_path: Path) -> Path:
    path = tmp_path / "outages.csv"
    path.write_text(OUTAGES, encoding="utf-8")
    return path


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    status = cli.main(list(args))
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def test_the_lifecycle_from_the_command_line(
    capsys: pytest.CaptureFixture[str], outages: Path, database_url: str
) -> None:
    db = ["--database", database_url, "--author", "ana", "--entered-in", "Europe/Paris"]
    status, _, err = run(capsys, "calculate", str(outages), *CALCULATE, "--claim", *db)
    assert status == 0
    assert "claim 1: microsoft-365-exchange-online 2026-04: draft recorded, 400.00 USD" in err

    status, out, _ = run(capsys, "claims", "list", "--due", "14d", "--as-of", "2026-05-20", *db)
    assert status == 0
    assert "2026-05-31 (11 d)" in out  # 31 May is 11 days after 20 May
    assert "400.00 USD" in out

    steps = [
        ["--filed", "--ticket", "MS-4471902", "--on", "2026-05-02"],
        ["--acknowledged"],
        ["--approved"],
        ["--credited", "400.00", "--invoice", "E0600QK2TX", "--on", "2026-06-03"],
    ]
    said = []
    for step in steps:
        status, out, err = run(capsys, "claims", "update", "1", *step, *db)
        assert (status, err) == (0, "")
        said.append(out.strip())
    assert said == [
        "claim 1: filed",
        "claim 1: acknowledged",
        "claim 1: approved, 400.00 USD",
        "claim 1: credited, 400.00 USD",
    ]

    status, out, _ = run(capsys, "claims", "show", "1", *db)
    assert "claim 1: credited" in out
    assert "ticket:        MS-4471902" in out
    assert "filed: on 2026-05-02, ticket MS-4471902, by ana" in out
    assert "Europe/Paris" in out

    status, out, _ = run(capsys, "claims", "show", "1", "--format", "json", *db)
    shown = json.loads(out)
    assert shown["amount"] == "400.00"
    assert shown["result"]["availability_percent"].startswith("99.8958333333")
    assert [e["status"] for e in shown["events"]] == [
        "draft",
        "filed",
        "acknowledged",
        "approved",
        "credited",
    ]

    status, out, _ = run(capsys, "claims", "list", "--format", "csv", *db)
    (row,) = csv.DictReader(io.StringIO(out))
    assert (row["status"], row["claimed"], row["credited"]) == ("credited", "400.00", "400.00")
    assert row["invoice"] == "E0600QK2TX"

    status, out, _ = run(capsys, "claims", "totals", "--format", "json", *db)
    assert json.loads(out) == [
        {
            "provider": "Microsoft",
            "year": 2026,
            "currency": "USD",
            "claims": 1,
            "claimed": "400.00",
            "approved": "400.00",
            "credited": "400.00",
            "denied": "0.00",
            "outstanding": "0.00",
        }
    ]


def test_a_rerun_with_another_fee_shows_the_difference_and_keeps_the_claim(
    capsys: pytest.CaptureFixture[str], outages: Path, data_dir: Path
) -> None:
    run(capsys, "calculate", str(outages), *CALCULATE, "--claim")
    run(capsys, "claims", "update", "1", "--filed", "--ticket", "MS-1")
    higher = [*CALCULATE[:-1], "2000"]  # 25 % of 2,000.00 = 500.00, 100.00 more than claimed
    status, _, err = run(capsys, "calculate", str(outages), *higher, "--claim")
    assert status == 0
    assert "filed for 400.00 USD, but this calculation gives 500.00 USD (+100.00)" in err
    _, out, _ = run(capsys, "claims", "show", "1")
    assert "claimed:       400.00 USD" in out
    assert "a re-run:      gives 500.00 USD (+100.00); the claim stands as filed" in out
    assert (data_dir / "claims.sqlite3").is_file()


def test_a_claim_typed_in_and_the_views(capsys: pytest.CaptureFixture[str], data_dir: Path) -> None:
    status, out, _ = run(
        capsys,
        "claims",
        "add",
        "--contract",
        "aws-ec2-region",
        "--period",
        "2025-10",
        "--amount",
        "250.00",
        "--tenant",
        "acme",
    )
    assert status == 0
    assert out == "claim 1: draft recorded, 250.00 USD, claim by 2025-12-31\n"
    run(capsys, "claims", "update", "1", "--filed", "--ticket", "AWS-9", "--on", "2025-12-01")

    _, out, _ = run(capsys, "claims", "list", "--waiting", "30d", "--as-of", "2025-12-31")
    assert "AWS-9" in out  # filed 1 December, 30 days before 31 December
    _, out, _ = run(capsys, "claims", "list", "--waiting", "31d", "--as-of", "2025-12-31")
    assert out == "No claims.\n"

    run(capsys, "claims", "update", "1", "--denied", "request logs missing")
    _, out, _ = run(capsys, "claims", "list", "--status", "denied", "--format", "json")
    (denied,) = json.loads(out)
    assert (denied["status"], denied["reason"]) == ("denied", "request logs missing")


def test_bad_requests_exit_2_with_a_message(
    capsys: pytest.CaptureFixture[str], data_dir: Path
) -> None:
    status, _, err = run(capsys, "claims", "update", "9", "--acknowledged")
    assert (status, err) == (2, "slacalc: error: no claim 9 in the register\n")
    run(
        capsys,
        "claims",
        "add",
        "--contract",
        "aws-ec2-region",
        "--period",
        "2025-10",
        "--amount",
        "1",
    )
    status, _, err = run(capsys, "claims", "update", "1", "--credited", "1", "--invoice", "I")
    assert status == 2
    assert "a draft claim cannot become credited; it can become expired, filed" in err
    status, _, err = run(capsys, "claims", "update", "1", "--filed")
    assert (status, err) == (
        2,
        "slacalc: error: filed: give the provider's ticket or case number\n",
    )
    with pytest.raises(SystemExit) as usage:
        cli.main(["claims", "list", "--due", "soon"])
    assert usage.value.code == 2
    assert "'soon' is not a number of days" in capsys.readouterr().err


def test_calculate_claim_output_xlsx_gets_the_claim_status_sheet(
    capsys: pytest.CaptureFixture[str], outages: Path, data_dir: Path, tmp_path: Path
) -> None:
    book = tmp_path / "claims.xlsx"
    status, _, _ = run(
        capsys, "calculate", str(outages), *CALCULATE, "--claim", "--output", str(book)
    )
    assert status == 0
    workbook = openpyxl.load_workbook(book)
    assert workbook.sheetnames[:2] == ["Summary", "Claim status"]
    header, row = list(workbook["Claim status"].iter_rows(values_only=True))
    record = dict(zip(header, row, strict=True))
    assert (record["Claim"], record["Claimed"], record["Status"]) == (1, 400, "draft")

    plain = tmp_path / "plain.xlsx"
    run(capsys, "calculate", str(outages), *CALCULATE, "--output", str(plain))
    assert "Claim status" not in openpyxl.load_workbook(plain, read_only=True).sheetnames


def test_export_writes_the_claim_status_sheet(
    capsys: pytest.CaptureFixture[str], outages: Path, data_dir: Path, tmp_path: Path
) -> None:
    run(capsys, "calculate", str(outages), *CALCULATE, "--claim")
    target = tmp_path / "claims.xlsx"
    status, out, _ = run(capsys, "claims", "export", str(target))
    assert (status, out) == (0, f"wrote {target}\n")
    sheet = openpyxl.load_workbook(target)["Claim status"]
    header, row = list(sheet.iter_rows(values_only=True))
    record = dict(zip(header, row, strict=True))
    assert (record["Period"], record["Claimed"], record["Status"]) == ("2026-04", 400, "draft")


@pytest.mark.slow
def test_calculate_claim_through_the_real_entry_point(outages: Path, tmp_path: Path) -> None:
    env = {**os.environ, "SLACALC_DATA_DIR": str(tmp_path / "data"), "PYTHONWARNINGS": "error"}
    env.pop("SLACALC_DATABASE_URL", None)
    proc = subprocess.run(
        [sys.executable, "-m", "slacalc", "calculate", str(outages), *CALCULATE, "--claim"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert "draft recorded, 400.00 USD" in proc.stderr
    listed = subprocess.run(
        [sys.executable, "-m", "slacalc", "claims", "list", "--format", "json"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=120,
    )
    assert [c["claimed"] for c in json.loads(listed.stdout)] == ["400.00"]


ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "exchange-march-2026"


def _doc_output(command: str) -> str:
    """What docs/claims.md shows ``command`` printing (the lines after it, to the next ``$``)."""
    text = (ROOT / "docs" / "claims.md").read_text(encoding="utf-8")
    after = text.split(f"$ {command}\n", 1)[1]
    return after.split("```", 1)[0].split("\n$ ", 1)[0].rstrip("\n") + "\n"


def test_the_month_in_docs_claims_md(
    capsys: pytest.CaptureFixture[str], data_dir: Path, tmp_path: Path
) -> None:
    """The finance team's month, replayed on the days the doc names; its tables are the doc's."""
    corrected = tmp_path / "customers.csv"
    text = (EXAMPLE / "customers.csv").read_text(encoding="utf-8")
    corrected.write_text(text.replace(",1000,4000.00,", ",1000,5000.00,"), encoding="utf-8")
    outages, customers = str(EXAMPLE / "outages.csv"), str(EXAMPLE / "customers.csv")

    _, _, err = run(capsys, "calculate", outages, "--customers", customers, "--claim")
    assert [line for line in err.splitlines() if line.startswith("claim ")] == [
        "claim 1: contoso microsoft-365-exchange-online 2026-03: draft recorded, 1,000.00 USD",
        "claim 2: contoso microsoft-365-exchange-online 2026-04: draft recorded, 1,000.00 USD",
        "claim 3: northwind microsoft-365-exchange-online 2026-03: draft recorded, 80.00 EUR",
        "claim 4: northwind microsoft-365-exchange-online 2026-04: draft recorded, 80.00 EUR",
    ]
    run(
        capsys,
        "claims",
        "update",
        "1",
        "--filed",
        "--ticket",
        "26042010000871",
        "--on",
        "2026-04-20",
    )
    run(
        capsys,
        "claims",
        "update",
        "3",
        "--filed",
        "--ticket",
        "26042010000912",
        "--on",
        "2026-04-20",
    )
    _, _, err = run(capsys, "calculate", outages, "--customers", str(corrected), "--claim")
    shown = "\n".join(line for line in err.splitlines() if line.startswith("claim "))
    doc = _doc_output(
        "slacalc calculate examples/exchange-march-2026/outages.csv --customers customers.csv "
        "--claim"
    )
    assert shown.count("\nclaim ") == 3  # four lines, every one as the doc shows it
    assert shown in doc
    run(capsys, "claims", "update", "1", "--acknowledged", "--on", "2026-04-24")
    _, out, _ = run(capsys, "claims", "list", "--waiting", "21d", "--as-of", "2026-05-12")
    assert out == _doc_output("slacalc claims list --waiting 21d")
    run(capsys, "claims", "update", "3", "--denied", "outside the definition", "--on", "2026-05-13")
    run(capsys, "claims", "update", "1", "--approved", "1000.00", "--on", "2026-05-14")
    run(
        capsys,
        "claims",
        "update",
        "2",
        "--filed",
        "--ticket",
        "26052510001377",
        "--on",
        "2026-05-25",
    )
    run(capsys, "claims", "update", "4", "--expired", "--on", "2026-06-01")
    run(
        capsys,
        "claims",
        "update",
        "1",
        "--credited",
        "1000.00",
        "--invoice",
        "E0600QK2TX",
        "--on",
        "2026-06-02",
    )
    _, out, _ = run(capsys, "claims", "totals")
    assert out == _doc_output("slacalc claims totals")
