"""Files, bytes and DataFrames in; one raw table of cells out, each row with the number a user sees.

This is the edge where outage and customer tables enter. It knows formats, not meanings: it tells a
CSV from an Excel workbook, a JSON export, an HTML page or a zip by their bytes, decodes text, finds
the header row and numbers every data row as the user would find it:

* CSV: the file's line number (header on line 1, so the first data row is 2);
* Excel ``.xlsx``: the sheet's row number;
* JSON: the record's position in the list, from 1;
* a DataFrame: the row's position, from 1.

Title lines above the header (rows of one cell, such as ``Outages March 2026``, before the first
row of several) are skipped and noted. A workbook's first sheet is read unless the caller's
``wanted`` test says it does not hold the table and one other sheet does (a cover page).

Rows whose cells are all empty carry nothing and are skipped (and counted in ``blank_rows``). A CSV
row with more cells than the header is rejected whole: an unquoted delimiter inside a value shifts
every later cell, so no cell of it can be trusted.

Limits (module constants, so a test or a server can lower them; docs/limits.md has them with the
time and memory they bound). They are checked before the costly step they guard, so a hostile file
is refused in bounded time and memory:

* any file: :data:`MAX_BYTES` bytes, checked before it is read;
* a header: :data:`~slacalc.io.headers.MAX_COLUMNS` columns of at most
  :data:`~slacalc.io.headers.MAX_HEADER_CHARS` characters, checked on the CSV's first line
  before it is parsed;
* rows: :data:`MAX_FILE_ROWS` data rows for a file (a CSV's lines are counted before it is
  parsed), :data:`MAX_ROWS` for a DataFrame;
* an ``.xlsx``: :data:`MAX_XLSX_UNZIPPED` bytes once unzipped (the sizes the zip declares, which
  it cannot exceed) and :data:`MAX_XLSX_CELLS` cells in its sheets, counted in one streaming pass
  over the sheets' XML before openpyxl builds anything (openpyxl reads about 80,000 cells a
  second);
* JSON: :data:`MAX_JSON_BYTES` bytes (Python objects take about ten times their text).

A DataFrame is already in the caller's memory, but it may just as well have been built from an
upload (a Parquet file, a web form), and checking it takes a few times its own memory; so it is
held to :data:`MAX_ROWS` by default. ``max_rows=`` lifts the row limit as the caller's explicit
decision: for a DataFrame to any number (``read_outages(frame, max_rows=len(frame))``), for a
file up to :data:`MAX_ROWS` (the CLI's ``--max-rows``).
"""

from __future__ import annotations

import csv
import importlib.util
import io
import json
import os
import re
import warnings
import zipfile
import zlib
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from decimal import Decimal
from pathlib import Path
from typing import IO, Any, Literal

import numpy as np
import pandas as pd

from slacalc.errors import InputError, RowProblem
from slacalc.io.cells import arrow_text
from slacalc.io.headers import MAX_COLUMNS, MAX_HEADER_CHARS, check_headers
from slacalc.io.wording import option

#: Largest file read, in bytes (200 MiB); a bigger one is refused before it is parsed.
MAX_BYTES = 200 * 1024 * 1024
#: Most data rows in a DataFrame (5 million), and in a file whose reader lifts its limit.
MAX_ROWS = 5_000_000
#: Most data rows in a file unless ``max_rows=`` says more (reading takes about 0.5 KB a row).
MAX_FILE_ROWS = 1_000_000
#: Most bytes an ``.xlsx`` may hold once unzipped (64 MiB), so a zip bomb is refused unread.
MAX_XLSX_UNZIPPED = 64 * 1024 * 1024
#: Most cells in a workbook's sheets (1.5 million: about 20 s of openpyxl).
MAX_XLSX_CELLS = 1_500_000
#: Largest JSON text (32 MiB).
MAX_JSON_BYTES = 32 * 1024 * 1024

Format = Literal["csv", "xlsx", "json", "dataframe"]
#: Whether a header row is the one of the table wanted (an outage table has start and end).
Wanted = Callable[[Sequence[str]], bool]
TableSource = pd.DataFrame | str | os.PathLike[str] | bytes | bytearray | IO[str] | IO[bytes]

#: Excel's day zero for serial dates in the 1900 date system (it counts a 29 February 1900).
EXCEL_EPOCH = pd.Timestamp("1899-12-30")

#: How much of a text file the format checks and the delimiter sniffing read (characters).
_SAMPLE = 65536
#: Control characters that text tables do not hold: C0 but tab, newlines, form and line feeds;
#: DEL; C1 (0x80-0x9F, the mark of bytes decoded with the wrong code page).
_CONTROLS = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f]")
_DELIMITERS = (",", ";", "\t", "|")
_DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}
_EXTENSIONS: dict[str, str] = {
    ".csv": "csv",
    ".tsv": "csv",
    ".tab": "csv",
    ".txt": "text",
    ".json": "json",
    ".xlsx": "xlsx",
    ".xlsm": "xlsx",
}
_UNSUPPORTED_EXTENSIONS = {
    ".xls": "an old-style Excel .xls workbook; save it as .xlsx or CSV",
    ".xlsb": "a binary Excel .xlsb workbook; save it as .xlsx or CSV",
    ".ods": "an OpenDocument spreadsheet; save it as .xlsx or CSV",
    ".numbers": "an Apple Numbers file; export it as .xlsx or CSV",
    ".parquet": "a Parquet file; read it with pandas and pass the DataFrame",
}
_JSON_LIST_KEYS = ("incidents", "outages", "windows", "customers", "tenants", "value", "data")


