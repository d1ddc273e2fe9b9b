"""The data page: outage windows in (upload, bundled example or typed), how they were read, the
rows that could not be used, and the customer's terms (or a customers table for many tenants)."""

from __future__ import annotations

import dataclasses
import zoneinfo

import pandas as pd
import streamlit as st

from slacalc.app import cached, display, reading, state, widgets
from slacalc.app import inputs as pure
from slacalc.app.inputs import Inputs, Upload
from slacalc.app.state import Model, Widget
from slacalc.engine.results import Results
from slacalc.engine.scenarios import Customer
from slacalc.errors import SlacalcError
from slacalc.io.customers import Customers
from slacalc.io.feeds import FORMATS
from slacalc.io.headers import MissingColumnError
from slacalc.io.outages import Outages
from slacalc.io.wording import CONTROLS
from slacalc.report.customer import letter_locale
from slacalc.report.totals import credit_by_currency

#: Above this many windows the table is shown, not edited (an editor that large is slow to use).
MAX_EDIT_ROWS = 5000
APP_EXAMPLE = "One customer: Exchange Online, March–April 2026 (the app's example)"
COMMON_ZONES = (
    "UTC",
    "Europe/London",
    "Europe/Paris",
    "Europe/Berlin",
    "America/New_York",
    "America/Chicago",
    "America/Denver",
    "America/Los_Angeles",
    "Asia/Tokyo",
    "Asia/Kolkata",
    "Australia/Sydney",
)
NEW_TABLE = (
    b"id,tenant,service,cohort,start,end,affected_users,affected_percent,excluded\n"
    b"INC-1,,,,2026-03-02 09:00:00,2026-03-02 10:30:00,,,\n"
)


def render() -> None:
    """The data page."""
    state.init()
    st.title("Your data")
    answer = st.container()
    _load()
    current = state.inputs()
    problem = state.text(Model.DATA_ERROR)
    if problem:
        st.error(f"**That file was not used:** {problem}", icon=":material/warning:")
    _column_picker()
    _zone(current)
    _reading(state.inputs())
    current = state.inputs()
    result = cached.results(current)
    with answer:
        widgets.source_line(current, ask_here=True)
        if current.portfolio:
            _customers_table(current)
        else:
            _customer(current)
        _preview(current)
    _how_read(result)
    _feed(current)
    _editor(current, result.outages)


def _preview(current: Inputs) -> None:
    """The answer for the data as it stands, so an upload shows its result straight away."""
    result = cached.results(current)
    table = result.table
    if current.portfolio or table["tenant"].nunique() > 1:
        breached = table[table["breached"]]
        totals = credit_by_currency(breached)
        total = " + ".join(display.money(v, c) for c, v in totals.items()) or "no credit"
        st.success(
            f"**{table['tenant'].nunique():,} tenants computed**: "
            f"{breached['tenant'].nunique():,} with a credit, {total} in total "
            f"({widgets.deadline_words(breached) if len(breached) else 'nothing to claim'}).",
            icon=":material/request_quote:",
        )
    else:
        widgets.answer(table)
    st.page_link(
        widgets.CLAIM_PAGE,
        label="See the claim, charts and evidence",
        icon=":material/arrow_forward:",
    )


