"""Events: find, filter and download every dated event."""

from __future__ import annotations

import streamlit as st

from presence.charts import events_per_year_chart
from presence.details import events_table, md
from presence.explorer import ACLED_MAPPING, EventFilter, acled_csv, events_csv, events_geojson, filter_events
from presence.style import CATEGORIES
from shell import dataset_or_stop, enter, navigation, own_events, show_event

st.set_page_config(page_title="Events · US military presence in Iraq", page_icon="📋", layout="wide")
dataset = dataset_or_stop()
navigation()
view, _ = enter("events", dataset)
own = own_events(dataset)
everything = [*dataset.events, *own]
first, last = dataset.years.start, dataset.years.stop - 1

st.title("Events")
with st.container(key="filters"):
    c1, c2 = st.columns([2, 3])
    years = c1.slider("Years", first, last, (first, last), key="event_years")
    c1.button(
        f"Only {view.year}",
        help="The year selected on the map and timeline",
        on_click=lambda: st.session_state.update(event_years=(view.year, view.year)),
    )
    text = c2.text_input("Search titles, summaries and notes", key="event_text", max_chars=200)
    c3, c4, c5 = st.columns(3)
    categories = c3.multiselect(
        "Category", list(CATEGORIES), format_func=lambda c: CATEGORIES[c][0], key="event_categories"
    )
    sites = c4.multiselect(
        "Site", [s.id for s in dataset.sites], format_func=lambda i: dataset.sites_by_id[i].name, key="event_sites"
    )
    actor = c5.text_input("Actor or attribution", key="event_actor", max_chars=100)

wanted = EventFilter(years[0], years[1], frozenset(categories), frozenset(sites), actor, text)
chosen = filter_events(everything, wanted)
yours = f" (including {len(own):,} of yours)" if own else ""
st.markdown(f"**{len(chosen)} of {len(everything)} events**{yours}")

table = events_table(chosen, frozenset(e.id for e in own))
picked = st.dataframe(
    table.drop(columns="id"),
    hide_index=True,
    width="stretch",
    on_select="rerun",
    selection_mode="single-row",
    key="event_table",
)
rows = picked.selection.rows if picked else []
if rows:
    event = chosen[rows[0]]
    with st.container(key="event_details", border=True):
        show_event(dataset, event)
        # A reader's own events are not in links (they live in this tab only): link their year and site.
        mine = event.id not in dataset.events_by_id
        params = {
            "year": event.date[:4],
            **({"site": event.site_id} if event.site_id else {} if mine else {"event": event.id}),
        }
        st.page_link("app.py", label="Open on the map", icon=":material/map:", query_params=params)
else:
    st.caption("Select a row to read the event and open it on the map.")

st.subheader("Events per year by category")
st.altair_chart(
    events_per_year_chart(table.assign(year=[int(e.date[:4]) for e in chosen], category=[e.category for e in chosen])),
    width="stretch",
)

st.subheader("Download the rows shown")
d1, d2, d3 = st.columns(3)
d1.download_button(f"CSV ({len(chosen)} rows)", events_csv(chosen), "events.csv", "text/csv", on_click="ignore")
d2.download_button(
    f"GeoJSON ({len(chosen)} rows)", events_geojson(chosen), "events.geojson", "application/geo+json", on_click="ignore"
)
d3.download_button(
    f"ACLED-style CSV ({len(chosen)} rows)",
    acled_csv(dataset, chosen),
    "events-acled.csv",
    "text/csv",
    on_click="ignore",
)
with st.expander("How the ACLED-style export is filled"):
    st.markdown("\n".join(f"- `{col}`: {md(how)}" for col, how in ACLED_MAPPING.items()))
