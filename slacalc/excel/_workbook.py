"""Assemble the workbook: openpyxl lays out the sheets, :mod:`._xml` streams the table rows in."""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import math
import os
import secrets
from collections.abc import Callable, Mapping, Sequence
from typing import IO

from openpyxl import Workbook
from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import Font, PatternFill
from openpyxl.worksheet.pagebreak import Break, RowBreak
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.xml.functions import tostring

from slacalc.engine.results import Results
from slacalc.errors import SlacalcError
from slacalc.excel import _tables as tables
from slacalc.excel._letters import DEFAULT_LOCALE, assumptions, letters
from slacalc.excel._styles import (
    BREACH_FILL,
    DIFFERS_FILL,
    FONT,
    PASSED_FILL,
    STYLES,
    money_style,
    register,
)
from slacalc.excel._tables import Book, Plan
from slacalc.excel._xml import (
    MAX_ROWS,
    RISKY_START,
    Cell,
    SheetRows,
    Table,
    clean_text,
    column_letter,
    free_rows,
    table_rows,
    write_package,
)
from slacalc.model.contract import Contract
from slacalc.model.money import minor_unit_digits
from slacalc.report.customer import Customer, letter_locale

Target = str | os.PathLike[str] | IO[bytes]

#: The sheet of claims the register adds, and its columns: (record key, header, width).
STATUS = "Claim status"
_STATUS_COLUMNS = (
    ("id", "Claim", 8),
    ("status", "Status", 16),
    ("since", "Since", 12),
    ("provider", "Provider", 14),
    ("tenant", "Tenant", 18),
    ("contract", "Contract", 30),
    ("contract_version", "Terms version", 16),
    ("service", "Service", 18),
    ("period", "Period", 10),
    ("claimed", "Claimed", 14),
    ("currency", "Currency", 10),
    ("deadline", "Claim by", 12),
    ("ticket", "Ticket", 16),
    ("approved", "Approved", 14),
    ("credited", "Credited", 14),
    ("invoice", "Invoice", 16),
    ("recalculated", "A re-run gives", 14),
    ("reason", "Provider's reason", 40),
)
_STATUS_MONEY = frozenset({"claimed", "approved", "credited", "recalculated"})

#: Data rows per evidence sheet: Excel's limit less the header.
_SHEET_ROWS = MAX_ROWS - 1
_EVIDENCE = {
    tables.DOWNTIME: tables.downtime,
    tables.EXCLUDED: tables.excluded,
    tables.WINDOWS: tables.windows,
    tables.REJECTED: tables.rejected,
}


def export_excel(
    results: Results,
    path_or_buffer: Target | None = None,
    *,
    now: dt.datetime | None = None,
    claim_status: Sequence[Mapping[str, object]] | None = None,
    customer: Customer | None = None,
    locale: str = DEFAULT_LOCALE,
) -> bytes | None:
    """Write the credit-claim workbook of ``results``.

    To ``path_or_buffer`` (a path or a binary file object) and return ``None``; or, when it is not
    given, return the ``.xlsx`` bytes (for a download button). ``now`` is when the workbook is
    made (default: the current time; a naive value is read as UTC): it stamps the workbook and
    counts the days left to each claim deadline in the cached values. ``claim_status`` (the
    claims register's status records) adds a "Claim status" sheet after the Summary.
    ``customer`` is who claims: the letters name it (tenant or account id, organisation,
    contact). ``locale`` (a CLDR locale such as ``de_DE``) is how the letters write amounts.
    """
    import slacalc  # at call time: slacalc/__init__ imports this package

    letter_locale(locale)
    plan = Plan.of(results, _aware(now), slacalc.__version__, customer=customer, locale=locale)
    return _save(path_or_buffer, lambda out: _write(plan, out, claim_status))


def export_register(
    claim_status: Sequence[Mapping[str, object]], path_or_buffer: Target | None = None
) -> bytes | None:
    """Write the claims register as a workbook whose one sheet is "Claim status" (one row per
    claim, in the register's columns); to a path or file object, or return the bytes."""

    def write(out: IO[bytes]) -> None:
        wb = Workbook()
        ws = wb.active
        assert ws is not None
        ws.title = STATUS
        _claim_status(ws, claim_status)
        wb.save(out)

    return _save(path_or_buffer, write)


