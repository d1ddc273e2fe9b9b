"""The claims register as a library, against SQLite and (marked slow) PostgreSQL.

The figures are the README's: Exchange Online EX1268771, a 1,000-seat tenant at 8,000.00 USD a
month. March: 120 users × 4,320 min = 518,400 of 44,640,000 user-minutes → 98.8387 % → below
99 % → 50 % → 4,000.00 USD, claim by 30 April 2026 (end of the month after). April: 40 users ×
21,540 min = 861,600 of 43,200,000 → 98.0056 % → 50 % → 4,000.00 USD, claim by 31 May 2026.
"""

from __future__ import annotations

import datetime as dt
import json
import threading
from decimal import Decimal
from pathlib import Path

import openpyxl
import pandas as pd
import pyarrow as pa
import pytest
from sqlalchemy import inspect, text

import slacalc
from slacalc.claims import Register, store
from slacalc.claims.drafts import day, draft_for, money
from slacalc.errors import RegisterError

EXCHANGE = "microsoft-365-exchange-online"
OUTAGES = pd.DataFrame(
    {
        "id": ["EX1268771", "EX1268771"],
        "start": ["2026-03-17T14:00Z", "2026-04-01T00:00Z"],
        "end": ["2026-03-20T14:00Z", "2026-04-15T23:00Z"],
        "affected_users": [120, 40],
    }
)
BERLIN_MORNING = dt.datetime(2026, 4, 10, 8, 30, tzinfo=dt.UTC)  # 10:30 in Berlin (CEST)


def _results(fee: str = "8000.00") -> slacalc.Results:
    return slacalc.calculate(OUTAGES, EXCHANGE, users=1000, monthly_fee=fee)


@pytest.fixture
def register(database_url: str) -> Register:
    with Register(database_url) as opened:
        yield opened  # type: ignore[misc]


def test_a_calculation_becomes_a_draft_per_breached_period(register: Register) -> None:
    recorded = register.record(_results(), author="ana", zone="Europe/Berlin")

    assert [r.outcome for r in recorded] == ["added", "added"]
    march, april = (r.claim for r in recorded)
    assert (march.period, march.amount, march.currency) == ("2026-03", Decimal("4000.00"), "USD")
    assert str(march.amount) == "4000.00"  # the scale entered is kept, not 4000 or 4000.0000
    assert (march.deadline, april.deadline) == (dt.date(2026, 4, 30), dt.date(2026, 5, 31))
    assert march.provider == "Microsoft"
    assert march.contract_id == EXCHANGE
    terms = slacalc.load_contract(EXCHANGE)
    assert march.contract_version == terms.source.version
    assert len(march.contract_hash) == len(march.fingerprint) == 64
    assert march.period_start == dt.datetime(2026, 3, 1, tzinfo=dt.UTC)
    assert march.period_end == dt.datetime(2026, 4, 1, tzinfo=dt.UTC)
    assert march.result_row["availability_percent"].startswith("98.8387096774")
    assert march.result_row["credit_amount"] == "4000.00"
    assert [(e.kind, e.author, e.zone) for e in march.events] == [("draft", "ana", "Europe/Berlin")]


def test_the_lifecycle_to_credited_keeps_every_event_in_utc_with_its_zone(
    register: Register,
) -> None:
    claim = register.record(_results())[0].claim
    at = {"author": "ana", "zone": "Europe/Berlin", "now": BERLIN_MORNING}

    register.update(claim.id, "filed", ticket="MS-4471902", on=dt.date(2026, 4, 9), **at)
    register.update(claim.id, "acknowledged", **at)
    register.update(claim.id, "approved", amount=Decimal("3000.00"), **at)
    done = register.update(
        claim.id, "credited", amount=Decimal("3000.00"), invoice="E0600QK2TX", **at
    )

    assert done.status == "credited"
    # Approving 3,000.00 of the 4,000.00 claimed is a partial approval, whatever the word used.
    assert [e.status for e in done.events] == [
        "draft",
        "filed",
        "acknowledged",
        "partly_approved",
        "credited",
    ]
    assert [e.seq for e in done.events] == [1, 2, 3, 4, 5]
    filed = done.events[1]
    assert filed.at == BERLIN_MORNING
    assert filed.zone == "Europe/Berlin"
    assert filed.local_time.hour == 10  # 08:30 UTC is 10:30 in Berlin in April
    assert filed.on == dt.date(2026, 4, 9)
    assert done.events[2].on == dt.date(2026, 4, 10)  # no day given: the day in Berlin
    assert done.ticket == "MS-4471902"
    assert (done.approved, done.credited) == (Decimal("3000.00"), Decimal("3000.00"))
    assert str(done.credited) == "3000.00"
    assert register.get(claim.id) == done


