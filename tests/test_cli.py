"""The command line, run through its real entry points as a user would run it.

Each test runs ``slacalc.cli.main(argv)`` in this process, as the console script does, and checks
its exit status, its output and its messages; no output may ever hold a traceback. A few smoke
tests start ``python -m slacalc`` and the ``slacalc`` console script as real processes. The
numbers are worked by hand from this literal outage file, for 400 users paying 1,600.00 USD:

    INC-1  31 Mar 23:00 → 1 Apr 01:00 UTC, 100 users   (60 min in March, 60 min in April)
    INC-2  10 Apr 10:00 → 10:30 UTC, all 400 users       (30 min)

March: 100 × 60 = 6,000 user-minutes lost of 44,640 × 400 = 17,856,000
       → 99.96639784946…% → not below 99.9 %; no credit.
April: 100 × 60 + 400 × 30 = 18,000 lost of 43,200 × 400 = 17,280,000
       → 99.89583333…% → below 99.9 % → 25 % of 1,600.00 = 400.00 USD, claim by 31 May 2026.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

import slacalc
from slacalc import cli
from slacalc.engine.results import RESULT_COLUMNS

EXCHANGE = "microsoft-365-exchange-online"
OUTAGES = """\
id,start,end,affected_users
INC-1,2026-03-31T23:00:00Z,2026-04-01T01:00:00Z,100
INC-2,2026-04-10T10:00:00Z,2026-04-10T10:30:00Z,
"""
SCRIPT = Path(sys.executable).with_name("slacalc")


def slacalc_run(
    *args: str | Path, process: bool = False, script: bool = False, cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    """Run the command line, in this process unless ``process`` (``python -m slacalc``) or
    ``script`` (the console script); never a traceback, whatever happens."""
    argv = [str(a) for a in args]
    if process or script:
        command = [str(SCRIPT)] if script else [sys.executable, "-m", "slacalc"]
        # PYTHONPATH: this checkout's slacalc, even where the script's environment has another
        # checkout installed in editable mode (a venv shared between worktrees).
        env = {
            **os.environ,
            "PYTHONIOENCODING": "utf-8",
            "PYTHONWARNINGS": "error",
            "PYTHONPATH": str(Path(slacalc.__file__).resolve().parents[1]),
        }
        proc = subprocess.run(
            [*command, *argv],
            capture_output=True,
            text=True,
            encoding="utf-8",
            env=env,
            cwd=cwd,
            timeout=120,
            check=False,
        )
    else:
        out, err = io.StringIO(), io.StringIO()
        with (
            contextlib.chdir(cwd or Path.cwd()),
            contextlib.redirect_stdout(out),
            contextlib.redirect_stderr(err),
        ):
            try:
                status = cli.main(argv)
            except SystemExit as exc:  # argparse: --help, usage errors
                status = exc.code if isinstance(exc.code, int) else 1
        proc = subprocess.CompletedProcess(argv, status, out.getvalue(), err.getvalue())
    assert "Traceback" not in proc.stdout + proc.stderr, proc.stderr
    return proc


@pytest.fixture
def outages(tmp_path: Path) -> Path:
    path = tmp_path / "outages.csv"
    path.write_text(OUTAGES, encoding="utf-8")
    return path


@pytest.fixture
def my_contract(tmp_path: Path) -> Path:
    """The Exchange Online terms as a contract file of the user's own, ``my.toml``."""
    package = Path(slacalc.__file__).resolve().parent
    bundled = package.parent / "contracts" / f"{EXCHANGE}.toml"
    if not bundled.is_file():
        bundled = package / "_contracts" / f"{EXCHANGE}.toml"
    path = tmp_path / "my.toml"
    path.write_text(bundled.read_text(encoding="utf-8"), encoding="utf-8")
    return path


def one_customer(outages: Path, *more: str | Path) -> list[str | Path]:
    return ["calculate", outages, "--contract", EXCHANGE, "--users", "400", "--fee", "1600", *more]


