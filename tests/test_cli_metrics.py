"""``slacalc error-rate``: error-rate SLAs from the command line, worked by hand.

Each test runs ``slacalc.cli.main(argv)`` in this process (``slacalc_run`` of test_cli.py). April
2026 has 30 days = 8,640 five-minute intervals; an interval's error rate is its failed requests
over its requests, an interval without a row has none, and availability is 100 % minus the average
rate over every interval of the month (https://aws.amazon.com/s3/sla/). The month of this file:

    GET  12 intervals on 14 April, 900 of 1,000 failed: rates sum to 12 × 0.9 = 10.8;
         10.8 / 8,640 = 0.125 % → 99.875 %: < 99.9 and ≥ 99 → 10 % of the fee.
    PUT  12 intervals, 100 of 400 failed: rates sum to 12 × 0.25 = 3;
         3 / 8,640 = 0.0347222… % → 99.9652777777… % (floored): no credit.

The claim is due "by the end of the second billing cycle after which the incident occurred":
April → 30 June 2026.
"""

from __future__ import annotations

import csv
import io
import json
import shlex
from pathlib import Path
from typing import Any

import pytest

import slacalc
from slacalc.engine.error_rate import ERROR_RATE_COLUMNS
from tests.test_cli import slacalc_run
from tests.test_examples import ROOT, readme_command

S3 = "aws-s3-standard"
HEADER = "interval_start,request_type,total_requests,failed_requests\n"
APRIL = HEADER + "".join(
    f"2026-04-14T10:{5 * i:02d}:00Z,GET,1000,900\n2026-04-14T10:{5 * i:02d}:00Z,PUT,400,100\n"
    for i in range(12)
)


@pytest.fixture
def april(tmp_path: Path) -> Path:
    path = tmp_path / "metrics.csv"
    path.write_text(APRIL, encoding="utf-8")
    return path


def by_type(stdout: str) -> dict[str, dict[str, Any]]:
    return {r["request_type"]: r for r in json.loads(stdout)}


def test_help_has_an_example() -> None:
    proc = slacalc_run("error-rate", "--help")
    assert proc.returncode == 0
    assert "slacalc error-rate metrics.csv --contract aws-s3-standard" in proc.stdout


def test_an_s3_month_with_two_request_types_one_breaching(april: Path) -> None:
    proc = slacalc_run("error-rate", april, "--contract", S3, "--fee", "1200", "--format", "json")
    assert (proc.returncode, proc.stderr) == (0, "")
    rows = by_type(proc.stdout)
    get, put = rows["GET"], rows["PUT"]
    assert (get["intervals"], get["total_requests"], get["failed_requests"]) == (8640, 12000, 10800)
    assert (get["average_error_rate_percent"], get["availability_percent"]) == ("0.125", "99.875")
    # 10 % of 1,200.00 = 120.00 USD, claim by the end of June.
    assert (get["tier_number"], get["credit_percent"], get["credit_amount"]) == (1, "10", "120.00")
    assert (get["currency"], get["claim_deadline"]) == ("USD", "2026-06-30")
    assert put["availability_percent"] == "99.9652777777"  # 100 − 300 / 8,640, floored
    assert (put["breached"], put["credit_amount"]) == (False, "0.00")


def test_the_table_shows_both_types_the_total_and_every_row(april: Path) -> None:
    proc = slacalc_run(
        "error-rate", april, "--contract", S3, "--fee", "1200", "--as-of", "2026-05-01T12:00Z"
    )
    assert proc.returncode == 0
    lines = proc.stdout.splitlines()
    assert lines[0].startswith("Amazon S3 Standard (aws-s3-standard): commitment 99.9 % per month")
    # Availability floored to 4 places; the error rate is the rest of 100. 1 May → 30 June: 60 days.
    assert lines[3].split() == [
        "GET", "2026-04", "99.8750", "0.1250", "12,000", "10,800", "10", "%", "120.00", "USD",
        "2026-06-30", "(60", "days", "left)",
    ]  # fmt: skip
    assert lines[4].split() == [
        "PUT", "2026-04", "99.9652", "0.0348", "4,800", "1,200", "none", "0.00", "USD",
    ]  # fmt: skip
    assert "1 of 2 periods below commitment. Credits: 120.00 USD." in lines
    assert f"{april}: 24 row(s) read: 24 counted, 0 rejected." in lines