@dataclass(frozen=True)
class RawTable:
    """A table of untyped cells as read: headers, one row per data row, and how it was read.

    ``cells`` has positional columns ``0 .. len(headers) - 1``: CSV cells are strings (missing as
    NA), other formats keep their native values (numbers, datetimes, booleans, ``None``).
    """

    headers: tuple[str, ...]
    cells: pd.DataFrame
    rows: np.ndarray
    source: str
    format: Format
    details: str = ""
    rejected: tuple[RowProblem, ...] = ()
    blank_rows: int = 0
    serial_epoch: pd.Timestamp = EXCEL_EPOCH
    notes: tuple[str, ...] = field(default=())
    #: A workbook's sheet names (empty for other formats).
    sheets: tuple[str, ...] = ()
    #: The sheet read, of a workbook ("" for other formats).
    sheet: str = ""

    @property
    def rows_read(self) -> int:
        """Data rows read: the rows in ``cells`` plus the rows rejected while reading."""
        return len(self.cells) + len({p.row for p in self.rejected})


def read_table(
    source: TableSource,
    *,
    sheet: str | int | None = None,
    max_rows: int | None = None,
    wanted: Wanted | None = None,
) -> RawTable:
    """Read ``source`` (a path, bytes, a file-like object or a DataFrame) as a raw table.

    The format comes from the content, checked against the file name's extension when there is
    one; an unusable input raises :class:`InputError` with a message saying what to do.
    ``max_rows`` replaces :data:`MAX_ROWS` for a DataFrame and :data:`MAX_FILE_ROWS` (up to
    :data:`MAX_ROWS`) for a file (see the module's notes on limits). ``wanted`` tells the
    table's header from another (a workbook's cover page: see :func:`_read_xlsx`).
    """
    if max_rows is not None and (
        isinstance(max_rows, bool) or not isinstance(max_rows, int | np.integer) or max_rows < 1
    ):
        raise InputError(f"max_rows={max_rows!r}: give a whole number of rows above zero")
    if isinstance(source, pd.DataFrame):
        if sheet is not None:
            raise InputError("sheet= applies only to Excel workbooks, not to a DataFrame")
        return _from_dataframe(source, MAX_ROWS if max_rows is None else int(max_rows))
    if max_rows is not None and max_rows > MAX_ROWS:
        raise InputError(f"max_rows={max_rows:,}: a file is limited to at most {MAX_ROWS:,} rows")
    limit = min(MAX_FILE_ROWS, MAX_ROWS) if max_rows is None else int(max_rows)
    data, name = _read_bytes(source)
    origin = name or "the input"
    expected = _expected_kind(name)
    kind = _sniff(data, origin)
    if expected == "xlsx" and kind != "xlsx":
        raise InputError(f"{origin}: the name says Excel workbook, but the content is {kind}")
    if expected in ("csv", "json") and kind == "xlsx":
        raise InputError(
            f"{origin}: the name says {expected.upper()}, but the content is an Excel workbook; "
            "rename it to .xlsx"
        )
    if sheet is not None and kind != "xlsx":
        raise InputError(f"{origin}: sheet= applies only to Excel workbooks; this is not one")
    if kind == "xlsx":
        return _read_xlsx(data, origin, sheet, limit, wanted)
    if b"\x00" not in data[:_SAMPLE] and data.isascii():
        # ASCII is UTF-8 as it is: decode only the sample the checks below read (a 78 MB
        # decode costs 0.03 s), and the whole text only if a slow path needs it
        text: str | None = None
        head, encoding = data[:_SAMPLE].decode("ascii"), "UTF-8"
    else:
        text, encoding = _decode(data, origin)
        head = text
    _check_text(head, origin)
    start = head.lstrip()[:1]
    looks_json = start in ("[", "{")
    if expected == "json" or (expected != "csv" and looks_json):
        if not looks_json:
            raise InputError(f"{origin}: the name says JSON, but the content is not JSON")
        if len(data) > MAX_JSON_BYTES:
            raise InputError(
                f"{origin}: {len(data):,} bytes of JSON, above the limit of {MAX_JSON_BYTES:,}; "
                "give large tables as CSV"
            )
        return _read_json(data.decode("ascii") if text is None else text, origin, limit)
    if looks_json and expected == "csv":
        raise InputError(f"{origin}: the name says CSV, but the content looks like JSON")
    return _read_csv(data, text, encoding, origin, limit)


# --- bytes in -----------------------------------------------------------------------------------


def _read_bytes(source: object) -> tuple[bytes, str]:
    """The content of a path, bytes or file-like object, refusing more than ``MAX_BYTES``."""
    if isinstance(source, bytes | bytearray | memoryview):
        data = bytes(source)
        name = ""
    elif isinstance(source, str | os.PathLike):
        path = Path(source)
        name = str(path)
        try:
            if path.is_dir():
                raise InputError(f"{name}: is a folder, not a file")
            size = path.stat().st_size
            if size > MAX_BYTES:
                raise InputError(f"{name}: {size:,} bytes is above the limit of {MAX_BYTES:,}")
            data = path.read_bytes()
        except FileNotFoundError:
            hint = " (to pass text, wrap it: io.StringIO(text))" if "\n" in name else ""
            raise InputError(f"{_short(name)}: no such file{hint}") from None
        except OSError as exc:
            raise InputError(f"{name}: cannot read the file: {exc.strerror or exc}") from None
    elif hasattr(source, "read"):
        name = str(getattr(source, "name", "") or "")
        try:
            content = source.read(MAX_BYTES + 1)
        except (OSError, ValueError) as exc:
            raise InputError(f"{name or 'the input'}: cannot read it: {exc}") from None
        if isinstance(content, str):
            data = content.encode("utf-8", errors="surrogatepass")
        elif isinstance(content, bytes | bytearray):
            data = bytes(content)
        else:
            raise InputError(f"{name or 'the input'}: reading it gave {type(content).__name__}")
    else:
        raise InputError(
            f"cannot read a {type(source).__name__}: pass a file path, bytes, an open file or a "
            "pandas DataFrame"
        )
    if len(data) > MAX_BYTES:
        raise InputError(f"{name or 'the input'}: larger than the limit of {MAX_BYTES:,} bytes")
    return data, name


def _short(text: str) -> str:
    return text if len(text) <= 60 else text[:57] + "..."