def _save(path_or_buffer: Target | None, write: Callable[[IO[bytes]], None]) -> bytes | None:
    """Run ``write`` into a new buffer (returning its bytes), a file object, or a path."""
    if path_or_buffer is None:
        buffer = io.BytesIO()
        write(buffer)
        return buffer.getvalue()
    if isinstance(path_or_buffer, str | os.PathLike):
        # Write beside the target and move it into place, so a failure never leaves half a file.
        # (Not mkstemp: its file is private to the user, and the workbook should not be.)
        path = os.path.abspath(os.fspath(path_or_buffer))
        folder, name = os.path.split(path)
        partial = os.path.join(folder, f".{name}.{secrets.token_hex(6)}.partial")
        try:
            with open(partial, "xb") as out:
                write(out)
            os.replace(partial, path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(partial)
            raise
        return None
    write(path_or_buffer)
    return None


def _aware(now: dt.datetime | None) -> dt.datetime:
    if now is None:
        return dt.datetime.now(dt.UTC).replace(microsecond=0)
    return now if now.tzinfo is not None else now.replace(tzinfo=dt.UTC)


def _write(
    plan: Plan, target: IO[bytes], claim_status: Sequence[Mapping[str, object]] | None = None
) -> None:
    calc = tables.calculation(plan)
    summary = tables.summary(plan, calc)
    if summary.last_row > MAX_ROWS:
        raise SlacalcError(
            f"{len(plan.table):,} result rows do not fit in one Excel sheet (at most "
            f"{MAX_ROWS - summary.header_row:,}); export fewer tenants or periods at a time"
        )
    grids: dict[str, Table] = {tables.SUMMARY: summary, tables.CALCULATION: calc}
    for name, size in tables.evidence_sizes(plan).items():
        make = _EVIDENCE[name]
        for i, start in enumerate(range(0, max(size, 1), _SHEET_ROWS)):
            grids[name if i == 0 else f"{name} ({i + 1})"] = make(
                plan, slice(start, start + _SHEET_ROWS)
            )
    grids[tables.TIERS] = tables.credit_tiers(plan)

    wb = Workbook()
    summary_ws = wb.active
    assert summary_ws is not None
    summary_ws.title = tables.SUMMARY
    order = [tables.LETTERS, *[n for n in grids if n not in (tables.SUMMARY, tables.TIERS)]]
    order += [tables.TERMS, tables.TIERS, tables.ASSUMPTIONS]
    sheets = {tables.SUMMARY: summary_ws} | {name: wb.create_sheet(name) for name in order}
    styles = register(summary_ws)

    heights = {name: _lay_out(sheets[name], table) for name, table in grids.items()}
    _summary_extras(sheets[tables.SUMMARY], grids[tables.SUMMARY], plan)
    _calculation_extras(sheets[tables.CALCULATION], calc)
    sheets[tables.CALCULATION].freeze_panes = "E2"
    sheets[tables.TIERS].freeze_panes = "C2"

    if claim_status is not None:
        _claim_status(wb.create_sheet(STATUS, 1), claim_status)
    letter_rows, written, breached = _letters(sheets[tables.LETTERS], plan)
    # Each prints on landscape pages one page wide: the Summary's table, every letter a page.
    sheets[tables.SUMMARY].print_area = f"A1:{summary.last_column}{max(summary.last_row, 1)}"
    sheets[tables.LETTERS].print_area = f"A1:B{len(letter_rows)}"
    _terms(sheets[tables.TERMS], plan)
    _label_sheet(sheets[tables.ASSUMPTIONS], assumptions(plan, written, breached), 52, 100)

    package(
        wb,
        plan,
        target,
        "SLA credit claim workbook",
        {sheets[name]: (table, heights[name]) for name, table in grids.items()},
        styles,
        {
            sheets[tables.LETTERS]: SheetRows(
                f"A1:B{len(letter_rows)}", free_rows(letter_rows, styles)
            )
        },
    )


def package(
    wb: Workbook,
    plan: Book,
    target: IO[bytes],
    title: str,
    grids: Mapping[Worksheet, tuple[Table, float]],
    styles: Mapping[str, int],
    more: Mapping[Worksheet, SheetRows] | None = None,
) -> None:
    """Save the laid-out ``wb`` with the rows of each table sheet (and its header height)
    streamed in, in the ``styles`` registered on it, stamped with the plan's time so the output
    is repeatable."""
    created = plan.now.astimezone(dt.UTC).replace(tzinfo=None)
    wb.properties.creator = f"slacalc {plan.version}"
    wb.properties.title = title
    wb.properties.created = created
    wb.calculation.fullCalcOnLoad = True

    scaffold = io.BytesIO()
    wb.save(scaffold)
    wb.properties.modified = created  # openpyxl stamps the save time; keep the output repeatable
    core = tostring(wb.properties.to_tree())
    fills = {
        ws.path.lstrip("/"): SheetRows(
            dimension=f"A1:{table.last_column}{table.last_row}",
            rows=table_rows(table, styles, height),
            large=table.rows * len(table.columns) > 10_000_000,
        )
        for ws, (table, height) in grids.items()
    } | {ws.path.lstrip("/"): rows for ws, rows in (more or {}).items()}
    scaffold.seek(0)
    stamp = (created.year, created.month, created.day, created.hour, created.minute, created.second)
    write_package(
        scaffold, fills, target, max(stamp, (1980, 1, 1, 0, 0, 0)), {"docProps/core.xml": core}
    )


def _lay_out(ws: Worksheet, table: Table) -> float:
    """Widths, frozen header, filter and print titles of a table sheet (its rows come later).

    Returns the height the header row needs, in points.
    """
    sample = next(iter(table.chunks()), {}) if table.rows else {}
    lines = 1
    for i, col in enumerate(table.columns):
        width = col.width
        if width is None:
            values = [str(v) for v in list(sample.get(col.name, ()))[:2000] if v is not None]
            longest = max((len(v) for v in values), default=0)
            width = min(max(longest + 2, len(col.header) + 2, 10), 40)
        ws.column_dimensions[column_letter(i)].width = width
        lines = max(lines, _wrapped_lines(col.header, width))
    h = table.header_row
    ws.freeze_panes = f"A{h + 1}"
    ws.auto_filter.ref = f"A{h}:{table.last_column}{max(table.last_row, h)}"
    ws.print_title_rows = f"{h}:{h}"
    ws.print_options.gridLines = True  # printed tables look as they do on screen
    _print_one_page_wide(ws, "landscape")
    return 15.0 * lines + 3


def _wrapped_lines(text: str, width: float) -> int:
    """Lines ``text`` takes when wrapped at word breaks in a column ``width`` characters wide."""
    room = max(int(width) - 1, 4)
    lines, used = 1, 0
    for word in text.split():
        need = len(word) if used == 0 else used + 1 + len(word)
        if need <= room or used == 0:
            used = need
        else:
            lines, used = lines + 1, len(word)
    return lines


def _fill(color: str) -> PatternFill:
    return PatternFill("solid", start_color=color, end_color=color)


def _summary_extras(ws: Worksheet, table: Table, plan: Book) -> None:
    """Frozen header and the first four columns; breached rows stand out, lapsed ones grey."""
    h = table.header_row
    ws.freeze_panes = f"E{h + 1}"
    ws.column_dimensions["A"].width = max(ws.column_dimensions["A"].width or 0, 18)
    # A credit is a percent of the fee or days of service: hide the column no contract uses.
    kinds = {c.credit_kind for c in plan.contracts}
    if "days" not in kinds:
        ws.column_dimensions[table.letter("credit_days")].hidden = True
    if kinds == {"days"}:
        ws.column_dimensions[table.letter("credit_percent")].hidden = True
    if not table.rows:
        return
    first = h + 1
    cells = f"A{first}:{table.last_column}{table.last_row}"
    status, breached = table.letter("status"), table.letter("breached")
    ws.conditional_formatting.add(
        cells,
        FormulaRule(
            formula=[f'${status}{first}="deadline passed"'],
            fill=_fill(PASSED_FILL),
            font=Font(name=FONT, color="595959"),
            stopIfTrue=True,
        ),
    )
    ws.conditional_formatting.add(
        cells,
        FormulaRule(formula=[f'${breached}{first}="yes"'], fill=_fill(BREACH_FILL)),
    )


def _calculation_extras(ws: Worksheet, table: Table) -> None:
    """Breached rows and any row that no longer matches the engine stand out."""
    if not table.rows:
        return
    first = h = table.header_row + 1
    check, breached = table.letter("check"), table.letter("breached")
    ws.conditional_formatting.add(
        f"{check}{h}:{check}{table.last_row}",
        FormulaRule(formula=[f'${check}{first}<>"matches engine"'], fill=_fill(DIFFERS_FILL)),
    )
    ws.conditional_formatting.add(
        f"{breached}{h}:{breached}{table.last_row}",
        FormulaRule(formula=[f'${breached}{first}="yes"'], fill=_fill(BREACH_FILL)),
    )


def put(ws: Worksheet, row: int, column: int, value: object, style: str) -> None:
    """Write one cell; text is always text (never a formula), with a quote prefix if risky."""
    cell = ws.cell(row=row, column=column)
    quote = False
    if isinstance(value, str):
        text = clean_text(value)
        cell.value = text
        cell.data_type = "s"  # openpyxl would take "=..." for a formula
        quote = text.startswith(RISKY_START)
    else:
        cell.value = value
    STYLES[style].apply(cell, quote=quote)


def _height(text: str, width: float) -> float | None:
    """A row height that shows all of ``text`` wrapped in a column ``width`` characters wide."""
    per_line = max(int(width * 1.2), 10)
    lines = sum(max(1, math.ceil(len(line) / per_line)) for line in text.split("\n"))
    return None if lines <= 1 else 15.0 * lines


LetterRow = tuple[tuple[Cell | None, ...], float | None]


def _letters(ws: Worksheet, plan: Plan) -> tuple[list[LetterRow], int, int]:
    """The Claim letters sheet: its rows (written later, fast), letters written and breaches.

    One letter per breached period, a page each, with no gridlines.
    """
    written, total = letters(plan, plan.customer, plan.locale)
    ws.sheet_view.showGridLines = False
    ws.print_options.gridLines = False
    ws.column_dimensions["A"].width = 22
    ws.column_dimensions["B"].width = 100
    _print_one_page_wide(ws, "landscape")
    made = plan.now.astimezone(dt.UTC).date().isoformat()
    if not written:
        text = "No period breached its SLA: there is no credit to claim."
        return [((Cell("text", text, "letter_title"),), None)], 0, 0
    intro = (
        f"{len(written):,} claim letter{'s' if len(written) != 1 else ''}, one per breached "
        f"period, with the figures slacalc computed on {made}."
    )
    if len(written) < total:
        intro += f" {total - len(written):,} more breached periods are listed on the Summary."
    rows: list[LetterRow] = [((Cell("text", intro, "subtitle"),), None), ((), None)]
    breaks: list[Break] = []
    for letter in written:
        rows.append(((Cell("text", letter.title, "letter_title"),), 20.0))
        rows.append(((), None))
        for label, text in letter.lines:
            cells = (Cell("text", label, "letter_label"), Cell("text", text, "letter_text"))
            rows.append((cells, _height(text, 100)))
        breaks.append(Break(id=len(rows)))
        rows += [((), None), ((), None)]
    ws.row_breaks = RowBreak(brk=breaks)  # at once: appending one by one re-checks them all
    return rows, len(written), total


def _terms(
    ws: Worksheet,
    plan: Book,
    words: Callable[[Contract], dict[str, object]] = tables.terms_values,
) -> None:
    """One column per contract's text (current, then dated), one row per term as ``words`` gives
    it; the formulas read kind, caps and minimum."""
    put(ws, 1, 1, "Term", "header")
    ws.column_dimensions["A"].width = max(len(label) for _, label in tables.TERMS_ROWS) + 2
    _print_one_page_wide(ws, "landscape")
    columns = [words(terms) for _, terms in plan.texts]
    for j, ((label, _), values) in enumerate(zip(plan.texts, columns, strict=True), start=2):
        put(ws, 1, j, label, "header")
        ws.column_dimensions[column_letter(j - 1)].width = 60
        for key, row in tables.TERMS_ROW.items():
            value = values[key]
            put(ws, row, j, value, "text_wrap" if isinstance(value, str) else "number_left")
    for key, label in tables.TERMS_ROWS:
        row = tables.TERMS_ROW[key]
        put(ws, row, 1, label, "label")
        heights = [_height(str(values[key]), 60) or 0 for values in columns]
        if max(heights, default=0):
            ws.row_dimensions[row].height = min(max(heights), 400)
    ws.freeze_panes = "B2"


def _claim_status(ws: Worksheet, records: Sequence[Mapping[str, object]]) -> None:
    """The Claim status sheet: one row per claim in the register, money in its currency."""
    for j, (_, header, width) in enumerate(_STATUS_COLUMNS, start=1):
        put(ws, 1, j, header, "header")
        ws.column_dimensions[column_letter(j - 1)].width = width
    for i, record in enumerate(records, start=2):
        money = money_style(minor_unit_digits(str(record.get("currency") or "")))
        for j, (key, _, _) in enumerate(_STATUS_COLUMNS, start=1):
            value = record.get(key)
            if value is None or value == "":
                continue
            style = (
                money
                if key in _STATUS_MONEY
                else "date"
                if key in ("since", "deadline")
                else "text"
            )
            put(ws, i, j, value, style)
    last = column_letter(len(_STATUS_COLUMNS) - 1)
    ws.freeze_panes = "B2"
    ws.auto_filter.ref = f"A1:{last}{max(len(records) + 1, 1)}"
    _print_one_page_wide(ws, "landscape")


def _print_one_page_wide(ws: Worksheet, orientation: str) -> None:
    ws.page_setup.orientation = orientation
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True


def _label_sheet(ws: Worksheet, rows: list[tuple[str, str]], left: float, right: float) -> None:
    ws.sheet_view.showGridLines = False
    _print_one_page_wide(ws, "portrait")
    ws.column_dimensions["A"].width = left
    ws.column_dimensions["B"].width = right
    put(ws, 1, 1, "How this workbook was made", "title")
    for i, (label, text) in enumerate(rows, start=3):
        put(ws, i, 1, label, "label")
        put(ws, i, 2, text, "letter_text")
        height = _height(text, right)
        if height:
            ws.row_dimensions[i].height = height