def test_csv_output_by_the_file_suffix_has_every_column(april: Path, tmp_path: Path) -> None:
    target = tmp_path / "error-rates.csv"
    proc = slacalc_run(
        "error-rate", april, "--contract", S3, "--fee", "1200", "--fee-for", "PUT=300",
        "--currency", "EUR", "--period", "2026-05", "--output", target,
    )  # fmt: skip
    assert (proc.returncode, proc.stdout) == (0, "")
    rows = list(csv.DictReader(io.StringIO(target.read_text(encoding="utf-8"))))
    assert list(rows[0]) == list(ERROR_RATE_COLUMNS)
    cells = [(r["request_type"], r["period"], r["availability_percent"], r["monthly_fee"],
              r["credit_amount"], r["currency"]) for r in rows]  # fmt: skip
    # May (31 days, 8,928 intervals) was asked for and has no row: 100 %, nothing due.
    assert cells == [
        ("GET", "2026-04", "99.875", "1200.00", "120.00", "EUR"),
        ("GET", "2026-05", "100", "1200.00", "0.00", "EUR"),
        ("PUT", "2026-04", "99.9652777777", "300.00", "0.00", "EUR"),
        ("PUT", "2026-05", "100", "300.00", "0.00", "EUR"),
    ]


def test_a_cloudwatch_get_metric_data_export(tmp_path: Path) -> None:
    # GET: 9 intervals with every request failed: 9 / 8,640 = 0.1041666… % → 99.8958333333 %
    # (floored): 10 % of 500.00 EUR = 50.00 EUR. HEAD: 2 requests, none failed: 100 %.
    stamps = [f"2026-04-20T08:{5 * i:02d}:00Z" for i in range(9)]
    export = {
        "MetricDataResults": [
            {"Id": "total_GET", "Timestamps": stamps, "Values": [40.0] * 9},
            {"Id": "failed_GET", "Timestamps": stamps, "Values": [40.0] * 9},
            {"Id": "total_HEAD", "Timestamps": stamps[:1], "Values": [2.0]},
            {"Id": "failed_HEAD", "Timestamps": stamps[:1], "Values": [0.0]},
        ]
    }
    path = tmp_path / "cloudwatch.json"
    path.write_text(json.dumps(export), encoding="utf-8")
    fee = ["--fee", "500", "--currency", "EUR"]
    proc = slacalc_run("error-rate", path, "--contract", S3, *fee, "--format", "json")
    assert proc.returncode == 0, proc.stderr
    rows = by_type(proc.stdout)
    assert (rows["GET"]["availability_percent"], rows["GET"]["credit_amount"]) == (
        "99.8958333333",
        "50.00",
    )
    assert (rows["HEAD"]["availability_percent"], rows["HEAD"]["breached"]) == ("100", False)


