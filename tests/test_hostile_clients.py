"""What any client can send (a cache clear, a link, a reader's text) never leaks, links, styles or piles up."""

from __future__ import annotations

import re
import threading
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from presence.details import event_markdown, md
from presence.models import Event

ROOT = Path(__file__).resolve().parent.parent
PAGES = ["app.py", "pages/1_Timeline.py", "pages/2_Events.py", "pages/3_Sources.py"]


def test_clearing_the_caches_starts_no_thread_and_loads_nothing_again():
    import streamlit as st

    import shell

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    assert not at.exception
    threads, loaded = threading.active_count(), dict(shell._datasets)
    for _ in range(30):  # what a client's clear_cache does, then a rerun
        st.cache_data.clear()
        st.cache_resource.clear()
        at.run()
    assert not at.exception
    assert threading.active_count() == threads
    assert shell._datasets == loaded and all(shell._datasets[k] is v for k, v in loaded.items())
    assert len(shell._housekeeper) == 1


# Markdown a link parameter would turn into an off-site link, an image loaded without a click, or styling.
LINK_PAYLOADS = {
    "event": "[Sign in again](//ev.il/x)",
    "site": "![](//ev.il/p.png)",
    "basemap": "![](//ev.il/p.png)",
    "year": ":red[**HACKED**]",
}
UNESCAPED = re.compile(r"(?<!\\)[\[\]()*:!]")


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize(("param", "payload"), LINK_PAYLOADS.items())
def test_a_bad_link_value_is_shown_as_plain_text_on_every_page(page, param, payload):
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    if page != "app.py":  # arrive on the page by a link carrying the payload, as a reader would
        at.run()
        at.switch_page(str(ROOT / page))
    at.query_params[param] = payload
    at.run()
    assert not at.exception
    shown = [w.value for w in at.warning if "Ignored part of the link" in w.value]
    if page == "app.py":
        assert shown  # the map page names every part of a link it ignores
    for warning in shown:
        body = warning.split("Ignored part of the link:", 1)[1].rstrip(".")
        assert not UNESCAPED.search(body), warning  # every Markdown character escaped: plain text on screen


@pytest.mark.parametrize(
    "text",
    [
        "first\r# a heading",
        "first\r\n```\ncode\n```",
        "one\rtwo\r- a list",
        "see https://ev.il/x or mail a@ev.il or www.ev.il",
        "a\u2028b\x0bc",
    ],
)
def test_a_readers_text_stays_one_line_of_plain_text(text):
    shown = md(text)
    assert "\n" not in shown and "\r" not in shown and not any(c in shown for c in "\u2028\x0b")
    # No autolink can form: the characters that make one (: and .) are escaped.
    assert "https://" not in shown and "ev.il" not in shown and "www." not in shown


def test_an_own_events_story_is_escaped(dataset):
    event = Event.model_validate(
        {
            "id": "mine-1",
            "date": "2020-05-01",
            "date_precision": "day",
            "category": "attack",
            "title": "Click [here](//ev.il)",
            "summary": "line\r# heading https://ev.il",
            "location_precision": "city",
            "source_ids": ["my-notes"],
        }
    )
    story = event_markdown(dataset, event)
    assert "[here](" not in story and "\r" not in story and "\n# heading" not in story


def test_an_own_event_is_labelled_as_the_readers_data_and_kept_out_of_the_address(dataset):
    mine = dataset.events[0].model_copy(update={"id": "mine-secret", "title": "My private event"})
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.session_state["own_events"] = (mine,)
    at.query_params["event"] = "mine-secret"
    at.query_params["year"] = mine.date[:4]
    at.run()
    assert not at.exception
    assert any("Your data, not verified by this project" in w.value for w in at.warning)
    assert any("My private event" in m.value for m in at.markdown)  # selected: its story is shown
    assert "event" not in at.query_params and at.query_params["year"] == mine.date[:4]
    shipped = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    shipped.query_params["event"] = dataset.events[0].id
    shipped.run()
    assert not any("Your data" in w.value for w in shipped.warning)
    assert shipped.query_params["event"] == dataset.events[0].id  # a shipped event stays in the link
