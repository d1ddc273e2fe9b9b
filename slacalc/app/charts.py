"""The app's pictures: Altair charts drawn from result tables, with no widgets and no arithmetic.

* :func:`timeline`: the outage windows per tenant and cohort, clipped at the period edges, with the
  excluded time shaded;
* :func:`availability`: each period's availability against the contract's tier thresholds (or, for
  many tenants, how the tenants spread around them);
* :func:`credit_steps`: the credit as a function of extra full outage, a step per tier, with the
  current point marked (the steps come from :func:`slacalc.engine.scenarios.credit_steps`).

Times are drawn in the zone the user chose: converted there and drawn on a UTC scale, so the axis
shows that zone's wall-clock time whatever the browser's own zone is.
"""

from __future__ import annotations

from decimal import Decimal

import altair as alt
import numpy as np
import pandas as pd

from slacalc.app import display
from slacalc.model.contract import Contract
from slacalc.report.values import missing

#: What the chart functions return (any Altair top-level chart Streamlit can draw).
Chart = alt.Chart | alt.LayerChart | alt.FacetChart

#: Draw at most this many windows; the rest are left out and counted in the chart's title.
MAX_WINDOWS = 3000


def _local(stamps: pd.Series, timezone: str) -> pd.Series:
    """Aware times as naive wall-clock times in ``timezone`` (drawn on a UTC scale)."""
    return pd.to_datetime(stamps, utc=True).dt.tz_convert(timezone).dt.tz_localize(None)


def _lane(tenant: pd.Series, cohort: pd.Series, portfolio: bool) -> pd.Series:
    who = cohort.where(cohort != "", "all users")
    if not portfolio:
        return who
    return tenant.where(tenant != "", "every tenant") + " · " + who


def _tracks(lane: pd.Series, start: pd.Series, end: pd.Series) -> np.ndarray:
    """A track per window so that windows overlapping in one lane sit one above the other."""
    track = np.zeros(len(lane), dtype=np.int64)
    order = np.lexsort((start.to_numpy(), lane.to_numpy()))
    ends: dict[str, list[pd.Timestamp]] = {}
    lanes, starts, stops = lane.to_numpy(), start.to_numpy(), end.to_numpy()
    for i in order:
        busy = ends.setdefault(str(lanes[i]), [])
        for t, last in enumerate(busy):
            if last <= starts[i]:
                busy[t] = stops[i]
                track[i] = t
                break
        else:
            busy.append(stops[i])
            track[i] = len(busy) - 1
    return track


def timeline_data(
    frame: pd.DataFrame, periods: pd.DataFrame, timezone: str, *, portfolio: bool
) -> pd.DataFrame:
    """The windows to draw: clipped to the reported periods and cut at each period edge.

    ``frame`` is a normalised outage table; ``periods`` has ``period``, ``period_start`` and
    ``period_end`` (the result table's columns).
    """
    edges = periods.drop_duplicates("period").sort_values("period_start")
    if edges.empty or frame.empty:
        return pd.DataFrame()
    pieces = []
    for label, lo, hi in zip(
        edges["period"], edges["period_start"], edges["period_end"], strict=True
    ):
        lo_utc, hi_utc = pd.Timestamp(lo).tz_convert("UTC"), pd.Timestamp(hi).tz_convert("UTC")
        inside = frame[(frame["end"] > lo_utc) & (frame["start"] < hi_utc)]
        if inside.empty:
            continue
        piece = inside.assign(
            start=inside["start"].where(inside["start"] > lo_utc, lo_utc),
            end=inside["end"].where(inside["end"] < hi_utc, hi_utc),
            period=label,
        )
        pieces.append(piece)
    if not pieces:
        return pd.DataFrame()
    data = pd.concat(pieces, ignore_index=True)
    data["minutes"] = (data["end"] - data["start"]).dt.total_seconds() / 60
    data["lane"] = _lane(data["tenant"], data["cohort"], portfolio)
    data["affected"] = [
        f"{u:,.0f} users" if u == u else (f"{p:g} %" if p == p else "all")
        for u, p in zip(data["affected_users"], data["affected_percent"], strict=True)
    ]
    data["incident"] = data["id"].where(data["id"] != "", "(no id)")
    data["status"] = np.where(data["excluded"] == "", "counted", "excluded: " + data["excluded"])
    data["start"] = _local(data["start"], timezone)
    data["end"] = _local(data["end"], timezone)
    data["track"] = _tracks(data["lane"], data["start"], data["end"])
    data["from"], data["to"] = _texts(data["start"]), _texts(data["end"])
    columns = ["lane", "track", "incident", "start", "end", "from", "to", "minutes", "affected"]
    return data[[*columns, "status", "period"]]