def _expected_kind(name: str) -> str:
    """The format the name promises: ``csv``, ``json``, ``xlsx``, or ``""`` (ask the bytes)."""
    suffix = Path(name).suffix.lower() if name else ""
    if suffix in _UNSUPPORTED_EXTENSIONS:
        raise InputError(f"{name}: {_UNSUPPORTED_EXTENSIONS[suffix]}")
    kind = _EXTENSIONS.get(suffix, "")
    return "" if kind == "text" else kind


def _sniff(data: bytes, origin: str) -> str:
    """``"xlsx"`` or ``"text"``; anything else is refused with a message naming what it is."""
    if not data or data.isspace():
        raise InputError(f"{origin}: the file is empty")
    head = data[:8]
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return _zip_kind(data, origin)
    binary = {
        b"\xd0\xcf\x11\xe0": "an old-style Office file (.xls, or a password-protected workbook)",
        b"%PDF": "a PDF document",
        b"\x1f\x8b": "gzip-compressed data; decompress it first",
        b"\x89PNG": "a PNG image",
        b"\xff\xd8\xff": "a JPEG image",
        b"GIF8": "a GIF image",
        b"7z\xbc\xaf": "a 7-Zip archive",
        b"Rar!": "a RAR archive",
        b"PAR1": "a Parquet file",
        b"SQLite format": "an SQLite database",
    }
    for magic, what in binary.items():
        if data.startswith(magic):
            raise InputError(f"{origin}: this is {what}, not a table slacalc reads")
    return "text"


def _zip_kind(data: bytes, origin: str) -> str:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            unzipped = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise InputError(f"{origin}: a damaged zip archive, not a table slacalc reads") from None
    if "xl/workbook.xml" in names:
        if unzipped > MAX_XLSX_UNZIPPED:
            raise InputError(
                f"{origin}: the workbook unzips to {unzipped:,} bytes, above the limit of "
                f"{MAX_XLSX_UNZIPPED:,}; save the table as CSV"
            )
        return "xlsx"
    if "word/document.xml" in names:
        raise InputError(f"{origin}: this is a Word document, not a table slacalc reads")
    if "ppt/presentation.xml" in names:
        raise InputError(f"{origin}: this is a PowerPoint file, not a table slacalc reads")
    raise InputError(f"{origin}: this is a zip archive; unzip it and give the table inside")


def _decode(data: bytes, origin: str) -> tuple[str, str]:
    """Text and the encoding's name: a BOM decides; else UTF-8, then Windows-1252, then Latin-1."""
    boms = (
        (b"\xff\xfe\x00\x00", "utf-32-le", "UTF-32"),
        (b"\x00\x00\xfe\xff", "utf-32-be", "UTF-32"),
        (b"\xef\xbb\xbf", "utf-8", "UTF-8 with BOM"),
        (b"\xff\xfe", "utf-16-le", "UTF-16"),
        (b"\xfe\xff", "utf-16-be", "UTF-16"),
    )
    for bom, codec, label in boms:
        if data.startswith(bom):
            try:
                return data[len(bom) :].decode(codec), label
            except UnicodeDecodeError as exc:
                if codec == "utf-8":
                    raise InputError(_mixed_bom(data, len(bom) + exc.start, origin)) from None
                raise InputError(
                    f"{origin}: starts with a {label} mark but is not {label}"
                ) from None
    if b"\x00" in data[:65536]:
        raise InputError(
            f"{origin}: binary data, not text (a UTF-16 text file needs its byte-order mark; "
            "or save it as UTF-8)"
        )
    for codec, label in (("utf-8", "UTF-8"), ("cp1252", "Windows-1252")):
        try:
            return data.decode(codec), label
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1"), "Latin-1"


def _mixed_bom(data: bytes, position: int, origin: str) -> str:
    """Why a file with a UTF-8 mark and bytes that are not UTF-8 is refused, and the fix."""
    line = data.count(b"\n", 0, position) + 1
    byte = data[position]
    try:
        shown = f" ({bytes([byte]).decode('cp1252')!r} in Windows-1252)"
    except UnicodeDecodeError:
        shown = ""
    return (
        f"{origin}: starts with a UTF-8 byte-order mark, but the byte at offset {position:,} "
        f"(line {line}: 0x{byte:02X}{shown}) is not UTF-8; part of the file was saved in "
        "another encoding. "
        "Save it again as 'CSV UTF-8', or, if all of it is Windows-1252, remove the first three "
        "bytes (the mark) so slacalc reads it as Windows-1252"
    )