# --help -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "command",
    [
        [],
        ["contracts"],
        ["contracts", "show"],
        ["contracts", "schema"],
        ["calculate"],
        ["app"],
    ],
    ids=lambda c: " ".join(c) or "slacalc",
)
def test_every_command_has_help_with_an_example(command: list[str]) -> None:
    proc = slacalc_run(*command, "--help")
    assert proc.returncode == 0
    assert proc.stdout.startswith("usage: slacalc")
    assert "example" in proc.stdout
    assert f"slacalc {' '.join(command)}".strip() in proc.stdout.split("example", 1)[1]


# contracts ----------------------------------------------------------------------------------------


def test_contracts_lists_every_bundled_id_with_its_commitment() -> None:
    proc = slacalc_run("contracts")
    assert proc.returncode == 0
    lines = proc.stdout.splitlines()
    for cid in slacalc.list_contracts():
        assert any(line.startswith(cid + " ") for line in lines), cid
    exchange = next(line for line in lines if line.startswith(EXCHANGE + " "))
    assert exchange.split()[1:5] == ["99.9", "%", "month", "user-minutes"]
    # S3 measures the average error rate of five-minute intervals, not minutes down
    s3 = next(line for line in lines if line.startswith("aws-s3-standard "))
    assert s3.split()[1:6] == ["99.9", "%", "month", "error", "rate"]


def test_contracts_show_states_the_terms_in_plain_words() -> None:
    proc = slacalc_run("contracts", "show", EXCHANGE)
    assert proc.returncode == 0
    text = proc.stdout
    assert "commitment:        99.9 % availability per calendar month" in text
    assert "(user-minutes − downtime user-minutes) / user-minutes × 100" in text
    for tier in ("< 99.9 % → 25 % of the fee", "< 99 % → 50 % of the fee", "< 95 % → 100 %"):
        assert tier in text
    assert "cap:               100 % of the period's fee" in text
    assert "by the end of the first calendar month after the period" in text
    # Microsoft's own address of the SLA (wrapped at 100 columns).
    assert "https://www.microsoft.com/licensing/docs/view/Service-Level-Agreements" in text


def test_contracts_show_an_unknown_id_exits_2_from_python_dash_m() -> None:
    proc = slacalc_run("contracts", "show", "nope", process=True)
    assert proc.returncode == 2
    assert proc.stderr.startswith("slacalc: error: unknown contract 'nope'")


def test_contracts_schema_is_the_json_schema_of_a_contract_file() -> None:
    proc = slacalc_run("contracts", "schema")
    assert proc.returncode == 0
    schema = json.loads(proc.stdout)
    assert schema == json.loads(json.dumps(slacalc.contract_schema(), default=str))
    assert {"commitment_percent", "tiers", "claim", "source"} <= set(schema["properties"])
    assert "id" not in schema["properties"]  # the id is the file name


# calculate ----------------------------------------------------------------------------------------


def test_calculate_prints_an_aligned_table_of_the_key_figures(outages: Path) -> None:
    proc = slacalc_run(*one_customer(outages))
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    header = next(line for line in lines if line.startswith("period"))
    march = next(line for line in lines if line.startswith("2026-03"))
    april = next(line for line in lines if line.startswith("2026-04"))
    # Right-aligned numbers end in the same column as their heading.
    end = header.index("availability %") + len("availability %")
    assert march[:end].endswith("99.9663")  # 99.96639…, floored for display
    assert april[:end].endswith("99.8958")  # 99.89583…
    assert march.split()[1:5] == ["99.9663", "60", "6,000", "none"]
    # 60 + 30 minutes down; 18,000 user-minutes; to fall below 99 %: (1 % × 1,036,800,000
    # − 100 × 1,080,000) / (100 × 400) = 23,220 s, and one second more → 387.0166… min.
    assert april.split()[1:11] == [
        "99.8958",
        "90",
        "18,000",
        "25",
        "%",
        "400.00",
        "USD",
        "2026-05-31",
        "(passed)",  # judged today, after 31 May 2026: the table marks it
        "387.02",
    ]
    assert "1 of 2 periods below commitment. Credits: 400.00 USD." in " ".join(lines)
    assert any(
        line.endswith(": 2 row(s) read: 2 counted, 0 excluded, 0 rejected.") for line in lines
    )


