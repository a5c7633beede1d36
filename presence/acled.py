"""ACLED's event format, both ways: this dataset's events as ACLED-style rows, and ACLED rows as events.

The rules keep an event's meaning. A violent ACLED row (battles, explosions/remote violence, violence against
civilians) becomes an attack on US or coalition forces only when a US or coalition actor is its target (actor2
or assoc_actor_2), and a US strike only when one is its author (actor1 or assoc_actor_1); every other violent
row is an "other conflict event", drawn on its own layer and never counted in the US figures. An actor is US
or coalition forces when its name says so ("Military Forces of the United States (2021-)", "Global Coalition
Against Daesh", NATO...), it is not civilians ("Civilians (United States)" are contractors or diplomats), and,
where the row gives actor types, it is coded as external forces (inter 8). Protests, riots and strategic
developments keep those names. ACLED_MAPPING documents the export column by column; the Events page shows it.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from typing import Any

from presence import dates
from presence.models import Event, Site, Source
from presence.style import CATEGORIES

# A US or coalition actor by ACLED's names ("Military Forces of the United States (2021-)", "Coalition Forces"
# ...) or this dataset's ("US and coalition forces").
US_OR_COALITION = re.compile(
    r"\b(United States|U\.S\.|USA|US|American|Coalition|CJTF|CENTCOM|Operation Inherent Resolve|NATO|"
    r"Multi-?National Force)\b"
)
# ...but not US citizens, contractors or diplomats: ACLED names them "Civilians (United States)", actor type 7.
_NOT_FORCES = re.compile(r"^\s*(Civilians|Protesters|Rioters)\b", re.I)
# ACLED's code for external forces, as a number (older exports) or in words (newer ones).
_EXTERNAL = {"8", "8.0", "external/other forces"}
_UNATTRIBUTED = re.compile(r"^\s*(Unclaimed|Unknown|Unclear|Unidentified|n/a)\b", re.I)
_VIOLENT_TYPES = {"Battles", "Explosions/Remote violence", "Violence against civilians"}
_TYPE_TO_CATEGORY = {"Protests": "protest", "Riots": "riot", "Strategic developments": "strategic"}

# ACLED's actor types (inter codes), recognised from an actor's name; unknown stays empty.
# First match wins: "Iran-backed militias" are militias, "Iraqi security forces with US forces" external forces.
_INTER_RULES: list[tuple[re.Pattern[str], int]] = [
    (US_OR_COALITION, 8),  # external/other forces
    (
        re.compile(
            r"\b(Kata.?i?b|Hezbollah|Hizballah|Nujaba|Asa.?ib|Saraya|Islamic Resistance|Mahdi Army|militias?|PMF|"
            r"Popular Mobilization|Badr|Promised Day)",
            re.I,
        ),
        3,
    ),
    (re.compile(r"\b(Iran|IRGC|Revolutionary Guard)", re.I), 8),
    (re.compile(r"\b(Iraqi (Army|security forces|police|government|forces)|Government of Iraq)", re.I), 1),
    (re.compile(r"\b(Islamic State|ISIS|ISIL|Daesh|al-Qaeda|al-Qaida|AQI|Ansar|insurgents?)\b", re.I), 2),
]

# How each of this dataset's categories reads in ACLED's terms: (disorder type, event type, sub-event type).
# Attacks and strikes are told apart by the words of the record (see _violence).
_STRATEGIC = {
    "handover": "Non-violent transfer of territory",
    "deployment": "Change to group/activity",
    "withdrawal": "Change to group/activity",
    "agreement": "Agreement",
    "political": "Other",
    "incident": "Other",
    "strategic": "Other",
}
_BATTLE = ("Battles", "Armed clash")
# Tried in order on the title, then on the summary; the first match wins. A title names what happened ("Suicide
# bombing of the dining hall"), where a summary also tells the surroundings ("the crowded tent").
_KEYWORDS: list[tuple[re.Pattern[str], tuple[str, str]]] = [
    (
        re.compile(r"\bstorm(s|ed|ing)?\b|protesters|demonstrators|rioters|\bmob\b", re.I),
        ("Riots", "Violent demonstration"),
    ),
    (
        re.compile(r"air ?strikes?|air campaign|air raid|\bdrones?\b|\bstrikes? (on|against|kill)", re.I),
        ("Explosions/Remote violence", "Air/drone strike"),
    ),
    (re.compile(r"suicide", re.I), ("Explosions/Remote violence", "Suicide bomb")),
    (
        re.compile(r"rocket|mortar|missile|shell(s|ed|ing)\b|artillery|indirect fire|katyusha", re.I),
        ("Explosions/Remote violence", "Shelling/artillery/missile attack"),
    ),
    (
        re.compile(r"\bIEDs?\b|roadside bomb|car bomb|truck bomb|explosive|booby|\bbomb(s|ing|ed)?\b", re.I),
        ("Explosions/Remote violence", "Remote explosive/landmine/IED"),
    ),
    (
        re.compile(
            r"\braid|ambush|assault|clash|firefight|gunmen|gunfire|battle|fighting|offensive|sweep|thunder run", re.I
        ),
        _BATTLE,
    ),
]

ACLED_MAPPING: dict[str, str] = {
    "event_id_cnty": "our event id",
    "event_date": "date; a month or year alone is given as its first day (see time_precision)",
    "year": "year of the date",
    "time_precision": "1 for a known day, 3 for a known month or year only",
    "disorder_type": "'Political violence' for attacks, strikes and other conflict events, 'Demonstrations' for "
    "protests and riots (an attack by a crowd included), else 'Strategic developments'",
    "event_type": "by the words of the title (else of the summary), first match wins: a compound stormed by a "
    "crowd is 'Riots'; air strikes and drones, suicide bombs, rockets, mortars and missiles, and other bombs "
    "are 'Explosions/Remote violence'; raids, ambushes, assaults, clashes and attacks naming no weapon are "
    "'Battles'; handovers, deployments, withdrawals, agreements and decisions are 'Strategic developments'; "
    "protests 'Protests'",
    "sub_event_type": "ACLED's sub-event type for that reading (e.g. 'Shelling/artillery/missile attack', "
    "'Remote explosive/landmine/IED', 'Air/drone strike', 'Armed clash', 'Violent demonstration', "
    "'Non-violent transfer of territory', 'Agreement')",
    "actor1": "the actor as attributed (for an attack, the attacker; for a strike, the striking force)",
    "assoc_actor_1": "empty",
    "inter1": "ACLED's actor type of actor1, recognised from its name: 1 state forces (Iraqi), 2 rebel groups (IS, "
    "al-Qaeda, insurgents), 3 political militias (Kata'ib Hezbollah, the PMF, the Islamic Resistance in Iraq...), "
    "8 external forces (US and coalition, Iran); empty when not recognised",
    "actor2": "'US and coalition forces' for attacks on them, else empty",
    "assoc_actor_2": "empty",
    "inter2": "8 for US and coalition forces (attacks), else empty",
    "interaction": "inter1 and inter2 joined, lower first (e.g. 38: a militia against external forces), when both "
    "are known",
    "civilian_targeting": "empty (not coded)",
    "iso": "368 (Iraq)",
    "region": "Middle East",
    "country": "Iraq",
    "admin1": "governorate: the site's, or the one whose polygon holds the point",
    "admin2": "empty",
    "admin3": "empty",
    "location": "site name, or 'Iraq' for nationwide events",
    "latitude": "latitude (empty when nationwide)",
    "longitude": "longitude (empty when nationwide)",
    "geo_precision": "1 at a site or town, 2 governorate, 3 nationwide",
    "source": "publishers of the cited sources, '; '-separated",
    "source_scale": "empty",
    "notes": "title and summary",
    "fatalities": "all deaths where the record gives a total ('22 killed in total'); otherwise US service members "
    "killed; empty when neither is reported. tags say which",
    "tags": "category; 'fatalities: all' or 'fatalities: US only'; other casualties in words",
    "timestamp": "the dataset's as-of date as a Unix time",
}
ACLED_COLUMNS = list(ACLED_MAPPING)

_PRECISION = {"day": 1, "month": 3, "year": 3}
_GEO = {"site": 1, "city": 1, "governorate": 2, "country": 3}
_TOTAL_KILLED = re.compile(r"(\d[\d,]*) (?:people )?killed in total")


def inter_code(actor: str | None) -> int | None:
    """ACLED's actor type for a name, by the rules above; None when the name is not recognised."""
    if not actor or _UNATTRIBUTED.search(actor):
        return None
    for pattern, code in _INTER_RULES:
        if pattern.search(actor):
            return code
    return None


