"""What any client can send (a cache clear, a link, a reader's text) never leaks, links, styles or piles up."""

from __future__ import annotations

import re
import threading
import time
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from presence.details import event_markdown, md
from presence.event_layer import FULL_LIMIT
from presence.models import Event
from presence.turns import Turns

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
    # No autolink can form: GFM finds them in text after escapes are resolved, so what matters is that no
    # stretch of text between the word joiners that split it holds the start of one.
    for stretch in shown.split("\u2060"):
        plain = re.sub(r"\\(.)", r"\1", stretch)
        assert not re.search(r"(?i)https?://|www\.|[\w.+-]@[\w-]+\.", plain), (stretch, shown)


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


@pytest.mark.parametrize("page", PAGES)
def test_every_page_waits_for_its_turn(page, monkeypatch):
    """A page's run does its work inside a turn (presence/turns.py): while another session holds the only
    one, the run waits, and it goes on once the turn is given back."""
    import shell

    monkeypatch.setattr(shell, "_turns", Turns(lease=600))  # the other session's run never runs out its lease

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    if page != "app.py":
        at.run()
        at.switch_page(str(ROOT / page))
    held, release = threading.Event(), threading.Event()

    def other_session() -> None:
        with shell._turns.turn("another reader"):
            held.set()
            release.wait(60)

    holder = threading.Thread(target=other_session, daemon=True)
    holder.start()
    held.wait(60)
    run = threading.Thread(target=at.run, daemon=True)
    run.start()
    deadline = time.monotonic() + 60
    while shell._turns.waiting() == 0:
        assert time.monotonic() < deadline, f"{page} ran without waiting for a turn"
        assert run.is_alive(), f"{page} finished while another session held the turn"
        time.sleep(0.01)
    release.set()
    run.join(60)
    holder.join(60)
    assert not at.exception
    assert shell._turns.holding() == 0 and shell._turns.waiting() == 0


def test_a_fragment_rerun_takes_a_turn_and_an_upload_gives_it_back_while_it_is_read(monkeypatch, dataset):
    import shell
    from presence.upload import parse_upload

    monkeypatch.setattr(shell, "_turns", Turns(lease=600))
    seen = []
    shell.taking_turns(lambda: seen.append(shell._turns.holding()))()

    class Worker:
        def parse(self, name, data):
            seen.append(shell._turns.holding())  # while the worker reads the file
            return parse_upload(name, data, dataset)

    monkeypatch.setattr(shell, "shared_worker", lambda folder: Worker())
    with shell._turns.turn("uploader"):
        shell._parse("mine.csv", b"id\n", dataset)
        seen.append(shell._turns.holding())
    assert seen == [1, 0, 1]


TEMPLATE_TEXT = "T {{ 7*7 }} {% if true %}RAN{% endif %} {# gone #}"


@pytest.mark.parametrize("count", [1, FULL_LIMIT + 1], ids=["full popups", "clustered"])
def test_text_that_reads_as_a_template_is_never_run_on_the_server(dataset, count):
    """folium adds rendered layers to the page as new Jinja templates: a reader's text must stay text."""
    from presence.event_layer import events_layer
    from presence.layers import base_map
    from presence.year_map import YearMap, map_literal

    first = dataset.events[0]
    own = tuple(
        first.model_copy(update={"id": f"mine-{i}", "title": TEMPLATE_TEXT, "summary": TEMPLATE_TEXT})
        for i in range(count)
    )
    fmap = base_map(dataset, "none", static_url="/app/static/")
    fmap.add_child(YearMap(map_literal(dataset, own), follow="url"))
    fmap.add_child(events_layer(own, dataset.sites_by_id, {}, name="Your events", own=True))
    page = fmap.get_root().render()
    # Run as a template, the text would read "T 49 RAN " somewhere; kept as text, every tag is still there.
    assert "T 49" not in page
    assert page.count("RAN") == page.count("%}RAN{") > 0
    assert page.count("gone") == page.count("# gone #}") > 0
