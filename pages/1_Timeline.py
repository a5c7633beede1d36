"""Timeline: US troops in Iraq since 2003, milestones, and each site's presence."""

from __future__ import annotations

import streamlit as st

from presence.charts import attacks_chart, deaths_chart, presence_chart, troop_chart
from presence.details import md, sources_markdown
from presence.timeline import milestones, presence_bars, troop_series
from presence.totals import totals_frame
from shell import dataset_or_stop, enter, navigation, turn, year_slider

st.set_page_config(page_title="Timeline · US military presence in Iraq", page_icon="📈", layout="wide")

# Every run waits for its turn (shell.turn), so a client that floods the server with reruns waits behind the others.
with turn():
    dataset = dataset_or_stop()
    navigation()
    enter("timeline", dataset)

    st.title("Timeline")
    year = year_slider(dataset)
    st.query_params.from_dict({"year": str(year)})

    st.subheader("US troops in Iraq")
    st.caption(
        "Shaded bands are ranges where sources disagree; the line follows the upper figure and breaks where the data "
        "has no figure (grey). Hover a point for the figure, what kind of figure it is, and its sources. Dashed lines "
        f"are milestones (named in the list at the bottom of the page); the orange line is {year}."
    )
    log = st.toggle("Logarithmic scale", help="Makes the hundreds and thousands after 2011 readable beside 2007's peak")
    marks = milestones(dataset)
    st.altair_chart(troop_chart(troop_series(dataset), marks, year, log=log), width="stretch")

    st.subheader("US deaths and attacks: the published counts")
    st.caption(
        "Official or widely cited counts (`data/yearly_totals.csv`), not the events on the map, which are a "
        "selection. Where sources disagree the bar stops at the lower count and a line runs to the higher. Many "
        "attack counts cover part of a year, or Iraq and Syria together: hover a point for its period, place, who "
        "counted and the sources. Years without a bar or point have no published count."
    )
    frame = totals_frame(dataset.yearly_totals, dataset.sources_by_id)
    st.altair_chart(deaths_chart(frame, year), width="stretch")
    st.altair_chart(attacks_chart(frame, year), width="stretch")
    with st.expander("Every published count, with its sources"):
        st.dataframe(
            frame.drop(columns=["measure", "low", "high", "whole_year"]).rename(columns={"label": "what"}),
            hide_index=True,
            width="stretch",
        )

    st.subheader("US presence by site")
    st.caption("One bar per presence period; colour says federal Iraq or the Kurdistan Region, shade the mission.")
    st.altair_chart(presence_chart(presence_bars(dataset), year), width="stretch")

    st.subheader("Milestones")
    for mark in marks:
        with st.expander(f"{md(mark.date)} · {md(mark.label)}: {md(mark.title)}"):
            st.markdown(sources_markdown(mark.source_ids, dataset.sources_by_id))
            if mark.event_id:
                st.page_link(
                    "app.py",
                    label="Open on the map",
                    icon=":material/map:",
                    query_params={"year": mark.date[:4], "event": mark.event_id},
                )
