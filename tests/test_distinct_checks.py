"""The reader checks each distinct value of a text column once and gives the answer to every cell.

Whatever the shortcut, every cell must be told exactly what checking it alone would say: the
same value, the same reason, on its own row.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

import numpy as np
import pandas as pd
import pytest

from slacalc.io.cells import (
    check_percent,
    check_text,
    check_whole,
    distinct,
    no_problems,
    take,
    text_cells,
)
from slacalc.io.outages import read_outages
from slacalc.io.tables import is_blank
from slacalc.io.times import parse_aware_column, parse_times

FORMULA = "starts with '=', so a spreadsheet would run it as a formula; remove that character"


def _arrow(values: Sequence[str | None]) -> pd.Series:
    return pd.Series(values, dtype="str")


def test_distinct_values_in_order_of_first_appearance_with_a_code_per_cell() -> None:
    found = distinct(_arrow(["b", "a", None, "b", "a", None]))
    assert found is not None
    assert found.values.tolist()[:2] == ["b", "a"]
    assert found.values.isna().tolist() == [False, False, True]
    assert found.codes.tolist() == [0, 1, 2, 0, 1, 2]


def test_a_column_that_is_not_arrow_backed_has_no_distinct_values() -> None:
    assert distinct(pd.Series(["a", "b"], dtype=object)) is None
    assert distinct(pd.Series([1.0, 2.0])) is None


def test_every_cell_of_a_repeated_value_gets_the_answer_of_its_own_check() -> None:
    cells: list[str | None] = [" a", "=x", None, "a", "=x", " a"]
    fast = check_text(_arrow(cells))
    alone = check_text(pd.Series(cells, dtype=object))  # cell by cell
    assert fast.values.tolist() == ["a", "=x", "", "a", "=x", "a"] == alone.values.tolist()
    assert fast.given.tolist() == [True, True, False, True, True, True] == alone.given.tolist()
    assert fast.problem.tolist() == ["", FORMULA, "", "", FORMULA, ""] == alone.problem.tolist()
    assert fast.codes is None  # stripping changed values: codes of the raw text would lie


def test_formulas_in_an_arrow_column_are_found_by_their_first_byte_in_every_chunk() -> None:
    """``text_cells`` of an Arrow column (the ids') reads each text's first byte off the buffers:
    it must refuse exactly the cells the same check of an object column refuses, in a column of
    several chunks, one a slice, with multi-byte characters and empty texts beside them."""
    cells = ["", "=1+2", "+12", "-x", "@a", "#N/A", "é=", "a", " =x", "#", "+", "€-", "EX1"]
    cells = cells * 3
    column = _arrow(cells)
    chunked = pd.Series(pd.array(pd.concat([column.iloc[:7], column.iloc[7:]]), dtype="str"))
    sliced = column.iloc[5:].reset_index(drop=True)
    for arrow, offset in ((column, 0), (chunked, 0), (sliced, 5)):
        alone = text_cells(pd.Series(cells[offset:], dtype=object))  # by pandas, cell by cell
        fast = text_cells(arrow)
        assert fast.problem.tolist() == alone.problem.tolist()
        assert fast.failed is not None
        assert fast.failed.tolist() == (alone.problem != "").tolist()
    # "=1+2", "-x", "@a", "#N/A" and " =x" (stripped) of each 13; "+12" is a number, "#" and
    # "+" alone are no formula, "é=" and "€-" start with another character: 5 x 3
    assert int((text_cells(column).problem != "").sum()) == 15


def test_a_column_the_check_keeps_as_it_is_is_returned_with_its_codes() -> None:
    column = _arrow(["t1", "t2", "t1"])
    checked = check_text(column)
    assert checked.values.equals(column)
    assert checked.codes is not None
    assert checked.codes.tolist() == [0, 1, 0]


@pytest.mark.parametrize(
    ("cells", "check"),
    [
        (["12", "1.5", "", "12", "-3", "1,200", "1.5"], lambda v: check_whole(v, "users")),
        (["12.5", "12.345", "", "12.5", "101", "50 %", "12.345"], check_percent),
    ],
)
def test_numbers_checked_once_per_distinct_value_agree_with_every_cell(
    cells: list[str], check: object
) -> None:
    assert callable(check)
    fast, alone = check(_arrow(cells)), check(pd.Series(cells, dtype=object))
    np.testing.assert_array_equal(fast.values.to_numpy(), alone.values.to_numpy())
    assert fast.problem.tolist() == alone.problem.tolist()
    assert fast.given.tolist() == alone.given.tolist()
    assert fast.problem[1] == fast.problem[6] != ""  # the repeated bad value, on both rows


CSV = """id,tenant,start,end,affected_users,excluded
=A,t1,2026-03-01T00:00Z,2026-03-01T01:00Z,5,
=A,t1,2026-03-02T00:00Z,2026-03-02T01:00Z,5,
EX1, t1 ,2026-03-03T00:00Z,2026-03-03T01:00Z,-1,N/A
 EX1,t1,2026-03-04T00:00Z,2026-03-04T01:00Z,5,maintenance
EX1,t1,2026-03-05T00:00Z,2026-03-05T01:00Z,-1,N/A
"""


def test_a_repeated_bad_cell_is_rejected_on_every_row_it_is_on() -> None:
    out = read_outages(io.StringIO(CSV))
    rejected = [(p.row, p.column, p.value, p.problem[:25]) for p in out.rejected]
    assert rejected == [
        (2, "id", "=A", "starts with '=', so a spr"),
        (3, "id", "=A", "starts with '=', so a spr"),
        (4, "affected_users", "-1", "negative users"),
        (4, "excluded", "N/A", "not a recognised exclusio"),
        (6, "affected_users", "-1", "negative users"),
        (6, "excluded", "N/A", "not a recognised exclusio"),
    ]
    # row 5 is kept: its id and tenant stripped, its reason as written
    assert out.frame[["row", "id", "tenant", "excluded"]].values.tolist() == [
        [5, "EX1", "t1", "maintenance"]
    ]


def test_ids_that_differ_only_by_spaces_are_one_incident() -> None:
    text = (
        "id,tenant,start,end\n"
        "EX1,t1,2026-03-01T00:00Z,2026-03-01T01:00Z\n"
        " EX1,t1,2026-03-02T00:00Z,2026-03-02T01:00Z\n"
    )
    out = read_outages(io.StringIO(text))
    # the raw text holds two values, the stripped ids one: still one incident of two windows
    assert out.notes == (
        "1 incident(s) have several windows (e.g. 'EX1': 2); each window counts on its own",
    )


def test_an_incident_is_its_windows_for_one_tenant() -> None:
    rows = [("A", "t1"), ("A", "t2"), ("B", "t3"), ("C", "t1"), ("B", "t3"), ("C", "t1")]
    text = "id,tenant,start,end\n" + "".join(
        f"{incident},{tenant},2026-03-0{day}T00:00Z,2026-03-0{day}T01:00Z\n"
        for day, (incident, tenant) in enumerate(rows, start=1)
    )
    out = read_outages(io.StringIO(text))
    # A has one window for each of two tenants: not several; B and C have two for one tenant
    assert out.notes == (
        "2 incident(s) have several windows (e.g. 'B': 2); each window counts on its own",
    )


@pytest.mark.parametrize("dtype", ["str", "string[pyarrow]", "large_string[pyarrow]"])
def test_arrow_backed_frames_read_as_an_object_frame_reads(dtype: str) -> None:
    frame = pd.read_csv(io.StringIO(CSV), dtype=object, keep_default_na=False)
    frame.loc[1, "tenant"] = None
    frame.loc[3, "excluded"] = None
    typed = frame.astype(dtype)
    assert distinct(typed["tenant"]) is not None  # each column checked on its distinct values
    fast, alone = read_outages(typed), read_outages(frame)
    pd.testing.assert_frame_equal(fast.frame, alone.frame)
    assert fast.rejected == alone.rejected
    # the six of the CSV: a missing tenant or exclusion is no problem
    assert [(p.row, p.column) for p in fast.rejected] == [
        (1, "id"),
        (2, "id"),
        (3, "affected_users"),
        (3, "excluded"),
        (5, "affected_users"),
        (5, "excluded"),
    ]
    assert fast.frame["excluded"].tolist() == [""]  # row 4: its exclusion left empty


@pytest.mark.parametrize(
    ("cells", "failed"),
    [
        # one Arrow cast (ISO times with offsets): 2100 is in range, 2201 is after LATEST (2200)
        (["2026-03-10T10:00Z", None, "2201-01-01T00:00Z", "2100-01-01T00:00Z"], [0, 0, 1, 0]),
        # cell by cell: a naive time, a word, an empty cell, a time before EARLIEST (1970)
        (["2026-03-10 10:00", "soon", "", "1969-12-31 23:00"], [0, 1, 0, 1]),
        # nothing fails, by either path
        (["2026-03-10T10:00Z", "2026-03-10T11:00Z"], [0, 0]),
        (["2026-03-10 10:00", ""], [0, 0]),
    ],
)
def test_a_time_column_says_which_cells_failed_as_its_reasons_do(
    cells: list[str | None], failed: list[int]
) -> None:
    """The reader rejects the cells ``failed`` marks without reading the million reasons:
    the mask must be exactly the cells with a reason."""
    column = pd.Series(pd.array(cells, dtype="str"))
    parsed = parse_times(column, "UTC", dayfirst=None, ambiguous="raise", nonexistent="raise")
    assert parsed.failed.tolist() == [bool(f) for f in failed]
    assert (parsed.problem != "").tolist() == parsed.failed.tolist()
    if cells[0] and cells[0].endswith("Z"):  # the first and third cases take the one cast
        assert parse_aware_column(column) is not None


def test_empty_reasons_are_one_empty_string_per_cell() -> None:
    problem = no_problems(3)
    assert problem.dtype == object
    assert problem.tolist() == ["", "", ""]
    problem[1] = "bad"  # writable: checks add their reasons in place
    assert problem.tolist() == ["", "bad", ""]


def test_a_check_that_finds_nothing_gives_read_only_empty_reasons() -> None:
    """A million cells that are all fine need no million references to ``""``: the reasons of
    such a check are one empty string seen per cell, read-only, so that a caller adding a
    reason must copy them (and cannot change another check's reasons by mistake)."""
    checked = check_text(_arrow(["t1", "t2", "t1"]))
    assert checked.problem.tolist() == ["", "", ""]
    assert not checked.problem.flags.writeable
    with pytest.raises(ValueError, match="read-only"):
        checked.problem[0] = "bad"
    own = checked.problem.copy()
    own[0] = "bad"
    assert own.tolist() == ["bad", "", ""]
    # a check that found something gives reasons of its own, written where the cells failed
    found = check_text(_arrow(["t1", "=x", "t1"]))
    assert found.problem.flags.writeable
    assert found.problem.tolist() == ["", FORMULA, ""]


def test_a_take_of_a_column_of_several_chunks_is_pandas_take() -> None:
    """``take`` reads positions in order chunk by chunk (Arrow would join the chunks first):
    the cells must be those at the positions, in any order, across empty and partial chunks."""
    cells = [f"v{i}" for i in range(20)]
    arrow = _arrow(cells)
    chunked = pd.Series(
        pd.array(pd.concat([arrow.iloc[:7], arrow.iloc[7:7], arrow.iloc[7:15], arrow.iloc[15:]]))
    )
    sliced = arrow.iloc[2:].reset_index(drop=True)
    for positions in ([0, 6, 7, 8, 14, 15, 17], [3], [], [17, 0, 5], [2, 2, 9, 9]):
        at = np.array(positions, dtype=np.intp)
        for column in (arrow, chunked, sliced):
            taken = take(column, at)
            assert taken.dtype == column.dtype
            assert taken.tolist() == column.iloc[at].tolist()
    with pytest.raises(IndexError):
        take(chunked, np.array([0, 20]))


def test_blank_arrow_cells_are_the_blank_cells_of_text() -> None:
    """A row of only blank cells is skipped: an Arrow column says which cells are blank in one
    pass over its buffers, and must agree with ``str.strip`` on every kind of white space."""
    cells = ["", " ", "\t", "\u00a0", "\u2003\u3000", "\u200b", " a ", "a", "\x1c", None]
    arrow = is_blank(pd.Series(pd.array(cells, dtype="str")))
    by_cell = [value is None or not value.strip() for value in cells]
    # a zero-width space is not white space; the file separator \x1c is, to Python and Arrow
    assert by_cell == [True, True, True, True, True, False, False, False, True, True]
    assert arrow.tolist() == by_cell
    assert is_blank(pd.Series(cells, dtype=object)).tolist() == by_cell