def test_calculate_json_through_the_console_script_keeps_exact_decimals(outages: Path) -> None:
    assert SCRIPT.exists(), "the slacalc console script is not installed next to this Python"
    proc = slacalc_run(*one_customer(outages, "--format", "json"), script=True)
    assert proc.returncode == 0, proc.stderr
    march, april = json.loads(proc.stdout)
    assert list(april) == list(RESULT_COLUMNS)
    assert april["availability_percent"] == "99.8958333333"  # exact value floored at 10 places
    assert april["credit_amount"] == "400.00"
    assert april["credit_percent"] == "25"
    assert april["claim_deadline"] == "2026-05-31"
    assert april["period_start"] == "2026-04-01T00:00:00+00:00"
    assert april["user_minutes_lost"] == 18_000  # minutes are floats; seconds are exact:
    assert april["downtime_user_seconds"] == "1080000"  # 18,000 × 60
    assert april["seconds_to_next_tier"] == 23_221
    assert april["incident_ids"] == ["INC-1", "INC-2"]
    assert (april["breached"], april["licensed_users"]) == (True, 400)
    assert march["availability_percent"] == "99.9663978494"  # 99.96639784946…
    assert (march["breached"], march["credit_amount"]) == (False, "0.00")
    # To fall below 99.9 %: (0.1 % × 1,071,360,000 − 100 × 360,000) / 40,000 = 1,778.4 s → 1,779 s.
    assert march["seconds_to_next_tier"] == 1_779
    assert march["credit_days"] is None


def test_calculate_writes_csv_to_the_output_file(outages: Path, tmp_path: Path) -> None:
    target = tmp_path / "credits.csv"
    proc = slacalc_run(*one_customer(outages, "--output", target))  # format from the suffix
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == ""
    rows = list(csv.DictReader(io.StringIO(target.read_text(encoding="utf-8"))))
    assert list(rows[0]) == list(RESULT_COLUMNS)
    april = rows[1]
    assert (april["period"], april["credit_amount"], april["breached"]) == (
        "2026-04",
        "400.00",
        "true",
    )
    assert april["incident_ids"] == "INC-1;INC-2"


def test_windows_without_a_user_count_are_named_with_the_users_assumed(outages: Path) -> None:
    """INC-2 (line 3) gives no affected users: it counts all 400 licensed users, and says so."""
    proc = slacalc_run(*one_customer(outages, "--format", "json"))
    assert proc.returncode == 0, proc.stderr
    warning = f"{outages}: warning: row 3: no affected-user count; all 400 licensed users assumed"
    assert warning in proc.stderr.splitlines()
    march, april = json.loads(proc.stdout)
    assert (march["users_assumed"], april["users_assumed"]) == (0, 1)  # INC-2 is in April


def test_the_assumed_users_warning_stops_after_twenty_lines(tmp_path: Path) -> None:
    customers = tmp_path / "customers.csv"
    customers.write_text(
        "tenant,contract,users\n" + "".join(f"t{i:02d},{EXCHANGE},10\n" for i in range(25)),
        encoding="utf-8",
    )
    outages = tmp_path / "outages.csv"
    outages.write_text(
        "tenant,start,end\n"
        + "".join(f"t{i:02d},2026-03-03T10:00Z,2026-03-03T11:00Z\n" for i in range(25)),
        encoding="utf-8",
    )
    proc = slacalc_run("calculate", outages, "--customers", customers, "--format", "csv")
    assert proc.returncode == 0, proc.stderr
    warnings = [line for line in proc.stderr.splitlines() if ": warning: " in line]
    assert len(warnings) == 21
    assert warnings[0].endswith(
        "tenant 't00', row 2: no affected-user count; all 10 licensed users assumed"
    )
    assert warnings[-1].endswith(
        ": warning: and 5 more tenants or cohorts with no affected-user "
        "count (see users_assumed in the results)"
    )


