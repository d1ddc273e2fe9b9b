"""Measure slacalc on the provider workload against its peers and its goals (issue 6), as one table.

    .venv/bin/python benchmarks/run.py                 # the 1M workload, median of 3 runs
    .venv/bin/python benchmarks/run.py --sizes 1m,10m  # and the 10M workload (time and memory)
    .venv/bin/python benchmarks/run.py --quick         # 100k windows, one run: a smoke test
    .venv/bin/python benchmarks/run.py --dask 10m      # also the Dask path on a 2-worker cluster

Every figure is wall time from ``time.perf_counter`` (median of ``--runs``) in this process, except
peak memory: each workload is calculated once more in a child process, which resets the kernel's
high-water mark of its resident set (``/proc/self/clear_refs``) after loading the data and reads
``VmHWM`` from ``/proc/self/status`` afterwards, so the figure is the process's peak RSS while
calculating, input data included. The workload files are generated on first use into
``benchmarks/data/`` (see ``benchmarks/generate.py``).
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import gc
import importlib
import json
import math
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # ``python benchmarks/run.py`` puts only benchmarks/ on the path
    sys.path.insert(0, str(ROOT))

import slacalc  # noqa: E402
from benchmarks import generate, plain_python  # noqa: E402
from slacalc.engine.scenarios import Scenario  # noqa: E402
from slacalc.engine.scenarios import run as run_scenario  # noqa: E402
from slacalc.report.values import records  # noqa: E402

PLAIN_SAMPLE_TENANTS = 300  # tenants whose windows the pure-Python peer is timed on
CHECK_TENANTS = 300  # tenants on which the peers are checked against slacalc


@dataclasses.dataclass
class Row:
    """One line of the printed table."""

    workload: str
    measure: str
    value: str
    goal: str = ""
    met: bool | None = None


@dataclasses.dataclass
class Report:
    rows: list[Row] = dataclasses.field(default_factory=list)

    def add(self, workload: str, measure: str, value: str, goal: str = "", met: bool | None = None):
        row = Row(workload, measure, value, goal, met)
        self.rows.append(row)
        print(f"  {measure}: {value}" + (f"  [goal {goal}: {_verdict(met)}]" if goal else ""))
        sys.stdout.flush()

    def table(self) -> str:
        lines = ["| workload | measure | value | goal | met |", "|---|---|---|---|---|"]
        for r in self.rows:
            lines.append(
                f"| {r.workload} | {r.measure} | {r.value} | {r.goal} | {_verdict(r.met)} |"
            )
        return "\n".join(lines)


def _verdict(met: bool | None) -> str:
    return "" if met is None else ("yes" if met else "**no**")


@dataclasses.dataclass(frozen=True)
class Timing:
    """Median wall and CPU seconds of some runs (the machine may be shared: CPU time is the
    steadier figure for single-threaded code; DuckDB uses both cores, so its CPU exceeds wall)."""

    wall: float
    cpu: float

    def __str__(self) -> str:
        return f"{seconds(self.wall)} (CPU {seconds(self.cpu)})"


def timed(fn: Callable[[], Any], runs: int) -> tuple[Timing, Any]:
    """Median times of ``runs`` calls (garbage collected before each) and the last result."""
    walls, cpus, result = [], [], None
    for _ in range(runs):
        result = None
        gc.collect()
        t, c = time.perf_counter(), time.process_time()
        result = fn()
        walls.append(time.perf_counter() - t)
        cpus.append(time.process_time() - c)
    return Timing(statistics.median(walls), statistics.median(cpus)), result


def seconds(value: float) -> str:
    return f"{value * 1000:.1f} ms" if value < 1 else f"{value:.2f} s"


def gib(n_bytes: float) -> str:
    return f"{n_bytes / 2**30:.2f} GiB"


def size_of(text: str) -> int:
    """``1m`` → 1,000,000; ``100k`` → 100,000."""
    text = text.strip().lower()
    scale = {"k": 1_000, "m": 1_000_000}[text[-1]]
    return int(float(text[:-1]) * scale)


# --- the workload ---------------------------------------------------------------------------------


def read_workload(
    n_windows: int, *, csv: bool = True
) -> tuple[slacalc.Outages, generate.Workload, dict[str, Path]]:
    """The workload, validated through ``read_outages`` once (not timed here).

    ``read_outages`` refuses more than ``slacalc.io.tables.MAX_ROWS`` rows at once, so a larger
    workload is read in chunks of at most that many and the checked tables are joined, numbered
    on from chunk to chunk (the generator makes no duplicate windows across chunks).
    """
    work, where = generate.load(n_windows, csv=csv)
    limit = getattr(importlib.import_module("slacalc.io.tables"), "MAX_ROWS", n_windows)
    chunks = []
    for lo in range(0, n_windows, limit):
        part = slacalc.read_outages(work.outages.iloc[lo : lo + limit])
        if part.rejected:
            raise SystemExit(f"the generated workload has rejected rows: {part.rejected[:3]}")
        chunks.append(part.frame.assign(row=part.frame["row"] + lo))
    frame = chunks[0] if len(chunks) == 1 else pd.concat(chunks, ignore_index=True)
    outages = dataclasses.replace(part, frame=frame, rows_read=n_windows)
    return outages, work, where


def calculate(
    outages: slacalc.Outages, customers: slacalc.Customers, workload: str
) -> slacalc.Results:
    """The measured call: every tenant, every month of 2026.

    The outage table is wrapped anew on each call, so nothing ``calculate`` kept from an earlier
    call on the same table (for a what-if after its baseline) is reused: each run does it all.
    """
    return slacalc.calculate(
        dataclasses.replace(outages),
        generate.contract_for(workload),
        customers=customers,
        periods=generate.PERIODS,
    )


def subset(outages: slacalc.Outages, customers: slacalc.Customers, tenants: object):
    """The outages and customers of some tenants (a what-if on them, or a sample)."""
    frame = outages.frame
    keep = frame["tenant"].isin(tenants)
    mine = dataclasses.replace(outages, frame=frame[keep].reset_index(drop=True))
    cust = slacalc.Customers(
        frame=customers.frame[customers.frame["tenant"].isin(tenants)].reset_index(drop=True),
        cohorts=customers.cohorts[customers.cohorts["tenant"].isin(tenants)].reset_index(drop=True),
    )
    return mine, cust


class TenantIndex:
    """The outage, customer and cohort rows of each tenant, found once for a loaded table, so a
    what-if on one tenant takes its rows without scanning a million tenant names."""

    def __init__(self, outages: slacalc.Outages, customers: slacalc.Customers) -> None:
        self.outages, self.customers = outages, customers
        self.windows = outages.frame.groupby("tenant", sort=False).indices
        self.rows = customers.frame.groupby("tenant", sort=False).indices
        self.cohorts = customers.cohorts.groupby("tenant", sort=False).indices

    def subset(self, tenant: str) -> tuple[slacalc.Outages, slacalc.Customers]:
        """What :func:`subset` gives for ``[tenant]``."""
        none = np.zeros(0, dtype=np.int64)

        def rows(frame: pd.DataFrame, where: dict[str, np.ndarray]) -> pd.DataFrame:
            return frame.take(where.get(tenant, none)).reset_index(drop=True)

        mine = dataclasses.replace(self.outages, frame=rows(self.outages.frame, self.windows))
        cust = slacalc.Customers(
            frame=rows(self.customers.frame, self.rows),
            cohorts=rows(self.customers.cohorts, self.cohorts),
        )
        return mine, cust


def distinct_ids(outages: slacalc.Outages) -> slacalc.Outages:
    """The workload with an incident id of its own for every window (``W0000001`` …)."""
    frame = outages.frame
    ids = pd.Series([f"W{i:07d}" for i in range(len(frame))], dtype=frame["id"].dtype)
    return dataclasses.replace(outages, frame=frame.assign(id=ids.to_numpy()))


FIRST_CALL = """
import time
t = time.perf_counter()
import slacalc
t1 = time.perf_counter()
slacalc.calculate(
    slacalc.read_outages(b"id,start,end\\nA,2026-03-10T10:00Z,2026-03-10T11:00Z\\n"),
    "microsoft-365-exchange-online", users=10,
)
print(t1 - t, time.perf_counter() - t1)
"""


def first_call(*, compile_: bool = False) -> dict[str, float]:
    """The cost a fresh process pays once: importing slacalc, then a first one-window calculate.

    The sweep is compiled by numba and cached on disk: by default the cache that this run's
    calculations already filled is used (what every later process pays); with ``compile_`` the
    child gets an empty cache folder of its own (``NUMBA_CACHE_DIR``), so it compiles, as the very
    first calculation after an install does.
    """
    with tempfile.TemporaryDirectory() as empty:
        env = {**os.environ, "NUMBA_CACHE_DIR": empty} if compile_ else None
        done = subprocess.run(
            [sys.executable, "-c", FIRST_CALL],
            capture_output=True,
            text=True,
            check=True,
            cwd=ROOT,
            env=env,
        )
    imported, first = (float(x) for x in done.stdout.split())
    return {"import": imported, "first": first}


# --- the peers ------------------------------------------------------------------------------------

DUCKDB_SQL = """
WITH w AS (
    SELECT tenant, epoch(start)::BIGINT AS s, epoch("end")::BIGINT AS e
    FROM outages WHERE excluded = ''
), pieces AS (            -- split at the month edges in the contract's zone
    SELECT w.tenant, m.period, greatest(w.s, m.ps) AS s, least(w.e, m.pe) AS e
    FROM w JOIN months m ON w.s < m.pe AND w.e > m.ps
), marked AS (            -- how far the earlier windows of the tenant-month reach
    SELECT tenant, period, s, e,
           max(e) OVER (PARTITION BY tenant, period ORDER BY s, e
                        ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS reach
    FROM pieces
), islands AS (           -- a window that starts past that reach starts a new island
    SELECT tenant, period, s, e,
           sum(CASE WHEN reach IS NULL OR s > reach THEN 1 ELSE 0 END)
               OVER (PARTITION BY tenant, period ORDER BY s, e ROWS UNBOUNDED PRECEDING) AS island
    FROM marked
), merged AS (
    SELECT tenant, period, island, min(s) AS s, max(e) AS e FROM islands GROUP BY ALL
)
SELECT tenant, period, sum(e - s)::BIGINT AS downtime_seconds
FROM merged GROUP BY ALL ORDER BY tenant, period
"""


def month_edges() -> pd.DataFrame:
    zone = ZoneInfo(generate.ZONE)
    months = plain_python.periods_of_year(2026, zone)
    return pd.DataFrame(
        {
            "period": list(months),
            "ps": [int(a.timestamp()) for a, _ in months.values()],
            "pe": [int(b.timestamp()) for _, b in months.values()],
        }
    )


def duckdb_union(frame: pd.DataFrame, threads: int | None = None) -> Callable[[], pd.DataFrame]:
    """A callable running the gaps-and-islands union per tenant and month on ``frame`` in DuckDB."""
    import duckdb

    con = duckdb.connect()
    if threads:
        con.execute(f"SET threads = {threads}")
    con.register("outages", frame[["tenant", "start", "end", "excluded"]])
    con.register("months", month_edges())
    return lambda: con.execute(DUCKDB_SQL).df()


def plain_inputs(outages: slacalc.Outages, customers: slacalc.Customers):
    frame = outages.frame
    return (
        plain_python.windows_from_frame(frame),
        plain_python.customers_from_tables(customers.frame, customers.cohorts),
    )


def compare_plain(
    results: slacalc.Results, plain: dict[tuple[str, str], plain_python.Result]
) -> tuple[int, int, list[str]]:
    """(equal rows, rows, first differences): availability, downtime and credit, exactly."""
    same, diffs = 0, []
    table = results.table
    for rec in records(table):
        want = plain.get((rec["tenant"], rec["period"]))
        if want is None:
            diffs.append(f"{rec['tenant']} {rec['period']}: missing in plain Python")
            continue
        got = (
            rec["measured_seconds"],
            rec["downtime_seconds"],
            rec["downtime_user_seconds"],
            rec["availability_percent"],
            rec["credit_percent"],
            rec["credit_days"],
            str(rec["credit_amount"]),
        )
        expect = (
            want.measured_seconds,
            want.downtime_seconds,
            want.downtime_user_seconds,
            plain_python.display_percent(want.availability),
            want.credit_percent,
            want.credit_days,
            str(want.credit_amount),
        )
        if got == expect:
            same += 1
        elif len(diffs) < 3:
            diffs.append(f"{rec['tenant']} {rec['period']}: slacalc {got} != plain {expect}")
    if len(plain) != len(table):
        diffs.append(f"{len(plain)} plain rows, {len(table)} slacalc rows")
    return same, len(table), diffs


def sample_tenants(customers: slacalc.Customers, k: int, salt: int) -> list[str]:
    rng = np.random.default_rng([generate.SEED, salt])
    tenants = customers.frame["tenant"].to_numpy(dtype=object)
    return sorted(rng.choice(tenants, size=min(k, len(tenants)), replace=False).tolist())


# --- memory in a child process --------------------------------------------------------------------


def _reset_peak() -> bool:
    try:
        Path("/proc/self/clear_refs").write_text("5")
        return True
    except OSError:
        return False


def _peak_bytes() -> int:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def _current_bytes() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    return 0


def child(n_windows: int, workload: str, excel: bool) -> None:
    """In a fresh process: load, calculate once (and export), print peaks as JSON."""
    outages, work, _ = read_workload(n_windows, csv=False)
    customers = work.customers
    del work
    gc.collect()
    out: dict[str, Any] = {"loaded_rss": _current_bytes(), "reset": _reset_peak()}
    t, c = time.perf_counter(), time.process_time()
    results = calculate(outages, customers, workload)
    out["calculate_s"] = time.perf_counter() - t
    out["calculate_cpu"] = time.process_time() - c
    out["calculate_peak"] = _peak_bytes()
    out["result_rows"] = len(results.table)
    if excel:
        export = _export_excel()
        if export is not None:
            del outages
            gc.collect()
            out["before_export_rss"] = _current_bytes()
            _reset_peak()
            with tempfile.TemporaryDirectory() as tmp:
                path = Path(tmp) / "results.xlsx"
                t = time.perf_counter()
                export(results, path)
                out["export_s"] = time.perf_counter() - t
                out["export_bytes"] = path.stat().st_size
            out["export_peak"] = _peak_bytes()
    print("CHILD " + json.dumps(out))


def run_child(n_windows: int, workload: str, *, excel: bool) -> dict[str, Any]:
    cmd = [sys.executable, __file__, "--child", str(n_windows), workload]
    if excel:
        cmd.append("--excel")
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    for line in done.stdout.splitlines():
        if line.startswith("CHILD "):
            return json.loads(line[6:])
    raise SystemExit(f"the memory child failed:\n{done.stdout}\n{done.stderr}")


def _export_excel() -> Callable[[slacalc.Results, Path], Any] | None:
    """``slacalc.excel.export_excel`` when it exists on this tree, else ``None`` (pending)."""
    try:
        module = importlib.import_module("slacalc.excel")
    except ImportError:
        return None
    return getattr(module, "export_excel", None)


# --- the measures ---------------------------------------------------------------------------------


def measure_main(report: Report, n_windows: int, runs: int, *, excel: bool) -> dict[str, float]:
    label = f"{n_windows:,} windows"
    print(f"\n{label}: reading the workload")
    outages, work, where = read_workload(n_windows)
    customers = work.customers

    print(f"{label}: slacalc.calculate (median of {runs})")
    calc, results = timed(lambda: calculate(outages, customers, "1m"), runs)
    calc_s = calc.wall
    rows = len(results.table)
    report.add(
        label,
        "slacalc.calculate, Exchange LA (user_minutes)",
        f"{calc} ({rows:,} result rows)",
        "≤ 1.0 s",
        calc_s <= 1.0,
    )
    evidence, _ = timed(lambda: (results.evidence, results.exclusions), 1)
    report.add(label, "  then its evidence and exclusions, built when first read", str(evidence))
    duck, frame = timed(duckdb_union(outages.frame), runs)
    report.add(label, "DuckDB union of windows per tenant-month", f"{duck} ({len(frame):,} rows)")
    report.add(
        label,
        "ratio slacalc / DuckDB (wall)",
        f"{calc_s / duck.wall:.2f} (CPU time: {calc.cpu / duck.cpu:.2f})",
        "≤ 1.0",
        calc_s / duck.wall <= 1.0,
    )
    time_method, _ = timed(lambda: calculate(outages, customers, "time"), runs)
    report.add(label, "slacalc.calculate, Workspace LA (time, > 5 %)", str(time_method))
    # The same windows, each with an incident id of its own: the id lists are the most work.
    own_ids = distinct_ids(outages)
    distinct_calc, _ = timed(lambda: calculate(own_ids, customers, "1m"), runs)
    report.add(
        label,
        f"slacalc.calculate, Exchange LA, {len(own_ids.frame):,} distinct incident ids",
        str(distinct_calc),
    )
    report.add(
        label,
        "ratio slacalc (distinct ids) / DuckDB (wall)",
        f"{distinct_calc.wall / duck.wall:.2f} (CPU time: {distinct_calc.cpu / duck.cpu:.2f})",
        "≤ 1.0",
        distinct_calc.wall / duck.wall <= 1.0,
    )
    first, compiling = first_call(), first_call(compile_=True)
    report.add(
        label,
        "first call in a fresh process: import slacalc, then calculate one window",
        f"{seconds(first['import'])} + {seconds(first['first'])} with the compiled sweep cached "
        f"on disk (every process after the first); {seconds(compiling['first'])} when it compiles "
        "(the first calculation after an install)",
    )

    # The pure-Python peer: timed on a sample of tenants, scaled by windows.
    sample = sample_tenants(customers, PLAIN_SAMPLE_TENANTS, 1)
    s_out, s_cust = subset(outages, customers, sample)
    windows, plain_customers = plain_inputs(s_out, s_cust)
    contract = generate.contract_for("1m")
    plain, _ = timed(lambda: plain_python.calculate(windows, plain_customers, contract), 1)
    scale = len(outages.frame) / max(len(windows), 1)
    report.add(
        label,
        f"plain Python (per row), {len(windows):,} windows scaled to {len(outages.frame):,}",
        f"{Timing(plain.wall * scale, plain.cpu * scale)} (sample {plain})",
    )
    # Both are single-threaded: CPU time compares them fairly on a shared machine.
    speed_up = plain.cpu * scale / calc.cpu
    report.add(
        label,
        "speed-up slacalc vs plain Python (CPU time)",
        f"{speed_up:.1f}× (wall: {plain.wall * scale / calc_s:.1f}×)",
        "≥ 30×",
        speed_up >= 30,
    )
    for workload in ("1m", "time"):
        check = sample_tenants(customers, CHECK_TENANTS, 2)
        c_out, c_cust = subset(outages, customers, check)
        ours = calculate(c_out, c_cust, workload)
        ws, cs = plain_inputs(c_out, c_cust)
        theirs = plain_python.calculate(ws, cs, generate.contract_for(workload))
        same, total, diffs = compare_plain(ours, theirs)
        name = generate.contract_for(workload).id
        report.add(
            label,
            f"identical to plain Python ({name}, {len(check)} tenants)",
            f"{same:,}/{total:,} tenant-periods" + ("; " + " | ".join(diffs) if diffs else ""),
            "all",
            same == total and not diffs,
        )
    report.add(
        label,
        "DuckDB union = slacalc downtime (no exclusions, 300 tenants)",
        _check_duckdb(outages, customers),
    )

    # Peak memory, in a child process (and the Excel export, if it exists on this tree).
    print(f"{label}: peak memory in a child process")
    mem = run_child(n_windows, "1m", excel=excel)
    report.add(
        label,
        "peak RSS while calculating (child, VmHWM)",
        f"{gib(mem['calculate_peak'])} (data loaded: {gib(mem['loaded_rss'])})",
        "≤ 1.5 GB",
        mem["calculate_peak"] <= 1.5e9,
    )

    # read_outages of the CSV against a bare pandas read.
    csv = where["csv"]
    bare, _ = timed(lambda: pd.read_csv(csv, engine="pyarrow"), runs)
    read, outcome = timed(lambda: slacalc.read_outages(csv), runs)
    ok = len(outcome.frame) == n_windows and not outcome.rejected
    ratio = read.wall / bare.wall
    report.add(label, "pandas.read_csv(engine='pyarrow') of the CSV", str(bare))
    report.add(
        label,
        "slacalc.read_outages of the CSV",
        f"{read}: {ratio:.1f}× pandas (wall){'' if ok else ', ROWS LOST'}",
        "≤ 3×",
        ratio <= 3 and ok,
    )
    del outcome

    # Excel export of the results.
    if not excel:
        pass
    elif "export_s" in mem:
        report.add(
            label,
            f"Excel export of {mem['result_rows']:,} result rows",
            f"{seconds(mem['export_s'])}, peak RSS {gib(mem['export_peak'])} "
            f"(before: {gib(mem['before_export_rss'])}), {mem['export_bytes'] / 1e6:.1f} MB",
            "≤ 20 s",
            mem["export_s"] <= 20,
        )
    else:
        report.add(
            label,
            "Excel export of the results",
            "pending: slacalc.excel.export_excel is not on this tree",
            "≤ 20 s",
        )

    # What-ifs through slacalc.engine.scenarios: every window an hour longer, one tenant or all.
    contract = generate.contract_for("1m")
    longer = Scenario("an hour longer", extend_minutes=60)
    counts = outages.frame["tenant"].value_counts()
    busiest, n_busiest = counts.index[0], int(counts.iloc[0])
    # Which rows are whose, found once for the loaded table (as an app does when it loads it).
    windows_of = TenantIndex(outages, customers)

    def one_tenant() -> slacalc.Results:
        mine, theirs = windows_of.subset(busiest)
        return run_scenario(mine, contract, longer, customers=theirs)

    one, _ = timed(one_tenant, max(runs, 5))
    report.add(
        label,
        f"what-if, one tenant ({busiest}: filter its {n_busiest} "
        "windows and its customer row, +1 h each)",
        str(one),
        "≤ 50 ms",
        one.wall <= 0.05,
    )
    cold, _ = timed(lambda: run_scenario(outages, contract, longer, customers=customers), 1)
    report.add(label, "what-if, all tenants (+1 h each), no baseline computed before", str(cold))
    run_scenario(outages, contract, customers=customers)  # the baseline, untimed
    every, _ = timed(lambda: run_scenario(outages, contract, longer, customers=customers), runs)
    report.add(
        label,
        "what-if, all tenants (+1 h each), after its baseline (as `slacalc whatif` runs it)",
        str(every),
        "≤ 2 s",
        every.wall <= 2,
    )
    return {"calculate_cpu": mem["calculate_cpu"], "peak": mem["calculate_peak"]}


def _check_duckdb(outages: slacalc.Outages, customers: slacalc.Customers) -> str:
    """slacalc's downtime with no maintenance and no excluded rows is the union DuckDB computes."""
    check = sample_tenants(customers, CHECK_TENANTS, 3)
    c_out, c_cust = subset(outages, customers, check)
    frame = c_out.frame
    counted = dataclasses.replace(
        c_out, frame=frame[frame["excluded"] == ""].reset_index(drop=True)
    )
    bare = generate.exchange_la().model_copy(update={"maintenance": ()})
    ours = slacalc.calculate(counted, bare, customers=c_cust).table
    theirs = duckdb_union(frame)()
    merged = ours.merge(theirs, on=["tenant", "period"], how="outer", suffixes=("", "_duckdb"))
    same = int((merged["downtime_seconds"] == merged["downtime_seconds_duckdb"]).sum())
    return f"{same:,}/{len(merged):,} tenant-periods equal"


def measure_more(
    report: Report, n_windows: int, base: dict[str, float] | None, base_n: int
) -> None:
    """A larger workload: one calculation in a child, time and memory against n log n growth."""
    label = f"{n_windows:,} windows"
    print(f"\n{label}: one calculation in a child process")
    generate.load(n_windows, csv=False)
    mem = run_child(n_windows, "1m", excel=False)
    report.add(
        label,
        "slacalc.calculate (one run, child)",
        str(Timing(mem["calculate_s"], mem["calculate_cpu"])),
    )
    report.add(
        label,
        "peak RSS while calculating (child, VmHWM)",
        f"{gib(mem['calculate_peak'])} (data loaded: {gib(mem['loaded_rss'])})",
    )
    if base:
        k = n_windows / base_n
        bound = k * math.log(n_windows) / math.log(base_n)
        t_growth = mem["calculate_cpu"] / base["calculate_cpu"]
        m_growth = mem["calculate_peak"] / base["peak"]
        report.add(
            label,
            f"growth from {base_n:,}: CPU time (one run each, in a child)",
            f"{t_growth:.1f}×",
            f"≤ {bound:.1f}× (n log n)",
            t_growth <= bound,
        )
        report.add(
            label,
            f"growth from {base_n:,}: peak memory",
            f"{m_growth:.1f}×",
            f"≤ {bound:.1f}× (n log n)",
            m_growth <= bound,
        )


def measure_dask(report: Report, n_windows: int) -> None:
    """The Dask path on a local cluster of two single-threaded worker processes."""
    import dask.dataframe as dd
    from distributed import Client, LocalCluster

    from slacalc.distributed import calculate_dask

    label = f"{n_windows:,} windows"
    print(f"\n{label}: Dask, LocalCluster(2 workers × 1 thread)")
    generate.load(n_windows, csv=False)
    where = generate.paths(n_windows)
    with (
        LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        Client(cluster) as client,
    ):
        ddf = dd.read_parquet(where["parquet"], split_row_groups=True)
        groups = max(4, n_windows // 250_000)  # tenant groups of about 250,000 windows each
        t = time.perf_counter()
        results = calculate_dask(
            ddf,
            generate.contract_for("1m"),
            customers=generate.customers(),
            periods=generate.PERIODS,
            partitions=groups,
        )
        took = time.perf_counter() - t
        peaks = client.run(_peak_bytes)
    report.add(
        label,
        f"Dask calculate_dask (read_parquet → shuffle → calculate, {groups} tenant groups)",
        f"{seconds(took)} ({len(results.table):,} rows)",
    )
    report.add(
        label,
        "Dask worker peak RSS (VmHWM)",
        ", ".join(gib(v) for v in peaks.values()),
    )


def measure_liability(report: Report, n_windows: int, runs: int) -> None:
    """The liability workbook of every tenant and period (10,000 × 12) and the evidence files."""
    from slacalc.excel import export_liability
    from slacalc.report.evidence import write_evidence

    outages, work, _ = read_workload(n_windows, csv=False)
    results = calculate(outages, work.customers, "1m")
    del outages, work
    label = f"{n_windows:,} windows"
    tenants = results.table["tenant"].nunique()
    periods = results.table["period"].nunique()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "liability.xlsx"
        timing, _ = timed(lambda: export_liability(results, path), runs)
        size = path.stat().st_size
        report.add(
            label,
            f"liability workbook, {tenants:,} tenants × {periods} periods "
            f"({len(results.table):,} rows)",
            f"{timing}, {size / 1e6:.1f} MB",
            "≤ 10 s, < 20 MB",
            timing.wall <= 10 and size < 20e6,
        )
        folder = Path(tmp) / "evidence"
        timing, written = timed(lambda: write_evidence(results, folder), runs)
        total = sum(p.stat().st_size for p in written)
        maintenance = len(pd.read_parquet(folder / "maintenance.parquet"))
        report.add(
            label,
            "evidence files (Parquet + CSV)",
            f"{timing}, {total / 1e6:.1f} MB; maintenance {maintenance:,} rows "
            f"(of {len(results.exclusions):,} excluded pieces)",
        )


def load() -> str:
    """The load average over 1, 5 and 15 minutes (other sessions share the cores)."""
    return ", ".join(f"{x:.1f}" for x in os.getloadavg()) + " (1, 5, 15 min)"


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    versions = ", ".join(
        f"{m} {importlib.import_module(m).__version__}"
        for m in ("numpy", "pandas", "duckdb", "dask")
    )
    python = platform.python_version()
    return f"{os.cpu_count()} cores ({cpu}), {mem:.0f} GiB; Python {python}; {versions}"


def main() -> None:
    parser = argparse.ArgumentParser(description="slacalc provider-scale benchmark (issue 6)")
    parser.add_argument(
        "--sizes", default="1m", help="workloads by windows, e.g. 1m,10m (first is timed in full)"
    )
    parser.add_argument("--runs", type=int, default=3, help="runs per timing (median)")
    parser.add_argument("--quick", action="store_true", help="100k windows, one run")
    parser.add_argument("--dask", default="", help="sizes to run through the Dask path, e.g. 10m")
    parser.add_argument("--no-excel", action="store_true", help="skip the Excel export")
    parser.add_argument(
        "--liability",
        action="store_true",
        help="time only the liability workbook and the evidence files (first size)",
    )
    parser.add_argument("--child", nargs=2, metavar=("WINDOWS", "WORKLOAD"), help=argparse.SUPPRESS)
    parser.add_argument("--excel", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(int(args.child[0]), args.child[1], args.excel)
        return
    sizes = [size_of(s) for s in args.sizes.split(",") if s]
    runs = args.runs
    if args.quick:
        sizes, runs = [100_000], 1
    report = Report()
    started = dt.datetime.now(dt.UTC)
    print(f"load average at the start: {load()}")
    if args.liability:
        measure_liability(report, sizes[0], runs)
    else:
        base = measure_main(report, sizes[0], runs, excel=not args.no_excel)
        for n in sizes[1:]:
            measure_more(report, n, base, sizes[0])
        for n in [size_of(s) for s in args.dask.split(",") if s]:
            measure_dask(report, n)
    print()
    print(f"{started:%Y-%m-%d %H:%M} UTC; {machine()}")
    print(f"load average at the end: {load()}")
    print(f"command: {' '.join([Path(sys.executable).name, *sys.argv])}")
    print()
    print(report.table())


if __name__ == "__main__":
    main()
