"""What every page shares: loading the data (or saying why not), and the year the pages share.

The thin Streamlit layer only; every rule lives in the `presence` package.
"""

from __future__ import annotations

import ctypes
import functools
import gc
import html
import logging
import sys
import threading
import time
import weakref
from collections.abc import Callable, MutableMapping
from dataclasses import replace
from pathlib import Path

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from presence import DataError, Dataset, budget, dates, load_dataset, year_map
from presence.dataset import data_dir
from presence.details import event_markdown, md, sources_markdown
from presence.limits import PROBLEMS_SHOWN
from presence.models import Event
from presence.turns import Turns
from presence.upload import Upload, upload_name, what_they_are
from presence.view import View, view_from_params
from presence.worker import failed, shared_worker

# What the server keeps for all sessions lives in this module, not in st.cache_resource: any client may ask
# Streamlit to clear its caches, and each clear would load the data again and start another thread.
_process_lock = threading.Lock()
_datasets: dict[str, Dataset] = {}
_literals: dict[str, str] = {}
_housekeeper: list[threading.Thread] = []
_turns = Turns()
# The server's event loop (pages, assets, messages) waits for the interpreter whenever a page run is busy;
# handing it over every millisecond instead of every 5 keeps pages loading while runs are at work.
sys.setswitchinterval(0.001)


def turn():
    """This run's turn: every page's body, and every fragment that does real work, runs inside one, so a
    session that asks for reruns without pause waits behind the others (presence/turns.py says how)."""
    ctx = get_script_run_ctx()
    return _turns.turn(ctx.session_id if ctx else threading.get_ident())


def taking_turns(fragment: Callable[[], None]) -> Callable[[], None]:
    """The fragment's body inside `turn()`, for reruns of the fragment alone (put it under @st.fragment)."""

    @functools.wraps(fragment)
    def in_turn() -> None:
        with turn():
            fragment()

    return in_turn


def _load(folder: str) -> Dataset:
    # The Dataset is immutable, so one copy serves every session. Freezing moves its objects out of the
    # garbage collector's reach: they live as long as the server, and scanning 100,000 events costs time.
    with _process_lock:
        if folder not in _datasets:
            _datasets[folder] = load_dataset(folder)  # a DataError is not kept: the next run tries again
            gc.freeze()
        return _datasets[folder]


def _housekeeping() -> None:
    """Once per server process: every 30 s collect garbage and hand freed heap back to the system.

    Pages run with Streamlit's after-run GC off (it delays every rerun); without this, memory that ten
    readers' reruns used stays with the process after they leave.
    """

    def loop() -> None:
        trim = getattr(ctypes.CDLL(None), "malloc_trim", None) if sys.platform == "linux" else None
        while True:
            time.sleep(30)
            # The date cache fills with an upload's dates; its entries, scattered through the heap, would keep
            # the pages an upload's events used from going back to the system (measured: 60 MB of 100,000).
            dates.parse_partial.cache_clear()
            gc.collect()
            if trim is not None:
                trim(0)

    with _process_lock:
        if not _housekeeper:
            thread = threading.Thread(target=loop, name="memory-housekeeping", daemon=True)
            thread.start()
            _housekeeper.append(thread)


def dataset_or_stop() -> Dataset:
    """The dataset of $PRESENCE_DATA_DIR (or data/); on bad data, the list of problems and nothing else."""
    _housekeeping()
    folder = str(data_dir())
    try:
        return _load(folder)
    except DataError as err:
        st.error(
            f"The data in `{folder}` could not be loaded: {len(err.problems)} problem(s). Nothing is shown "
            "until they are fixed; `python -m presence validate` lists the same."
        )
        st.code("\n".join(str(p) for p in err.problems[:200]), language=None)
        st.stop()


def _shipped_literal(dataset: Dataset, folder: str) -> str:
    with _process_lock:
        if folder not in _literals:
            _literals[folder] = year_map.map_literal(dataset)
        return _literals[folder]


def map_literal(dataset: Dataset, own: tuple[Event, ...]) -> str:
    """The map's data for every year (see presence.year_map): built once per dataset, and once per upload
    for a reader with events of their own (kept in their session beside those events)."""
    if not own:
        return _shipped_literal(dataset, str(dataset.folder))
    cached = st.session_state.get("own_literal")
    if cached is None or cached[0] is not own:
        cached = (own, year_map.map_literal(dataset, own))
        st.session_state.own_literal = cached
    return cached[1]


