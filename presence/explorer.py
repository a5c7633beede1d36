"""Finding events: the Events page's filters, how they read from and write to a link, and forgiving search.

Search ignores case, apostrophes and diacritics, so "Kataib", "Kata'ib" and "Kata’ib" all find Kata'ib
Hezbollah.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from presence import dates
from presence.evidence import GRADES, of_event
from presence.models import Event, Source
from presence.style import CATEGORIES

_APOSTROPHES = re.compile(r"['’‘ʼʻ`´\u02bf\u02be]")


def searchable(text: str | None) -> str:
    """Text as search compares it: no case, no diacritics, no apostrophes, single spaces."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(_APOSTROPHES.sub("", plain).casefold().split())


@dataclass(frozen=True)
class EventFilter:
    """What the reader asked for; empty sets and strings mean 'any'."""

    first_year: int | None = None
    last_year: int | None = None
    categories: frozenset[str] = field(default_factory=frozenset)
    sites: frozenset[str] = field(default_factory=frozenset)
    actor: str = ""
    text: str = ""
    grades: frozenset[str] = field(default_factory=frozenset)


def filter_events(
    events: Iterable[Event], wanted: EventFilter, sources: Mapping[str, Source] | None = None
) -> list[Event]:
    """The events that pass every part of the filter. A grade filter needs the sources (to grade each event);
    events without graded sources (a reader's own) do not pass it."""
    actor = searchable(wanted.actor)
    words = searchable(wanted.text).split()
    out = []
    for event in events:
        year = dates.year_of(event.date)
        if wanted.first_year is not None and year < wanted.first_year:
            continue
        if wanted.last_year is not None and year > wanted.last_year:
            continue
        if wanted.categories and event.category not in wanted.categories:
            continue
        if wanted.sites and event.site_id not in wanted.sites:
            continue
        if actor and actor not in searchable(f"{event.actor or ''} {event.actor_attributed_by or ''}"):
            continue
        if words:
            haystack = searchable(" ".join(filter(None, [event.title, event.summary, event.notes, event.actor])))
            if not all(w in haystack for w in words):
                continue
        if wanted.grades and not (
            sources is not None
            and all(i in sources for i in event.source_ids)
            and of_event(event, sources).grade in wanted.grades
        ):
            continue
        out.append(event)
    return out


def _items(raw: str | None, allowed: Iterable[str]) -> tuple[frozenset[str], list[str]]:
    chosen = [p for p in (raw or "").split(",") if p]
    known = set(allowed)
    return frozenset(p for p in chosen if p in known), [p for p in chosen if p not in known]


def filter_from_params(
    params: Mapping[str, str], years: range, site_ids: Iterable[str]
) -> tuple[EventFilter, list[str]]:
    """The filter a link asks for (`from`, `to`, `category`, `sites`, `actor`, `q`, `grade`), and a note for each
    part ignored."""
    notes: list[str] = []

    def year(key: str, default: int) -> int:
        raw = params.get(key)
        if raw is None:
            return default
        if re.fullmatch(r"[0-9]{4}", raw.strip()) and int(raw) in years:
            return int(raw)
        notes.append(f"{key} {raw[:20]!r} is not between {years.start} and {years.stop - 1}")
        return default

    first, last = year("from", years.start), year("to", years.stop - 1)
    categories, bad_categories = _items(params.get("category"), CATEGORIES)
    sites, bad_sites = _items(params.get("sites"), site_ids)
    grades, bad_grades = _items(params.get("grade"), GRADES)
    notes += [f"category {c[:40]!r} is not one of this map's categories" for c in bad_categories]
    notes += [f"site {s[:40]!r} is not in the data" for s in bad_sites]
    notes += [f"grade {g[:20]!r} is not one of {', '.join(GRADES)}" for g in bad_grades]
    wanted = EventFilter(
        min(first, last),
        max(first, last),
        categories,
        sites,
        (params.get("actor") or "")[:100],
        (params.get("q") or "")[:200],
        grades,
    )
    return wanted, notes


def filter_params(wanted: EventFilter, years: range) -> dict[str, str]:
    """Query parameters that reproduce a filter; parts that filter nothing are left out."""
    params: dict[str, str] = {}
    if wanted.first_year not in (None, years.start):
        params["from"] = str(wanted.first_year)
    if wanted.last_year not in (None, years.stop - 1):
        params["to"] = str(wanted.last_year)
    for key, values in (("category", wanted.categories), ("sites", wanted.sites), ("grade", wanted.grades)):
        if values:
            params[key] = ",".join(sorted(values))
    if wanted.actor.strip():
        params["actor"] = wanted.actor.strip()
    if wanted.text.strip():
        params["q"] = wanted.text.strip()
    return params