def _violence(event: Event) -> tuple[str, str]:
    for words in (event.title, event.summary):
        for pattern, kinds in _KEYWORDS:
            if pattern.search(words):
                return kinds
    return _BATTLE


def event_types(event: Event) -> tuple[str, str, str]:
    """(disorder type, event type, sub-event type) of an event in ACLED's terms."""
    if event.category in ("attack", "strike", "other_conflict"):
        kinds = _violence(event)
        return ("Demonstrations" if kinds[0] == "Riots" else "Political violence", *kinds)
    if event.category == "protest":
        return ("Demonstrations", "Protests", "Peaceful protest")
    if event.category == "riot":
        return ("Demonstrations", "Riots", "Violent demonstration")
    return ("Strategic developments", "Strategic developments", _STRATEGIC.get(event.category, "Other"))


def fatalities(event: Event) -> tuple[int | str, str]:
    """(fatalities, what they count): all deaths where a total is given, else US deaths, else empty."""
    total = _TOTAL_KILLED.search(event.other_casualties or "")
    if total:
        return int(total.group(1).replace(",", "")), "fatalities: all"
    if event.us_killed is not None:
        return event.us_killed, "fatalities: US only"
    return "", ""


def acled_rows(
    events: Sequence[Event],
    sites: Mapping[str, Site],
    sources: Mapping[str, Source],
    governorate_of,
    as_of: dt.date,
) -> list[dict[str, object]]:
    """The events as rows with ACLED's columns, filled as ACLED_MAPPING says. `governorate_of(lon, lat)` names
    the governorate of a point."""
    stamp = int(dt.datetime.combine(as_of, dt.time(), tzinfo=dt.UTC).timestamp())
    rows = []
    for e in events:
        site = sites.get(e.site_id) if e.site_id else None
        admin1 = site.governorate if site else None
        if admin1 is None and e.lon is not None:
            admin1 = governorate_of(e.lon, e.lat)
        publishers = [sources[i].publisher for i in e.source_ids if i in sources]
        disorder, event_type, sub_type = event_types(e)
        on_us = e.category == "attack"
        inter1, inter2 = inter_code(e.actor), (8 if on_us else None)
        dead, counted = fatalities(e)
        rows.append(
            {
                "event_id_cnty": e.id,
                "event_date": dates.first_day(e.date).isoformat(),
                "year": dates.year_of(e.date),
                "time_precision": _PRECISION[e.date_precision],
                "disorder_type": disorder,
                "event_type": event_type,
                "sub_event_type": sub_type,
                "actor1": e.actor or "",
                "assoc_actor_1": "",
                "inter1": inter1 or "",
                "actor2": "US and coalition forces" if on_us else "",
                "assoc_actor_2": "",
                "inter2": inter2 or "",
                "interaction": "".join(sorted(f"{inter1}{inter2}")) if inter1 and inter2 else "",
                "civilian_targeting": "",
                "iso": 368,
                "region": "Middle East",
                "country": "Iraq",
                "admin1": admin1 or "",
                "admin2": "",
                "admin3": "",
                "location": site.name if site else ("Iraq" if e.lon is None else ""),
                "latitude": e.lat if e.lat is not None else "",
                "longitude": e.lon if e.lon is not None else "",
                "geo_precision": _GEO[e.location_precision],
                "source": "; ".join(dict.fromkeys(publishers)),
                "source_scale": "",
                "notes": f"{e.title}. {e.summary}",
                "fatalities": dead,
                "tags": "; ".join(filter(None, [e.category, counted, e.other_casualties])),
                "timestamp": stamp,
            }
        )
    return rows


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:80]