@pytest.mark.parametrize(
    ("steps", "status", "change", "message"),
    [
        ([], "credited", {"amount": Decimal(1), "invoice": "I-1"}, "draft claim cannot"),
        ([], "filed", {}, "ticket"),
        ([("filed", {"ticket": "T-1"})], "denied", {}, "reason"),
        ([("filed", {"ticket": "T-1"})], "approved", {"amount": Decimal("4000.01")}, "more"),
        ([("filed", {"ticket": "T-1"}), ("approved", {})], "credited", {"amount": 1}, "invoice"),
        ([("expired", {})], "filed", {"ticket": "T-1"}, "final"),
    ],
)
def test_a_change_the_status_does_not_allow_is_refused_and_nothing_is_written(
    register: Register,
    steps: list[tuple[str, dict[str, object]]],
    status: str,
    change: dict[str, object],
    message: str,
) -> None:
    claim = register.record(_results())[0].claim
    for step, values in steps:
        register.update(claim.id, step, **values)  # type: ignore[arg-type]
    before = register.get(claim.id).events

    with pytest.raises(RegisterError, match=message):
        register.update(claim.id, status, **change)  # type: ignore[arg-type]

    assert register.get(claim.id).events == before


def test_an_unknown_claim_is_an_error(register: Register) -> None:
    with pytest.raises(RegisterError, match="no claim 7"):
        register.get(7)
    with pytest.raises(RegisterError, match="no claim 7"):
        register.update(7, "filed", ticket="T-1")


def test_a_rerun_on_corrected_data_shows_the_difference_and_keeps_the_filed_claim(
    register: Register,
) -> None:
    march = register.record(_results())[0].claim
    register.update(march.id, "filed", ticket="MS-4471902")

    # The fee was really 6,000.00: 50 % of it is 3,000.00, 1,000.00 less than claimed.
    corrected = register.record(_results("6000.00"))[0]
    assert corrected.outcome == "differs"
    assert corrected.amount == Decimal("3000.00")
    assert corrected.difference == Decimal("-1000.00")
    assert corrected.claim.amount == Decimal("4000.00")  # the claim as filed
    assert corrected.claim.status == "filed"
    assert corrected.claim.recalculated == Decimal("3000.00")
    event = corrected.claim.events[-1]
    assert (event.kind, event.amount) == ("recalculated", Decimal("3000.00"))
    assert json.loads(event.details)["result"]["monthly_fee"] == "6000.00"

    again = register.record(_results("6000.00"))[0]  # the same re-run adds nothing
    assert again.outcome == "differs"
    assert len(again.claim.events) == 3

    back = register.record(_results())[0]  # the original data once more
    assert back.outcome == "unchanged"
    assert back.claim.recalculated is None
    kinds = [e.kind for e in back.claim.events]
    assert kinds == ["draft", "filed", "recalculated", "recalculated"]


