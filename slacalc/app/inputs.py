"""What the app computes from, as hashable values, and the pure calls the pages make on them.

Everything the screen shows is a function of one :class:`Inputs` (the data as bytes, the zone its
naive times are in, the contract, the customer or customers table) and, for a what-if, one
:class:`~slacalc.engine.scenarios.Scenario`. Both are frozen and hashable, so the Streamlit layer
can cache these calls by their arguments. Nothing here imports streamlit.
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
from collections import Counter
from dataclasses import dataclass, field, replace
from decimal import Decimal
from pathlib import Path

import pandas as pd

from slacalc.engine.results import Results
from slacalc.engine.scenarios import Customer, Scenario, run
from slacalc.errors import ContractError, InputError, SlacalcError
from slacalc.io.customers import Customers, read_customers
from slacalc.io.feeds import ImportedWindows, is_feed, read_feed
from slacalc.io.feeds.windows import mark_measured, windows_csv
from slacalc.io.outages import Outages, read_outages
from slacalc.io.signins import apply_signins, summarise_signins
from slacalc.io.tables import workbook_sheets
from slacalc.io.times import Ambiguous, Nonexistent
from slacalc.io.usage import UsageReport, read_usage
from slacalc.model.bundled import shipped
from slacalc.model.contract import (
    Contract,
    bundled_by_provider,
    load_contract,
    parse_contract,
)
from slacalc.model.money import parse_amount
from slacalc.model.registry import ContractRegistry
from slacalc.report.customer import Customer as LetterCustomer
from slacalc.report.export import to_csv
from slacalc.report.terms import measure_words, number

EXAMPLES = Path(__file__).with_name("examples")

#: The bundled example the app opens on: the March 2026 Exchange Online incident for one customer.
EXAMPLE_FILE = EXAMPLES / "exchange-online-2026-03.csv"
EXAMPLE_LABEL = "Bundled example: Exchange Online incident EX1256020 / EX1268771, March–April 2026"
EXAMPLE_CONTRACT = "microsoft-365-exchange-online"
EXAMPLE_TENANT = "Example customer"
EXAMPLE_CUSTOMER = Customer(
    users=1000,
    monthly_fee=Decimal("8000.00"),
    currency="USD",
    cohorts=(("Outlook Mobile", 400), ("Outlook for Mac", 120)),
)


@dataclass(frozen=True)
class Upload:
    """A file as the user gave it: its name (which says its format) and its bytes."""

    name: str
    content: bytes = field(repr=False)
    #: The provider feed's own words for each window (by the CSV's row number), when the windows
    #: were imported from a feed: the claim letter quotes them. An edited table has none.
    evidence: tuple[tuple[int, str], ...] = ()

    @property
    def digest(self) -> str:
        """A short fingerprint of the content, for widget keys and labels."""
        return hashlib.sha256(self.content).hexdigest()[:12]

    def open(self) -> io.BytesIO:
        """The content as a named file object, so readers can tell CSV, Excel and JSON apart."""
        handle = io.BytesIO(self.content)
        handle.name = self.name
        return handle


@dataclass(frozen=True)
class Inputs:
    """Everything the baseline is computed from.

    ``contract`` is a contract id (bundled, or one of ``contract_files``); ``None`` means each
    tenant's own contract from the customers table. ``customer`` applies when there is no
    ``customers`` table; ``tenant``, ``account_id``, ``organisation`` and ``contact`` say who that
    customer is (for the screen and the claim letter). ``customer_given`` is False from an upload
    until the user has said whose outages they are: until then ``customer`` is only a placeholder
    (the example's), and every page says so.
    """

    label: str
    outages: Upload
    timezone: str = "UTC"
    contract: str | None = EXAMPLE_CONTRACT
    contract_files: tuple[tuple[str, str], ...] = ()
    customer: Customer = EXAMPLE_CUSTOMER
    customers: Upload | None = None
    #: Outage-file headers the user mapped to fields (the data page's column picker).
    columns: tuple[tuple[str, str], ...] = ()
    #: The same for the customers table.
    customer_columns: tuple[tuple[str, str], ...] = ()
    tenant: str = ""
    account_id: str = ""
    organisation: str = ""
    contact: str = ""
    customer_given: bool = True
    #: How the claim letters write amounts (a CLDR locale: ``de_DE`` writes 1.234,50 €).
    locale: str = "en_US"
    # How the files are read (the Data page's Reading options), as the command line's flags say
    # it; each None or "" leaves it to the reader, which detects what the file settles.
    #: The workbook sheet of the outages (``--sheet``).
    sheet: str = ""
    #: ``03/04/2026`` as 3 April (True) or 4 March (False) (``--dayfirst``, ``--monthfirst``).
    dayfirst: bool | None = None
    #: The numbers' decimal mark and thousands separator (``--decimal``, ``--thousands``).
    decimal: str | None = None
    thousands: str | None = None
    #: Local times a DST change makes happen twice, or skips (``--ambiguous``, ``--nonexistent``).
    ambiguous: Ambiguous = "raise"
    nonexistent: Nonexistent = "raise"
    #: Where windows with no end yet end, as typed (``--as-of``); "" rejects them.
    as_of: str = ""

    @property
    def portfolio(self) -> bool:
        """A customers table is given: many tenants, each with its own terms."""
        return self.customers is not None


def example() -> Inputs:
    """The inputs the app opens on."""
    return Inputs(
        label=EXAMPLE_LABEL,
        outages=Upload(EXAMPLE_FILE.name, EXAMPLE_FILE.read_bytes()),
        tenant=EXAMPLE_TENANT,
    )


def uploaded(current: Inputs, label: str, outages: Upload) -> Inputs:
    """The inputs for a newly uploaded outage table: the customer is asked for again.

    The file is read afresh (:func:`fresh_reading`): an option chosen for the file before, such as
    *Day first*, could silently misread this one. The numbers of the customer before (the
    example's, or another file's) stay as the form's starting values and keep the page computing,
    but ``customer_given`` is False so every page says they are not yet this file's customer.
    Cohort sizes of cohorts the file does not name are dropped; a tenant named by every row of the
    table is taken as the tenant's name.
    """
    candidate = dataclasses.replace(
        fresh_reading(current),
        label=label,
        outages=outages,
        tenant="",
        account_id="",
        organisation="",
        contact="",
        customer_given=False,
    )
    try:
        frame = read(candidate).frame
    except SlacalcError:  # the page says why it cannot be read (and may offer a column picker)
        return candidate
    names = {str(t) for t in frame["tenant"] if isinstance(t, str) and t}
    used = set(frame["cohort"])
    customer = dataclasses.replace(
        current.customer, cohorts=tuple(c for c in current.customer.cohorts if c[0] in used)
    )
    return dataclasses.replace(
        candidate, tenant=names.pop() if len(names) == 1 else "", customer=customer
    )


def fresh_reading(inputs: Inputs) -> Inputs:
    """``inputs`` with every reading option left to the reader (a new file's start)."""
    return replace(
        inputs,
        sheet="",
        columns=(),
        dayfirst=None,
        decimal=None,
        thousands=None,
        ambiguous="raise",
        nonexistent="raise",
        as_of="",
    )


def customer_choices(table: Customers) -> list[tuple[str, str]]:
    """The customers table's rows as (tenant, contract id) pairs, in the table's order.

    A tenant may hold several contracts (one row each); each is a choice of its own.
    """
    frame = table.frame
    return [(str(t), str(c)) for t, c in zip(frame["tenant"], frame["contract"], strict=True)]


def choice_labels(choices: list[tuple[str, str]]) -> dict[tuple[str, str], str]:
    """Each choice's label: the tenant's name, with its contract when the tenant holds several."""
    rows = Counter(tenant for tenant, _ in choices)
    return {
        (tenant, contract): f"{tenant} ({contract or 'default contract'})"
        if rows[tenant] > 1
        else tenant
        for tenant, contract in choices
    }


def customer_row(
    table: Customers, tenant: str, contract: str | None = None
) -> tuple[str | None, Customer]:
    """One tenant of a customers table as the single customer: its contract id ("" → None) and
    its users, fee, currency and cohort sizes.

    ``contract`` picks one row of a tenant that holds several contracts; without it, the first.
    """
    rows = table.frame[table.frame["tenant"] == tenant]
    if contract is not None:
        rows = rows[rows["contract"] == contract]
    if rows.empty:
        held = f" with contract {contract!r}" if contract is not None else ""
        raise InputError(f"tenant {tenant!r}{held} is not in the customers table")
    row = rows.iloc[0]
    fee = row["monthly_fee"]
    sizes = table.cohorts[table.cohorts["tenant"] == tenant]
    cohorts = tuple((str(c), int(n)) for c, n in zip(sizes["cohort"], sizes["users"], strict=True))
    return (
        str(row["contract"]) or None,
        Customer(
            users=int(row["users"]),
            monthly_fee=None if fee is None or pd.isna(fee) else Decimal(str(fee)),
            currency=str(row["currency"]),
            cohorts=cohorts,
        ),
    )


def examples_on_disk(root: Path | None = None) -> dict[str, Path]:
    """Folders under ``examples/`` with an outage table (and maybe customers), by folder name."""
    base = root or shipped("examples")
    found: dict[str, Path] = {}
    if not base.is_dir():
        return found
    for folder in sorted(p for p in base.iterdir() if p.is_dir()):
        if _table_in(folder, "outages") is not None:
            found[folder.name] = folder
    return found


def _table_in(folder: Path, stem: str) -> Path | None:
    for suffix in (".csv", ".xlsx", ".json"):
        path = folder / f"{stem}{suffix}"
        if path.is_file():
            return path
    return None


def from_folder(folder: Path, base: Inputs) -> Inputs:
    """Inputs from an example folder: its outages and, when present, its customers table."""
    outages = _table_in(folder, "outages")
    if outages is None:
        raise InputError(f"{folder}: no outages.csv, outages.xlsx or outages.json")
    customers = _table_in(folder, "customers")
    return Inputs(
        label=f"Example folder: examples/{folder.name}",
        outages=Upload(outages.name, outages.read_bytes()),
        timezone="UTC",
        contract=base.contract if customers is None else None,
        contract_files=base.contract_files,
        customer=base.customer,
        customers=None if customers is None else Upload(customers.name, customers.read_bytes()),
        customer_given=customers is not None or base.customer_given,
    )


def read(inputs: Inputs) -> Outages:
    """The outage table as read from the inputs (rejected rows included, nothing computed), with
    the reading options passed as the command line passes its flags."""
    outages = read_outages(
        inputs.outages.open(),
        inputs.timezone,
        sheet=inputs.sheet or None,
        as_of=inputs.as_of.strip() or None,
        dayfirst=inputs.dayfirst,
        ambiguous=inputs.ambiguous,
        nonexistent=inputs.nonexistent,
        decimal=inputs.decimal,
        thousands=inputs.thousands,
        columns=dict(inputs.columns) or None,
    )
    return (
        replace(outages, evidence=dict(inputs.outages.evidence))
        if inputs.outages.evidence
        else outages
    )


def with_column(inputs: Inputs, header: str, field: str, *, customers: bool = False) -> Inputs:
    """``inputs`` with the outage file's (or the ``customers`` table's) ``header`` read as
    ``field`` (a picked column)."""
    if customers:
        return replace(inputs, customer_columns=(*inputs.customer_columns, (header, field)))
    return replace(inputs, columns=(*inputs.columns, (header, field)))


def sheets(upload: Upload) -> tuple[str, ...]:
    """The sheets of an uploaded workbook, to pick from; empty when the upload is no workbook."""
    return workbook_sheets(upload.open())


def own_table(inputs: Inputs, label: str, outages: Upload) -> Inputs:
    """``inputs`` with a table the app wrote itself (an edited table, a feed's windows): ISO times
    and plain numbers in the reader's own columns, so the file's sheet, columns, day order and
    number marks no longer apply. What to do with DST times and open windows still does."""
    return replace(
        fresh_reading(inputs),
        label=label,
        outages=outages,
        ambiguous=inputs.ambiguous,
        nonexistent=inputs.nonexistent,
        as_of=inputs.as_of,
    )


def read_customer_table(inputs: Inputs) -> Customers | None:
    """The customers table, when one is given; uploaded contract ids count as known, and its
    numbers are read with the outages' marks (as the command line's one ``--decimal``)."""
    if inputs.customers is None:
        return None
    return read_customers(
        inputs.customers.open(),
        known_contracts=registry(inputs),
        decimal=inputs.decimal,
        thousands=inputs.thousands,
        columns=dict(inputs.customer_columns) or None,
    )


def registry(inputs: Inputs) -> ContractRegistry:
    """The bundled contracts and the uploaded ones (an upload never shadows a bundled id)."""
    return ContractRegistry.of(
        parse_contract(text, cid, f"{cid}.toml") for cid, text in inputs.contract_files
    )


def contract_ids(inputs: Inputs) -> list[str]:
    """Every contract the user can pick: the uploaded ones first, then the bundled ones grouped
    by provider."""
    uploaded = [cid for cid, _ in inputs.contract_files]
    bundled = [c.id for c in bundled_by_provider()]
    return uploaded + [c for c in bundled if c not in uploaded]


def bundled_contracts() -> pd.DataFrame:
    """Every bundled contract, grouped by provider: its commitment, period, how it measures
    availability and the provider's official address of the text (as ``slacalc contracts``)."""
    contracts = bundled_by_provider()
    return pd.DataFrame(
        {
            "Provider": [c.provider for c in contracts],
            "Contract": [c.name for c in contracts],
            "id": [c.id for c in contracts],
            "Commitment": [f"{number(c.commitment_percent)} % per {c.period}" for c in contracts],
            "Measured by": [measure_words(c) for c in contracts],
            "Official address": [c.source.url for c in contracts],
        }
    )


def resolve(inputs: Inputs, contract_id: str) -> Contract:
    """A contract by id: an uploaded TOML file of that id, else the bundled contract."""
    return registry(inputs).resolve(contract_id)


def read_contract_file(name: str, content: bytes) -> tuple[str, str]:
    """Check an uploaded TOML contract; returns its (id, text). Errors name the field.

    A file named like a bundled contract but with other terms is refused (rename it): a customers
    table naming that id means the published terms.
    """
    stem = Path(name).stem.strip().lower().replace(" ", "-")
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ContractError(f"{name}: not a UTF-8 text file") from None
    ContractRegistry.of(parse_contract(text, stem, name))
    return stem, text


def monthly_fee(text: str) -> Decimal | None:
    """A fee typed in the app, by the CLI's and the customers table's rules; None if blank."""
    if not text.strip():
        return None
    try:
        return parse_amount(text)
    except InputError as exc:
        raise InputError(f"monthly fee: {exc}") from None


def warm_engine() -> None:
    """Calculate one made-up window, so that this process has the compiled sweep in memory: loaded
    from numba's cache on disk, or compiled, once after an install. The app runs it before its
    first page, under a message that says why it waits."""
    window = pd.DataFrame({"start": ["2026-01-01T00:00Z"], "end": ["2026-01-01T01:00Z"]})
    run(read_outages(window), load_contract(EXAMPLE_CONTRACT), customer=Customer(users=1))


def compute(inputs: Inputs, scenario: Scenario | None = None) -> Results:
    """The results for the inputs, as they are (``scenario=None``) or changed by a scenario."""
    outages = read(inputs)
    contract = None if inputs.contract is None else resolve(inputs, inputs.contract)
    customers = read_customer_table(inputs)
    if customers is not None:
        return run(
            outages,
            contract,
            scenario,
            customers=customers,
            contracts=registry(inputs),
        )
    return run(outages, contract, scenario, customer=inputs.customer, contracts=registry(inputs))


def results_csv(results: Results) -> bytes:
    """The result table as CSV, as the command line writes it (``slacalc.report.export``)."""
    return to_csv(results).encode("utf-8")


def letter_customer(inputs: Inputs) -> LetterCustomer:
    """Who claims, as the claim letter names them: the customer the user gave on the Data page."""
    return LetterCustomer(
        tenant=inputs.tenant,
        account_id=inputs.account_id,
        organisation=inputs.organisation,
        contact=inputs.contact,
    )


def claim_workbook(
    results: Results, customer: LetterCustomer | None = None, locale: str = "en_US"
) -> bytes:
    """The Excel claim workbook for the results, its letters naming ``customer`` and writing
    amounts for ``locale`` (the Excel module is imported only here)."""
    from slacalc.excel import export_excel  # openpyxl loads only when a workbook is asked for

    data = export_excel(results, None, customer=customer, locale=locale)
    assert data is not None  # no target given: the bytes come back
    return data


def editor_table(outages: Outages, timezone: str) -> pd.DataFrame:
    """The counted and excluded windows as an editable table, times naive in ``timezone``."""
    frame = outages.frame
    table = pd.DataFrame(
        {
            "id": frame["id"],
            "tenant": frame["tenant"],
            "service": frame["service"],
            "cohort": frame["cohort"],
            "start": frame["start"].dt.tz_convert(timezone).dt.tz_localize(None),
            "end": frame["end"].dt.tz_convert(timezone).dt.tz_localize(None),
            "affected_users": frame["affected_users"],
            "affected_percent": frame["affected_percent"],
            "excluded": frame["excluded"],
        }
    )
    return table.reset_index(drop=True)


def table_upload(table: pd.DataFrame) -> Upload:
    """An edited table as a CSV upload; its naive times are read in the inputs' zone."""
    out = table.copy()
    for name in ("start", "end"):
        stamps = pd.to_datetime(out[name], errors="coerce")
        out[name] = [
            "" if pd.isna(s) else s.strftime("%Y-%m-%d %H:%M:%S") for s in stamps.to_list()
        ]
    for name in ("affected_users", "affected_percent"):
        out[name] = [_number_text(v) for v in out[name].to_list()]
    # the column holds reasons as read (any text, e.g. from an exclusion_reason column): read
    # back as free-text reasons, not as an excluded cell's yes/no or kind of reason
    out = out.rename(columns={"excluded": "exclusion_reason"})
    return Upload("edited table.csv", out.to_csv(index=False).encode("utf-8"))


def _number_text(value: object) -> str:
    """A cell number as plain decimal text (never ``1e+06``); empty when missing."""
    if value is None or (isinstance(value, float) and pd.isna(value)) or value == "":
        return ""
    try:
        number = Decimal(repr(value)) if isinstance(value, float) else Decimal(str(value))
    except ArithmeticError:
        return str(value)
    return format(number.normalize(), "f")


# Provider feeds ----------------------------------------------------------------------------------
# A feed (Graph issues, Statuspage, AWS Health, ...) is turned into the windows CSV the rest of the
# app reads; what the feed does not say (a partial outage's share, the users per client) is asked
# on the data page and kept in a FeedChoice, so changing an answer imports the feed again.

FEED_EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "exchange-march-2026"
FEED_EXAMPLE_LABEL = "Exchange Online as Microsoft's feed: Graph issues + Email apps usage report"


@dataclass(frozen=True)
class FeedChoice:
    """A feed as uploaded and the answers to what it leaves open."""

    feed: Upload
    partial_share: str = ""
    usage: Upload | None = None
    service_map: Upload | None = None
    signins: Upload | None = None


@dataclass(frozen=True)
class FeedRead:
    """A feed as imported: its windows (users measured), the usage report, the outage upload."""

    imported: ImportedWindows
    frame: pd.DataFrame
    usage: UsageReport | None
    windows: Upload
    cohorts: tuple[tuple[str, int], ...]


def feed_format(upload: Upload) -> str:
    """The upload's feed format, or ``""`` when it is a table of windows."""
    return is_feed(upload.open())


def read_feed_choice(choice: FeedChoice, contract: str | None) -> FeedRead:
    """Import the feed with the user's answers; the windows come back as a CSV upload."""
    imported = read_feed(
        choice.feed.open(),
        contract=contract,
        service_map=None if choice.service_map is None else choice.service_map.open(),
        partial_share=choice.partial_share or None,
    )
    usage = None if choice.usage is None else read_usage(choice.usage.open())
    frame = imported.frame
    cohorts: tuple[tuple[str, int], ...] = ()
    if usage is not None:
        frame = mark_measured(frame, usage.cohorts, "usage report")
        used = set(imported.outages["cohort"])
        cohorts = tuple((k, v) for k, v in usage.cohorts.items() if k in used)
    if choice.signins is not None:
        counted = frame[(frame["excluded"] == "") & (frame["not_counted"] == "")]
        log = summarise_signins(choice.signins.open(), counted)
        frame = apply_signins(frame, log)
        cohorts = tuple({**log.cohorts, **dict(cohorts)}.items())
    text = windows_csv(frame[frame["not_counted"] == ""])
    # The CSV's rows are numbered from 2 (its header is row 1); the feed's from 1, as a frame's.
    words = tuple((row + 1, said) for row, said in imported.evidence.items())
    windows = Upload(f"{choice.feed.name} (windows).csv", text.encode(), words)
    return FeedRead(imported, frame, usage, windows, cohorts)


def feed_example() -> FeedChoice:
    """The bundled EX1256020 example as Microsoft's feed and the tenant's usage report."""
    return FeedChoice(
        feed=Upload("graph-issues.json", (FEED_EXAMPLE / "graph-issues.json").read_bytes()),
        usage=Upload("email-apps-usage.csv", (FEED_EXAMPLE / "email-apps-usage.csv").read_bytes()),
        service_map=Upload("service-map.csv", (FEED_EXAMPLE / "service-map.csv").read_bytes()),
    )
