"""The map: drag the year, see where US forces were, click a base to read its story and sources."""

from __future__ import annotations

from dataclasses import replace

import streamlit as st
from streamlit_folium import st_folium

from presence.details import (
    md,
    presence_markdown,
    site_choice_label,
    site_events_markdown,
    site_markdown,
    site_sources,
    sites_in_list_order,
    sources_markdown,
    troops_caption,
)
from presence.footprint import coverage
from presence.layers import BASEMAPS, base_map, events_sent_by_year, per_year_events
from presence.publish import standalone_html
from presence.totals import describe, headline_deaths, official_summary, year_total
from presence.troops import format_range, readings_line, troop_range
from presence.upload import what_they_are
from presence.view import View, clicked, params_for
from presence.year_map import YearMap
from presence.years import events_at, events_in, year_figures
from shell import (
    dataset_or_stop,
    enter,
    focus_details,
    map_literal,
    mark_own_selection,
    navigation,
    own_events,
    show_event,
    taking_turns,
    turn,
    year_slider,
)

st.set_page_config(page_title="US military presence in Iraq", page_icon="🗺️", layout="wide")

# Every run waits for its turn (shell.turn), so a client that floods the server with reruns waits behind the others.
with turn():
    dataset = dataset_or_stop()
    navigation()
    view, arrived = enter("map", dataset)
    own = own_events(dataset)
    own_ids = frozenset(e.id for e in own)  # kept out of the address
    if arrived or "basemap" not in st.session_state:
        st.session_state.basemap = view.basemap
        st.session_state.through = view.through
    first_year, last_year = dataset.years.start, dataset.years.stop - 1

    def stop_playing() -> None:
        st.session_state.playing = False

    def toggle_play() -> None:
        # A callback runs before the next run draws the slider, so it may set the slider's year.
        st.session_state.playing = not st.session_state.get("playing", False)
        if st.session_state.playing and st.session_state.year == last_year:
            st.session_state.year = first_year

    with st.sidebar:
        st.radio(
            "Basemap",
            list(BASEMAPS),
            format_func=BASEMAPS.get,
            key="basemap",
            help="Tiles need internet; with none, Iraq's outline keeps the map readable offline.",
        )
        st.toggle("Show every event up to the year", key="through")
        st.caption(
            f"Data updated {dataset.metadata.as_of:%d %B %Y}; its latest dated fact is of "
            f"{dataset.metadata.latest_fact:%d %B %Y}. {dataset.metadata.credit}"
        )

    st.title("US military presence in Iraq")
    st.caption(
        "Where US forces were each year since the 2003 invasion. The January 2026 withdrawal was from "
        "federal Iraq only: US forces stayed in the Kurdistan Region (shaded)."
    )
    st.session_state.view = replace(view, basemap=st.session_state.basemap, through=st.session_state.through)
    # Whether this full run sets up the timer that plays the years (at the end of the page).
    st.session_state.timer_playing = st.session_state.get("playing", False)

    # The download is built when clicked, in a thread outside the page's runs where session state cannot be read:
    # it reads the view from this plain dict, which the year part of the page keeps current.
    published: dict = st.session_state.setdefault("published_view", {})

    # More events than the map keeps in the browser reach it a year at a time; then the map must rerun with the year.
    SERVER_LAYERS = events_sent_by_year(dataset, own)

    @st.fragment
    @taking_turns  # a rerun of this part alone waits for its turn too
    def year_and_figures() -> None:
        """The year and its figures. A year change reruns only this part of the page; the map, which holds every
        year, follows the address it sets, so a step sends the year and the figures and no map data."""
        with st.container(key="year_row", horizontal=True, vertical_alignment="bottom"):
            year = year_slider(dataset, on_change=stop_playing)
            playing = st.session_state.get("playing", False)
            st.button(
                "Pause" if playing else "Play",
                icon=":material/pause:" if playing else ":material/play_arrow:",
                help="Step through the years",
                on_click=toggle_play,
                key="play",
            )
        if playing != st.session_state.get("timer_playing", False):
            st.rerun()  # the whole page: the timer that steps the year is set up (or removed) outside this part
        view = replace(st.session_state.view, year=year)
        st.session_state.view = view
        if st.query_params.to_dict() != params_for(view, own_ids):
            st.query_params.from_dict(params_for(view, own_ids))
        published.update(year=year, basemap=view.basemap, through=view.through)

        own_of_year = events_in(own, year)
        figures = year_figures(dataset.sites, [*dataset.events_of(year), *own_of_year], dataset.troop_levels, year)
        troops = troop_range(dataset.troop_levels, year)
        year_end = f"as of {dataset.metadata.as_of:%d %b %Y}" if year == last_year else f"at the end of {year}"
        deaths = year_total(dataset.yearly_totals, year, "us_deaths")
        with st.container(key="figures", horizontal=True):
            st.metric(
                "US troops in Iraq",
                format_range(troops),
                delta=readings_line(troops),
                delta_arrow="off",
                delta_color="off",
                help="Every figure of the year, lowest to highest. "
                + " ".join(troops_caption(t, dataset.sources_by_id) + "." for t in troops.known),
            )
            st.metric(
                "Sites with US forces",
                f"{figures.sites_federal} federal · {figures.sites_kurdistan} Kurdistan",
                delta=f"{figures.sites_federal_at_end} · {figures.sites_kurdistan_at_end} {year_end}",
                delta_arrow="off",
                delta_color="off",
                help="Sites on this map that hosted US forces in the year; below, how many US bases there were in all.",
            )
            st.metric(
                "US military deaths",
                headline_deaths(dataset.yearly_totals, year),
                help=(describe(deaths, dataset.sources_by_id) if deaths else f"No count for the whole of {year}.")
                + " Official or widely cited counts, not the events on the map. "
                + official_summary(dataset.yearly_totals, year),
            )
            st.metric(
                "Attacks on the map",
                f"{figures.attacks} selected",
                help=f"Landmark attacks chosen for the map, not a count. In the {figures.events} events on the map: US "
                f"killed {figures.us_killed}, injured {figures.us_injured}. Published counts: the Timeline page.",
            )
        shown = figures.sites_federal + figures.sites_kurdistan
        st.caption(coverage(dataset.footprint, year, shown, dataset.sources_by_id))
        if own_of_year:
            st.caption(f"Your events for {year}: {md(what_they_are(own_of_year))}.")
        if view.through:
            st.caption(
                f"Showing every event from {first_year} to {year}: those of {year} outlined, older ones paler "
                "with age, grouped where they crowd (the number is how many)."
            )
        if SERVER_LAYERS:
            the_map()

    def the_map() -> None:
        """The map, every year in it; clicks on it select a site or an event for the details panel."""
        view = st.session_state.view
        base_url = "/" + st.get_option("server.baseUrlPath").strip("/")
        fmap = base_map(dataset, view.basemap, static_url=base_url.rstrip("/") + "/app/static/")
        fmap.add_child(YearMap(map_literal(dataset, own), follow="url"))
        result = st_folium(
            fmap,
            key="map",
            height=620,
            use_container_width=True,
            feature_group_to_add=per_year_events(dataset, view.year, through=view.through, own_events=own) or None,
            returned_objects=["last_active_drawing"],
        )
        # A click is new only when it differs from the last one handled; the component repeats its last value.
        hit = clicked(result)
        if hit and hit != st.session_state.get("last_click"):
            st.session_state.last_click = hit
            if view.selecting(*hit) != view:
                st.session_state.view = view.selecting(*hit)
                st.rerun()  # the whole page: the details panel shows the selection

    map_col, detail_col = st.columns([2, 1], gap="medium")
    with map_col:
        year_and_figures()
        # Keyboard readers would otherwise Tab through every marker to reach the site list.
        st.html('<a class="skip-link" href="#site-list">Skip the map: go to the site list</a>')
        if not SERVER_LAYERS:
            the_map()
        st.download_button(
            "Download this map as HTML",
            data=lambda: standalone_html(dataset, own_events=own, **published),
            file_name="us-presence-iraq.html",
            mime="text/html",
            on_click="ignore",
            help="One self-contained file with every year, its own slider and Play; opens on the year shown here, "
            "works offline and embeds in a page with <iframe>.",
        )

    view = st.session_state.view
    site_ids = [s.id for s in sites_in_list_order(dataset.sites)]
    with detail_col:
        st.html('<span id="site-list" tabindex="-1"></span>')
        picked = st.selectbox(
            "Site",
            [None, *site_ids],
            index=site_ids.index(view.site) + 1 if view.site else 0,
            format_func=lambda i: (
                "Choose a site, or click one on the map" if i is None else site_choice_label(dataset.sites_by_id[i])
            ),
            key=f"site_pick_{view.site}_{view.event}",
            help="Type to search by name, other name, Arabic name or governorate.",
        )
        if picked != view.site and (picked or view.site):
            view = (
                view.selecting("site", picked)
                if picked
                else View(year=view.year, basemap=view.basemap, through=view.through)
            )
            st.session_state.view = view
            st.query_params.from_dict(params_for(view, own_ids))
            st.rerun()
        if view.site:
            site = dataset.sites_by_id[view.site]
            with st.container(key="details"):
                st.markdown(site_markdown(site))
                st.markdown("**US presence and handovers**")
                st.markdown(presence_markdown(site, dataset.sources_by_id))
                events = events_at(dataset.events, site.id)
                st.markdown(f"**Events at this site** ({len(events)})")
                if events:
                    st.markdown(site_events_markdown(dataset, site))
                if site.notes:
                    st.info(md(site.notes), icon=":material/balance:")
                st.markdown("**Sources**")
                st.markdown(sources_markdown(site_sources(site), dataset.sources_by_id))
                focus_details(f"site {site.id}")
        elif event := (dataset.events_by_id.get(view.event) or {e.id: e for e in own}.get(view.event)):
            with st.container(key="details"):
                show_event(dataset, event)
                focus_details(f"event {event.id}")
                if event.id in own_ids:
                    mark_own_selection(event.id)
                site = dataset.sites_by_id.get(event.site_id or "")
                if site and st.button(f"Open {site.name}", icon=":material/location_on:", key="event_site"):
                    st.session_state.view = view.selecting("site", site.id)
                    st.query_params.from_dict(params_for(st.session_state.view, own_ids))
                    st.rerun()
        else:
            st.session_state.focused_selection = None
            st.caption("Click a base or an event on the map to read its history and the sources behind it.")

    if st.session_state.timer_playing:
        st.session_state.play_armed = False

        @st.fragment(run_every=1.6)
        def advance() -> None:
            """Step the year while playing, once per timer tick (not on the run that draws it); stop at the end."""
            if not st.session_state.get("playing"):
                return
            if not st.session_state.play_armed:
                st.session_state.play_armed = True
                return
            nxt = st.session_state.year + 1
            if nxt > last_year:
                st.session_state.playing = False
            else:
                st.session_state.year = nxt
            st.rerun()

        advance()