def test_rejected_rows_are_listed_on_stderr_by_row_and_column(tmp_path: Path) -> None:
    path = tmp_path / "outages.csv"
    path.write_text(
        OUTAGES
        + "INC-3,2026-04-11T10:00:00Z,2026-04-11T09:00:00Z,\n"  # line 4: end before start
        + "INC-4,yesterday,2026-04-12T10:00:00Z,\n",  # line 5: not a time
        encoding="utf-8",
    )
    proc = slacalc_run(*one_customer(path))
    assert proc.returncode == 2
    err = proc.stderr.splitlines()
    assert any(line.startswith(f"{path}: row 4, column 'end': ") for line in err), err
    assert any(line.startswith(f"{path}: row 5, column 'start': ") for line in err), err
    assert "2 input row(s) rejected" in proc.stderr
    assert "1 of 2 periods below commitment. Credits: 400.00 USD." in proc.stdout  # the rest
    assert ": 4 row(s) read: 2 counted, 0 excluded, 2 rejected." in proc.stdout

    accepted = slacalc_run(*one_customer(path, "--allow-rejected"))
    assert accepted.returncode == 0
    assert f"{path}: row 4, column 'end': " in accepted.stderr


def test_a_file_without_outages_reports_the_requested_period_at_100(tmp_path: Path) -> None:
    empty = tmp_path / "none.csv"
    empty.write_text("start,end\n", encoding="utf-8")
    proc = slacalc_run(*one_customer(empty, "--period", "2026-03"))
    assert proc.returncode == 0, proc.stderr
    march = next(line for line in proc.stdout.splitlines() if line.startswith("2026-03"))
    # Nothing down; to fall below 99.9 %: 0.1 % of 2,678,400 s = 2,678.4 s → 2,679 s = 44.65 min.
    assert march.split() == ["2026-03", "100.0000", "0", "0", "none", "0.00", "USD", "44.65"]


def test_a_customers_table_computes_each_tenant_and_names_its_bad_rows(
    outages: Path, tmp_path: Path
) -> None:
    customers = tmp_path / "customers.csv"
    customers.write_text(
        "tenant,contract,users,monthly_fee,currency\n"
        f"acme,{EXCHANGE},400,1600.00,USD\n"
        f"globex,{EXCHANGE},-5,100.00,USD\n",  # line 3: not a number of users
        encoding="utf-8",
    )
    proc = slacalc_run("calculate", outages, "--customers", customers, "--format", "json")
    assert proc.returncode == 2
    assert f"{customers}: row 3, column 'users': " in proc.stderr
    rows = json.loads(proc.stdout)
    assert [(r["tenant"], r["period"], r["credit_amount"]) for r in rows] == [
        ("acme", "2026-03", "0.00"),
        ("acme", "2026-04", "400.00"),
    ]