def enter(page: str, dataset: Dataset) -> tuple[View, bool]:
    """The view when a page runs, and whether the reader just arrived on the page.

    On arrival the view comes from the link (keeping the shared year when the link has none); otherwise it is
    as the session left it. Ignored parts of a link are shown as warnings.
    """
    arriving = st.session_state.get("page") != page
    st.session_state.page = page
    if arriving or "view" not in st.session_state:
        params = st.query_params.to_dict()
        own = [e.id for e in st.session_state.get("own_events", ())]
        view, ignored = view_from_params(params, dataset, frozenset(own))
        if "year" not in params and "year" in st.session_state:
            view = replace(view, year=st.session_state.year)
        st.session_state.view = view
        st.session_state.year = view.year
        for note in ignored:
            ignored_warning(note)
    return st.session_state.view, arriving


def ignored_warning(note: str) -> None:
    """A part of the link that was ignored. The note quotes the link, which anyone can write: shown as plain
    text, so that it can never become a link, an image or styling."""
    st.warning(f"Ignored part of the link: {md(note)}.")


def year_slider(dataset: Dataset, on_change=None) -> int:
    """The shared 'Year' slider; its value follows the reader from page to page and into the URL."""
    if "year" not in st.session_state:
        st.session_state.year = dataset.years.stop - 1
    return st.slider(
        "Year", dataset.years.start, dataset.years.stop - 1, key="year", on_change=on_change, persist_state="session"
    )


PAGES = (
    ("app.py", "Map", ":material/map:"),
    ("pages/1_Timeline.py", "Timeline", ":material/timeline:"),
    ("pages/2_Events.py", "Events", ":material/list:"),
    ("pages/3_Sources.py", "Sources and method", ":material/menu_book:"),
)


STATIC = Path(__file__).parent / "static"
FOCUS_DETAILS = (STATIC / "focus_details.html").read_text(encoding="utf-8")


def navigation() -> None:
    """The pages' own layout rules, and the sidebar's page links (Streamlit's own list would call the map page
    'app')."""
    st.html(STATIC / "page.css")
    with st.sidebar:
        for path, label, icon in PAGES:
            st.page_link(path, label=label, icon=icon)
        st.divider()


def focus_details(selection: str) -> None:
    """Move the reader's focus to the details panel's heading, once per selection (call inside the panel)."""
    if st.session_state.get("focused_selection") == selection:
        return
    st.session_state.focused_selection = selection
    # The selection in a comment makes each selection's element new, so that its script runs.
    st.html(f"<!-- {html.escape(selection)} -->{FOCUS_DETAILS}", unsafe_allow_javascript=True)


def mark_own_selection(event_id: str) -> None:
    """Tell the map which of the reader's own events is selected (call inside the details panel). Own ids stay
    out of the address, which readers share, so the map, which follows the address, reads this instead."""
    st.html(f'<span hidden data-own-selection="{html.escape(event_id)}"></span>')


def _parse(name: str, data: bytes, dataset: Dataset) -> Upload:
    """The upload read in the server's worker process (one at a time, within its memory and time limits),
    then held within the server-wide budget of uploaded events."""
    # parse_upload turns bad content into problems; should a case slip through, the reader still gets a
    # message naming the file, and the details go to the server's log rather than onto the page.
    name = upload_name(name)
    # The spinner's text is Markdown and the name is the reader's: escaped, so it stays plain text.
    label = f"Reading {md(name)} ({len(data) / 1e6:.1f} MB) in the background, one upload at a time"
    try:
        # The spinner counts the seconds in the browser; other sessions take turns while the worker reads.
        with st.spinner(label, show_time=True), _turns.paused():
            result = shared_worker(dataset.folder).parse(name, data)
    except Exception as err:  # noqa: BLE001 - the last guard between a reader's file and a traceback
        logging.getLogger(__name__).exception("upload %r could not be parsed", name)
        return failed(name, f"could not be read ({type(err).__name__}); nothing from it was loaded")
    if not result.events:
        return result
    holding = budget.SERVER.claim(len(result.events))
    if holding is None:
        return failed(result.name, budget.SERVER.full_message(len(result.events)))
    st.session_state.holding = holding  # lives as long as this session keeps the events
    return result