def test_the_views_due_waiting_denied_and_received_against_claimed(register: Register) -> None:
    exchange = slacalc.load_contract(EXCHANGE)
    aws = slacalc.load_contract("aws-ec2-region")
    march, april = (r.claim for r in register.record(_results(), author="ana"))
    ec2 = register.add(draft_for(aws, "2025-10", Decimal("250.00"), tenant="acme"))
    typed = register.add(draft_for(exchange, "2026-05", Decimal("80.00"), tenant="northwind"))
    assert ec2.deadline == dt.date(2025, 12, 31)  # AWS: end of the second month after
    assert typed.deadline == dt.date(2026, 6, 30)

    today = dt.date(2026, 4, 20)
    # Due within 14 days of 20 April: March's draft (30 April, 10 days left) and the EC2 draft
    # whose deadline passed unfiled; April's (31 May, 41 days) and May's are not due yet.
    assert [c.id for c in register.list(due=14, today=today)] == [ec2.id, march.id]
    assert [c.id for c in register.list(due=41, today=today)] == [ec2.id, march.id, april.id]

    register.update(march.id, "filed", ticket="MS-1", on=dt.date(2026, 4, 1))
    register.update(april.id, "filed", ticket="MS-2", on=dt.date(2026, 4, 15))
    register.update(ec2.id, "filed", ticket="AWS-9", on=dt.date(2025, 12, 1))
    register.update(ec2.id, "denied", reason="request logs missing", on=dt.date(2026, 1, 5))
    # 1 May: March filed 30 days ago, April 16 days ago.
    assert [c.id for c in register.list(waiting=30, today=dt.date(2026, 5, 1))] == [march.id]
    assert register.list(waiting=31, today=dt.date(2026, 5, 1)) == []
    assert [c.id for c in register.list(status=["denied"])] == [ec2.id]
    assert [c.id for c in register.list(provider="microsoft")] == [march.id, april.id, typed.id]

    register.update(march.id, "approved")
    register.update(march.id, "credited", amount=Decimal("4000.00"), invoice="E06")
    register.update(april.id, "approved", amount=Decimal("2500.00"))
    totals = {(t.provider, t.year): t for t in register.totals()}
    ms = totals["Microsoft", 2026]
    # Claimed 4,000.00 + 4,000.00 + 80.00; approved 4,000.00 + 2,500.00; credited 4,000.00.
    assert (ms.claims, ms.claimed, ms.approved, ms.credited) == (
        3,
        Decimal("8080.00"),
        Decimal("6500.00"),
        Decimal("4000.00"),
    )
    assert ms.outstanding == Decimal("2500.00")
    amazon = totals["Amazon Web Services", 2025]
    assert (amazon.claimed, amazon.denied, amazon.credited) == (
        Decimal("250.00"),
        Decimal("250.00"),
        Decimal(0),
    )


def test_a_claim_for_a_period_already_claimed_is_not_added_twice(register: Register) -> None:
    terms = slacalc.load_contract(EXCHANGE)
    register.add(draft_for(terms, "2026-03", Decimal("4000.00")))
    with pytest.raises(RegisterError, match="already claims"):
        register.add(draft_for(terms, "2026-03", Decimal("4000.00")))
    assert len(register.list()) == 1


def test_concurrent_writers_lose_no_event(database_url: str) -> None:
    """Two writers, each with its own connection, append to one claim at the same moment."""
    with Register(database_url) as setup:
        claim = setup.record(_results())[0].claim
    start = threading.Barrier(2)
    failures: list[BaseException] = []

    def write(author: str) -> None:
        try:
            with Register(database_url) as mine:
                start.wait()
                for i in range(20):
                    mine.note(claim.id, f"{author} {i}", author=author)
        except BaseException as exc:  # reported below, with the events
            failures.append(exc)

    threads = [threading.Thread(target=write, args=(name,)) for name in ("app", "cli")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)

    with Register(database_url) as check:
        events = check.get(claim.id).events
    assert failures == []
    assert [e.seq for e in events] == list(range(1, 42))  # the draft and 2 × 20 notes
    for author in ("app", "cli"):
        assert [e.reason for e in events if e.author == author] == [
            f"{author} {i}" for i in range(20)
        ]


def test_migrations_upgrade_an_empty_database_then_downgrade_and_upgrade_again(
    database_url: str,
) -> None:
    engine = store.connect(database_url)
    try:
        assert store.current(engine) is None
        store.upgrade(engine)
        assert store.current(engine) == store.head() == "0001"
        assert {"claims", "claim_events"} <= set(inspect(engine).get_table_names())

        store.downgrade(engine, "base")
        assert store.current(engine) is None
        assert set(inspect(engine).get_table_names()) <= {"alembic_version"}

        store.upgrade(engine)
        assert store.current(engine) == "0001"
    finally:
        engine.dispose()
    with Register(database_url) as register:  # the schema works after the round trip
        assert register.record(_results())[0].outcome == "added"


def test_a_schema_newer_than_this_slacalc_is_refused_not_written(database_url: str) -> None:
    with Register(database_url):
        pass
    engine = store.connect(database_url)
    with engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '0099'"))
    engine.dispose()
    with pytest.raises(RegisterError, match=r"schema \(0099\) is newer than this slacalc"):
        Register(database_url)


