"""Sheet rows as SpreadsheetML, streamed into the ``.xlsx`` package that openpyxl laid out.

openpyxl cannot write a formula together with its cached value, and spends about 10 µs a cell;
the workbook needs both in one cell (so a reader that does not recalculate still sees the
engine's numbers), for 120,000 result rows in seconds. So openpyxl lays out the package (styles,
views, filters, conditional formats, print settings) with empty ``<sheetData>`` elements, and
this module fills them, a chunk of rows at a time. Text is always written as an inline string, so
nothing that came from input can become a formula; formulas come only from this package's own
templates, which name columns, never input text.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
import operator
import queue
import re
import threading
import zipfile
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import IO, Literal

import numpy as np

#: Excel's limits: rows per sheet and characters per cell.
MAX_ROWS = 1_048_576
MAX_CELL_TEXT = 32_767

#: Leading characters that make a spreadsheet program read typed text as a formula.
RISKY_START = ("=", "+", "-", "@", "\t", "\r", "\n")

Kind = Literal["text", "number", "date", "datetime", "formula", "blank"]
Value = str | int | float | Decimal | Fraction | dt.date | None

_INF = float("inf")
_EPOCH = dt.datetime(1899, 12, 30)
_EPOCH_DATE = _EPOCH.date()
# XML 1.0 forbids most C0 controls (tab, newline and carriage return are kept) and two
# non-characters; UTF-8 cannot hold a lone surrogate.
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_SPECIAL = re.compile("[&<>\r\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def column_letter(index: int) -> str:
    """``0 → "A"``, ``26 → "AA"``."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def clean_text(text: str) -> str:
    """``text`` as a spreadsheet can hold it: XML-illegal characters replaced, long text cut."""
    if _ILLEGAL.search(text):
        text = _ILLEGAL.sub("\ufffd", text)
    if len(text) > MAX_CELL_TEXT:
        cut = f" … ({len(text) - MAX_CELL_TEXT + 40:,} more characters cut)"
        text = text[: MAX_CELL_TEXT - len(cut)] + cut
    return text


def escape(text: str) -> str:
    """XML character data; a carriage return is kept as a reference so parsers do not fold it."""
    text = clean_text(text)
    if not _SPECIAL.search(text):
        return text
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return text.replace("\r", "&#13;")


def number_text(value: int | float | Decimal | Fraction) -> str:
    """A number as ``<v>`` text: exact decimals as written, other values as the nearest double."""
    kind = type(value)
    if kind is float:
        if value != value or value in (_INF, -_INF):
            raise ValueError(f"cannot write {value} to a spreadsheet")
        return repr(value)
    if kind is int:
        return str(value)
    if isinstance(value, bool):
        raise TypeError("write booleans as text")
    if isinstance(value, int):
        return str(int(value))
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError(f"cannot write {value} to a spreadsheet")
        return format(value, "f")
    number = float(value)
    if number != number or number in (float("inf"), float("-inf")):
        raise ValueError(f"cannot write {value} to a spreadsheet")
    return repr(number)