def own_events(dataset: Dataset) -> tuple[Event, ...]:
    """The sidebar's 'Your events': upload a file, see what was wrong with it, load the good rows, remove them.

    Everything stays in this browser session's state: nothing is written to disk or shared between sessions.
    """
    state = st.session_state
    with st.sidebar:
        st.subheader("Your events")
        file = st.file_uploader(
            "GeoJSON or CSV (this dataset's columns or ACLED's), up to 50 MB and 100,000 rows",
            type=["geojson", "json", "csv"],
            key=f"upload_{state.get('upload_round', 0)}",
        )
        ctx = get_script_run_ctx()
        if file is not None and ctx is not None:
            files_go_with_the_session(state, ctx.uploaded_file_mgr, ctx.session_id)
        if file is not None and state.get("upload_id") != file.file_id:
            _forget_upload()
            result = _parse(file.name, file.getvalue(), dataset)
            # Stored only once read: a rerun meanwhile (the slider moved) finds the file still to be read.
            state.upload, state.upload_id = result, file.file_id
            state.own_events = result.events if result.ok else ()
        elif file is None and "upload_id" in state:
            _forget_upload()  # the reader took the file out of the uploader: its events and problems go too
        result: Upload | None = state.get("upload")
        if result is not None:
            _report(result)
        if state.get("own_events"):
            st.caption(
                f"{len(state.own_events):,} of your events are on the map and in Events: "
                f"{md(what_they_are(state.own_events))}. They stay in this browser tab only."
            )
            if st.button("Remove your events"):
                _forget_upload()
                state.upload_round = state.get("upload_round", 0) + 1  # a fresh, empty uploader
                st.rerun()
    return state.get("own_events", ())


class _SessionMarker:
    """An object kept in a session's state only to notice, by its finalizer, that the state is gone."""


def _remove_uploaded_files(manager, session_id: str) -> None:
    try:
        manager.remove_session_files(session_id)
    except Exception:  # noqa: BLE001 - a finalizer must not raise; the server logs and goes on
        logging.getLogger(__name__).exception("could not remove the uploaded files of a closed session")


def files_go_with_the_session(state: MutableMapping, manager, session_id: str) -> None:
    """Remove the session's uploaded files from the server once its state is gone.

    Streamlit keeps a closed tab's session for its reconnect window, then drops it without shutting it down,
    and the files uploaded in it (up to 50 MB each) stayed in the server's memory for good.
    """
    if "files_marker" not in state:
        marker = _SessionMarker()
        weakref.finalize(marker, _remove_uploaded_files, manager, session_id)
        state["files_marker"] = marker


def _forget_upload() -> None:
    # Dropping the holding gives its events back to the server-wide budget.
    for key in ("own_events", "upload", "upload_id", "own_literal", "holding"):
        st.session_state.pop(key, None)


def _report(result: Upload) -> None:
    if result.duplicates:
        st.caption(f"{len(result.duplicates):,} rows are already in the shipped data, unchanged; not added twice.")
    if result.ok:
        return
    # Problems quote the file's name and values, which the reader chose: shown as code, never as Markdown.
    if not result.events and not result.left_out:
        st.error("This file could not be used:")
        _problem_list(result)
        return
    st.warning(
        f"{len(result.left_out):,} row(s) of {md(result.name)} have problems and are left out; "
        f"{len(result.events):,} are good."
    )
    _problem_list(result)
    wanted = result.events and not st.session_state.get("own_events")
    if wanted and st.button(f"Load the {len(result.events):,} good rows"):
        st.session_state.own_events = result.events
        st.rerun()


def _problem_list(result: Upload) -> None:
    shown = result.problems[:PROBLEMS_SHOWN]
    st.code("\n".join(str(p) for p in shown), language=None)
    rest = len(result.problems) - len(shown) + result.more_problems
    if rest:
        st.caption(f"and {rest:,} more problems, not listed")


def show_event(dataset: Dataset, event: Event) -> None:
    """An event's whole record: story, casualties, attribution, disputed facts, sources."""
    if event.id not in dataset.events_by_id:
        st.warning("Your data, not verified by this project: shown as it was uploaded.", icon=":material/upload:")
    st.markdown(event_markdown(dataset, event))
    if event.notes:
        st.info(md(event.notes), icon=":material/balance:")
    st.markdown("**Sources**")
    st.markdown(sources_markdown(event.source_ids, dataset.sources_by_id))