def azure_storage_like(tmp_path: Path) -> Path:
    """The S3 terms measured as Azure Storage is: hourly, every request type together."""
    package = Path(slacalc.__file__).resolve().parent
    bundled = package.parent / "contracts" / f"{S3}.toml"
    if not bundled.is_file():
        bundled = package / "_contracts" / f"{S3}.toml"
    text = bundled.read_text(encoding="utf-8").replace(
        "interval_minutes = 5\nper_request_type = true",
        "interval_minutes = 60\nper_request_type = false",
    )
    path = tmp_path / "hourly-storage.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_an_azure_monitor_transactions_export(tmp_path: Path) -> None:
    def series(api: str, response: str, total: float) -> dict[str, object]:
        return {
            "metadatavalues": [
                {"name": {"value": "ApiName"}, "value": api},
                {"name": {"value": "ResponseType"}, "value": response},
            ],
            "data": [{"timeStamp": "2026-04-03T10:00:00Z", "total": total}],
        }

    export = {
        "interval": "PT1H",
        "value": [
            {
                "name": {"value": "Transactions"},
                "timeseries": [
                    series("GetBlob", "Success", 96.0),
                    series("GetBlob", "ServerTimeoutError", 4.0),
                    series("GetBlob", "ClientOtherError", 10.0),
                    series("PutBlob", "Success", 50.0),
                    series("PutBlob", "ServerBusyError", 50.0),
                ],
            }
        ],
    }
    path = tmp_path / "transactions.json"
    path.write_text(json.dumps(export), encoding="utf-8")
    contract = azure_storage_like(tmp_path)
    base = ["error-rate", path, "--contract", contract, "--fee", "800", "--format", "json"]
    # April has 720 hours. 10:00 holds 96 + 4 + 10 + 50 + 50 = 210 requests, of which the server
    # errors 4 + 50 = 54 failed: 54 / 210 = 9/35; 9/35 / 720 = 1/2,800 = 0.0357142857… %
    # → 99.9642857142… % (floored).
    (row,) = json.loads(slacalc_run(*base).stdout)
    assert (row["intervals"], row["total_requests"], row["failed_requests"]) == (720, 210, 54)
    assert row["availability_percent"] == "99.9642857142"
    # Counting the client errors too: 64 / 210 = 32/105; / 720 = 0.0423280423… % → 99.9576719576.
    more = ["--failed-response-types", "ServerTimeoutError", "ServerBusyError", "ClientOtherError"]
    (row,) = json.loads(slacalc_run(*base, *more).stdout)
    assert (row["failed_requests"], row["availability_percent"]) == (64, "99.9576719576")


def test_a_bad_row_is_named_and_the_exit_status_is_2(tmp_path: Path) -> None:
    path = tmp_path / "metrics.csv"
    path.write_text(
        HEADER
        + "2026-04-14T10:00:00Z,GET,1000,900\n"  # row 2: counted
        + "2026-04-14T10:05:00Z,GET,10,11\n"  # row 3: more failed than made
        + "2026-04-14T10:07:00Z,GET,10,1\n",  # row 4: off the five-minute grid
        encoding="utf-8",
    )
    argv = ["error-rate", path, "--contract", S3, "--fee", "1200", "--format", "json"]
    proc = slacalc_run(*argv)
    assert proc.returncode == 2
    assert (
        f"{path}: row 3, column 'failed_requests': more failed requests than requests "
        "(value '11')" in proc.stderr
    )
    assert f"{path}: row 4, column 'interval_start': does not start one of the contract's " in (
        proc.stderr
    )
    assert "2 input row(s) rejected" in proc.stderr
    # The rest is still computed: 0.9 / 8,640 = 0.0104166… % → 99.9895833333 %.
    assert by_type(proc.stdout)["GET"]["availability_percent"] == "99.9895833333"
    assert slacalc_run(*argv, "--allow-rejected").returncode == 0