def _check_text(text: str, origin: str) -> None:
    """Refuse text that is binary, an HTML page or XML, with a message that says which."""
    sample = text[:65536]
    if not sample.strip():
        raise InputError(f"{origin}: the file is empty")
    controls = len(_CONTROLS.findall(sample))
    if "\x00" in sample or controls > max(2, len(sample) // 100):
        raise InputError(f"{origin}: binary data, not a text table")
    start = sample.lstrip()[:2048].lower()
    page = any(tag in start for tag in ("<html", "<body", "<head"))
    if start.startswith("<!doctype html") or (start.startswith("<") and page):
        raise InputError(
            f"{origin}: this is a web page (HTML), not a table; it may be a login or error page "
            "saved instead of the export"
        )
    if start.startswith("<"):
        raise InputError(f"{origin}: this is an XML document, not a CSV or JSON table")


# --- CSV ----------------------------------------------------------------------------------------


def sniff_delimiter(text: str) -> str:
    """The delimiter of a CSV text: the one of ``, ; tab |`` most used in its header line."""
    first = next((line for line in text[:65536].splitlines() if line.strip()), "")
    counts = {d: _count_outside_quotes(first, d) for d in _DELIMITERS}
    best = max(_DELIMITERS, key=lambda d: (counts[d], -_DELIMITERS.index(d)))
    return best if counts[best] else ","


def _count_outside_quotes(line: str, delimiter: str) -> int:
    count, quoted = 0, False
    for ch in line:
        if ch == '"':
            quoted = not quoted
        elif ch == delimiter and not quoted:
            count += 1
    return count


def _read_csv(data: bytes, text: str | None, encoding: str, origin: str, limit: int) -> RawTable:
    """A CSV of ``data``; ``text`` is its decoded text, or None when ``data`` is plain ASCII."""
    delimiter = sniff_delimiter(data[:_SAMPLE].decode("ascii") if text is None else text)
    details = f"CSV, {encoding}, {_DELIMITER_NAMES[delimiter]}-separated"
    utf8 = data if encoding == "UTF-8" or text is None else text.encode("utf-8")
    _check_header_line(utf8, delimiter, origin)
    # Lines that are not empty, less the header: at least the rows (a value spanning lines adds
    # lines), counted before anything is parsed. All lines first (one pass, which the fast parse
    # below reuses); the empty ones only when that is above the limit.
    newlines = _count_newlines(utf8)
    lines = newlines + (not utf8.endswith(b"\n")) - 1
    if lines > limit:
        lines -= utf8.count(b"\n\n")
    if lines > limit:
        raise InputError(
            f"{origin}: {lines:,} data lines, above the limit of {limit:,} rows; split the file, "
            f"or lift the limit (up to {MAX_ROWS:,}: --max-rows, max_rows=) if the memory is there"
        )
    fast = _csv_fast(utf8, delimiter, newlines)
    if fast is not None:
        headers, cells = fast
        rows = np.arange(2, len(cells) + 2, dtype=np.int64)
        rejected: list[RowProblem] = []
    else:
        full = data.decode("ascii") if text is None else text
        headers, cells, rows, rejected, titles = _csv_slow(full, delimiter, origin, limit)
        if titles:
            table = _finish(headers, cells, rows, origin, "csv", details, rejected, limit=limit)
            return replace(table, notes=(_titles_note(titles), *table.notes))
    return _finish(headers, cells, rows, origin, "csv", details, rejected, limit=limit)


def _count_newlines(data: bytes, block: int = 1 << 18) -> int:
    """How many newline bytes ``data`` holds: compared a block at a time by numpy into one small
    reused array (cheaper than ``bytes.count``, and no array the size of the file)."""
    if len(data) <= block:
        return data.count(b"\n")
    octets = np.frombuffer(data, dtype=np.uint8)
    found = np.empty(block, dtype=bool)
    count = 0
    for start in range(0, len(octets), block):
        part = octets[start : start + block]
        np.equal(part, 0x0A, out=found[: len(part)])
        count += int(np.count_nonzero(found[: len(part)]))
    return count


def _check_header_line(utf8: bytes, delimiter: str, origin: str) -> None:
    """Refuse a first line with more columns than a header may have, or longer than such a
    header can be, before it is parsed (a 200,000-column header once took minutes of fuzzy
    matching). Counted with memchr; quotes are minded only in a line of a plausible length."""
    longest = MAX_COLUMNS * (MAX_HEADER_CHARS + 3)
    start = len(utf8) - len(utf8.lstrip(b"\r\n"))
    end = utf8.find(b"\n", start)
    line = utf8[start : len(utf8) if end < 0 else end]
    if len(line) <= longest:
        columns = _count_outside_quotes(line.decode("utf-8", errors="replace"), delimiter) + 1
    else:
        columns = line.count(delimiter.encode()) + 1
    if columns > MAX_COLUMNS:
        raise InputError(
            f"{origin}: the header has {columns:,} columns, above the limit of {MAX_COLUMNS:,}"
        )
    if len(line) > longest:
        raise InputError(
            f"{origin}: the first line has {len(line):,} bytes, more than a header of "
            f"{MAX_COLUMNS:,} columns can have; is it the header of the table?"
        )


def _csv_fast(utf8: bytes, delimiter: str, newlines: int) -> tuple[list[str], pd.DataFrame] | None:
    """Whole-file parse by pyarrow (pandas' C parser without it), or None when line numbers
    would lie. ``newlines`` is the number of newline bytes in ``utf8``.

    Line numbers are simply ``index + 2`` only if the file has no blank line and every record is
    one line; that holds exactly when there is no empty line and the record count equals the line
    count. Anything else (blank lines, values spanning lines, ragged rows) takes the slow path.
    """
    engine = "pyarrow" if importlib.util.find_spec("pyarrow") else "c"
    if b"\r" in utf8:
        text = utf8.decode("utf-8").replace("\r\n", "\n").replace("\r", "\n")
        body = text.rstrip("\n")
        if "\n\n" in body or body.startswith("\n"):
            return None
        lines = body.count("\n") + 1
    else:
        # The same on the UTF-8 bytes, where a newline is always the one byte 0x0A: no copy of
        # the text, and bytes.count scans with memchr. The search for an empty line (0.06 s per
        # 78 MB) is needed only by the C engine: pyarrow skips empty lines, so a file that has
        # one gives fewer records than lines and takes the slow path below anyway.
        end = len(utf8)
        while end and utf8[end - 1] == 0x0A:
            end -= 1
        if engine == "c" and (utf8.find(b"\n\n", 0, end) >= 0 or (end and utf8[0] == 0x0A)):
            return None
        lines = newlines - (len(utf8) - end) + 1  # the newlines before ``end``
    try:
        frame = _arrow_csv(utf8, delimiter) if engine == "pyarrow" else _c_csv(utf8, delimiter)
    except Exception:
        return None
    if len(frame) != lines or frame.shape[1] == 0:
        return None
    if engine == "c" and (
        b'"' in utf8 or utf8.count(delimiter.encode()) != (frame.shape[1] - 1) * lines
    ):
        # The C engine pads a short row with "" (pyarrow refuses it): without quotes, every line
        # has the header's delimiters exactly when the count adds up; else the slow path checks
        return None
    header = [_header_text(v) for v in frame.iloc[0].tolist()]
    if len(frame) > 1 and frame.shape[1] > 1 and sum(1 for h in header if h) <= 1:
        return None  # a title above the header: the slow path finds the header and says so
    cells = frame.iloc[1:].reset_index(drop=True)
    cells.columns = pd.RangeIndex(cells.shape[1])
    return header, cells


def _arrow_csv(utf8: bytes, delimiter: str) -> pd.DataFrame:
    """Every cell as text (none missing), columns by position, header row included: what
    ``pandas.read_csv(engine="pyarrow", header=None, dtype=str, keep_default_na=False,
    na_values=[])`` gives, read by pyarrow directly from the bytes (no copy of them through a
    file object, and no conversion of the table after).

    ``utf8`` is valid UTF-8 already (plain ASCII, or text :func:`_decode` read and encoded
    again), so pyarrow need not check it once more; and it is cut in blocks of 4 MiB rather than
    pyarrow's 1 MiB, still several per core, so every later pass over a column has a quarter of
    the chunks to go through."""
    pa = importlib.import_module("pyarrow")
    csv_arrow = importlib.import_module("pyarrow.csv")
    text = pa.large_string()
    table = csv_arrow.read_csv(
        pa.py_buffer(utf8),
        read_options=csv_arrow.ReadOptions(autogenerate_column_names=True, block_size=1 << 22),
        parse_options=csv_arrow.ParseOptions(delimiter=delimiter),
        convert_options=csv_arrow.ConvertOptions(
            column_types={f"f{i}": text for i in range(MAX_COLUMNS)},
            null_values=[],
            strings_can_be_null=False,
            check_utf8=False,
        ),
    )
    columns = {i: pd.array(table.column(i), dtype="str") for i in range(table.num_columns)}
    return pd.DataFrame(columns, index=pd.RangeIndex(table.num_rows))


def _c_csv(utf8: bytes, delimiter: str) -> pd.DataFrame:
    """The same read by pandas' C parser, for when pyarrow is not installed."""
    options: dict[str, Any] = {
        "sep": delimiter,
        "header": None,
        "dtype": str,
        "keep_default_na": False,
        "na_values": [],
        "skip_blank_lines": False,
    }
    read: Any = pd.read_csv  # options are built at run time; pandas checks them
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        frame: pd.DataFrame = read(io.BytesIO(utf8), engine="c", **options)
    return frame


def _header_text(value: object) -> str:
    return (
        ""
        if value is None or (isinstance(value, float) and np.isnan(value))
        else str(value).strip()
    )


class _Lines:
    """The lines of a text, one at a time, keeping the ones the current record was read from."""

    def __init__(self, text: str) -> None:
        self._lines = iter(io.StringIO(text, newline=""))
        self.taken: list[str] = []

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        line = next(self._lines)
        self.taken.append(line)
        return line


def _csv_records(text: str, delimiter: str) -> Iterator[tuple[int, list[str], list[str]]]:
    """Each record with the line it starts on and its physical lines; empty lines give ``[]``."""
    lines = _Lines(text)
    reader = csv.reader(lines, delimiter=delimiter)
    previous = 0
    for record in reader:
        yield previous + 1, record, lines.taken
        lines.taken = []
        previous = reader.line_num


def _check_spanning(
    line: int, record: list[str], raw: list[str], width: int, delimiter: str, origin: str
) -> None:
    """Refuse a record read from several lines unless it is a value with a real line break.

    A quote that opens a value and is never closed (or is closed lines later by another stray
    quote) makes the lines after it one value: rows would vanish without being counted. A real
    multi-line value is closed, leaves the record with the header's number of cells, and none of
    its later lines holds the delimiter (such a line could be a row of its own; a note that
    needs one there is refused too, which is the price of never losing a row).
    """
    where = f"{origin}: line {line}: a quote opens a value there"
    if "".join(raw).count('"') % 2:
        raise InputError(
            f"{where} and is never closed, so every line after it would be one value; close the "
            'quote, or write a quote inside a quoted value as two ("")'
        )
    last = line + len(raw) - 1
    for offset, physical in enumerate(raw[1:], start=1):
        if delimiter in physical:
            raise InputError(
                f"{where} that runs to line {last} and takes in line {line + offset}, which holds "
                f"a {_DELIMITER_NAMES[delimiter]} and may be a row of its own; close the quote "
                "where the value ends"
            )
    if len(record) != width:
        raise InputError(
            f"{where} that runs to line {last}, leaving {len(record)} cells where the header "
            f"has {width}; close the quote where the value ends"
        )


#: Most lines of one cell above a header that are taken as its title (``Outages March 2026``).
MAX_TITLE_LINES = 10


def _titles_note(titles: Sequence[tuple[int, str]], unit: str = "line") -> str:
    """``"title line 1 ('Ausfallbericht März 2026') above the header skipped"``."""
    lines = ", ".join(str(n) for n, _ in titles)
    shown = _short(" / ".join(t for _, t in titles))
    plural = "s" if len(titles) > 1 else ""
    return f"title {unit}{plural} {lines} ({shown!r}) above the header skipped"


def _csv_slow(
    text: str, delimiter: str, origin: str, limit: int
) -> tuple[list[str], pd.DataFrame, np.ndarray, list[RowProblem], list[tuple[int, str]]]:
    """Record by record with :mod:`csv`, keeping each record's first line number.

    Every physical line ends in one place: the header, a blank line, a row (read or rejected), or
    a value that really spans lines; a quote that swallows lines refuses the file (see
    :func:`_check_spanning`). A row with fewer or more cells than the header is rejected whole:
    a missing or extra delimiter shifts the cells, so none of them can be trusted. Records of one
    cell before the first of several cells are a title above the header (at most
    :data:`MAX_TITLE_LINES`; a table of one column has no record of several cells, and its first
    record is its header).
    """
    headers: list[str] | None = None
    titles: list[tuple[int, list[str], list[str]]] = []
    body: list[list[str]] = []
    rows: list[int] = []
    rejected: list[RowProblem] = []
    name = _DELIMITER_NAMES[delimiter]
    width = needed = line = 0
    try:
        for line, record, raw in _csv_records(text, delimiter):
            if headers is None:
                if len(raw) > 1:
                    _check_spanning(line, record, raw, len(record), delimiter, origin)
                filled = sum(1 for cell in record if cell.strip())
                if filled == 1 and len(titles) < MAX_TITLE_LINES:
                    titles.append((line, record, raw))
                    continue
                if filled:
                    headers = [cell.strip() for cell in record]
                    check_headers(headers, origin)
                    width = len(headers)
                    needed = max(i + 1 for i, h in enumerate(headers) if h)
                continue
            if len(raw) > 1:
                _check_spanning(line, record, raw, width, delimiter, origin)
            if len(record) > width and any(cell.strip() for cell in record[width:]):
                rejected.append(
                    RowProblem(
                        line,
                        f"(cell {width + 1})",
                        _short(delimiter.join(record[width:])),
                        f"the row has {len(record)} cells but the header has {width}; quote "
                        f"values that contain the delimiter {name}",
                    )
                )
                continue
            if len(record) < needed and any(cell.strip() for cell in record):
                rejected.append(
                    RowProblem(
                        line,
                        f"(cell {len(record) + 1})",
                        "",
                        f"the row has {len(record)} cells but the header has {width}; a missing "
                        f"{name} shifts the cells, so none of them is used",
                    )
                )
                continue
            body.append((record + [""] * width)[:width])
            rows.append(line)
            if len(rows) > limit:
                break
    except csv.Error as exc:
        after = f"after line {line}: " if line else ""
        raise InputError(f"{origin}: {after}cannot read as CSV: {exc}") from None
    if headers is None and titles:  # one column: its first cell is the header after all
        headers = [cell.strip() for cell in titles[0][1]]
        width = needed = len(headers)
        for line, record, _ in titles[1:]:
            body.append((record + [""] * width)[:width])
            rows.append(line)
        titles = []
    if headers is None:
        raise InputError(f"{origin}: the file is empty")
    cells = pd.DataFrame(body, columns=pd.RangeIndex(len(headers)), dtype=str)
    if not body:
        cells = pd.DataFrame({i: pd.Series([], dtype=str) for i in range(len(headers))})
    shown = [(line, next(c.strip() for c in record if c.strip())) for line, record, _ in titles]
    return headers, cells, np.asarray(rows, dtype=np.int64), rejected, shown


# --- Excel --------------------------------------------------------------------------------------


def workbook_sheets(source: TableSource) -> tuple[str, ...]:
    """The sheet names of an Excel workbook, in order; empty for any other input.

    A front end offers them to pick from (the app's *Sheet*), also when the workbook cannot be
    read as it is because several sheets hold a table. The workbook is checked against the same
    limits as when it is read.
    """
    if isinstance(source, pd.DataFrame):
        return ()
    data, name = _read_bytes(source)
    origin = name or "the input"
    if _sniff(data, origin) != "xlsx":
        return ()
    with _workbook(data, origin, min(MAX_FILE_ROWS, MAX_ROWS)) as book:
        return tuple(str(n) for n in book.sheetnames)


@contextmanager
def _workbook(data: bytes, origin: str, limit: int) -> Iterator[Any]:
    """The workbook in ``data``, opened read-only by openpyxl once its size is checked, and
    closed after; anything unreadable raises :class:`InputError`."""
    import openpyxl  # the edge that reads workbooks; the engine never imports it

    try:
        _count_cells(data, origin, limit)
    except (zipfile.BadZipFile, zlib.error, OSError, EOFError, ValueError) as exc:
        raise InputError(f"{origin}: not a readable Excel workbook ({exc})") from None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except Exception as exc:
            raise InputError(f"{origin}: not a readable Excel workbook ({exc})") from None
        try:
            yield book
        except InputError:
            raise
        except Exception as exc:
            raise InputError(f"{origin}: cannot read the workbook ({exc})") from None
        finally:
            book.close()


def _read_xlsx(
    data: bytes, origin: str, sheet: str | int | None, limit: int, wanted: Wanted | None = None
) -> RawTable:
    """Cell values (not formulas: Excel's cached results) of one sheet, via openpyxl.

    Dates come as datetimes when the cell has a date format; numbers formatted as a percent are
    turned into the percent the user sees (0.125 shown as 12.5 % becomes ``"12.5"``). Without
    ``sheet``, the first sheet is read, unless ``wanted`` says its header is not the table's (a
    cover page) and exactly one other sheet's is: that one is read, and a note says so.
    """
    notes: tuple[str, ...] = ()
    with _workbook(data, origin, limit) as book:
        names = list(book.sheetnames)
        worksheets = book.worksheets
        if sheet is None:
            if not worksheets:
                raise InputError(f"{origin}: the workbook has no worksheet")
            ws = worksheets[0]
        elif isinstance(sheet, int):
            if not 0 <= sheet < len(worksheets):
                raise InputError(f"{origin}: no sheet number {sheet}; sheets are {names}")
            ws = worksheets[sheet]
        else:
            if sheet not in names:
                raise InputError(f"{origin}: no sheet named {sheet!r}; sheets are {names}")
            ws = book[sheet]
        epoch = pd.Timestamp(book.epoch)
        title = str(ws.title)
        grid = _sheet_rows(ws, origin, limit)
        if sheet is None and wanted is not None and not wanted(_grid_header(grid)[1]):
            found = []
            for other in worksheets[1:]:
                its_grid = _sheet_rows(other, origin, limit)
                if wanted(_grid_header(its_grid)[1]):
                    found.append((str(other.title), its_grid))
            first = f"the first sheet, {title!r}, does not hold the table"
            if len(found) > 1:
                listed = ", ".join(repr(name) for name, _ in found)
                raise InputError(
                    f"{origin}: {first}; the sheets {listed} do: choose one with {option('sheet')}"
                )
            if found:
                notes = (f"sheet {found[0][0]!r} read: {first}",)
                title, grid = found[0]
    details = f"Excel workbook, sheet {title!r}"
    header_at, headers, titles = _grid_header(grid)
    if header_at is None:
        raise InputError(f"{origin}: sheet {title!r} is empty")
    if titles:
        notes = (*notes, _titles_note(titles, "row"))
    width = max([len(headers)] + [len(r) for _, r in grid[header_at + 1 :]])
    headers += [""] * (width - len(headers))
    body = [(r + [None] * width)[:width] for _, r in grid[header_at + 1 :]]
    rows = np.asarray([n for n, _ in grid[header_at + 1 :]], dtype=np.int64)
    cells = pd.DataFrame(body, columns=pd.RangeIndex(width), dtype=object)
    if not body:
        cells = pd.DataFrame({i: pd.Series([], dtype=object) for i in range(width)})
    table = _finish(headers, cells, rows, origin, "xlsx", details, [], limit=limit)
    return replace(
        table,
        serial_epoch=epoch,
        sheets=tuple(names),
        sheet=title,
        notes=(*notes, *table.notes),
    )


def _grid_header(
    grid: list[tuple[int, list[object]]],
) -> tuple[int | None, list[str], list[tuple[int, str]]]:
    """The position of a sheet's header row (None: an empty sheet), its headers, and the title
    rows above it: rows of one value before the first row of several, as in a CSV."""
    filled = [(i, sum(1 for v in row if _has_value([v]))) for i, (_, row) in enumerate(grid)]
    filled = [(i, count) for i, count in filled if count]
    if not filled:
        return None, [], []
    leading = 0
    while leading < min(len(filled) - 1, MAX_TITLE_LINES) and filled[leading][1] == 1:
        leading += 1
    if not (leading and filled[leading][1] > 1):
        leading = 0
    header_at = filled[leading][0]
    titles = [
        (grid[i][0], next(_header_text(v) for v in grid[i][1] if _has_value([v])))
        for i, _ in filled[:leading]
    ]
    headers = [_header_text(v) for v in grid[header_at][1]]
    while headers and not headers[-1]:
        headers.pop()
    return header_at, headers, titles


#: The start of a cell or row element in a sheet's XML (``<c r="A1">``, ``<x:row>``).
_CELL_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?c[\s/>]")
_ROW_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?row[\s/>]")


def _count_cells(data: bytes, origin: str, limit: int) -> None:
    """Count the cells and rows of every sheet in one streaming pass over the unzipped XML, and
    refuse a workbook above :data:`MAX_XLSX_CELLS` cells or ``limit`` rows before openpyxl reads
    it. A tag starts with ``<``, so cutting each chunk at its last ``<`` never splits one."""
    cells = rows = 0
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for info in archive.infolist():
            if not (info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml")):
                continue
            tail = b""
            with archive.open(info) as stream:
                while chunk := stream.read(1 << 20):
                    block = tail + chunk
                    cut = block.rfind(b"<")
                    cut = len(block) if cut < 0 or len(block) - cut > 4096 else cut
                    body, tail = block[:cut], block[cut:]
                    cells += len(_CELL_TAG.findall(body))
                    rows += len(_ROW_TAG.findall(body))
                    if cells > MAX_XLSX_CELLS:
                        raise InputError(
                            f"{origin}: the workbook holds more than {MAX_XLSX_CELLS:,} cells, "
                            "above the limit for a workbook; save the table as CSV"
                        )
                    if rows > limit + 1:
                        raise InputError(f"{origin}: more than {limit:,} rows, above the limit")
                cells += len(_CELL_TAG.findall(tail))


def _sheet_rows(ws: Any, origin: str, limit: int) -> list[tuple[int, list[object]]]:
    if hasattr(ws, "reset_dimensions"):
        ws.reset_dimensions()  # some writers record wrong dimensions; read what is there
    grid: list[tuple[int, list[object]]] = []
    for number, row in enumerate(ws.iter_rows(), start=1):
        if len(row) > MAX_COLUMNS:
            raise InputError(
                f"{origin}: row {number} has {len(row):,} cells, above the limit of "
                f"{MAX_COLUMNS:,} columns"
            )
        values = [_cell_value(cell) for cell in row]
        while values and values[-1] is None:
            values.pop()
        grid.append((number, values))
        if number > limit + 1:
            raise InputError(f"{origin}: more than {limit:,} rows, above the limit")
    return grid


def _cell_value(cell: Any) -> object:
    value = cell.value
    if isinstance(value, str):
        return value if value.strip() else None
    percent = "%" in str(getattr(cell, "number_format", "") or "")
    if percent and isinstance(value, int | float) and not isinstance(value, bool):
        exact = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
        return format((exact * 100).normalize(), "f")
    return value


def _has_value(row: Sequence[object]) -> bool:
    return any(v is not None and not (isinstance(v, str) and not v.strip()) for v in row)


# --- JSON ---------------------------------------------------------------------------------------


def _read_json(text: str, origin: str, limit: int) -> RawTable:
    """A list of records, or an object holding one (``{"incidents": [...]}``)."""
    try:
        payload = json.loads(text, parse_float=Decimal, parse_constant=str)
    except json.JSONDecodeError as exc:
        raise InputError(
            f"{origin}: not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})"
        ) from None
    except (RecursionError, ValueError) as exc:
        raise InputError(f"{origin}: cannot read the JSON: {exc}") from None
    records = _json_records(payload, origin)
    if len(records) > limit:
        raise InputError(f"{origin}: {len(records):,} records, above the limit of {limit:,}")
    headers: dict[str, None] = {}
    flat: list[dict[str, object] | None] = []
    for record in records:
        if not isinstance(record, dict):
            flat.append(None)
            continue
        item = _flatten(record)
        headers.update(dict.fromkeys(item))
        flat.append(item)
    names = list(headers)
    body = [[r.get(h) for h in names] for r in flat if r is not None]
    rows = np.asarray([i for i, r in enumerate(flat, start=1) if r is not None], dtype=np.int64)
    rejected = [
        RowProblem(i, "(record)", _short(json.dumps(records[i - 1], default=str)), _NOT_RECORD)
        for i, r in enumerate(flat, start=1)
        if r is None
    ]
    cells = pd.DataFrame(body, columns=pd.RangeIndex(len(names)), dtype=object)
    if not body:
        cells = pd.DataFrame({i: pd.Series([], dtype=object) for i in range(len(names))})
    return _finish(names, cells, rows, origin, "json", "JSON", rejected, limit=limit)


_NOT_RECORD = "not a record: expected an object with named fields"


def _json_records(payload: object, origin: str) -> list[object]:
    if isinstance(payload, list):
        return payload
    if isinstance(payload, dict):
        for key in _JSON_LIST_KEYS:
            if isinstance(payload.get(key), list):
                return list(payload[key])
        # Under another name, one list that holds records is taken; an empty list or a list of
        # plain values (an event's "resources": []) is not a table, and reading it as 0 rows
        # would report no outage at all.
        lists = [k for k, v in payload.items() if isinstance(v, list)]
        if len(lists) == 1 and _holds_records(payload[lists[0]]):
            return list(payload[lists[0]])
        keys = ", ".join(repr(str(k)) for k in list(payload)[:10])
        more = f" and {len(payload) - 10} more" if len(payload) > 10 else ""
        raise InputError(
            f"{origin}: expected a list of records, or an object holding one under a name such "
            f'as {{"incidents": [...]}}; found an object with the keys {keys or "(none)"}{more} '
            "and no list of records"
        )
    raise InputError(
        f"{origin}: expected a list of records, found a single {type(payload).__name__}"
    )


def _holds_records(items: list[object]) -> bool:
    return bool(items) and any(isinstance(item, dict) for item in items)


def _flatten(record: dict[str, Any]) -> dict[str, object]:
    """One level of nesting becomes ``key:subkey`` columns (``{"cohorts": {"Mac": 5}}``)."""
    out: dict[str, object] = {}
    for key, value in record.items():
        if isinstance(value, dict):
            for sub, inner in value.items():
                out[f"{key}:{sub}"] = _json_cell(inner)
        else:
            out[str(key)] = _json_cell(value)
    return out


def _json_cell(value: object) -> object:
    if isinstance(value, list | dict):
        return json.dumps(value, default=str)
    return value


# --- DataFrame ----------------------------------------------------------------------------------


def _from_dataframe(frame: pd.DataFrame, limit: int) -> RawTable:
    if len(frame) > limit:
        raise InputError(
            f"the DataFrame has {len(frame):,} rows, above the limit of {limit:,}; a program "
            "that has the memory can pass max_rows= to accept more"
        )
    if frame.shape[1] == 0:
        raise InputError("the DataFrame has no columns")
    headers = [
        " ".join(str(p) for p in c if str(p)) if isinstance(c, tuple) else str(c)
        for c in frame.columns
    ]
    cells = frame.reset_index(drop=True)
    cells.columns = pd.RangeIndex(cells.shape[1])
    rows = np.arange(1, len(cells) + 1, dtype=np.int64)
    return _finish(
        headers, cells, rows, "DataFrame", "dataframe", "pandas DataFrame", [], limit=limit
    )


# --- common -------------------------------------------------------------------------------------


def _finish(
    headers: Sequence[str],
    cells: pd.DataFrame,
    rows: np.ndarray,
    origin: str,
    fmt: Format,
    details: str,
    rejected: list[RowProblem],
    *,
    limit: int | None = None,
) -> RawTable:
    """Drop the rows with no value at all, check the row limit, and build the table."""
    if len(cells) > (MAX_ROWS if limit is None else limit):
        shown = MAX_ROWS if limit is None else limit
        raise InputError(f"{origin}: more than {shown:,} rows, above the limit")
    check_headers(headers, origin)
    blank = np.ones(len(cells), dtype=bool)
    candidates = None  # every row, until the first column has said which may be blank
    for position in range(cells.shape[1]):
        column = cells[position]
        if candidates is None:
            blank[:] = is_blank(column)
        elif len(candidates):
            blank[candidates] = is_blank(column.iloc[candidates])
        else:
            break
        candidates = np.flatnonzero(blank)
    blank_rows = int(blank.sum())
    if blank_rows:
        cells = cells[~blank].reset_index(drop=True)
        rows = rows[~blank]
    notes = (f"{blank_rows} empty row(s) skipped",) if blank_rows else ()
    return RawTable(
        headers=tuple(headers),
        cells=cells,
        rows=rows,
        source=origin,
        format=fmt,
        details=details,
        rejected=tuple(rejected),
        blank_rows=blank_rows,
        notes=notes,
    )


def is_blank(values: pd.Series) -> np.ndarray:
    """Which cells hold nothing: missing, or text of only spaces."""
    array = arrow_text(values)
    if array is not None:
        # one pass each, no stripped copy: empty, or only white space (as strip() removes it)
        pc = importlib.import_module("pyarrow.compute")
        blank = pc.or_(pc.equal(pc.binary_length(array), 0), pc.utf8_is_space(array))
        return np.asarray(pc.fill_null(blank, True).to_numpy(zero_copy_only=False), dtype=bool)
    missing = values.isna().to_numpy(dtype=bool)
    if pd.api.types.is_string_dtype(values.dtype) and values.dtype != object:
        text = values.str.strip()
        return missing | (text == "").fillna(True).to_numpy(dtype=bool)
    if values.dtype == object:
        texts = np.fromiter(
            (isinstance(v, str) and not v.strip() for v in values), dtype=bool, count=len(values)
        )
        return np.asarray(missing | texts, dtype=bool)
    return np.asarray(missing, dtype=bool)