def _texts(stamps: pd.Series) -> pd.Series:
    """Wall-clock times as text for tooltips (a tooltip would show them in the browser's zone)."""
    texts: pd.Series = stamps.dt.strftime("%Y-%m-%d %H:%M")
    return texts


def timeline(
    frame: pd.DataFrame,
    periods: pd.DataFrame,
    exclusions: pd.DataFrame,
    timezone: str,
    *,
    portfolio: bool = False,
) -> Chart:
    """Outage windows per tenant and cohort; excluded time shaded grey; period edges as rules."""
    data = timeline_data(frame, periods, timezone, portfolio=portfolio)
    title = f"Outage windows (times in {timezone})"
    if len(data) > MAX_WINDOWS:
        title += f": the first {MAX_WINDOWS:,} of {len(data):,} windows"
        data = data.sort_values("start").head(MAX_WINDOWS)
    counted = data[data["status"] == "counted"] if len(data) else data
    # Zoom to the windows (a one-day event in a month-long axis would be a sliver); the windows
    # are already cut at the period edges, and the edges inside this span are drawn.
    lo, hi = _span(counted if len(counted) else data)
    x_scale = alt.Scale(type="utc", domain=[_ms(lo), _ms(hi)])
    lanes = sorted(data["lane"].unique()) if len(data) else []
    bars = (
        alt.Chart(counted)
        .mark_bar(cornerRadius=2, opacity=0.85, clip=True)
        .encode(
            x=alt.X(
                "start:T",
                title=f"time ({timezone})",
                scale=x_scale,
                axis=time_axis(hi - lo),
            ),
            x2="end:T",
            y=alt.Y("lane:N", title=None, sort=lanes, axis=alt.Axis(labelLimit=260)),
            yOffset=alt.YOffset("track:O", title=None),
            color=alt.Color("incident:N", title="incident", scale=alt.Scale(scheme="tableau10")),
            tooltip=[
                alt.Tooltip("incident:N"),
                alt.Tooltip("lane:N", title="who"),
                alt.Tooltip("affected:N"),
                alt.Tooltip("from:N"),
                alt.Tooltip("to:N"),
                alt.Tooltip("minutes:Q", format=",.0f"),
                alt.Tooltip("period:N"),
            ],
        )
    )
    layers: list[alt.Chart] = []
    shaded = _exclusion_rects(exclusions, timezone)
    if len(shaded):
        shaded = shaded[(shaded["end"] > lo) & (shaded["start"] < hi)]
    if len(shaded):
        tips = [
            alt.Tooltip("reason:N", title="excluded"),
            alt.Tooltip("from:N"),
            alt.Tooltip("to:N"),
        ]
        layers.append(
            alt.Chart(shaded)
            .mark_rect(color="#9e9e9e", opacity=0.3, clip=True)
            .encode(x=alt.X("start:T", scale=x_scale), x2="end:T", tooltip=tips)
        )
        # A marker too: an excluded hour is thinner than a pixel on a two-month axis.
        layers.append(
            alt.Chart(shaded)
            .mark_point(shape="triangle-down", filled=True, size=90, color="#757575", yOffset=-4)
            .encode(x=alt.X("start:T", scale=x_scale), y=alt.value(0), tooltip=tips)
        )
    layers.append(bars)
    edges = _period_edges(periods, timezone)
    edges = edges[(edges["at"] > lo) & (edges["at"] < hi)] if len(edges) else edges
    if len(edges):
        layers.append(
            alt.Chart(edges)
            .mark_rule(color="#555", strokeDash=[4, 3])
            .encode(x=alt.X("at:T", scale=x_scale), tooltip=[alt.Tooltip("label:N")])
        )
    # A step, not a fixed height: with yOffset, Vega-Lite squashes a fixed-height layer.
    return alt.layer(*layers).properties(title=title, height=alt.Step(18))


def _span(data: pd.DataFrame) -> tuple[pd.Timestamp, pd.Timestamp]:
    """The drawn time span: the windows' extent with a little room on each side."""
    if not len(data):
        now = pd.Timestamp("2026-01-01")
        return now, now + pd.Timedelta(days=1)
    lo, hi = pd.Timestamp(data["start"].min()), pd.Timestamp(data["end"].max())
    room = max((hi - lo) * 0.04, pd.Timedelta(minutes=30))
    return lo - room, hi + room