def test_a_portfolio_from_the_customers_table(tmp_path: Path) -> None:
    metrics = tmp_path / "metrics.csv"
    rows = [f"acme,2026-04-14T10:{5 * i:02d}:00Z,GET,40,40" for i in range(9)]
    rows += ["beta,2026-04-14T10:00:00Z,GET,100,50", "zeta,2026-04-14T10:00:00Z,GET,10,1"]
    metrics.write_text("account,interval_start,type,total,failed\n" + "\n".join(rows) + "\n")
    customers = tmp_path / "customers.csv"
    customers.write_text(
        "tenant,contract,users,monthly_fee,currency\n"
        "acme,aws-s3-standard,1,1000,USD\n"
        "beta,aws-s3-standard,1,2000,EUR\n"
        "gamma,aws-s3-standard,1,-5,USD\n",
        encoding="utf-8",
    )
    argv = ["error-rate", metrics, "--customers", customers, "--format", "json"]
    proc = slacalc_run(*argv)
    # zeta is not a customer of the table: its row (12) is rejected, and so is gamma's row (4)
    # of the customers table, a negative fee; the others are computed.
    assert proc.returncode == 2
    assert f"row 12, column 'account': tenant 'zeta' has no usable row in {customers}" in (
        proc.stderr
    )
    assert f"{customers}: row 4, column 'monthly_fee'" in proc.stderr
    assert "slacalc: 2 input row(s) rejected" in proc.stderr
    got = {r["tenant"]: r for r in json.loads(proc.stdout)}
    # acme: 9 / 8,640 = 0.1041666… % → 99.8958333333 %: 10 % of 1,000.00 = 100.00 USD.
    # beta: 0.5 / 8,640 = 0.0057870370… % → 99.9942129629 %: nothing due.
    assert (got["acme"]["availability_percent"], got["acme"]["credit_amount"]) == (
        "99.8958333333",
        "100.00",
    )
    assert (got["beta"]["availability_percent"], got["beta"]["credit_amount"]) == (
        "99.9942129629",
        "0.00",
    )
    assert got["beta"]["currency"] == "EUR"
    refused = slacalc_run(*argv, "--fee", "5")
    assert (refused.returncode, refused.stderr) == (
        2,
        "slacalc: error: --fee: with --customers, the customers table says it\n",
    )
    refused = slacalc_run(*argv, "--billing-day", "15")
    assert (refused.returncode, refused.stderr) == (
        2,
        "slacalc: error: --billing-day: with --customers, the customers table says it\n",
    )


def test_one_tenant_of_several_with_tenant(tmp_path: Path) -> None:
    path = tmp_path / "metrics.csv"
    path.write_text(
        "tenant,interval_start,request_type,total_requests,failed_requests\n"
        "acme,2026-04-14T10:00:00Z,GET,100,50\n"
        "beta,2026-04-14T10:00:00Z,GET,100,100\n",
        encoding="utf-8",
    )
    several = slacalc_run("error-rate", path, "--contract", S3)
    assert several.returncode == 2
    assert "the rows name 2 tenants ('acme', 'beta'); give --tenant NAME" in several.stderr
    proc = slacalc_run("error-rate", path, "--contract", S3, "--tenant", "acme")
    assert proc.returncode == 0
    # acme alone: 0.5 / 8,640 = 0.0057870… % → 99.99421… %, shown floored as 99.9942.
    assert proc.stdout.splitlines()[3].split()[:4] == ["acme", "GET", "2026-04", "99.9942"]
    assert f"{path}: 2 row(s) read: 1 counted, 0 rejected, 1 of other tenants." in proc.stdout
    nobody = slacalc_run("error-rate", path, "--contract", S3, "--tenant", "gamma")
    assert (nobody.returncode, nobody.stderr) == (
        2,
        f"slacalc: error: {path}: --tenant: no row names 'gamma'\n",
    )