def test_the_migrations_ship_inside_the_package() -> None:
    assert store.MIGRATIONS.parent == Path(slacalc.__file__).parent / "claims"
    assert (store.MIGRATIONS / "env.py").is_file()


def test_the_default_register_is_sqlite_in_the_data_folder(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with Register() as register:
        register.record(_results())
    assert (data_dir / "claims.sqlite3").is_file()

    other = data_dir.parent / "team.sqlite3"
    monkeypatch.setenv("SLACALC_DATABASE_URL", f"sqlite:///{other}")
    with Register() as team:
        assert team.list() == []
    assert other.is_file()


def test_a_postgresql_url_uses_psycopg_3() -> None:
    engine = store.connect("postgresql://finance@db.example.com/slacalc")  # not connected yet
    assert engine.url.drivername == "postgresql+psycopg"
    engine.dispose()


def test_a_database_url_that_is_not_one_is_an_error() -> None:
    with pytest.raises(RegisterError, match="not a database URL"):
        Register("claims register please")


def test_result_cells_are_read_alike_as_python_or_arrow_values(register: Register) -> None:
    assert money(pa.scalar(Decimal("4000.00"), pa.decimal128(18, 2))) == Decimal("4000.00")
    assert money(Decimal("4000.00")) == Decimal("4000.00")
    assert money(None) is None
    assert day(pa.scalar(dt.date(2026, 4, 30), pa.date32())) == dt.date(2026, 4, 30)

    results = _results()
    table = results.table
    results.table = table.assign(
        credit_amount=pd.array(
            list(table["credit_amount"]), dtype=pd.ArrowDtype(pa.decimal128(18, 2))
        ),
        claim_deadline=pd.array(
            [dt.date(d.year, d.month, d.day) for d in table["claim_deadline"]],
            dtype=pd.ArrowDtype(pa.date32()),
        ),
        incident_ids=pd.array(
            [list(ids) for ids in table["incident_ids"]],
            dtype=pd.ArrowDtype(pa.list_(pa.string())),
        ),
    )
    recorded = register.record(results)
    assert [(r.claim.amount, r.claim.deadline) for r in recorded] == [
        (Decimal("4000.00"), dt.date(2026, 4, 30)),
        (Decimal("4000.00"), dt.date(2026, 5, 31)),
    ]
    assert recorded[0].claim.result_row["incident_ids"] == ["EX1268771"]


def test_the_export_has_a_claim_status_sheet(register: Register, tmp_path: Path) -> None:
    march = register.record(_results())[0].claim
    register.update(march.id, "filed", ticket="=HYPERLINK(1)")  # text, never a formula

    alone = tmp_path / "register.xlsx"
    register.export(alone, today=dt.date(2026, 4, 20))
    sheet = openpyxl.load_workbook(alone)["Claim status"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("Claim", "Status", "Since", "Provider")
    header = rows[0]
    first = dict(zip(header, rows[1], strict=True))
    assert (first["Status"], first["Period"], first["Claimed"]) == ("filed", "2026-03", 4000)
    assert first["Ticket"] == "=HYPERLINK(1)"
    assert first["Claim by"] == dt.datetime(2026, 4, 30)
    assert len(rows) == 3  # the header and two claims

    book = tmp_path / "claims.xlsx"
    register.export(book, results=_results())
    names = openpyxl.load_workbook(book, read_only=True).sheetnames
    assert names[:2] == ["Summary", "Claim status"]
    assert "Calculation" in names


def test_the_engine_and_the_reading_layer_never_import_the_register() -> None:
    root = Path(slacalc.__file__).parent
    offenders = [
        str(path.relative_to(root))
        for layer in ("model", "io", "engine")
        for path in (root / layer).rglob("*.py")
        if "slacalc.claims" in path.read_text(encoding="utf-8")
    ]
    assert offenders == []


def test_the_migrations_build_exactly_the_schema_the_code_uses(database_url: str) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    from slacalc.claims.models import metadata

    engine = store.connect(database_url)
    try:
        store.upgrade(engine)
        with engine.connect() as connection:
            differences = compare_metadata(MigrationContext.configure(connection), metadata)
    finally:
        engine.dispose()
    assert differences == []