def time_axis(span: pd.Timedelta) -> alt.Axis:
    """A time axis whose ticks match its labels: hours within three days, else whole days (a
    tick every few hours under a day-only label read "19 Mar 19 Mar 20 Mar"), at most ~12."""
    if span <= pd.Timedelta(days=3):
        return alt.Axis(format="%d %b %H:%M", labelOverlap=True)
    step = max(1, -(-span.days // 12))  # days per tick, rounded up
    return alt.Axis(format="%d %b", labelOverlap=True, tickCount={"interval": "day", "step": step})


def _ms(stamp: pd.Timestamp) -> int:
    """A naive wall-clock time as epoch milliseconds, as Vega reads it on a UTC scale."""
    return int(stamp.tz_localize("UTC").value // 1_000_000)


def _exclusion_rects(exclusions: pd.DataFrame, timezone: str) -> pd.DataFrame:
    if exclusions is None or exclusions.empty:
        return pd.DataFrame()
    out = exclusions.drop_duplicates(["start", "end", "reason"])[["start", "end", "reason"]]
    out = out.assign(start=_local(out["start"], timezone), end=_local(out["end"], timezone))
    return out.assign(**{"from": _texts(out["start"]), "to": _texts(out["end"])})


def _period_edges(periods: pd.DataFrame, timezone: str) -> pd.DataFrame:
    edges = periods.drop_duplicates("period").sort_values("period_start")
    if edges.empty:
        return pd.DataFrame()
    starts = pd.Series(pd.to_datetime(edges["period_start"].to_list(), utc=True))
    labels = [f"{display.period(p)} starts" for p in edges["period"]]
    return pd.DataFrame({"at": _local(starts, timezone), "label": labels})


def _thresholds(contract: Contract) -> pd.DataFrame:
    rows = [
        {
            "below": float(t.below),
            "label": f"{t.operator} {t.below} % → {_credit_words(t.kind, t.credit)}",
        }
        for t in contract.tiers
    ]
    return pd.DataFrame(rows)


def _credit_words(kind: str, credit: Decimal) -> str:
    return {"percent": f"{credit} %", "days": f"{credit} days", "multiple": f"{credit}×"}[kind]


def availability(table: pd.DataFrame, contract: Contract) -> Chart:
    """Each period's availability as a point against the tier thresholds (one customer)."""
    data = pd.DataFrame(
        {
            "period": [display.period(p) for p in table["period"]],
            "availability": [float(v) for v in table["availability_percent"]],
            "shown": [display.percent(v) for v in table["availability_percent"]],
            "tier": [t or "no credit" for t in table["tier"]],
        }
    )
    order = list(dict.fromkeys(data["period"]))
    rules = _thresholds(contract)
    lowest = float(data["availability"].min()) if len(data) else 100.0
    below = rules[rules["below"] < lowest]["below"]
    floor = float(below.max()) if len(below) else float(rules["below"].min())
    lo = min(lowest, floor)
    pad = max((100 - lo) * 0.12, 0.02)
    y_scale = alt.Scale(domain=[lo - pad, 100], nice=False, clamp=True)
    visible = rules[rules["below"] >= lo - pad]
    base = alt.Chart(data).encode(
        x=alt.X("period:N", sort=order, title=None, axis=alt.Axis(labelAngle=0)),
        y=alt.Y("availability:Q", title="availability %", scale=y_scale),
    )
    stems = base.mark_rule(strokeWidth=3, color="#4c78a8").encode(y2=alt.datum(100))
    dots = base.mark_circle(size=160, color="#4c78a8", opacity=1).encode(
        tooltip=[
            alt.Tooltip("period:N"),
            alt.Tooltip("shown:N", title="availability"),
            alt.Tooltip("tier:N"),
        ]
    )
    labels = base.mark_text(align="left", dx=12, fontWeight="bold").encode(text="shown:N")
    lines = (
        alt.Chart(visible)
        .mark_rule(color="#e45756", strokeDash=[6, 4])
        .encode(y=alt.Y("below:Q", scale=y_scale))
    )
    names = (
        alt.Chart(visible)
        .mark_text(align="right", baseline="bottom", dx=-4, dy=-2, color="#e45756")
        .encode(y=alt.Y("below:Q", scale=y_scale), x=alt.value("width"), text="label:N")
    )
    return alt.layer(lines, names, stems, dots, labels).properties(
        title="Availability per period against the credit tiers", height=320
    )


def availability_spread(table: pd.DataFrame, contract: Contract) -> Chart:
    """How many tenants landed at each availability, per period, against the tier thresholds."""
    data = pd.DataFrame(
        {
            "period": [display.period(p) for p in table["period"]],
            "availability": [float(v) for v in table["availability_percent"]],
        }
    )
    rules = _thresholds(contract)
    lo = min(float(data["availability"].min()) if len(data) else 100.0, float(rules["below"].max()))
    pad = max((100 - lo) * 0.05, 0.01)
    x_scale = alt.Scale(domain=[lo - pad, 100], nice=False, clamp=True)
    bars = (
        alt.Chart(data)
        .mark_bar(opacity=0.8)
        .encode(
            x=alt.X(
                "availability:Q", bin=alt.Bin(maxbins=60), title="availability %", scale=x_scale
            ),
            y=alt.Y("count():Q", title="tenants", stack=True),
            color=alt.Color("period:N"),
            tooltip=[alt.Tooltip("period:N"), alt.Tooltip("count():Q", title="tenants")],
        )
    )
    visible = rules[rules["below"] >= lo - pad]
    lines = (
        alt.Chart(visible)
        .mark_rule(color="#e45756", strokeDash=[6, 4])
        .encode(x=alt.X("below:Q", scale=x_scale), tooltip=[alt.Tooltip("label:N", title="tier")])
    )
    names = (
        alt.Chart(visible)
        .mark_text(align="right", baseline="top", dx=-4, dy=4, color="#e45756")
        .encode(x=alt.X("below:Q", scale=x_scale), y=alt.value(0), text="label:N")
    )
    return alt.layer(bars, lines, names).properties(
        title="Tenants by availability (dashed: tier thresholds)", height=300
    )


def credit_steps(steps: pd.DataFrame, currency: str, title: str) -> Chart:
    """Credit against extra minutes of full outage: a step at each tier, today's point marked."""
    money = steps["credit_amount"].notna().all()
    value = [
        float(a) if money else float(0 if missing(p) else p) if missing(d) else float(d)
        for a, p, d in zip(
            steps["credit_amount"], steps["credit_percent"], steps["credit_days"], strict=True
        )
    ]
    unit = currency if money else ("days" if steps["credit_days"].notna().any() else "% of fee")
    xs = [float(m) for m in steps["extra_minutes"]]
    end = max(xs[-1] * 1.4, 60.0)
    data = pd.DataFrame(
        {
            "extra": [*xs, end],
            "credit": [*value, value[-1]],
            "tier": [*(t or "no credit" for t in steps["tier"]), ""],
        }
    )
    marks = pd.DataFrame(
        {
            "extra": xs,
            "credit": value,
            "label": [
                "now: " + _amount_text(v, unit)
                if i == 0
                else f"+{display.duration(x)} → {_amount_text(v, unit)}"
                for i, (x, v) in enumerate(zip(xs, value, strict=True))
            ],
            "now": ["now" if i == 0 else "step" for i in range(len(xs))],
            "needed": [display.minutes_needed(x) for x in steps["extra_minutes"]],
            "tier": [t or "no credit" for t in steps["tier"]],
        }
    )
    line = (
        alt.Chart(data)
        .mark_line(interpolate="step-after", strokeWidth=3, color="#4c78a8")
        .encode(
            x=alt.X("extra:Q", title="extra minutes of full outage (every user)"),
            y=alt.Y("credit:Q", title=f"credit ({unit})"),
        )
    )
    points = (
        alt.Chart(marks)
        .mark_point(filled=True, size=140)
        .encode(
            x="extra:Q",
            y="credit:Q",
            color=alt.Color(
                "now:N",
                scale=alt.Scale(domain=["now", "step"], range=["#e45756", "#4c78a8"]),
                legend=None,
            ),
            tooltip=[
                alt.Tooltip("needed:N", title="extra outage"),
                alt.Tooltip("tier:N"),
                alt.Tooltip("label:N", title="credit"),
            ],
        )
    )
    text = (
        alt.Chart(marks)
        .mark_text(align="left", dx=8, dy=-10)
        .encode(x="extra:Q", y="credit:Q", text="label:N")
    )
    return alt.layer(line, points, text).properties(title=title, height=300)


def _amount_text(value: float, unit: str) -> str:
    if unit in ("days", "% of fee"):
        return f"{value:g} {unit}"
    return f"{value:,.2f} {unit}"


def scenario_credits(compared: pd.DataFrame) -> Chart:
    """Credit per period for the baseline and each scenario, bars side by side."""
    data = pd.DataFrame(
        {
            "period": [display.period(p) for p in compared["period"]],
            "scenario": compared["scenario"],
            "credit": [0.0 if missing(a) else float(a) for a in compared["credit_amount"]],
            "shown": [
                display.money(a, c)
                for a, c in zip(compared["credit_amount"], compared["currency"], strict=True)
            ],
            "availability": [display.percent(v) for v in compared["availability_percent"]],
        }
    )
    scenarios = list(dict.fromkeys(data["scenario"]))
    chart: alt.Chart = (
        alt.Chart(data)
        .mark_bar()
        .encode(
            x=alt.X(
                "period:N",
                title=None,
                sort=list(dict.fromkeys(data["period"])),
                axis=alt.Axis(labelAngle=0),
            ),
            xOffset=alt.XOffset("scenario:N", sort=scenarios),
            y=alt.Y("sum(credit):Q", title="credit"),
            color=alt.Color("scenario:N", sort=scenarios),
            tooltip=[
                alt.Tooltip("scenario:N"),
                alt.Tooltip("period:N"),
                alt.Tooltip("availability:N"),
                alt.Tooltip("shown:N", title="credit"),
            ],
        )
        .properties(title="Credit per period: baseline and scenarios", height=280)
    )
    return chart
