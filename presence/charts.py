"""Altair charts for the timeline and events pages; pure functions of the data and the selected year."""

from __future__ import annotations

import altair as alt
import pandas as pd

from presence.style import CATEGORIES
from presence.timeline import Milestone, midpoint


def troop_chart(series: pd.DataFrame, marks: list[Milestone], year: int, log: bool = False) -> alt.LayerChart:
    """US troops in Iraq over time: ranges where sources disagree as bands, milestones, the selected year.

    `log` uses a symmetric-log scale, so the hundreds and thousands after 2011 are readable next to 2007's peak.
    """
    tooltip = [
        alt.Tooltip("year:Q", title="Year", format="d"),
        alt.Tooltip("figure:N", title="US troops"),
        alt.Tooltip("kind:N", title="Figure is"),
        alt.Tooltip("as_of:N", title="As of"),
        alt.Tooltip("sources:N", title="Sources"),
    ]
    known = series.dropna(subset=["high"]).copy()
    known["low_or_zero"] = known["low"].fillna(0).astype(int)
    known["high"] = known["high"].astype(int)
    x = alt.X("date:T", title=None, axis=alt.Axis(format="%Y", tickCount=12))
    base = alt.Chart(known).encode(x=x)
    band = base.mark_area(opacity=0.25, color="#0072B2").encode(
        y=alt.Y("low_or_zero:Q", title="US troops in Iraq", scale=alt.Scale(type="symlog" if log else "linear")),
        y2="high:Q",
    )
    line = base.mark_line(color="#0072B2").encode(y="high:Q")
    points = base.mark_point(filled=True, size=60, color="#0072B2").encode(
        y="high:Q", shape=alt.Shape("kind:N", title="Figure is"), tooltip=tooltip
    )
    frame = pd.DataFrame([{"date": pd.Timestamp(midpoint(m.date)), "label": m.label, "title": m.title} for m in marks])
    rules = alt.Chart(frame).mark_rule(color="#888", strokeDash=[3, 3]).encode(x="date:T", tooltip=["title:N"])
    labels = (
        alt.Chart(frame)
        .mark_text(angle=270, align="left", dx=4, dy=-4, fontSize=11, color="#444")
        .encode(x="date:T", y=alt.value(4), text="label:N")
    )
    selected = (
        alt.Chart(pd.DataFrame([{"date": pd.Timestamp(year=year, month=7, day=1), "label": str(year)}]))
        .mark_rule(color="#D55E00", size=2)
        .encode(x="date:T", tooltip=alt.Tooltip("label:N", title="Selected year"))
    )
    return alt.layer(band, line, points, rules, labels, selected).properties(height=380)


def presence_chart(bars: pd.DataFrame, year: int) -> alt.LayerChart:
    """Each site's US presence as bars, one row per site, coloured by federal Iraq or the Kurdistan Region."""
    order = bars.sort_values("start").drop_duplicates("site")["site"].tolist()
    chart = (
        alt.Chart(bars)
        .mark_bar(height=12)
        .encode(
            x=alt.X("start:T", title=None, axis=alt.Axis(format="%Y", tickCount=12)),
            x2="end:T",
            y=alt.Y("site:N", sort=order, title=None, axis=alt.Axis(labelLimit=260, labelOverlap=False)),
            color=alt.Color(
                "region:N",
                scale=alt.Scale(domain=["Federal Iraq", "Kurdistan Region"], range=["#0072B2", "#E69F00"]),
                legend=alt.Legend(title=None, orient="top"),
            ),
            opacity=alt.Opacity("force:N", legend=alt.Legend(title="Mission", orient="top")),
            tooltip=[alt.Tooltip("site:N"), alt.Tooltip("period:N"), alt.Tooltip("force:N", title="Mission")],
        )
    )
    selected = (
        alt.Chart(pd.DataFrame([{"date": pd.Timestamp(year=year, month=7, day=1)}]))
        .mark_rule(color="#D55E00", size=2)
        .encode(x="date:T")
    )
    return alt.layer(chart, selected).properties(height=max(200, 26 * len(order)))