def _load() -> None:
    """Upload a file, or load a bundled example; either replaces the data."""
    limit = int(st.get_option("server.maxUploadSize"))
    st.subheader("Load outage windows")
    upload, example = st.columns([3, 2], gap="large")
    with upload:
        file = st.file_uploader(
            "Outage windows (CSV, Excel, JSON) or a provider's incident feed",
            type=["csv", "txt", "xlsx", "json"],
            key=Widget.OUTAGE_FILE,
            help=(
                "One row per window: start, end, and optionally id, tenant, service, cohort, "
                "affected_users or affected_percent, excluded. Usual header spellings "
                "(Start time, Users affected, ...) are recognised. A feed saved from Microsoft "
                "Graph service health, Statuspage, AWS Health, Google Cloud status, PagerDuty or "
                "Opsgenie is recognised from its content."
            ),
        )
        st.caption(
            f"Files up to {limit} MB each. The upload bar shows progress; reading a large table "
            "shows a spinner."
        )
        if file is not None and file.file_id != state.text(Model.LAST_UPLOAD):
            state.set_text(Model.LAST_UPLOAD, file.file_id)
            current = state.inputs()
            given = Upload(file.name, file.getvalue())
            if pure.feed_format(given):  # a provider's feed: its windows, and what it leaves open
                _use_feed(pure.FeedChoice(given), new_file=True)
            else:
                try:
                    candidate = pure.uploaded(current, f"Uploaded file: {file.name}", given)
                except SlacalcError as exc:
                    _refused(file.name, exc)
                else:
                    _try(candidate, file.name)
                if not state.text(Model.DATA_ERROR):
                    state.set_feed(None)
        people = st.file_uploader(
            "Customers table (optional, for many tenants)",
            type=["csv", "txt", "xlsx", "json"],
            key=Widget.CUSTOMERS_FILE,
            help=(
                "tenant, contract, users, monthly_fee, currency, and cohort sizes as "
                "columns named cohort:<name> (e.g. cohort:Outlook Mobile)."
            ),
        )
        if people is not None and people.file_id != state.text(Model.LAST_CUSTOMERS_UPLOAD):
            state.set_text(Model.LAST_CUSTOMERS_UPLOAD, people.file_id)
            _use_customers(Upload(people.name, people.getvalue()))
    with example:
        on_disk = pure.examples_on_disk()
        choices = [APP_EXAMPLE, pure.FEED_EXAMPLE_LABEL, *on_disk]
        choice = st.selectbox("Or a bundled example", choices, key=Widget.EXAMPLE_CHOICE)
        if st.button("Load this example", icon=":material/inventory_2:", width="stretch"):
            current = state.inputs()
            if choice == pure.FEED_EXAMPLE_LABEL:
                _use_feed(pure.feed_example())
            else:
                if choice == APP_EXAMPLE:
                    fresh = dataclasses.replace(
                        pure.example(), contract_files=current.contract_files
                    )
                else:
                    fresh = pure.from_folder(on_disk[str(choice)], current)
                _try(fresh, str(choice))
                state.set_feed(None)
        if st.button("Start an empty table to type in", icon=":material/edit:", width="stretch"):
            current = state.inputs()
            _try(
                dataclasses.replace(
                    pure.own_table(current, "Typed table", Upload("typed table.csv", NEW_TABLE)),
                    customers=None,
                    contract=current.contract or pure.EXAMPLE_CONTRACT,
                ),
                "a new table",
            )


def _try(candidate: Inputs, name: str) -> None:
    """Use the candidate inputs if they can be read and computed; otherwise say why not."""
    try:
        cached.outages(candidate)
        cached.customers(candidate)
        cached.results(candidate)
    except SlacalcError as exc:
        _refused(name, exc)
        # kept, so a picked column (the file may have it under another name) or another
        # reading option can make it usable
        state.set_pending(candidate)
        return
    state.set_text(Model.DATA_ERROR, "")
    state.set_pending(None)
    state.set_inputs(candidate)


def _column_picker() -> None:
    """When an uploaded outage or customers table lacks a column, let the user pick it from the
    table's own."""
    waiting = state.pending()
    if waiting is None:
        return
    customers = False
    try:
        cached.outages(waiting)
        customers = True  # the outages read: the customers table is what lacks a column
        cached.customers(waiting)
    except MissingColumnError as exc:
        field, headers = exc.field, exc.headers
    except SlacalcError:
        return
    else:
        return
    mapped = dict(waiting.customer_columns if customers else waiting.columns)
    offered = [h for h in headers if h not in mapped]
    if not offered:
        return
    upload = waiting.customers if customers and waiting.customers else waiting.outages
    table = "the customers table" if customers else "the file"
    with st.form(Widget.COLUMN_PICK):
        header = st.selectbox(f"Which column of {table} holds **{field}**?", offered)
        if st.form_submit_button("Use this column", icon=":material/check:"):
            picked = pure.with_column(waiting, str(header), field, customers=customers)
            (_try_customers if customers else _try)(picked, upload.name)
            st.rerun()


def _reading(current: Inputs) -> None:
    """The Reading options of the file that waits, if one does, else of the data in use; open
    while a file waits or rows were rejected, when an option may be what they need."""
    target = state.pending() or current
    try:
        read: Outages | None = cached.outages(target)
    except SlacalcError:  # why is said above; the options may be the cure
        read = None
    waiting = target is not current
    reading.render(target, read, _try, open_=waiting or bool(read is not None and read.rejected))


def _refused(name: str, exc: SlacalcError) -> None:
    """Keep why a file was refused; its name once, whether or not the message starts with it."""
    message = str(exc)
    state.set_text(Model.DATA_ERROR, message if name in message else f"{name}: {message}")


def _use_customers(upload: Upload) -> None:
    current = state.inputs()
    _try_customers(dataclasses.replace(current, customers=upload, customer_columns=()), upload.name)


