"""Hostile or huge files are refused by the command line in bounded time and memory, never killed.

Each file is small on disk and once took minutes or gigabytes on main; here each runs through
``python -m slacalc calculate`` in a child with 30 s of CPU (tests/limits.py), which must exit
with status 2 and a message, under 1 GB of peak memory.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from slacalc.io import tables
from slacalc.io.headers import MAX_COLUMNS
from tests.limits import GIGABYTE, run_limited

EX = "microsoft-365-exchange-online"
ROW = b"EX1,2026-03-17T14:00Z,2026-03-17T15:00Z,5\n"


def _refused(path: Path, message: str) -> None:
    argv = ["calculate", str(path), "--contract", EX, "--users", "1000", "--fee", "10"]
    code, _, err, peak = run_limited(argv, cpu_seconds=30)
    assert code == 2, err
    assert message in err
    assert "Traceback" not in err
    assert peak < GIGABYTE


def _workbook(path: Path, sheet: bytes | None = None, *, rows: int = 0, row: bytes = b"") -> None:
    """A minimal .xlsx whose sheet is ``sheet``, or a header and ``rows`` copies of ``row``,
    streamed into the zip (deflate makes repeated XML tiny)."""
    parts = {
        "[Content_Types].xml": (
            b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
            b'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlforma'
            b'ts-package.relationships+xml"/><Default Extension="xml" ContentType="application/xm'
            b'l"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlforma'
            b'ts-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets'
            b'/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheet'
            b'ml.worksheet+xml"/></Types>'
        ),
        "_rels/.rels": (
            b'<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package'
            b'/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.or'
            b'g/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
            b"</Relationships>"
        ),
        "xl/workbook.xml": (
            b'<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetm'
            b'l/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relation'
            b'ships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
        ),
        "xl/_rels/workbook.xml.rels": (
            b'<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package'
            b'/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.or'
            b'g/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
            b"</Relationships>"
        ),
    }
    head = b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as stream:
            stream.write(head)
            if sheet is not None:
                stream.write(sheet)
            block = row * 10_000
            for _ in range(rows // 10_000):
                stream.write(block)
            stream.write(b"</sheetData></worksheet>")


@pytest.mark.slow
def test_a_header_of_200000_columns_is_refused(tmp_path: Path) -> None:
    # 1.7 MB; on main 101 s and 600 MB of fuzzy header matching
    path = tmp_path / "wide.csv"
    path.write_bytes(",".join(f"c{i}" for i in range(200_000)).encode() + b"\n" + ROW)
    _refused(path, f"the header has 200,000 columns, above the limit of {MAX_COLUMNS:,}")


@pytest.mark.slow
def test_a_header_line_of_a_million_columns_is_refused(tmp_path: Path) -> None:
    # on main: killed
    path = tmp_path / "wider.csv"
    path.write_bytes(b"x," * 1_000_000 + b"\n" + ROW)
    _refused(path, "the header has 1,000,001 columns, above the limit of 1,000")


@pytest.mark.slow
def test_a_first_line_of_five_megabytes_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "long-header.csv"
    path.write_bytes(b"start" * 1_000_000 + b"\n" + ROW)
    _refused(path, "the first line has 5,000,000 bytes, more than a header of 1,000 columns")


@pytest.mark.slow
def test_a_workbook_that_unzips_to_hundreds_of_megabytes_is_refused(tmp_path: Path) -> None:
    # Rows of four cells repeated: a few MB zipped, 300 MB unzipped. On main a 952 MB one took
    # 407 s of CPU and 2.3 GB before it was refused for its rows.
    row = (
        b'<row><c t="inlineStr"><is><t>EX1</t></is></c><c t="inlineStr"><is><t>2026-03-17T14:00Z'
        b'</t></is></c><c t="inlineStr"><is><t>2026-03-17T15:00Z</t></is></c><c><v>5</v></c></row>'
    )
    path = tmp_path / "bomb.xlsx"
    _workbook(path, rows=300 * 1024 * 1024 // len(row), row=row)
    assert path.stat().st_size < 5_000_000
    _refused(path, f"above the limit of {tables.MAX_XLSX_UNZIPPED:,}; save the table as CSV")


@pytest.mark.slow
def test_a_workbook_with_a_header_of_five_million_cells_is_refused(tmp_path: Path) -> None:
    # 20 MB unzipped, below the size limit; on main still running after 120 s
    path = tmp_path / "header.xlsx"
    _workbook(path, b"<row>" + b"<c/>" * 5_000_000 + b"</row>")
    assert path.stat().st_size < 200_000
    _refused(path, f"more than {tables.MAX_XLSX_CELLS:,} cells, above the limit for a workbook")


@pytest.mark.slow
def test_a_csv_of_two_million_rows_is_refused_before_it_is_parsed(tmp_path: Path) -> None:
    # 86 MB; on main 27 s and 5 GB, or a MemoryError under a 4-6 GB limit
    path = tmp_path / "long.csv"
    path.write_bytes(b"id,start,end,affected_users\n" + ROW * 2_000_000)
    _refused(path, "2,000,000 data lines, above the limit of 1,000,000 rows")


@pytest.mark.slow
def test_an_ordinary_file_still_runs_in_the_child(tmp_path: Path) -> None:
    # The harness itself: one 60-minute window for 5 of 1,000 users is far above every tier.
    path = tmp_path / "ok.csv"
    path.write_bytes(b"id,start,end,affected_users\n" + ROW)
    argv = ["calculate", str(path), "--contract", EX, "--users", "1000", "--fee", "10"]
    code, out, err, peak = run_limited(argv)
    assert (code, err) == (0, "")
    assert "1 row(s) read: 1 counted, 0 excluded, 0 rejected." in out
    assert 0 < peak < GIGABYTE