def number(cell: Any) -> Any:
    """A cell as a float, or as it was when it is not a number (the model then reports it with the value)."""
    if cell is None:
        return None
    try:
        return float(cell)
    except (TypeError, ValueError):
        return cell


def is_us_forces(actor: Any, inter: Any = None) -> bool:
    """Whether an ACLED actor is US or coalition forces: named so, not civilians, and (where the row gives an
    actor type) coded as external forces."""
    if not isinstance(actor, str) or not US_OR_COALITION.search(actor) or _NOT_FORCES.search(actor):
        return False
    code = str(inter or "").strip().casefold()
    return not code or code in _EXTERNAL


def _any_us(associates: Any) -> bool:
    """ACLED lists associated actors '; '-separated, without actor types."""
    return isinstance(associates, str) and any(is_us_forces(a) for a in associates.split(";"))


def category_of(values: Mapping[str, Any]) -> str:
    """The category of an ACLED row, by its actors (see the module's docstring). A row this dataset exported
    names its own category as the first tag, and keeps it."""
    event_type = values.get("event_type") or ""
    first_tag = (values.get("tags") or "").split(";")[0].strip()
    if first_tag in CATEGORIES:
        return first_tag
    if event_type in _TYPE_TO_CATEGORY:
        return _TYPE_TO_CATEGORY[event_type]
    if event_type in _VIOLENT_TYPES or (values.get("disorder_type") or "") == "Political violence":
        if is_us_forces(values.get("actor2"), values.get("inter2")) or _any_us(values.get("assoc_actor_2")):
            return "attack"
        if is_us_forces(values.get("actor1"), values.get("inter1")) or _any_us(values.get("assoc_actor_1")):
            return "strike"
        return "other_conflict"
    return "strategic"