def _try_customers(candidate: Inputs, name: str) -> None:
    """Use the candidate's customers table if it reads (each tenant's own contract when every
    row names one), else say why and keep it waiting, like :func:`_try`."""
    try:
        table = cached.customers(candidate)
    except SlacalcError as exc:
        _refused(name, exc)
        state.set_pending(candidate)
        return
    own = table is not None and bool((table.frame["contract"] != "").all()) and len(table.frame)
    contract = None if own else (candidate.contract or pure.EXAMPLE_CONTRACT)
    _try(dataclasses.replace(candidate, contract=contract), name)


def _zone(current: Inputs) -> None:
    zones = [*COMMON_ZONES, *sorted(zoneinfo.available_timezones() - set(COMMON_ZONES))]
    state.sync(Widget.TIMEZONE, current.timezone)
    zone = st.selectbox(
        "Times without an offset are in",
        zones,
        key=Widget.TIMEZONE,
        help="Times with an offset or Z keep it. Tables and charts show times in this zone.",
    )
    if zone and zone != current.timezone:
        state.set_inputs(dataclasses.replace(current, timezone=str(zone)))
        state.synced(Widget.TIMEZONE, str(zone))


def _how_read(result: Results) -> None:
    st.subheader("How the table was read")
    outages = result.outages
    counts = widgets.row_counts(result)
    columns = st.columns(4)
    columns[0].metric("Rows read", f"{counts['rows_read']:,}")
    columns[1].metric("Counted", f"{counts['counted']:,}")
    columns[2].metric("Excluded", f"{counts['excluded']:,}")
    columns[3].metric("Rejected", f"{counts['rejected']:,}")
    left, right = st.columns([2, 3], gap="large")
    with left:
        st.markdown("**Column mapping** (your header → the field it was read as)")
        mapping = pd.DataFrame(
            {"Your column": list(outages.mapping), "Read as": list(outages.mapping.values())}
        )
        st.dataframe(mapping, hide_index=True, width="stretch")
    with right:
        if outages.details:
            st.markdown(f"**Read as** {outages.details}.")
        if outages.assumed_timezones:
            zones = ", ".join(f"{k}: {v}" for k, v in outages.assumed_timezones.items())
            st.markdown(f"**Zones assumed**: {zones}.")
        for note in outages.notes:
            st.info(note, icon=":material/info:")
    widgets.rejected_rows(result)


def _use_feed(choice: pure.FeedChoice, *, new_file: bool = False) -> None:
    """Read the feed with the user's answers and, if it computes, use its windows; a newly
    uploaded feed asks for its customer again (see :func:`~slacalc.app.inputs.uploaded`)."""
    current = state.inputs()
    if new_file:
        current = dataclasses.replace(
            pure.fresh_reading(current),
            tenant="",
            account_id="",
            organisation="",
            contact="",
            customer_given=False,
        )
    contract = current.contract or pure.EXAMPLE_CONTRACT
    try:
        read = pure.read_feed_choice(choice, contract)
    except SlacalcError as exc:
        _refused(choice.feed.name, exc)
        return
    sizes = dict(current.customer.cohorts) | dict(read.cohorts)
    label = f"Provider feed ({read.imported.format}): {choice.feed.name}"
    _try(
        dataclasses.replace(
            pure.own_table(current, label, read.windows),
            customers=None,
            contract=contract,
            customer=dataclasses.replace(current.customer, cohorts=tuple(sizes.items())),
        ),
        choice.feed.name,
    )
    if not state.text(Model.DATA_ERROR):
        state.set_feed(choice)


def _feed(current: Inputs) -> None:
    """The feed the windows came from: its format, every window and why, and what it asks."""
    choice = state.feed()
    if choice is None:
        return
    st.subheader("The provider's feed")
    read = pure.read_feed_choice(choice, current.contract)
    imported = read.imported
    st.markdown(f"**Detected format:** {FORMATS[imported.format]} (`{imported.format}`).")
    for line in imported.summary().splitlines()[1:]:
        st.caption(line)
    if read.usage is not None:
        st.caption(read.usage.summary())
    shown = read.frame[
        ["id", "service", "cohort", "start", "end", "users_source", "excluded", "not_counted"]
    ]
    st.dataframe(shown.assign(source=read.frame["source"]), hide_index=True, width="stretch")
    for question in imported.questions:
        st.warning(f"**The feed does not say:** {question}", icon=":material/help:")
    with st.form(Widget.FEED_FORM):
        share = st.text_input(
            CONTROLS["partial_share"].label,
            value=choice.partial_share,
            key=Widget.FEED_SHARE,
            help="Statuspage 'partial_outage' and Google 'SERVICE_DISRUPTION' windows count "
            "only once you say this; they are never taken as 100 %.",
        )
        usage = st.file_uploader(
            "Email apps usage report (optional): the users of each mail client",
            type=["csv", "json", "xlsx"],
            key=Widget.FEED_USAGE,
        )
        signins = st.file_uploader(
            "Entra sign-in log (optional): who used the affected client during each window",
            type=["csv", "json"],
            key=Widget.FEED_SIGNINS,
            help="The admin center's CSV download or Graph auditLogs/signIns JSON. Each window's "
            "affected users become the distinct users of its client who signed in during it.",
        )
        if st.form_submit_button("Apply", icon=":material/check_circle:"):
            answer = dataclasses.replace(
                choice,
                partial_share=share.strip(),
                usage=choice.usage if usage is None else Upload(usage.name, usage.getvalue()),
                signins=(
                    choice.signins if signins is None else Upload(signins.name, signins.getvalue())
                ),
            )
            _use_feed(answer)
            st.rerun()