def serial(value: dt.date) -> str:
    """A date or naive date-time as an Excel serial number (1900 date system)."""
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            raise ValueError("convert date-times to a named zone's wall clock before writing")
        delta = value - _EPOCH
        seconds = delta.days * 86_400 + delta.seconds
        if delta.microseconds:
            return repr((seconds + delta.microseconds / 1e6) / 86_400)
        return str(seconds // 86_400) if seconds % 86_400 == 0 else repr(seconds / 86_400)
    return str((value - _EPOCH_DATE).days)


@dataclass(frozen=True)
class Column:
    """One column of a table sheet.

    ``formula`` is a template in which ``{name}`` is the cell of column ``name`` in the same row;
    the values given for a formula column are its cached results (what the engine computed).
    ``style`` names a style of the workbook's registry; per-row styles may replace it.
    """

    name: str
    header: str
    kind: Kind
    style: str
    width: float | None = None
    formula: str = ""


@dataclass(frozen=True)
class Table:
    """A sheet of rows: optional free rows on top, a header row, then the data in chunks.

    ``chunks`` yields mappings from column name to a list of values, one per row; a key
    ``"<name>:style"`` gives per-row style names for that column. In a formula template ``{r}``
    is the row's number and ``{r2}`` the number of the same record's row on a linked sheet.
    """

    columns: tuple[Column, ...]
    rows: int
    chunks: Callable[[], Iterator[Mapping[str, Sequence[object]]]]
    top: tuple[tuple[Cell | None, ...], ...] = ()
    header_style: str = "header"
    offset: int = 0  # in formulas, {r2} is row {r} + offset (the same record on a linked sheet)

    @property
    def header_row(self) -> int:
        """The row number of the header."""
        return len(self.top) + 1

    @property
    def last_row(self) -> int:
        """The last row number with data (the header's if there is none)."""
        return self.header_row + self.rows

    @property
    def last_column(self) -> str:
        """The letter of the last column."""
        return column_letter(len(self.columns) - 1)

    def letter(self, name: str) -> str:
        """The column letter of column ``name``."""
        for i, col in enumerate(self.columns):
            if col.name == name:
                return column_letter(i)
        raise KeyError(name)

    def span(self, name: str) -> str:
        """The data range of column ``name``, absolute, e.g. ``$K$10:$K$120009``."""
        col = self.letter(name)
        first, last = self.header_row + 1, max(self.last_row, self.header_row + 1)
        return f"${col}${first}:${col}${last}"


@dataclass(frozen=True)
class Cell:
    """A single cell of a table's free rows (titles, totals)."""

    kind: Kind
    value: Value
    style: str
    formula: str = ""


# A column named in a formula template: ``{availability}``.
_NAME = re.compile(r"\{([a-z_][a-z0-9_]*)\}")


class _Encoder:
    """Turns a column's values into ``<c>`` elements, with style ids resolved.

    The hot loop of a large export: each cell is the text before its row number (constant per
    column) and the text after it, which depends only on the style and the value, so repeated
    values (services, periods, zones) are encoded once. A formula that refers to its own row
    only is written once per column as a shared formula (as Excel itself writes a filled-down
    column); every other cell of the column points to it and carries its cached value.
    """

    def __init__(
        self,
        letter: str,
        column: Column,
        letters: Mapping[str, str],
        styles: Mapping[str, int],
        offset: int,
        span: tuple[int, int],
        shared: int,
    ) -> None:
        self.letter, self.column, self.styles, self.offset = letter, column, styles, offset
        self.first, self.last, self.shared = span[0], span[1], shared
        # Style id → the id of its quote-prefix twin, for text that starts like a formula.
        self.quoted = {sid: styles[f"{n}!q"] for n, sid in styles.items() if not n.endswith("!q")}
        self.template = ""
        self.cache: dict[tuple[int, object], str] = {}
        self.formula_cache: dict[tuple[int, object], tuple[str, str]] = {}
        if column.kind == "formula":
            resolved = _NAME.sub(
                lambda m: m[0] if m[1] in ("r", "r2") else f"{letters[m[1]]}{{r}}",
                column.formula,
            )
            self.template = escape(resolved)

    def encode(
        self, rows: range, values: Sequence[object], styles: Sequence[object] | None
    ) -> list[str]:
        ids = self.styles
        sids: Iterable[int] = (
            itertools.repeat(ids[self.column.style])
            if styles is None
            else [ids[str(s)] for s in styles]
        )
        cache, formula_cache, lead = self.cache, self.formula_cache, f'<c r="{self.letter}'
        if len(cache) > 8192 or len(formula_cache) > 8192:
            cache.clear()
            formula_cache.clear()
        get = cache.get
        out: list[str] = []
        append = out.append
        if self.shared >= 0:
            si, first, letter = self.shared, self.first, self.letter
            for r, v, s in zip(rows, values, sids):  # noqa: B905 (sids may be endless)
                key = (s, v)
                tails = formula_cache.get(key)
                if tails is None:
                    t, cached = _cached_tail(s, v)
                    tails = formula_cache[key] = (f'" s="{s}"{t}>', f"{cached}</c>")
                if r == first:
                    span = f"{letter}{first}:{letter}{self.last}"
                    text = self.template.format(r=r)
                    shared = f'<f t="shared" ref="{span}" si="{si}">{text}</f>'
                else:
                    shared = f'<f t="shared" si="{si}"/>'
                append(f"{lead}{r}{tails[0]}{shared}{tails[1]}")
            return out
        if self.column.kind == "formula":
            template, offset = self.template, self.offset
            for r, v, s in zip(rows, values, sids):  # noqa: B905 (sids may be endless)
                key = (s, v)
                tails = formula_cache.get(key)
                if tails is None:
                    t, cached = _cached_tail(s, v)
                    tails = formula_cache[key] = (f'" s="{s}"{t}><f>', f"</f>{cached}</c>")
                text = template.format(r=r, r2=r + offset)
                append(f"{lead}{r}{tails[0]}{text}{tails[1]}")
            return out
        kind = self.column.kind
        for r, v, s in zip(rows, values, sids):  # noqa: B905 (sids may be endless)
            key = (s, v)
            tail = get(key)
            if tail is None:
                tail = cache[key] = (
                    "" if v is None or v == "" else _value_tail(self.quoted, s, kind, v)
                )
            append(f"{lead}{r}{tail}" if tail else "")
        return out

    def fragment(
        self, rows: range, values: Sequence[object], styles: Sequence[object] | None, field: int
    ) -> Fragment:
        """This column's part of a row template for ``rows``, and the lists that fill its fields.

        In the template ``{0}`` is the row number and ``{1}`` the linked row's; this column's
        fields are numbered from ``field``. A column whose cells differ only in their value (and
        perhaps a style id), empty cells apart, is written as constant XML around the value, so
        a whole chunk of rows is formatted by ``str.format`` in C; any other column falls back to
        :meth:`encode`, one whole ``<c>`` element (or nothing) per row. Both give the same bytes.
        """
        column, ids = self.column, self.styles
        if column.kind == "blank" or (self.shared >= 0 and rows.start <= self.first):
            return self._general(rows, values, styles, field)
        if styles is None:
            style: str | None = str(ids[column.style])
        else:
            names = set(map(str, styles))
            style = str(ids[names.pop()]) if len(names) == 1 else None
        args: list[Sequence[object]] = []
        if style is None:
            args.append(list(map(ids.__getitem__, map(str, styles))))  # type: ignore[arg-type]
        sid = f"{{{field}}}" if style is None else style
        at = f"{{{field + len(args)}}}"
        lead = f'<c r="{self.letter}{{0}}" s="{sid}"'
        if column.kind == "formula":
            cached = _fast_cached(values)
            if cached is None:
                return self._general(rows, values, styles, field)
            kind, shown = cached
            if self.shared >= 0:
                f = f'<f t="shared" si="{self.shared}"/>'
            else:
                f = "<f>" + self.template.replace("{r}", "{0}").replace("{r2}", "{1}") + "</f>"
            return Fragment(f"{lead}{kind}>{f}<v>{at}</v></c>", [*args, shown])
        present: list[bool] | None = None
        given = values
        if None in values or "" in values:
            present = [v is not None and v != "" for v in values]
            given = list(itertools.compress(values, present))
            if not given:
                return Fragment("", [], present)
        numbers = _fast_numbers(given)
        if numbers is not None:
            if present is not None:  # absent cells' fields are never read
                numbers = _spread(numbers, present)
            return Fragment(f"{lead}><v>{at}</v></c>", [*args, numbers], present)
        shown_text: Sequence[object] | None = _fast_text(given)
        if shown_text is not None:
            if present is not None:
                shown_text = _spread(shown_text, present)
            return Fragment(
                f'{lead} t="inlineStr"><is><t>{at}</t></is></c>', [*args, shown_text], present
            )
        return self._general(rows, values, styles, field)

    def _general(
        self, rows: range, values: Sequence[object], styles: Sequence[object] | None, field: int
    ) -> Fragment:
        return Fragment(f"{{{field}}}", [self.encode(rows, values, styles)])


@dataclass(frozen=True)
class Fragment:
    """A column's part of a row template, the lists that fill its fields, and which rows have it.

    ``present`` is None when every row has the cell; else per row whether it does (a row
    without it is formatted with a template that leaves the cell out).
    """

    text: str
    args: list[Sequence[object]]
    present: list[bool] | None = None


def _spread(values: Sequence[object], present: Sequence[bool]) -> list[object]:
    """``values`` of the present rows, placed back among all rows (None where absent)."""
    it = iter(values)
    return [next(it) if p else None for p in present]


_NUMBER_TYPES = frozenset((int, float))
_EXACT_TYPES = frozenset((int, float, Decimal, Fraction))
_STR_TYPES = frozenset((int, float, Decimal))
# After a newline: a value's first character that needs a quote prefix or preserved space
# (searched in the reversed text too, for a last character that is a space).
_LEADING = re.compile(r"\n[\s=+\-@]")
_TRAILING = re.compile(r"\n\s")
# UTF-8 bytes that XML character data holds as they are (tab, newline, printable but & < >).
_PLAIN = bytes(b for b in range(256) if b in (9, 10) or (b >= 0x20 and b not in b"&<>"))


def _fast_numbers(values: Sequence[object]) -> Sequence[object] | None:
    """The ``<v>`` texts of a column of finite numbers (ints and floats as they are), or None."""
    kinds = set(map(type, values))
    if not kinds:
        return None
    if kinds <= _NUMBER_TYPES:
        # A sum of finite numbers is finite unless it overflows (then take the careful path).
        try:
            total = math.fsum(values)  # type: ignore[arg-type]
        except OverflowError:
            return None
        return values if math.isfinite(total) else None
    if kinds <= _STR_TYPES:
        # str() of these is number_text() unless a Decimal needs an exponent ("1E+2") or a
        # value is not finite ("NaN", "inf", "Infinity" all hold an n): then the careful way.
        shown = list(map(str, values))
        joined = "".join(shown)
        if "E" not in joined and "n" not in joined and "N" not in joined:
            return shown
    if kinds <= _EXACT_TYPES:
        try:
            return [number_text(v) for v in values]  # type: ignore[arg-type]
        except ValueError:
            return None
    return None


def _escaped(values: Sequence[str], distinct: set[str]) -> Sequence[str] | None:
    """Text values as XML character data, or None if some value is too long for a cell."""
    if max(map(len, distinct), default=0) > MAX_CELL_TEXT:
        return None
    try:
        data = "\n".join(distinct).encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate: escape() replaces it
        data = b"\x00"
    if (
        not data.translate(None, _PLAIN)
        and b"\xef\xbf\xbe" not in data
        and b"\xef\xbf\xbf" not in data
    ):
        return values
    escaped = {v: escape(v) for v in distinct}
    return [escaped[v] for v in values]


def _fast_text(values: Sequence[object]) -> Sequence[str] | None:
    """Inline text as written (escaped), or None if some value needs a quote prefix or space."""
    if set(map(type, values)) != {str}:
        return None
    distinct: set[str] = set(values)  # type: ignore[arg-type]
    joined = "\n" + "\n".join(distinct) + "\n"
    if _LEADING.search(joined) or _TRAILING.search(joined[::-1]):
        return None
    return _escaped(values, distinct)  # type: ignore[arg-type]


def _fast_cached(values: Sequence[object]) -> tuple[str, Sequence[object]] | None:
    """The type attribute and ``<v>`` texts of a formula column's cached values, or None."""
    numbers = _fast_numbers(values)
    if numbers is not None:
        return "", numbers
    if values and set(map(type, values)) == {str}:
        shown = _escaped(values, set(values))  # type: ignore[arg-type]
        if shown is not None:
            return ' t="str"', shown
    return None


def _value_tail(quoted: Mapping[int, int], style: int, kind: Kind, value: object) -> str:
    """What follows the row number in a value cell's XML."""
    if isinstance(value, str):
        if value.startswith(RISKY_START):
            style = quoted[style]
        text = escape(value)
        space = ' xml:space="preserve"' if text[:1].isspace() or text[-1:].isspace() else ""
        return f'" s="{style}" t="inlineStr"><is><t{space}>{text}</t></is></c>'
    if isinstance(value, dt.date):
        return f'" s="{style}"><v>{serial(value)}</v></c>'
    return f'" s="{style}"><v>{number_text(value)}</v></c>'  # type: ignore[arg-type]


def _cached_tail(style: int, cached: object) -> tuple[str, str]:
    """The type attribute and the ``<v>`` of a formula cell's cached value."""
    if cached is None:
        return "", ""
    if isinstance(cached, str):
        return ' t="str"', f"<v>{escape(cached)}</v>"
    if isinstance(cached, dt.date):
        return "", f"<v>{serial(cached)}</v>"
    if not isinstance(cached, int | float | Decimal | Fraction):
        raise TypeError(f"cached value {cached!r} is not a number, text or date")
    return "", f"<v>{number_text(cached)}</v>"


def _style_id(ids: Mapping[str, int], name: str, value: object) -> int:
    """The style of a value cell; text that starts like a formula gets the quote-prefix twin."""
    if isinstance(value, str) and value.startswith(RISKY_START):
        return ids[f"{name}!q"]
    return ids[name]


def value_cell(ref: str, style: int, kind: Kind, value: object) -> str:
    """A ``<c>`` element holding a value (text is always an inline string, never a formula)."""
    if kind == "blank":
        return f'<c r="{ref}" s="{style}"/>'
    if value is None or value == "":
        return ""
    if kind == "text" or isinstance(value, str):
        text = escape(str(value))
        space = ' xml:space="preserve"' if text != text.strip() else ""
        return f'<c r="{ref}" s="{style}" t="inlineStr"><is><t{space}>{text}</t></is></c>'
    if isinstance(value, dt.date):  # a number in a date column is already a serial
        return f'<c r="{ref}" s="{style}"><v>{serial(value)}</v></c>'
    if not isinstance(value, int | float | Decimal | Fraction):
        raise TypeError(f"{ref}: {value!r} is not a number")
    return f'<c r="{ref}" s="{style}"><v>{number_text(value)}</v></c>'


def formula_cell(ref: str, style: int, formula: str, cached: object) -> str:
    """A ``<c>`` element holding a formula and the value it is known to compute."""
    if cached is None:
        return f'<c r="{ref}" s="{style}"><f>{formula}</f></c>'
    if isinstance(cached, str):
        return f'<c r="{ref}" s="{style}" t="str"><f>{formula}</f><v>{escape(cached)}</v></c>'
    if isinstance(cached, dt.date):
        return f'<c r="{ref}" s="{style}"><f>{formula}</f><v>{serial(cached)}</v></c>'
    if not isinstance(cached, int | float | Decimal | Fraction):
        raise TypeError(f"{ref}: cached value {cached!r} is not a number, text or date")
    return f'<c r="{ref}" s="{style}"><f>{formula}</f><v>{number_text(cached)}</v></c>'


def table_rows(
    table: Table, styles: Mapping[str, int], header_height: float | None = None
) -> Iterator[str]:
    """The ``<row>`` elements of ``table``: free rows, the header, then every data row.

    ``header_height`` (points) fixes the header row's height, for headers that wrap: not every
    program fits a row to wrapped text when it opens a file.
    """
    if table.last_row > MAX_ROWS:
        raise ValueError(f"{table.rows:,} rows do not fit in one sheet ({MAX_ROWS:,} rows)")
    yield from free_rows(((cells, None) for cells in table.top), styles)
    h, hid = table.header_row, styles[table.header_style]
    header = "".join(
        value_cell(f"{column_letter(i)}{h}", hid, "text", col.header)
        for i, col in enumerate(table.columns)
    )
    height = f' ht="{header_height:g}" customHeight="1"' if header_height else ""
    yield f'<row r="{h}"{height}>{header}</row>'
    letters = {col.name: column_letter(i) for i, col in enumerate(table.columns)}
    first = h + 1
    shared = itertools.count()  # shared-formula ids, 0, 1, 2, … as Excel numbers them
    encoders = [
        _Encoder(
            letters[c.name],
            c,
            letters,
            styles,
            table.offset,
            (first, table.last_row),
            next(shared) if c.kind == "formula" and "{r2}" not in c.formula else -1,
        )
        for c in table.columns
    ]
    written = 0
    for chunk in table.chunks():
        n = len(chunk[table.columns[0].name])
        # The first data row alone: it holds the shared formulas' masters.
        for lo, hi in ((0, 1), (1, n)) if written == 0 and n > 1 else ((0, n),):
            rows = range(first + written + lo, first + written + hi)
            yield _chunk_rows(encoders, rows, chunk, slice(lo, hi), table.offset)
        written += n
    if written != table.rows:
        raise RuntimeError(f"table promised {table.rows} rows but gave {written}")


def _chunk_rows(
    encoders: Sequence[_Encoder],
    rows: range,
    chunk: Mapping[str, Sequence[object]],
    part: slice,
    offset: int,
) -> str:
    """The ``<row>`` elements of ``rows``: row templates filled column-wise by str.format.

    Rows that leave out the same cells (empty values) share a template; most chunks need one.
    """
    if not rows:
        return ""
    whole = part == slice(0, len(chunk[encoders[0].column.name]))
    fields: list[Sequence[object]] = [
        list(map(str, rows)),
        list(map(str, range(rows.start + offset, rows.stop + offset))),
    ]
    fragments: list[Fragment] = []
    for enc in encoders:
        values = chunk[enc.column.name]
        styles = chunk.get(f"{enc.column.name}:style")
        if not whole:
            values = values[part]
            styles = None if styles is None else styles[part]
        fragment = enc.fragment(rows, values, styles, len(fields))
        fragments.append(fragment)
        fields += fragment.args
    optional = [(i, f.present) for i, f in enumerate(fragments) if f.present is not None]
    if not optional:
        template = '<row r="{0}">' + "".join(f.text for f in fragments) + "</row>"
        return "".join(map(template.format, *fields))
    # Group the rows by which of the optional cells they have.
    keys = np.zeros(len(rows), dtype=np.int64)
    for bit, (_, present) in enumerate(optional):
        keys |= np.asarray(present, dtype=np.int64) << bit
    texts: list[str] = []
    order: list[np.ndarray] = []
    for key in np.unique(keys).tolist():
        leave_out = {i for bit, (i, _) in enumerate(optional) if not key >> bit & 1}
        template = (
            '<row r="{0}">'
            + "".join(f.text for i, f in enumerate(fragments) if i not in leave_out)
            + "</row>"
        )
        where = np.flatnonzero(keys == key)
        if len(where) == len(rows):
            return "".join(map(template.format, *fields))
        take = operator.itemgetter(*where.tolist())
        picked = [take(f) for f in fields] if len(where) > 1 else [(take(f),) for f in fields]
        texts += map(template.format, *picked)
        order.append(where)
    back = np.argsort(np.concatenate(order), kind="stable")
    return "".join(operator.itemgetter(*back.tolist())(texts)) if len(texts) > 1 else texts[0]


def free_rows(
    rows: Iterable[tuple[Sequence[Cell | None], float | None]],
    styles: Mapping[str, int],
    first: int = 1,
) -> Iterator[str]:
    """``<row>`` elements of laid-out rows (titles, letters): cells by column, optional height."""
    for r, (cells, height) in enumerate(rows, start=first):
        parts = []
        for i, cell in enumerate(cells):
            if cell is None:
                continue
            ref = f"{column_letter(i)}{r}"
            if cell.kind == "formula":
                parts.append(
                    formula_cell(ref, styles[cell.style], escape(cell.formula), cell.value)
                )
            else:
                sid = _style_id(styles, cell.style, cell.value)
                parts.append(value_cell(ref, sid, cell.kind, cell.value))
        ht = f' ht="{height:g}" customHeight="1"' if height else ""
        if parts or ht:
            yield f'<row r="{r}"{ht}>{"".join(parts)}</row>'


_EMPTY_SHEET_DATA = re.compile(r"<sheetData\s*/>|<sheetData>\s*</sheetData>")
_DIMENSION = re.compile(r'<dimension ref="[^"]*"\s*/>')


@dataclass(frozen=True)
class SheetRows:
    """The rows to put into one worksheet part of the package."""

    dimension: str  # the used range, e.g. "A1:AO5"
    rows: Iterable[str]  # the <row> elements, in order
    large: bool = False  # may pass 2 GiB uncompressed: write the part with ZIP64 extensions


def write_package(
    scaffold: IO[bytes],
    sheets: Mapping[str, SheetRows],
    target: str | IO[bytes],
    date_time: tuple[int, int, int, int, int, int],
    replace: Mapping[str, bytes] | None = None,
) -> None:
    """Copy the openpyxl package ``scaffold`` to ``target``, filling the named sheets' rows.

    ``sheets`` maps a part name (``xl/worksheets/sheet2.xml``) to its rows; ``replace`` gives
    whole parts to write instead of the scaffold's.
    Rows are streamed in batches, so memory stays bounded however many there are.
    """
    replace = replace or {}
    with (
        zipfile.ZipFile(scaffold) as source,
        zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as package,
    ):
        names = source.namelist()
        # [Content_Types].xml first, as every other writer does; some readers sniff for it.
        names.sort(key=lambda n: n != "[Content_Types].xml")
        for name in names:
            data = replace.get(name, source.read(name))
            if name not in sheets:
                info = zipfile.ZipInfo(name, date_time)
                package.writestr(info, data, zipfile.ZIP_DEFLATED, compresslevel=6)
                continue
            fill = sheets[name]
            text = data.decode("utf-8")
            parts = _EMPTY_SHEET_DATA.split(text)
            if len(parts) != 2:
                raise RuntimeError(f"{name}: expected one empty <sheetData> from openpyxl")
            head = _DIMENSION.sub(f'<dimension ref="{fill.dimension}"/>', parts[0], count=1)
            # Fast compression for the big parts: level 6 saves little on such repetitive XML
            # and costs much more time. Opened by name, a part takes the package's level (1);
            # a ZipInfo's own level is public only from Python 3.13, so these parts carry the
            # ZipInfo default time, 1980-01-01, which keeps the package repeatable all the same.
            # ZIP64 only when needed: some older readers call a small ZIP64 package corrupt.
            with (
                package.open(name, "w", force_zip64=fill.large) as part,
                _Behind(part) as out,
            ):
                out.write(head.encode("utf-8"))
                out.write(b"<sheetData>")
                batch: list[str] = []
                size = 0
                for row in fill.rows:
                    batch.append(row)
                    size += len(row)
                    if size > 1 << 20:
                        out.write("".join(batch).encode("utf-8"))
                        batch, size = [], 0
                out.write("".join(batch).encode("utf-8"))
                out.write(b"</sheetData>")
                out.write(parts[1].encode("utf-8"))


class _Behind:
    """Writes to ``out`` in a second thread, so a part is compressed while its next rows are made.

    ``zlib`` releases the GIL while it compresses and checksums, so the second core does that
    work. At most a few batches wait in the queue: memory stays bounded.
    """

    def __init__(self, out: IO[bytes]) -> None:
        self.out = out
        self.queue: queue.Queue[bytes | None] = queue.Queue(maxsize=3)
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, name="xlsx-writer", daemon=True)

    def _run(self) -> None:
        while (data := self.queue.get()) is not None:
            if self.error is None:
                try:
                    self.out.write(data)
                except BaseException as error:  # handed to the caller's thread
                    self.error = error

    def write(self, data: bytes) -> None:
        if self.error is not None:
            raise self.error
        self.queue.put(data)

    def __enter__(self) -> _Behind:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.queue.put(None)
        self.thread.join()
        if self.error is not None and exc[0] is None:
            raise self.error