FIVE = ["--contract", EXCHANGE, "--users", "5"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["{outages}", "--contract", "nope", "--users", "5"], "unknown contract 'nope'"),
        (["{tmp}/missing.csv", *FIVE], "no such file"),
        (["{outages}", "--contract", EXCHANGE, "--users", "many"], "--users"),
        (
            ["{outages}", *FIVE[:3], "99999999999999999999999"],
            "is more than the 100,000,000 licensed users",
        ),
        (["{outages}", "--users", "5"], "--contract"),
        (["{outages}", "--contract", EXCHANGE], "--users"),
        (["{outages}", *FIVE, "--timezone", "X/Y"], "X/Y"),
        (["{outages}", *FIVE, "--period", "2026-13"], "2026-13"),
        (["{outages}", *FIVE, "--period", "2026-Q2"], "measures calendar months"),
        (["{tmp}/bad.csv", *FIVE], "row 2, column 'end'"),
        (["{outages}", "--customers", "{tmp}/customers.csv"], "row 2, column 'users'"),
        (["{outages}", *FIVE, "--currency", "XYZ"], "'XYZ' is not an ISO 4217 code; valid"),
        (
            ["{outages}", *FIVE, "--fee", "1" + "0" * 40],
            "more than 15 digits before the decimal point",
        ),
        (
            ["{outages}", "--contract", EXCHANGE, "--users", str(10**30)],
            "more than the 100,000,000",
        ),
        (["{outages}", *FIVE, "--currency", "XXX"], "'XXX' names no money a fee is paid in"),
    ],
    ids=[
        "unknown contract",
        "missing file",
        "users not a number",
        "users beyond int64",
        "users without contract",
        "neither users nor customers",
        "unknown zone",
        "no such month",
        "quarter for a monthly contract",
        "every row rejected",
        "every customer rejected",
        "no such currency",
        "a fee too large",
        "too many users",
        "the no-currency code",
    ],
)
def test_bad_input_exits_2_with_a_message_and_no_traceback(
    args: list[str], message: str, outages: Path, tmp_path: Path
) -> None:
    (tmp_path / "bad.csv").write_text("start,end\n2026-04-01T10:00Z,2026-04-01T09:00Z\n")
    (tmp_path / "customers.csv").write_text(f"tenant,contract,users\nacme,{EXCHANGE},-1\n")
    filled = [a.format(outages=outages, tmp=tmp_path) for a in args]
    proc = slacalc_run("calculate", *filled)
    assert proc.returncode == 2
    assert message in proc.stderr
    assert proc.stdout == ""


def test_output_xlsx_writes_the_claim_workbook(outages: Path, tmp_path: Path) -> None:
    import openpyxl

    target = tmp_path / "claims.xlsx"
    proc = slacalc_run(*one_customer(outages, "--output", target))
    assert proc.returncode == 0, proc.stderr
    assert "400.00 USD" in proc.stdout  # the table is still shown
    summary = openpyxl.load_workbook(target).worksheets[0]
    cells = {str(c.value) for row in summary.iter_rows() for c in row if c.value is not None}
    assert "2026-04" in cells  # the breached period is on the first sheet


def test_locale_writes_the_letters_amounts_for_the_customer(outages: Path, tmp_path: Path) -> None:
    import openpyxl

    # April: 25 % of 1,600.00 = 400.00 USD, which a German letter writes 400,00 $.
    target = tmp_path / "claims.xlsx"
    proc = slacalc_run(*one_customer(outages, "--output", target, "--locale", "de_DE"))
    assert proc.returncode == 0, proc.stderr
    letters = openpyxl.load_workbook(target)["Claim letters"]
    text = " ".join(str(c.value) for row in letters.iter_rows() for c in row if c.value)
    assert "400,00\u00a0$" in text
    refused = slacalc_run(*one_customer(outages, "--output", target, "--locale", "xx_QQ"))
    assert refused.returncode == 2
    assert "'xx_QQ' is not a known locale" in refused.stderr


