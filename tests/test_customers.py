"""read_customers: the portfolio table, exact fees, and outage rows that do not fit it."""

from __future__ import annotations

import io
import json
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from slacalc import calculate
from slacalc.errors import InputError, SlacalcError
from slacalc.io.customers import Customers, read_customers
from slacalc.io.outages import read_outages
from slacalc.model.money import FIND_CURRENCY_CODES

EXO = "microsoft-365-exchange-online"
TABLE = (
    "Tenant,Contract,Licensed users,Monthly fee,Currency,"
    "cohort:Outlook Mobile,cohort:Outlook for Mac\n"
    f"contoso,{EXO},1000,8000.10,eur,300,50\n"
    f"fabrikam,{EXO},200,0.30,,,\n"
)


def check_good(customers: Customers) -> None:
    frame = customers.frame
    assert frame["tenant"].tolist() == ["contoso", "fabrikam"]
    assert frame["contract"].tolist() == [EXO, EXO]
    assert frame["users"].tolist() == [1000, 200]
    assert frame["monthly_fee"].tolist() == [Decimal("8000.10"), Decimal("0.30")]
    assert all(isinstance(f, Decimal) for f in frame["monthly_fee"])
    assert frame["currency"].tolist() == ["EUR", "USD"]
    assert customers.cohorts.to_dict("records") == [
        {"tenant": "contoso", "cohort": "Outlook Mobile", "users": 300},
        {"tenant": "contoso", "cohort": "Outlook for Mac", "users": 50},
    ]
    assert customers.rejected == ()
    assert customers.counts == {"rows_read": 2, "kept": 2, "rejected": 0}


def test_csv() -> None:
    customers = read_customers(io.StringIO(TABLE))
    check_good(customers)
    assert customers.frame["row"].tolist() == [2, 3]
    assert customers.mapping["Licensed users"] == "users"
    assert customers.mapping["cohort:Outlook Mobile"] == "cohort:Outlook Mobile"


def test_semicolon_cp1252(tmp_path: Path) -> None:
    path = tmp_path / "customers.csv"
    path.write_bytes(TABLE.replace(",", ";").encode("cp1252"))
    check_good(read_customers(path))


def test_json_with_nested_cohorts() -> None:
    records = {
        "customers": [
            {
                "tenant": "contoso",
                "contract": EXO,
                "users": 1000,
                "monthly_fee": 8000.10,
                "currency": "eur",
                "cohorts": {"Outlook Mobile": 300, "Outlook for Mac": 50},
            },
            {"tenant": "fabrikam", "contract": EXO, "users": 200, "monthly_fee": "0.30"},
        ]
    }
    check_good(read_customers(io.StringIO(json.dumps(records))))


def test_xlsx_float_fee_is_its_shortest_decimal(tmp_path: Path) -> None:
    book = Workbook()
    ws = book.active
    assert ws is not None
    for row in TABLE.strip().split("\n"):
        cells: list[object] = row.split(",")
        ws.append([float(c) if c.replace(".", "").isdigit() else c or None for c in cells])
    path = tmp_path / "customers.xlsx"
    book.save(path)
    check_good(read_customers(path))


def test_dataframe() -> None:
    frame = pd.read_csv(io.StringIO(TABLE), dtype=str, keep_default_na=False)
    customers = read_customers(frame)
    check_good(customers)
    assert customers.frame["row"].tolist() == [1, 2]


DUPLICATE = (
    f"tenant 'contoso' with contract {EXO!r} is on rows 2, 3; keep one row per tenant and contract"
)


def test_bad_rows_are_all_reported() -> None:
    text = (
        "tenant,contract,users,monthly_fee,currency,cohort:Mobile\n"
        f"contoso,{EXO},1000,8000,USD,\n"  # 2 duplicate tenant
        f"contoso,{EXO},10,1,USD,\n"  # 3 duplicate tenant
        'tailspin,nope,12.5,"1,200",US,\n'  # 4 four problems
        f"wing,{EXO},0,-1,USD,\n"  # 5 zero users, negative fee
        f"adatum,{EXO},10,10,USD,11\n"  # 6 cohort above users
        "evil,../../etc/passwd.toml,10,10,USD,\n"  # 7 a path
        f"=HYPERLINK(1),{EXO},10,10,USD,\n"  # 8 formula
        f",{EXO},10,10,USD,\n"  # 9 no tenant
        f"northwind,{EXO.upper()},10,,,\n"  # 10 case
        f"ok,{EXO},10,,,\n"  # 11 kept, no fee
    )
    customers = read_customers(io.StringIO(text))
    assert [(p.row, p.column, p.problem) for p in customers.rejected] == [
        (2, "tenant", DUPLICATE),
        (3, "tenant", DUPLICATE),
        (4, "contract", "unknown contract; see `slacalc contracts` for the ids"),
        (4, "users", "not a whole number of users"),
        (
            4,
            "monthly_fee",
            "'1,200' is ambiguous: 1200 or 1.200? Write 1200 or 1.2, or give the decimals as "
            "well (1,200.00)",
        ),
        (4, "currency", f"currency 'US' is not an ISO 4217 code; {FIND_CURRENCY_CODES}"),
        (5, "users", "zero licensed users"),
        (5, "monthly_fee", "'-1' is a negative amount"),
        (6, "cohort:Mobile", "11 users, more than the 10 licensed"),
        (
            7,
            "contract",
            "a path; a customers table names contracts by id (see `slacalc contracts`)",
        ),
        (
            8,
            "tenant",
            "starts with '=', so a spreadsheet would run it as a formula; remove that character",
        ),
        (9, "tenant", "no tenant"),
        (10, "contract", f"unknown contract (did you mean {EXO!r}?)"),
    ]
    assert customers.frame["tenant"].tolist() == ["ok"]
    assert customers.frame["monthly_fee"].tolist() == [None]
    assert customers.counts == {"rows_read": 10, "kept": 1, "rejected": 9}