def test_a_row_without_a_tenant_beside_named_ones_is_rejected_not_added(tmp_path: Path) -> None:
    # Row 3 names no tenant. Taken as acme's, its interval would count twice (the same interval
    # and type as row 2: 0.5 + 1 = 1.5 / 8,640 → 99.9826 %); it is rejected instead, and acme's
    # month is its own row's: 0.5 / 8,640 → 99.9942 %.
    path = tmp_path / "metrics.csv"
    path.write_text(
        "tenant,interval_start,request_type,total_requests,failed_requests\n"
        "acme,2026-04-14T10:00:00Z,GET,100,50\n"
        ",2026-04-14T10:00:00Z,GET,100,100\n",
        encoding="utf-8",
    )
    proc = slacalc_run("error-rate", path, "--contract", S3, "--tenant", "acme")
    assert proc.returncode == 2
    assert "row 3, column 'tenant': no tenant, while other rows name theirs" in proc.stderr
    assert proc.stdout.splitlines()[3].split()[:4] == ["acme", "GET", "2026-04", "99.9942"]
    assert f"{path}: 2 row(s) read: 1 counted, 1 rejected." in proc.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--contract", "microsoft-365-exchange-online"], "does not measure an error rate"),
        (["--contract", S3, "--as-of", "soon"], "--as-of soon:"),
        (["--contract", S3, "--period", "2026-Q2"], "measures calendar months"),
        (["--contract", S3, "--output", "/no/such/folder/x.xlsx"], "--output: cannot write"),
        (["--contract", S3, "--fee-for", "PUT=1", "--fee-for", "PUT=2"], "--fee-for: each"),
        ([], "--contract: give the contract"),
    ],
)
def test_bad_options_are_one_line_naming_the_flag(
    args: list[str], message: str, april: Path
) -> None:
    proc = slacalc_run("error-rate", april, *args)
    assert proc.returncode == 2
    assert message in proc.stderr
    assert len(proc.stderr.splitlines()) == 1


def test_the_example_readme_command_and_its_numbers() -> None:
    # The example's month is this file's, with one clean interval of each type on 1 and 30 April
    # (1,000 GET and 400 PUT requests each): the same rates, 2,000 and 800 more requests.
    argv = readme_command("s3-april-2026")
    proc = slacalc_run(*argv, "--format", "json", cwd=ROOT)
    assert (proc.returncode, proc.stderr) == (0, "")
    rows = by_type(proc.stdout)
    assert (rows["GET"]["total_requests"], rows["GET"]["availability_percent"]) == (14000, "99.875")
    assert (rows["GET"]["credit_amount"], rows["GET"]["claim_deadline"]) == ("120.00", "2026-06-30")
    assert (rows["PUT"]["total_requests"], rows["PUT"]["credit_amount"]) == (5600, "0.00")


def test_docs_cli_md_shows_what_the_command_prints() -> None:
    text = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    block = text.split("## `slacalc error-rate`", 1)[1].split("```console\n")[2].split("```")[0]
    command, printed = block.split("\n", 2)[:2], block.split("\n", 2)[2]
    argv = shlex.split(" ".join(line.rstrip("\\ ") for line in command).removeprefix("$ "))
    assert argv[:2] == ["slacalc", "error-rate"]
    proc = slacalc_run(*argv[1:], cwd=ROOT)
    assert (proc.returncode, proc.stdout) == (0, printed)


def test_docs_contracts_md_command_is_the_example_readme_s() -> None:
    text = (ROOT / "docs" / "contracts.md").read_text(encoding="utf-8")
    shown = [line[2:] for line in text.splitlines() if line.startswith("$ slacalc error-rate")]
    assert [shlex.split(line)[1:] for line in shown] == [readme_command("s3-april-2026")]


def test_a_european_csv_reads_with_its_own_marks_dates_and_headers(tmp_path: Path) -> None:
    # ';'-separated, day-first dates (31/03 settles 01/03), '.' for thousands, German headers
    # mapped with --map. March 2026: 31 days = 8,928 intervals. 31 March 23:55: 0 of 1,234,567
    # failed; 1 March 00:00: 1,000 of 2,000 → 0.5 / 8,928 = 0.0056003584… % → 99.9943996415…
    # % (floored): no credit.
    path = tmp_path / "messwerte.csv"
    path.write_text(
        "Zeitpunkt;Typ;Anfragen;Fehler\n"
        "31/03/2026 23:55;GET;1.234.567;0\n"
        "01/03/2026 00:00;GET;2.000;1.000\n",
        encoding="utf-8",
    )
    mapped = [
        f"--map={h}={f}" for h, f in (("Zeitpunkt", "interval_start"), ("Typ", "request_type"))
    ]
    mapped += ["--map", "Anfragen=total_requests", "--map", "Fehler=failed_requests"]
    proc = slacalc_run("error-rate", path, "--contract", S3, *mapped, "--format", "json")
    assert proc.returncode == 0, proc.stderr
    (row,) = json.loads(proc.stdout)
    assert (row["period"], row["total_requests"], row["failed_requests"]) == (
        "2026-03",
        1236567,
        1000,
    )
    assert (row["intervals"], row["availability_percent"]) == (8928, "99.9943996415")
    assert f"{path}: dates such as 03/04/2026 read day first, as others settle" in proc.stderr
    assert "numbers read with ',' for decimals and '.' for thousands" in proc.stderr
    assert "--decimal . says otherwise" in proc.stderr
    # Without the mapping, the missing column's message names --map.
    unmapped = slacalc_run("error-rate", path, "--contract", S3)
    assert unmapped.returncode == 2
    assert "--map COLUMN=interval_start" in unmapped.stderr


