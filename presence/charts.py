"""Altair charts for the timeline and events pages; pure functions of the data and the selected year."""

from __future__ import annotations

import altair as alt
import pandas as pd

from presence.style import CATEGORIES
from presence.timeline import Milestone, midpoint

# Tick values of the log axis: readable steps from the hundreds after 2011 to 2007's peak.
LOG_TICKS = [100, 300, 1_000, 3_000, 10_000, 30_000, 100_000]
# Below this width the milestone names would overlap; they are listed under the chart instead.
NARROW = "width < 560"


def troop_chart(series: pd.DataFrame, marks: list[Milestone], year: int, log: bool = False) -> alt.LayerChart:
    """US troops in Iraq over time: ranges where sources disagree as bands, milestones, the selected year.
    Years without a figure are gaps in the line, shaded and labelled.

    `log` uses a logarithmic scale, so the hundreds and thousands after 2011 are readable next to 2007's peak.
    """
    tooltip = [
        alt.Tooltip("year:Q", title="Year", format="d"),
        alt.Tooltip("figure:N", title="US troops"),
        alt.Tooltip("kind:N", title="Figure is"),
        alt.Tooltip("as_of:N", title="As of"),
        alt.Tooltip("sources:N", title="Sources"),
    ]
    known = series.dropna(subset=["high"]).copy()
    # A band needs a bottom: on a log scale a ceiling alone is drawn as a point, on a linear one from zero.
    known["bottom"] = known["low"].fillna(known["high"] if log else 0).astype(int)
    known["high"] = known["high"].astype(int)
    known["segment"] = known["segment"].astype(int)
    scale = alt.Scale(type="log", domain=[100, 200_000]) if log else alt.Scale(type="linear")
    axis = alt.Axis(values=LOG_TICKS, format="~s") if log else alt.Axis(format="~s")
    x = alt.X("date:T", title=None, axis=alt.Axis(format="%Y", tickCount=12))
    base = alt.Chart(known).encode(x=x, detail="segment:N")
    band = base.mark_area(opacity=0.25, color="#0072B2").encode(
        y=alt.Y("bottom:Q", title="US troops in Iraq", scale=scale, axis=axis), y2="high:Q"
    )
    line = base.mark_line(color="#0072B2").encode(y="high:Q")
    points = base.mark_point(filled=True, size=60, color="#0072B2").encode(
        y="high:Q",
        shape=alt.Shape("kind:N", title="Figure is", legend=alt.Legend(orient="bottom")),
        tooltip=tooltip,
    )
    # Years the data marks unknown: shaded over the whole height of the scale, and named.
    top, bottom = (200_000, 100) if log else (int(known["high"].max()), 0)
    gaps = pd.DataFrame(
        [
            {"start": pd.Timestamp(year=y, month=1, day=1), "end": pd.Timestamp(year=y, month=12, day=31)}
            for y in sorted(set(series.loc[series["high"].isna(), "year"]))
        ],
        columns=["start", "end"],
    ).assign(top=top, bottom=bottom)
    unknown = (
        alt.Chart(gaps)
        .mark_rect(color="#999", opacity=0.18)
        .encode(x="start:T", x2="end:T", y="top:Q", y2="bottom:Q", tooltip=alt.value("No figure in the data"))
    )
    unknown_label = (
        alt.Chart(gaps)
        .mark_text(angle=270, align="right", baseline="top", dx=-4, dy=2, fontSize=11, color="#555")
        .encode(x="start:T", y=alt.value(0), text=alt.value("no figure"))
    )
    frame = pd.DataFrame([{"date": pd.Timestamp(midpoint(m.date)), "label": m.label, "title": m.title} for m in marks])
    rules = alt.Chart(frame).mark_rule(color="#888", strokeDash=[3, 3]).encode(x="date:T", tooltip=["title:N"])
    labels = (
        alt.Chart(frame)
        .mark_text(angle=270, align="right", dx=-4, dy=-4, fontSize=11, color="#444")
        .encode(
            x="date:T",
            y=alt.value(0),
            text="label:N",
            opacity=alt.condition(NARROW, alt.value(0), alt.value(1)),
        )
    )
    selected = (
        alt.Chart(pd.DataFrame([{"date": pd.Timestamp(year=year, month=7, day=1), "label": str(year)}]))
        .mark_rule(color="#D55E00", size=2)
        .encode(x="date:T", tooltip=alt.Tooltip("label:N", title="Selected year"))
    )
    return alt.layer(unknown, unknown_label, band, line, points, rules, labels, selected).properties(height=380)


def presence_chart(bars: pd.DataFrame, year: int) -> alt.LayerChart:
    """Each site's US presence as bars, one row per site, coloured by federal Iraq or the Kurdistan Region."""
    order = bars.sort_values("start").drop_duplicates("site")["site"].tolist()
    chart = (
        alt.Chart(bars)
        .mark_bar(height=12)
        .encode(
            x=alt.X("start:T", title=None, axis=alt.Axis(format="%Y", tickCount=12)),
            x2="end:T",
            # Long names are cut shorter on a phone, so the bars keep room (the full name is in the tooltip).
            y=alt.Y(
                "site:N",
                sort=order,
                title=None,
                axis=alt.Axis(labelLimit=alt.ExprRef("width < 400 ? 110 : 260"), labelOverlap=False),
            ),
            color=alt.Color(
                "region:N",
                scale=alt.Scale(domain=["Federal Iraq", "Kurdistan Region"], range=["#0072B2", "#E69F00"]),
                legend=alt.Legend(title=None, orient="bottom", direction="vertical"),
            ),
            opacity=alt.Opacity("force:N", legend=alt.Legend(title="Mission", orient="bottom", direction="vertical")),
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
                "whole_year:N",
                title="Covers",
                legend=alt.Legend(
                    orient="bottom", direction="vertical", labelExpr="datum.value ? 'the year' : 'part of it'"
                ),
            ),
            color=alt.Color(
                "scope:N",
                title="Where",
                scale=alt.Scale(range=["#CC3311", "#E69F00"]),
                legend=alt.Legend(orient="bottom", direction="vertical"),
            ),
            tooltip=tooltip,
        )
    )
    return points.properties(height=240)