def test_known_contracts_extend_the_bundled_ones() -> None:
    text = "tenant,contract,users\na,my-own-sla,10\nb,,10\n"
    customers = read_customers(io.StringIO(text), known_contracts={"my-own-sla"})
    assert customers.frame["contract"].tolist() == ["my-own-sla", ""]


def test_missing_users_column_and_unusable_files() -> None:
    with pytest.raises(InputError, match="no 'users' column"):
        read_customers(io.StringIO("tenant,contract\na,b\n"))
    with pytest.raises(InputError, match="the file is empty"):
        read_customers(io.BytesIO(b""))
    with pytest.raises(InputError, match="name the same cohort"):
        read_customers(io.StringIO("tenant,users,cohort:Mac,Cohort: mac\n"))


def test_outage_rows_that_do_not_fit_the_customers_are_rejected_by_calculate() -> None:
    customers = read_customers(
        io.StringIO(
            f"tenant,contract,users,cohort:Mobile\ncontoso,{EXO},1000,300\nfabrikam,{EXO},200,\n"
        )
    )
    outages = read_outages(
        io.StringIO(
            "start,end,tenant,cohort,users,percent\n"
            "2026-03-01T00:00Z,2026-03-01T01:00Z,contoso,Mobile,301,\n"  # 2 above cohort
            "2026-03-01T00:00Z,2026-03-01T01:00Z,contoso,,100,10\n"  # 3 agrees
            "2026-03-01T00:00Z,2026-03-01T02:00Z,contoso,,100,11\n"  # 4 disagrees
            "2026-03-01T00:00Z,2026-03-01T01:00Z,acme,,100,\n"  # 5 unknown tenant
            "2026-03-01T00:00Z,2026-03-01T01:00Z,,,250,\n"  # 6 above fabrikam's 200
            "2026-03-01T00:00Z,2026-03-01T03:00Z,contoso,Mobile,30,10\n"  # 7 agrees with 300
        )
    )
    results = calculate(outages, customers=customers)
    assert [(p.row, p.column, p.problem) for p in results.rejected] == [
        (2, "users", "more than the 300 users of cohort 'Mobile' (tenant 'contoso')"),
        (
            4,
            "percent",
            "disagrees with affected_users: 100 of 1000 users is 10.00 % (tenant 'contoso')",
        ),
        (5, "tenant", "unknown tenant: not in the customers table"),
        (6, "users", "more than the 200 licensed users (tenant 'fabrikam')"),
    ]
    # Row 6 still counts for contoso (1,000 seats): it applies to every tenant.
    frame = results.to_frame().set_index("tenant")
    # contoso: rows 3 (100 × 60), 6 (250 × 60) overlap 00:00–01:00 → max 250 for 60 min; row 7
    # adds 30 Mobile users for 180 min; 00:00–01:00 is max(30, 250) = 250 → 15,000 + 30 × 120.
    assert frame.loc["contoso", "user_minutes_lost"] == 250 * 60 + 30 * 120
    assert "fabrikam" not in frame.index


def test_a_single_customer_takes_every_row() -> None:
    outages = read_outages(
        io.StringIO("start,end,tenant,users\n2026-03-01T00:00Z,2026-03-01T01:00Z,x,101\n")
    )
    results = calculate(outages, EXO, users=100)
    assert [(p.row, p.problem) for p in results.rejected] == [
        (2, "more than the 100 licensed users")
    ]


def test_a_short_customers_row_is_rejected_not_read_without_its_fee() -> None:
    # On main the row was padded: contoso's fee went missing without a word.
    text = f"tenant,contract,users,monthly_fee\ncontoso,{EXO},1000\nfabrikam,{EXO},200,0.30\n"
    customers = read_customers(io.StringIO(text))
    assert customers.frame["tenant"].tolist() == ["fabrikam"]
    assert [(p.row, p.column) for p in customers.rejected] == [(2, "(cell 4)")]
    assert customers.counts == {"rows_read": 2, "kept": 1, "rejected": 1}


def test_a_customers_table_of_too_many_columns_is_refused() -> None:
    header = "tenant,users," + ",".join(f"cohort:c{i}" for i in range(1000))
    with pytest.raises(InputError, match=r"the header has 1,002 columns, above the limit of 1,000"):
        read_customers(io.StringIO(header + "\n"))


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=300))
def test_random_bytes_never_escape_the_error_tree(data: bytes) -> None:
    try:
        customers = read_customers(io.BytesIO(data))
    except SlacalcError:
        return
    counts = customers.counts
    assert counts["kept"] + counts["rejected"] == counts["rows_read"]


def test_more_licensed_users_than_slacalc_computes_exactly_reject_the_row() -> None:
    text = f"tenant,contract,users\nbig,{EXO},100000001\nok,{EXO},100000000\n"
    customers = read_customers(io.StringIO(text))
    assert customers.frame["tenant"].tolist() == ["ok"]
    assert [(p.row, p.column, p.problem) for p in customers.rejected] == [
        (2, "users", "more than the 100,000,000 licensed users slacalc computes exactly")
    ]


def test_a_fee_beyond_the_limits_rejects_the_row() -> None:
    text = f"tenant,contract,users,monthly_fee\na,{EXO},1,{'9' * 16}\nb,{EXO},1,{'9' * 15}.99\n"
    customers = read_customers(io.StringIO(text))
    assert customers.frame["tenant"].tolist() == ["b"]
    assert [(p.row, p.problem) for p in customers.rejected] == [
        (
            2,
            "'9999999999999999' has more than 15 digits before the decimal point, beyond what "
            "slacalc keeps exact",
        )
    ]