def events_per_year_chart(frame: pd.DataFrame) -> alt.Chart:
    """Stacked bars: events per year by category, in the map's category colours."""
    present = set(frame["category"]) if len(frame) else set()
    domain = [c for c in CATEGORIES if c in present]  # the legend lists only what the bars show
    labels = {c: CATEGORIES[c][0] for c in domain}
    data = frame.assign(label=frame["category"].map(labels)) if len(frame) else frame.assign(label=[])
    return (
        alt.Chart(data)
        .mark_bar()
        .encode(
            x=alt.X("year:O", title=None),
            y=alt.Y("count():Q", title="Events"),
            color=alt.Color(
                "label:N",
                scale=alt.Scale(domain=[labels[c] for c in domain], range=[CATEGORIES[c][1] for c in domain]),
                legend=alt.Legend(title=None, orient="bottom", columns=4),
            ),
            tooltip=[alt.Tooltip("year:O", title="Year"), alt.Tooltip("label:N", title="Category"), "count():Q"],
        )
        .properties(height=260)
    )


def deaths_chart(frame: pd.DataFrame, year: int) -> alt.LayerChart:
    """US military deaths in Iraq per calendar year, from the yearly totals: bars to the lower count, a rule up
    to the higher where counts disagree; hover for who counted and their sources. Years without a count have
    no bar."""
    tooltip = [
        alt.Tooltip("year:O", title="Year"),
        alt.Tooltip("value:N", title="US military deaths"),
        alt.Tooltip("counted_by:N", title="Counted by"),
        alt.Tooltip("sources:N", title="Sources"),
    ]
    data = frame[(frame["measure"] == "us_deaths") & frame["whole_year"] & (frame["scope"] == "in Iraq")]
    x = alt.X("year:O", title=None)
    bars = (
        alt.Chart(data)
        .mark_bar(color="#0072B2")
        .encode(x=x, y=alt.Y("low:Q", title="US military deaths"), tooltip=tooltip)
    )
    spread = alt.Chart(data).mark_rule(color="#333", strokeWidth=2).encode(x=x, y="low:Q", y2="high:Q", tooltip=tooltip)
    selected = (
        alt.Chart(pd.DataFrame([{"year": year}])).mark_rule(color="#D55E00", size=2, opacity=0.6).encode(x="year:O")
    )
    return alt.layer(bars, spread, selected).properties(height=240)


def attacks_chart(frame: pd.DataFrame, year: int) -> alt.LayerChart:
    """Every published count of attacks on US or coalition forces, as points (a log scale: the counts run from
    2 to tens of thousands); each says its period and place on hover, since many cover part of a year, or Iraq
    and Syria together."""
    data = frame[frame["measure"] == "attacks"]
    tooltip = [
        alt.Tooltip("year:O", title="Year"),
        alt.Tooltip("value:N", title="Attacks"),
        alt.Tooltip("period:N", title="Period"),
        alt.Tooltip("scope:N", title="Where"),
        alt.Tooltip("counted_by:N", title="Counted by"),
        alt.Tooltip("sources:N", title="Sources"),
    ]
    points = (
        alt.Chart(data)
        .mark_point(filled=True, size=70)
        .encode(
            x=alt.X("year:O", title=None, scale=alt.Scale(domain=sorted(set(frame["year"]) | {year}))),
            y=alt.Y("low:Q", title="Attacks (published counts)", scale=alt.Scale(type="log")),
            shape=alt.Shape(
                "whole_year:N", title="Covers", legend=alt.Legend(labelExpr="datum.value ? 'the year' : 'part of it'")
            ),
            color=alt.Color("scope:N", title="Where", scale=alt.Scale(range=["#CC3311", "#E69F00"])),
            tooltip=tooltip,
        )
    )
    return points.properties(height=240)