def event_from_row(values: Mapping[str, Any]) -> dict[str, Any]:
    """An ACLED row as event fields. ACLED's fatalities count every party, so they go to other_casualties."""
    precision = "day" if str(values.get("time_precision") or "") == "1" else "month"
    raw_date = values.get("event_date") or ""
    sub = values.get("sub_event_type") or ""
    sources = [_slug(s) for s in (values.get("source") or "").split(";") if _slug(s)]
    dead = values.get("fatalities")
    place = values.get("location") or values.get("admin1") or "Iraq"
    actor = values.get("actor1")
    target = values.get("actor2")
    return {
        # Prefixed: an ACLED row is never the same record as a shipped event, even one exported from here.
        "id": "acled-" + _slug(values.get("event_id_cnty") or ""),
        "date": raw_date if precision == "day" else raw_date[:7],
        "date_precision": precision,
        "site_id": None,
        "category": category_of(values),
        "title": f"{sub or values.get('event_type') or 'Event'} in {place}",
        "summary": values.get("notes") or "No notes in the source file.",
        "actor": f"{actor} against {target}" if actor and target and not is_us_forces(target) else actor,
        "actor_attributed_by": None,
        "us_killed": None,
        "us_injured": None,
        "other_casualties": f"{dead} fatalities (ACLED count, all parties)" if dead else None,
        "location_precision": "city" if values.get("latitude") else "country",
        "location_source_ids": [],
        "notes": values.get("tags"),
        "source_ids": sources,
        "lon": number(values.get("longitude")),
        "lat": number(values.get("latitude")),
    }