def test_dates_no_row_settles_are_refused_until_dayfirst_or_monthfirst(tmp_path: Path) -> None:
    # 01/03 and 02/03 could be 1 and 2 March or 3 January and 3 February: refused, as the
    # outage reader refuses them, until a flag says which. Each interval: 50 of 100 failed.
    path = tmp_path / "metrics.csv"
    path.write_text(
        "interval_start,request_type,total_requests,failed_requests\n"
        "01/03/2026 00:00,GET,100,50\n"
        "02/03/2026 00:05,GET,100,50\n",
        encoding="utf-8",
    )
    proc = slacalc_run("error-rate", path, "--contract", S3)
    assert proc.returncode == 2
    assert (
        f"{path}: row 2, column 'interval_start': day and month could be either way round; "
        "write ISO 8601 (2026-03-17) or pass --dayfirst or --monthfirst (value '01/03/2026 00:00')"
    ) in proc.stderr
    day = slacalc_run("error-rate", path, "--contract", S3, "--dayfirst", "--format", "json")
    # 1 and 2 March: 1 / 8,928 = 0.0112007168… % → 99.9887992831… %.
    assert [(r["period"], r["availability_percent"]) for r in json.loads(day.stdout)] == [
        ("2026-03", "99.9887992831")
    ]
    month = slacalc_run("error-rate", path, "--contract", S3, "--monthfirst", "--format", "json")
    # 3 January and 3 February, 31 and 28 days: 0.5 / 8,928 and 0.5 / 8,064.
    assert [(r["period"], r["intervals"]) for r in json.loads(month.stdout)] == [
        ("2026-01", 8928),
        ("2026-02", 8064),
    ]


def test_decimal_and_thousands_read_counts_no_cell_settles(tmp_path: Path) -> None:
    # "1.200" alone could be 1.2 or 1,200. Read as written (1.2), it is no whole count and is
    # refused; --decimal , reads it as 1,200 (thousands then '.'): 600 of 1,200 failed →
    # 0.5 / 8,640 (April) = 0.0057870370… % → 99.9942129629… %.
    path = tmp_path / "metrics.csv"
    path.write_text(
        "interval_start,request_type,total_requests,failed_requests\n"
        '2026-04-14T10:00:00Z,GET,"1.200",600\n',
        encoding="utf-8",
    )
    plain = slacalc_run("error-rate", path, "--contract", S3)
    assert plain.returncode == 2
    assert "row 2, column 'total_requests'" in plain.stderr
    comma = slacalc_run("error-rate", path, "--contract", S3, "--decimal", ",", "--format", "json")
    assert comma.returncode == 0, comma.stderr
    (row,) = json.loads(comma.stdout)
    assert (row["total_requests"], row["availability_percent"]) == (1200, "99.9942129629")
    both = slacalc_run("error-rate", path, "--contract", S3, "--thousands", ".", "--format", "json")
    assert json.loads(both.stdout)[0]["total_requests"] == 1200