def _customer(current: Inputs) -> None:
    """Whose outages these are: asked in a form after an upload, and open to change any time.

    Nothing changes until the form is sent, so a half-typed customer never shows figures."""
    customer = current.customer
    asked = not current.customer_given
    st.subheader("Whose outages are these?" if asked else "The customer")
    if asked:
        st.info(
            "Give the customer these outages are for: the figures use the numbers below "
            "(the previous customer's) until you do. A customers table uploaded above lets you "
            "pick the customer from it.",
            icon=":material/person_edit:",
        )
    fee_text = "" if customer.monthly_fee is None else str(customer.monthly_fee)
    shown = {
        Widget.TENANT: current.tenant,
        Widget.ACCOUNT_ID: current.account_id,
        Widget.ORGANISATION: current.organisation,
        Widget.CONTACT: current.contact,
        Widget.LOCALE: current.locale,
        Widget.USERS: customer.users,
        Widget.FEE: fee_text,
        Widget.CURRENCY: customer.currency,
    }
    for widget, value in shown.items():
        state.sync(widget, value)
    with st.form(Widget.CUSTOMER_FORM, border=True):
        names = st.columns(4)
        tenant = names[0].text_input("Tenant name", key=Widget.TENANT)
        account = names[1].text_input(
            "Tenant or account id",
            key=Widget.ACCOUNT_ID,
            help="The provider's id for the customer: Microsoft tenant id, AWS account id, ...",
        )
        organisation = names[2].text_input("Organisation", key=Widget.ORGANISATION)
        contact = names[3].text_input("Contact", key=Widget.CONTACT, help="Who signs the claim.")
        left, middle, right, last = st.columns(4)
        users = left.number_input(
            "Licensed users",
            min_value=1,
            step=1,
            key=Widget.USERS,
            help="Seats under the contract.",
        )
        fee = middle.text_input(
            "Monthly fee",
            key=Widget.FEE,
            help="What the customer pays a month for the service; empty: credits in percent only.",
        )
        currency = right.text_input("Currency", max_chars=3, key=Widget.CURRENCY)
        locale = last.text_input(
            "Letter locale",
            key=Widget.LOCALE,
            help="How the claim letters write amounts: en_US gives $1,234.50, de_DE 1.234,50 $.",
        )
        outages = cached.outages(current)
        named = [c for c in dict.fromkeys(outages.frame["cohort"]) if c]
        sizes = dict(customer.cohorts)
        cohorts = list(dict.fromkeys([*sizes, *named]))
        base = pd.DataFrame(
            {
                "cohort": pd.Series(cohorts, dtype="string"),
                "users": pd.Series([sizes.get(c) for c in cohorts], dtype="Int64"),
            }
        )
        st.markdown("**Cohort sizes** (how many of the licensed users each group has)")
        edited = st.data_editor(
            base,
            key=state.cohorts_key(customer.cohorts),
            num_rows="dynamic",
            hide_index=True,
            placeholder="",
            column_config={
                "cohort": st.column_config.TextColumn("cohort", required=True),
                "users": st.column_config.NumberColumn("users", min_value=0, step=1, format="%d"),
            },
            width="stretch",
        )
        sent = st.form_submit_button(
            "Use this customer", icon=":material/check_circle:", type="primary"
        )
    if not sent:
        return
    try:
        new = Customer(
            users=int(users or 1),
            monthly_fee=pure.monthly_fee(fee),
            currency=(currency or "USD").strip().upper(),
            cohorts=_cohorts(edited),
        )
        letter_locale(locale.strip() or "en_US")
        Customers.single(
            contract=current.contract or pure.EXAMPLE_CONTRACT,
            users=new.users,
            monthly_fee=new.monthly_fee,
            currency=new.currency,
            cohorts=dict(new.cohorts),
        )
    except (SlacalcError, ValueError) as exc:
        st.error(f"**Not used:** {exc}", icon=":material/warning:")
        return
    given = dataclasses.replace(
        current,
        customer=new,
        tenant=tenant.strip(),
        account_id=account.strip(),
        organisation=organisation.strip(),
        contact=contact.strip(),
        customer_given=True,
        locale=locale.strip() or "en_US",
    )
    state.set_inputs(given)
    st.rerun()


