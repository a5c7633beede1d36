"""Events: find, filter and download every dated event; a filtered view is a link."""

from __future__ import annotations

import streamlit as st

from presence.acled import ACLED_MAPPING
from presence.charts import events_per_year_chart
from presence.details import events_table, md
from presence.evidence import GRADE_WORDS, GRADES
from presence.explorer import EventFilter, filter_events, filter_from_params, filter_params
from presence.exports import acled_csv, events_csv, events_geojson
from presence.style import CATEGORIES
from presence.view import event_link
from shell import dataset_or_stop, enter, ignored_warning, navigation, own_events, show_event, turn

st.set_page_config(page_title="Events · US military presence in Iraq", page_icon="📋", layout="wide")

# Every run waits for its turn (shell.turn), so a client that floods the server with reruns waits behind the others.
with turn():
    dataset = dataset_or_stop()
    navigation()
    view, arrived = enter("events", dataset)
    own = own_events(dataset)
    everything = [*dataset.events, *own]
    first, last = dataset.years.start, dataset.years.stop - 1
    site_ids = [s.id for s in dataset.sites]

    if arrived:  # the link's filters become the widgets' values
        linked, ignored = filter_from_params(st.query_params.to_dict(), dataset.years, site_ids)
        for note in ignored:
            ignored_warning(note)
        st.session_state.update(
            event_years=(linked.first_year, linked.last_year),
            event_text=linked.text,
            event_categories=sorted(linked.categories),
            event_sites=sorted(linked.sites),
            event_actor=linked.actor,
            event_grades=[g for g in GRADES if g in linked.grades],
        )

    st.title("Events")
    with st.container(key="filters"):
        c1, c2 = st.columns([2, 3])
        years = c1.slider("Years", first, last, key="event_years")
        c1.button(
            f"Only {view.year}",
            help="The year selected on the map and timeline",
            on_click=lambda: st.session_state.update(event_years=(view.year, view.year)),
        )
        text = c2.text_input(
            "Search titles, summaries and notes",
            key="event_text",
            max_chars=200,
            help="Case, apostrophes and accents do not matter: Kataib finds Kata'ib.",
        )
        c3, c4, c5, c6 = st.columns(4)
        categories = c3.multiselect(
            "Category", list(CATEGORIES), format_func=lambda c: CATEGORIES[c][0], key="event_categories"
        )
        sites = c4.multiselect("Site", site_ids, format_func=lambda i: dataset.sites_by_id[i].name, key="event_sites")
        actor = c5.text_input("Actor or attribution", key="event_actor", max_chars=100)
        grades = c6.multiselect(
            "Evidence", list(GRADES), key="event_grades", help="\n\n".join(GRADE_WORDS[g] for g in GRADES)
        )

    wanted = EventFilter(years[0], years[1], frozenset(categories), frozenset(sites), actor, text, frozenset(grades))
    st.query_params.from_dict({"year": str(view.year), **filter_params(wanted, dataset.years)})
    chosen = filter_events(everything, wanted, dataset.sources_by_id)
    yours = f" (including {len(own):,} of yours)" if own else ""
    st.markdown(f"**{len(chosen)} of {len(everything)} events**{yours}")
    st.caption(
        "A selection of landmark events with their sources, not a count of all attacks or strikes: the published "
        "counts are on the Timeline page. The link in the address bar keeps these filters."
    )

    table = events_table(chosen, dataset.sources_by_id, frozenset(e.id for e in own))
    picked = st.dataframe(
        table.drop(columns="id"),
        hide_index=True,
        width="stretch",
        on_select="rerun",
        selection_mode="single-row",
        key="event_table",
    )
    # A selection can outlive a filter that shortened the table: ignore a row that is no longer there.
    rows = [r for r in (picked.selection.rows if picked else []) if r < len(chosen)]
    if rows:
        event = chosen[rows[0]]
        with st.container(key="event_details", border=True):
            show_event(dataset, event)
            # The event itself, selected in its year (a reader's own events too: they live in this tab).
            st.page_link(
                "app.py", label="Open on the map", icon=":material/map:", query_params=event_link(event.id, event.date)
            )
    else:
        st.caption("Select a row to read the event and open it on the map.")

    st.subheader("Events per year by category")
    st.altair_chart(
        events_per_year_chart(
            table.assign(year=[int(e.date[:4]) for e in chosen], category=[e.category for e in chosen])
        ),
        width="stretch",
    )

    st.subheader("Download the rows shown")
    st.caption("Cells a spreadsheet would run as a formula are written with a leading apostrophe.")
    d1, d2, d3 = st.columns(3)
    d1.download_button(f"CSV ({len(chosen)} rows)", events_csv(chosen), "events.csv", "text/csv", on_click="ignore")
    d2.download_button(
        f"GeoJSON ({len(chosen)} rows)",
        events_geojson(chosen),
        "events.geojson",
        "application/geo+json",
        on_click="ignore",
    )
    d3.download_button(
        f"ACLED-style CSV ({len(chosen)} rows)",
        acled_csv(dataset, chosen),
        "events-acled.csv",
        "text/csv",
        on_click="ignore",
    )
    with st.expander("How the ACLED-style export is filled, and how ACLED files are read"):
        st.markdown(
            "Reading an ACLED file (Your events, in the sidebar): a violent row becomes an attack on US or coalition "
            "forces only when its target (actor2 or an associate) is US or coalition forces, and a US strike when its "
            "author (actor1 or an associate) is; every other violent row is an *other conflict event*, drawn on a "
            "layer of its own and never counted in the US figures. An actor is US or coalition forces when its name "
            "says so (e.g. *Military Forces of the United States (2021-)*), it is not civilians (*Civilians (United "
            "States)* are contractors or diplomats) and, where the row gives actor types, it is coded as external "
            "forces (inter 8). Protests, riots and strategic developments keep those names. ACLED's `fatalities` "
            "count every party, so they are kept in words, never as US deaths."
        )
        st.markdown("\n".join(f"- `{col}`: {md(how)}" for col, how in ACLED_MAPPING.items()))