def test_each_tenant_is_measured_over_its_own_billing_cycles(tmp_path: Path) -> None:
    # The same 12 intervals on 20 March (100 of 100 GET failed) for two tenants. acme's cycles
    # start on the 15th: 15 March → 15 April, 31 days = 8,928 intervals; beta's on the 1st:
    # March, also 31 days. Both: 12 / 8,928 = 0.1344086021… % → 99.8655913978… %: 10 % of
    # 1,000.00 = 100.00 USD. The claim is due by the end of the second cycle after the
    # incident's: acme 15 June − 1 day = 14 June; beta 31 May.
    rows = [
        f"{t},2026-03-20T10:{5 * i:02d}:00Z,GET,100,100"
        for t in ("acme", "beta")
        for i in range(12)
    ]
    metrics = tmp_path / "metrics.csv"
    metrics.write_text(
        "tenant,interval_start,request_type,total_requests,failed_requests\n"
        + "\n".join(rows)
        + "\n"
    )
    customers = tmp_path / "customers.csv"
    customers.write_text(
        "tenant,contract,users,monthly_fee,currency,billing_day\n"
        "acme,aws-s3-standard,1,1000,USD,15\n"
        "beta,aws-s3-standard,1,1000,USD,\n",
        encoding="utf-8",
    )
    proc = slacalc_run("error-rate", metrics, "--customers", customers, "--format", "json")
    assert (proc.returncode, proc.stderr) == (0, "")
    got = {
        r["tenant"]: (
            r["period"],
            r["intervals"],
            r["availability_percent"],
            r["credit_amount"],
            r["claim_deadline"],
        )
        for r in json.loads(proc.stdout)
    }
    assert got == {
        "acme": ("2026-03-15", 8928, "99.8655913978", "100.00", "2026-06-14"),
        "beta": ("2026-03", 8928, "99.8655913978", "100.00", "2026-05-31"),
    }


def test_a_contract_of_calendar_months_refuses_a_tenant_billed_from_the_15th(
    tmp_path: Path,
) -> None:
    # The same S3 terms with a calendar-month claim clock ("end of the second month after"):
    # the contract measures calendar months, so a cycle from the 15th is refused, naming the
    # tenant, rather than measured over the wrong month.
    text = (ROOT / "contracts" / f"{S3}.toml").read_text(encoding="utf-8")
    own = tmp_path / "calendar-storage.toml"
    own.write_text(
        text.replace(
            'rule = "end_of_billing_cycle_after"\ncycles = 2',
            'rule = "end_of_month_after"\nmonths = 2',
        ),
        encoding="utf-8",
    )
    metrics = tmp_path / "metrics.csv"
    metrics.write_text(
        "tenant,interval_start,type,total,failed\nacme,2026-03-20T10:00:00Z,GET,100,1\n"
    )
    customers = tmp_path / "customers.csv"
    customers.write_text(
        "tenant,contract,users,monthly_fee,currency,billing_day\n"
        "acme,calendar-storage,1,1000,USD,15\n",
        encoding="utf-8",
    )
    proc = slacalc_run("error-rate", metrics, "--customers", customers, "--contracts", own)
    assert (proc.returncode, proc.stderr) == (
        2,
        f"slacalc: error: {customers}: tenant 'acme': calendar-storage: measured over calendar "
        "months (its claim clock does not count billing cycles), so billing cycles starting on "
        "day 15 cannot be measured under it; leave the billing day empty (or 1) for this "
        "contract\n",
    )