def _cohorts(table: pd.DataFrame) -> tuple[tuple[str, int], ...]:
    out = []
    for name, size in zip(table["cohort"], table["users"], strict=True):
        if not isinstance(name, str) or not name.strip() or size is None or pd.isna(size):
            continue
        out.append((name.strip(), int(size)))
    return tuple(out)


def _customers_table(current: Inputs) -> None:
    st.subheader("Customers")
    table = cached.customers(current)
    assert table is not None
    counts = table.counts
    columns = st.columns(3)
    columns[0].metric("Rows read", f"{counts['rows_read']:,}")
    columns[1].metric("Tenants", f"{counts['kept']:,}")
    columns[2].metric("Rejected", f"{counts['rejected']:,}")
    mapping = pd.DataFrame(
        {"Your column": list(table.mapping), "Read as": list(table.mapping.values())}
    )
    st.dataframe(mapping, hide_index=True, width="stretch")
    widgets.rejected(table.rejected, rows_read=table.rows_read)
    choices = pure.customer_choices(table)
    if not choices:
        return
    labels = pure.choice_labels(choices)
    pick, go = st.columns([3, 2], vertical_alignment="bottom")
    chosen = pick.selectbox(
        "One customer from the table",
        choices,
        format_func=labels.__getitem__,
        key=Widget.CUSTOMER_PICK,
    )
    if go.button("Use only this customer", icon=":material/person:", width="stretch"):
        tenant, held = chosen
        contract, customer = pure.customer_row(table, tenant, held)
        _try(
            dataclasses.replace(
                current,
                customers=None,
                contract=contract or current.contract or pure.EXAMPLE_CONTRACT,
                customer=customer,
                tenant=str(tenant),
                account_id="",
                organisation="",
                contact="",
                customer_given=False,
            ),
            str(tenant),
        )
        st.rerun()


def _editor(current: Inputs, outages: Outages) -> None:
    st.subheader("Windows")
    table = pure.editor_table(outages, current.timezone)
    if len(table) > MAX_EDIT_ROWS:
        st.caption(
            f"{len(table):,} windows: too many to edit here, the first {MAX_EDIT_ROWS:,} are "
            f"shown (times in {current.timezone}). Edit the file and upload it again."
        )
        st.dataframe(table.head(MAX_EDIT_ROWS), hide_index=True, width="stretch")
        return
    st.caption(
        f"Edit, add or delete windows, then apply. Times are in {current.timezone}. Rows that "
        "were rejected are not in this table."
    )
    with st.form(Widget.WINDOWS_FORM):
        edited = st.data_editor(
            table,
            key=state.editor_key(current),
            num_rows="dynamic",
            hide_index=True,
            placeholder="",  # an empty cell reads empty, not "None"
            width="stretch",
            column_config={
                "id": st.column_config.TextColumn("id", help="Incident id, e.g. EX1256020"),
                "start": st.column_config.DatetimeColumn(
                    f"start ({current.timezone})", format="YYYY-MM-DD HH:mm:ss", required=True
                ),
                "end": st.column_config.DatetimeColumn(
                    f"end ({current.timezone})", format="YYYY-MM-DD HH:mm:ss", required=True
                ),
                "affected_users": st.column_config.NumberColumn(
                    "affected_users", min_value=0, step=1, format="%d"
                ),
                "affected_percent": st.column_config.NumberColumn(
                    "affected_percent", min_value=0.0, max_value=100.0, step=0.01
                ),
                "excluded": st.column_config.TextColumn(
                    "excluded", help="Why the window does not count; empty: it counts."
                ),
            },
        )
        applied = st.form_submit_button(
            "Apply changes", icon=":material/check_circle:", type="primary"
        )
    if applied:
        label = current.label if current.label.startswith("Edited") else f"Edited: {current.label}"
        _try(pure.own_table(current, label, pure.table_upload(edited)), "the edited table")
        st.rerun()


if __name__ == "__main__":
    widgets.guarded(render)