@pytest.mark.parametrize("fmt", ["table", "json", "csv", "xlsx"])
def test_a_contract_file_by_relative_path_names_its_results_by_the_file_stem(
    fmt: str, outages: Path, my_contract: Path, tmp_path: Path
) -> None:
    """``--contract ./my.toml`` (documented) once crashed every output but json and csv with
    ``KeyError: 'my'``: the results were keyed by the path in one place and by the id in another.
    The same hand-worked April: 25 % of 1,600.00 = 400.00 USD."""
    where = ["--output", "claims.xlsx"] if fmt == "xlsx" else ["--format", fmt]
    args = ["calculate", outages, "--contract", "./my.toml", "--users", "400", "--fee", "1600"]
    proc = slacalc_run(*args, *where, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    if fmt == "json":
        april = json.loads(proc.stdout)[1]
        assert (april["contract"], april["credit_amount"]) == ("my", "400.00")
    elif fmt == "csv":
        april = list(csv.DictReader(io.StringIO(proc.stdout)))[1]
        assert (april["contract"], april["credit_amount"]) == ("my", "400.00")
    else:  # the table, also printed beside the workbook
        assert "(my): commitment 99.9 % per month" in proc.stdout
        assert "Credits: 400.00 USD." in proc.stdout
    if fmt == "xlsx":
        import openpyxl

        book = openpyxl.load_workbook(tmp_path / "claims.xlsx")
        cells = {str(c.value) for s in book.worksheets for r in s.iter_rows() for c in r}
        assert "my" in cells


def test_export_excel_takes_results_of_a_contract_file(my_contract: Path, tmp_path: Path) -> None:
    from slacalc.excel import export_excel

    outages = pd.DataFrame({"start": ["2026-04-10T10:00Z"], "end": ["2026-04-10T11:00Z"]})
    results = slacalc.calculate(outages, my_contract, users=10, monthly_fee="100")
    assert list(results.contracts) == ["my"]
    export_excel(results, tmp_path / "claims.xlsx")
    assert (tmp_path / "claims.xlsx").stat().st_size > 0


# In-process: the pieces a subprocess cannot reach without side effects ---------------------------


def test_app_runs_streamlit_on_the_packaged_entry_with_the_options_after_the_double_dash() -> None:
    entry = Path(cli.__file__).resolve().parents[1] / "app" / "main.py"
    assert entry.is_file()  # inside the package, so a wheel carries it (see test_wheel.py)
    assert cli.app_command(["--", "--server.port", "8502"]) == [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(entry),
        "--server.port",
        "8502",
    ]
    ran: list[list[str]] = []

    def run(command: list[str]) -> int:
        ran.append(command)
        return 0

    args = cli.build_parser().parse_args(["app"])
    status = cli._run_app(args, sys.stdout, sys.stderr, run=run)
    assert status == 0
    assert ran == [cli.app_command()]


def test_plain_value_writes_decimals_exactly_and_never_in_exponent_form() -> None:
    from decimal import Decimal

    from slacalc.report.values import plain

    assert plain(Decimal("1E+3")) == "1000"
    assert plain(Decimal("0.10")) == "0.10"
    assert plain(("a", "b")) == ["a", "b"]
    assert plain(float("nan")) is None


# --summary and what-ifs -------------------------------------------------------------------------

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "exchange-march-2026"


def example(*more: str) -> list[str | Path]:
    return [
        "calculate",
        EXAMPLE / "outages.csv",
        "--customers",
        EXAMPLE / "customers.csv",
        *more,
    ]


def test_summary_prints_the_liability_per_contract_currency_and_deadline() -> None:
    # The example's README: March 1,000.00 (contoso) + 80.00 EUR (northwind), claim by 30 April;
    # April the same, claim by 31 May. On 10 May March's deadline has passed and April's has
    # 21 days left. USD covers contoso and fabrikam: 4 periods, 2 breached.
    proc = slacalc_run(*example("--summary", "--as-of", "2026-05-10T00:00:00Z"))
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[0].split() == [
        "contract",
        "currency",
        "periods",
        "breached",
        "credits",
        "claimable",
        "lapsed",
        "next",
        "claim",
        "deadline",
    ]
    assert lines[2].split() == [
        EXCHANGE,
        "EUR",
        "2",
        "2",
        "160.00",
        "80.00",
        "80.00",
        "2026-05-31",
        "(21",
        "days",
        "left)",
    ]
    assert lines[3].split()[1:7] == ["USD", "4", "2", "2,000.00", "1,000.00", "1,000.00"]
    assert "2026-04" not in proc.stdout  # the summary replaces the per-period table


def test_summary_with_nothing_open_shows_no_deadline() -> None:
    # On 1 June both months' deadlines have passed: everything earned has lapsed.
    proc = slacalc_run(*example("--summary", "--as-of", "2026-06-01T00:00:00Z"))
    usd = next(line for line in proc.stdout.splitlines() if " USD " in line).split()
    assert usd[1:] == ["USD", "4", "2", "2,000.00", "0.00", "2,000.00"]


def test_the_example_with_each_incident_a_day_longer_side_by_side() -> None:
    # Worked in tests/test_scenarios.py: only April changes; contoso falls to 98.950833…% (50 %,
    # 2,000.00 USD, +1,000.00), fabrikam to 99.913888…% (no credit), northwind to 97.915277…%
    # (still 50 %, 80.00 EUR).
    proc = slacalc_run(*example("--longer", "1d", "--what-if", "A day longer"))
    assert proc.returncode == 0, proc.stderr
    rows = [line.split() for line in proc.stdout.splitlines()[2:14]]
    april = [r for r in rows if r[1] == "2026-04"]
    assert april == [
        ["contoso", "2026-04", "Baseline", "99.3575", "0", "25", "%", "1,000.00", "USD", "0.00",
         "USD", "154.45"],
        ["contoso", "2026-04", "A", "day", "longer", "98.9508", "-0.4067", "50", "%", "2,000.00",
         "USD", "+1,000.00", "USD", "1,706.77"],
        ["fabrikam", "2026-04", "Baseline", "99.9538", "0", "none", "0.00", "USD", "0.00", "USD",
         "23.28"],
        ["fabrikam", "2026-04", "A", "day", "longer", "99.9138", "-0.0400", "none", "0.00", "USD",
         "0.00", "USD", "6.02"],
        ["northwind", "2026-04", "Baseline", "98.6819", "0", "50", "%", "80.00", "EUR", "0.00",
         "EUR", "1,590.62"],
        ["northwind", "2026-04", "A", "day", "longer", "97.9152", "-0.7667", "50", "%", "80.00",
         "EUR", "0.00", "EUR", "1,259.42"],
    ]  # fmt: skip
    assert "Baseline: credit 160.00 EUR, 2,000.00 USD." in proc.stdout
    assert (
        "A day longer (every incident lasts 1 day (1,440 min) longer (its last window)): "
        "credit 160.00 EUR, 3,000.00 USD (0.00 EUR, +1,000.00 USD)."
    ) in proc.stdout


def test_longer_for_one_incident_or_each_window(outages: Path) -> None:
    # INC-1 two days longer (its only window to 3 Apr 01:00): April loses 100 × 2,880 = 288,000
    # more, 306,000 of 17,280,000 → 98.229166…% < 99 → 50 % → 800.00 USD (+400.00).
    one = slacalc_run(*one_customer(outages, "--longer", "2d", "--incident", "INC-1"))
    assert one.returncode == 0, one.stderr
    assert "2026-04  What-if          98.2291   -1.6667  50 %  800.00 USD  +400.00 USD" in (
        one.stdout
    )
    assert "What-if (INC-1 lasts 2 days (2,880 min) longer (its last window))" in one.stdout
    # Every window 2 days longer: INC-1 100 × 2,940 + INC-2 400 × 2,910 = 294,000 + 1,164,000 =
    # 1,458,000 of 17,280,000 → 91.5625 % < 95 → 100 % → 1,600.00 USD.
    each = slacalc_run(*one_customer(outages, "--longer=2d", "--each-window"))
    assert "91.5625" in each.stdout
    assert "What-if (every counted window 2 days (2,880 min) longer): credit 1,600.00 USD" in (
        each.stdout
    )


def test_users_factor_and_other_contract(outages: Path) -> None:
    # Twice the users: INC-1 hits 200; INC-2 hit everyone and still does. April: 200 × 60 +
    # 400 × 30 = 24,000 of 17,280,000 → 99.861111…%, 25 % as before.
    twice = slacalc_run(*one_customer(outages, "--users-factor", "2"))
    april = next(line for line in twice.stdout.splitlines() if "2026-04  What-if" in line)
    assert april.split() == [
        "2026-04", "What-if", "99.8611", "-0.0348", "25", "%", "400.00", "USD", "0.00", "USD",
        "372.02",
    ]  # fmt: skip
    # Teams' terms, the same < 99.9 % → 25 % band: the baseline's Exchange rows have no Teams
    # rows in the scenario (100 %, −400.00 USD) and the reverse; the totals stay 400.00 USD.
    teams = slacalc_run(*one_customer(outages, "--other-contract", "microsoft-365-teams"))
    assert teams.returncode == 0, teams.stderr
    april = [line.split()[:9] for line in teams.stdout.splitlines() if "2026-04" in line]
    assert april == [
        ["Exchange", "Online", "2026-04", "Baseline", "99.8958", "0", "25", "%", "400.00"],
        ["Exchange", "Online", "2026-04", "What-if", "100.0000", "+0.1041", "none", "0.00", "USD"],
        ["Microsoft", "Teams", "2026-04", "Baseline", "100.0000", "0", "none", "0.00", "USD"],
        ["Microsoft", "Teams", "2026-04", "What-if", "99.8958", "-0.1042", "25", "%", "400.00"],
    ]
    assert "What-if (contract microsoft-365-teams): credit 400.00 USD (0.00 USD)." in teams.stdout


@pytest.mark.parametrize(
    ("more", "message"),
    [
        (["--longer", "2x"], "not a duration like 1d"),
        (["--each-window"], "--each-window: say what changes"),
        (["--longer", "1d", "--format", "json"], "--format json: the what-if prints a table"),
        (["--summary", "--format", "csv"], "--format csv: --summary prints a table"),
        (["--other-contract", "nope"], "unknown contract 'nope'"),
        (["--users-factor", "101"], "affected_factor: 101 is outside 0 to 100"),
    ],
)
def test_bad_what_if_options_exit_2_with_one_message(
    outages: Path, more: list[str], message: str
) -> None:
    proc = slacalc_run(*one_customer(outages, *more))
    assert proc.returncode == 2
    assert message in proc.stderr


def test_a_what_if_keeps_the_tenant_and_the_periods_asked_for(tmp_path: Path) -> None:
    # Tenant a: 30 of 100 users for 600 min = 18,000 of 4,464,000 → 99.596774…% → 25 % of
    # 400.00 = 100.00 USD. A day longer: 30 × 2,040 = 61,200 → 98.629032…% → 50 % → 200.00 USD.
    # Tenant b's row is set aside in both; April, asked for, is 100 % in both.
    path = tmp_path / "two.csv"
    path.write_text(
        "tenant,id,start,end,affected_users\n"
        "a,I1,2026-03-10T00:00Z,2026-03-10T10:00Z,30\n"
        "b,I1,2026-03-10T00:00Z,2026-03-10T10:00Z,30\n",
        encoding="utf-8",
    )
    proc = slacalc_run(
        "calculate", path, "--contract", EXCHANGE, "--users", "100", "--fee", "400",
        "--tenant", "a", "--period", "2026-04", "--longer", "1d",
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    rows = [line.split()[:7] for line in proc.stdout.splitlines()[2:6]]
    assert rows == [
        ["2026-03", "Baseline", "99.5967", "0", "25", "%", "100.00"],
        ["2026-03", "What-if", "98.6290", "-0.9678", "50", "%", "200.00"],
        ["2026-04", "Baseline", "100.0000", "0", "none", "0.00", "USD"],
        ["2026-04", "What-if", "100.0000", "0", "none", "0.00", "USD"],
    ]