def test_local_times_a_dst_change_doubles_or_skips_take_the_dst_flags(tmp_path: Path) -> None:
    # Berlin: 02:30 on 25 October 2026 happens twice, 02:30 on 29 March 2026 never. Refused,
    # naming the flags; --ambiguous earliest reads 00:30 UTC, --nonexistent shift_forward 03:00
    # CEST = 01:00 UTC. Each: 50 of 100 failed, 0.5 / 8,928 (31-day months) → 99.9943996415 %.
    path = tmp_path / "metrics.csv"
    path.write_text(
        HEADER + "2026-10-25 02:30,GET,100,50\n2026-03-29 02:30,GET,100,50\n", encoding="utf-8"
    )
    argv = ["error-rate", path, "--contract", S3, "--timezone", "Europe/Berlin"]
    refused = slacalc_run(*argv)
    assert refused.returncode == 2
    assert (
        "row 2, column 'interval_start': 2026-10-25 02:30 happens twice in Europe/Berlin (clocks "
        "go back); give an offset, or pass --ambiguous earliest or --ambiguous latest"
    ) in refused.stderr
    assert "or pass --nonexistent shift_forward" in refused.stderr
    proc = slacalc_run(
        *argv, "--ambiguous", "earliest", "--nonexistent", "shift_forward", "--format", "json"
    )
    assert proc.returncode == 0
    assert (
        proc.stderr
        == f"{path}: times without an offset in 'interval_start' read as Europe/Berlin\n"
    )
    assert [(r["period"], r["availability_percent"]) for r in json.loads(proc.stdout)] == [
        ("2026-03", "99.9943996415"),
        ("2026-10", "99.9943996415"),
    ]


def test_docs_cli_md_s_german_export_gives_the_example_s_figures() -> None:
    # metrics-de.csv is metrics.csv written as a German export: ';', 14/04/2026 10:00, 1.000.
    text = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    section = text.split("## `slacalc error-rate`", 1)[1].split("\n## ", 1)[0]
    blocks = [b.split("```")[0] for b in section.split("```console\n")[1:]]
    (block,) = [b for b in blocks if "metrics-de.csv" in b]
    argv = shlex.split(" ".join(line.rstrip("\\ ") for line in block.splitlines()))
    assert argv[:2] == ["$", "slacalc"]
    german = slacalc_run(*argv[2:], "--format", "json", cwd=ROOT)
    assert german.returncode == 0, german.stderr
    plain = slacalc_run(*readme_command("s3-april-2026"), "--format", "json", cwd=ROOT)
    assert json.loads(german.stdout) == json.loads(plain.stdout)
    assert "examples/s3-april-2026/metrics-de.csv: dates such as 03/04/2026 read day first" in (
        german.stderr
    )
    # Without --decimal ',', "1.000" could be one request or a thousand: refused, never read as
    # one (which counted each clean GET interval as a single request).
    argv.remove("--decimal")
    argv.remove(",")
    unread = slacalc_run(*argv[2:], cwd=ROOT)
    assert unread.returncode == 2
    assert (
        "row 2, column 'total_requests': '1.000' is ambiguous: 1000 with '.' for thousands, or a "
        "fraction? Write 1000, or pass --thousands . or --decimal , (value '1.000')"
    ) in unread.stderr


def test_one_customer_s_billing_day(tmp_path: Path) -> None:
    # 12 intervals on 20 March, 100 of 100 GET failed, for a customer billed from the 15th:
    # 15 March → 15 April, 8,928 intervals; 12 / 8,928 → 99.8655913978 %: 10 % of 1,000.00,
    # claim by the end of the second cycle after: 14 June (test_error_rate.py works the cycle).
    path = tmp_path / "metrics.csv"
    path.write_text(
        HEADER + "".join(f"2026-03-20T10:{5 * i:02d}:00Z,GET,100,100\n" for i in range(12)),
        encoding="utf-8",
    )
    argv = ["error-rate", path, "--contract", S3, "--fee", "1000"]
    proc = slacalc_run(*argv, "--billing-day", "15", "--format", "json")
    assert proc.returncode == 0, proc.stderr
    (row,) = json.loads(proc.stdout)
    assert (row["period"], row["intervals"], row["availability_percent"]) == (
        "2026-03-15",
        8928,
        "99.8655913978",
    )
    assert (row["credit_amount"], row["claim_deadline"]) == ("100.00", "2026-06-14")
    late = slacalc_run(*argv, "--billing-day", "29")
    assert (late.returncode, late.stderr) == (
        2,
        "slacalc: error: --billing-day 29: give a day of the month from 1 to 28\n",
    )
