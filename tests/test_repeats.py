"""The reader finds repeated windows and incidents without hashing every id: it narrows the rows
down by cheap tests that never drop a row that repeats, then compares the few left exactly.

Each shortcut must give what the exact comparison of every row gives.
"""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
import pytest

from slacalc.io.cells import fingerprints
from slacalc.io.outages import _may_repeat, _repeating, read_outages


def test_equal_texts_have_equal_fingerprints_wherever_they_are() -> None:
    texts = ["", "a", "EX1", "abcdefgh", "abcdefghi", "xbcdefghi", "é", "été à Zürich", "a" * 40]
    rng = np.random.default_rng(6)
    cells = [texts[i] for i in rng.integers(0, len(texts), 2000)]
    column = pd.Series(pd.array(cells, dtype="str"))
    # several chunks, one of them a slice that starts inside its buffers
    chunked = pd.Series(pd.array(pd.concat([column.iloc[:700], column.iloc[700:]]), dtype="str"))
    sliced = column.iloc[3:].reset_index(drop=True)
    for series, offset in ((column, 0), (chunked, 0), (sliced, 3)):
        prints = fingerprints(series)
        assert prints is not None
        by_text: dict[str, set[int]] = {}
        for text, value in zip(cells[offset:], prints, strict=True):
            by_text.setdefault(text, set()).add(int(value))
        assert all(len(values) == 1 for values in by_text.values())
        # and these texts, short and long, all differ from one another
        assert len({next(iter(v)) for v in by_text.values()}) == len(by_text) == len(texts)


def test_only_arrow_text_without_missing_cells_has_fingerprints() -> None:
    assert fingerprints(pd.Series(["a", "b"], dtype=object)) is None
    assert fingerprints(pd.Series(pd.array(["a", None], dtype="str"))) is None
    empty = fingerprints(pd.Series(pd.array([], dtype="str")))
    assert empty is not None
    assert len(empty) == 0


def test_keys_that_may_repeat_include_every_key_that_does() -> None:
    rng = np.random.default_rng(14)
    keys = rng.integers(0, 2**63, 200_000, dtype=np.int64).view(np.uint64)
    twice = rng.choice(len(keys), 500, replace=False)
    keys[twice[:250]] = keys[twice[250:]]  # 250 pairs of equal keys
    repeats = pd.Series(keys).duplicated(keep=False).to_numpy()
    maybe = _may_repeat(keys)
    assert int(repeats.sum()) == 500
    assert not (repeats & ~maybe).any()
    assert maybe.sum() < 2_000  # and few others: the exact test that follows looks at these
    assert not _may_repeat(keys[:1]).any()
    assert not _may_repeat(keys[:0]).any()


@pytest.mark.parametrize("in_order", [True, False])
def test_repeating_starts_in_order_or_not(in_order: bool) -> None:
    keys = np.array([5, 1, 9, 5, 3, 9, 9, 2], dtype=np.int64)
    if in_order:
        keys = np.sort(keys)
    assert _repeating(keys).tolist() == pd.Series(keys).duplicated(keep=False).tolist()


def test_duplicates_and_contradictions_in_a_table_listed_by_start() -> None:
    """The windows of the unordered table of ``test_outages``, in order of their starts: equal
    starts are then neighbours, and the same rows are rejected for the same reasons."""
    text = (
        "id,start,end\n"
        "EX1,2026-03-17T14:00Z,2026-03-17T15:00Z\n"  # 2: first window of EX1
        "EX1,2026-03-17T14:00Z,2026-03-17T15:00Z\n"  # 3: same as row 2
        "EX1,2026-03-18T14:00Z,2026-03-18T15:00Z\n"  # 4: second window: allowed
        "EX2,2026-03-19T14:00Z,2026-03-19T15:00Z\n"  # 5: EX2 contradicts itself
        "EX2,2026-03-19T14:00Z,2026-03-19T18:00Z\n"  # 6
    )
    outages = read_outages(io.StringIO(text))
    clash = (
        "incident 'EX2' has rows 5, 6 starting at the same time with different ends; keep the "
        "one that is right"
    )
    assert [(p.row, p.column, p.problem) for p in outages.rejected] == [
        (3, "id", "the same window as row 2 (a duplicate)"),
        (5, "end", clash),
        (6, "end", clash),
    ]
    assert outages.frame["row"].tolist() == [2, 4]
    assert "1 incident(s) have several windows (e.g. 'EX1': 2)" in " ".join(outages.notes)
