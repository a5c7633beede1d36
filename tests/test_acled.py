"""ACLED both ways: imported rows keep their meaning, exported rows say what ACLED's columns say."""

from __future__ import annotations

import csv
import io

import pytest

from presence.acled import ACLED_COLUMNS, event_types, inter_code
from presence.dataset import Dataset
from presence.exports import acled_csv
from presence.upload import parse_upload, what_they_are
from presence.years import year_figures


def acled_row(ident: str, event_type: str, sub_event_type: str, **values: str) -> dict[str, str]:
    """A row shaped like ACLED's Iraq exports (newer ones give actor types in words)."""
    row = dict.fromkeys(ACLED_COLUMNS, "")
    row.update(
        event_id_cnty=ident,
        event_date="2024-01-20",
        year="2024",
        time_precision="1",
        disorder_type={
            "Protests": "Demonstrations",
            "Riots": "Demonstrations",
            "Strategic developments": "Strategic developments",
        }.get(event_type, "Political violence"),
        event_type=event_type,
        sub_event_type=sub_event_type,
        iso="368",
        region="Middle East",
        country="Iraq",
        admin1="Anbar",
        location="Hit",
        latitude="33.6416",
        longitude="42.8251",
        geo_precision="1",
        source="Shafaq News; Rudaw",
        notes="Notes as ACLED writes them.",
        fatalities="0",
    )
    row.update(values)
    return row


def acled_file(*rows: dict[str, str]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=ACLED_COLUMNS)
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode()


ROWS = [
    (
        "militia drone attack on US forces",
        acled_row(
            "IRQ1",
            "Explosions/Remote violence",
            "Air/drone strike",
            actor1="Islamic Resistance in Iraq",
            inter1="Political militia",
            actor2="Military Forces of the United States (2021-)",
            inter2="External/Other forces",
            location="Ain al Asad Airbase",
        ),
        "attack",
    ),
    (
        "rockets on an Iraqi base hosting US troops",
        acled_row(
            "IRQ2",
            "Explosions/Remote violence",
            "Shelling/artillery/missile attack",
            actor1="Unidentified Armed Group (Iraq)",
            inter1="3",
            actor2="Military Forces of Iraq (2022-)",
            inter2="1",
            assoc_actor_2="Military Forces of the United States (2021-)",
        ),
        "attack",
    ),
    (
        "Iraqi army clash with IS at Hawija",
        acled_row(
            "IRQ3",
            "Battles",
            "Armed clash",
            actor1="Military Forces of Iraq (2022-)",
            inter1="State forces",
            actor2="Islamic State (Iraq)",
            inter2="Rebel group",
            admin1="Kirkuk",
            location="Hawija",
            fatalities="4",
        ),
        "other_conflict",
    ),
    (
        "IED on a convoy of US contractors",
        acled_row(
            "IRQ4",
            "Explosions/Remote violence",
            "Remote explosive/landmine/IED",
            actor1="Unidentified Armed Group (Iraq)",
            inter1="3",
            actor2="Civilians (United States)",
            inter2="Civilians",
        ),
        "other_conflict",
    ),
    (
        "US strike on a militia",
        acled_row(
            "IRQ5",
            "Explosions/Remote violence",
            "Air/drone strike",
            actor1="Military Forces of the United States (2021-)",
            inter1="8",
            actor2="Kataib Hezbollah",
            inter2="3",
            fatalities="2",
        ),
        "strike",
    ),
    (
        "protest against the US presence",
        acled_row(
            "IRQ6",
            "Protests",
            "Peaceful protest",
            actor1="Protesters (Iraq)",
            inter1="Protesters",
            notes="Supporters of the Sadrist movement demanded the withdrawal of US forces.",
        ),
        "protest",
    ),
    ("riot", acled_row("IRQ7", "Riots", "Violent demonstration", actor1="Rioters (Iraq)", inter1="5"), "riot"),
    (
        "strategic development",
        acled_row(
            "IRQ8", "Strategic developments", "Headquarters or base established", actor1="Military Forces of Iraq"
        ),
        "strategic",
    ),
]


@pytest.mark.parametrize(("what", "row", "category"), ROWS, ids=[r[0] for r in ROWS])
def test_an_acled_row_keeps_its_meaning(dataset: Dataset, what, row, category):
    result = parse_upload("acled.csv", acled_file(row), dataset)
    assert result.kind == "acled" and result.ok, [str(p) for p in result.problems]
    (event,) = result.events
    assert event.category == category
    # ACLED's fatalities count every party: never US deaths.
    assert event.us_killed is None
    if row["fatalities"] not in ("", "0"):
        assert row["fatalities"] in event.other_casualties


def test_only_attacks_on_us_forces_reach_the_us_figures(dataset: Dataset):
    result = parse_upload("acled.csv", acled_file(*(row for _, row, _ in ROWS)), dataset)
    before = year_figures(dataset.sites, dataset.events_of(2024), dataset.troop_levels, 2024)
    after = year_figures(dataset.sites, [*dataset.events_of(2024), *result.events], dataset.troop_levels, 2024)
    assert after.attacks - before.attacks == sum(category == "attack" for _, _, category in ROWS) == 2
    assert (after.us_killed, after.us_injured) == (before.us_killed, before.us_injured)
    assert "2 other conflict events (no US or coalition party" in what_they_are(result.events)


def test_the_export_reads_back_as_the_same_categories(dataset: Dataset):
    chosen = [e for e in dataset.events if e.date.startswith("2020")]
    back = parse_upload("acled.csv", acled_csv(dataset, chosen).encode(), dataset)
    assert back.ok, [str(p) for p in back.problems]
    assert [e.category for e in back.events] == [e.category for e in chosen]


def exported(dataset: Dataset, event_id: str) -> dict[str, str]:
    return next(csv.DictReader(io.StringIO(acled_csv(dataset, [dataset.events_by_id[event_id]]))))


@pytest.mark.parametrize(
    ("event_id", "disorder", "event_type", "sub_event_type"),
    [
        ("2019-12-31-us-embassy-baghdad-stormed", "Demonstrations", "Riots", "Violent demonstration"),
        ("2007-01-20-karbala-pjcc-raid", "Political violence", "Battles", "Armed clash"),
        ("2003-04-01-jessica-lynch-rescue-raid", "Political violence", "Battles", "Armed clash"),
        (
            "2004-12-21-fob-marez-dining-hall-bombing",
            "Political violence",
            "Explosions/Remote violence",
            "Suicide bomb",
        ),
        (
            "2020-01-08-iran-ballistic-missiles-al-asad",
            "Political violence",
            "Explosions/Remote violence",
            "Shelling/artillery/missile attack",
        ),
        ("2023-10-31-drone-attack-al-asad", "Political violence", "Explosions/Remote violence", "Air/drone strike"),
        (
            "2011-10-11-marez-handed-over",
            "Strategic developments",
            "Strategic developments",
            "Non-violent transfer of territory",
        ),
    ],
)
def test_export_event_types_follow_what_happened(dataset: Dataset, event_id, disorder, event_type, sub_event_type):
    row = exported(dataset, event_id)
    assert (row["disorder_type"], row["event_type"], row["sub_event_type"]) == (disorder, event_type, sub_event_type)
    assert event_types(dataset.events_by_id[event_id]) == (disorder, event_type, sub_event_type)


@pytest.mark.parametrize(
    ("event_id", "fatalities", "tag"),
    [
        ("2004-12-21-fob-marez-dining-hall-bombing", "22", "fatalities: all"),
        ("2007-01-20-karbala-pjcc-raid", "5", "fatalities: US only"),
        ("2019-12-31-us-embassy-baghdad-stormed", "", ""),
    ],
)
def test_export_fatalities_say_what_they_count(dataset: Dataset, event_id, fatalities, tag):
    row = exported(dataset, event_id)
    assert row["fatalities"] == fatalities
    assert (tag in row["tags"]) if tag else "fatalities:" not in row["tags"]


@pytest.mark.parametrize(
    ("event_id", "inter1", "inter2", "interaction"),
    [
        ("2019-12-27-k1-rocket-attack", "3", "8", "38"),  # Kata'ib Hezbollah on US forces
        ("2023-11-20-close-range-ballistic-missile-al-asad", "3", "8", "38"),  # "Iran-backed militias" are militias
        ("2020-01-12-balad-air-base-rocket-attack", "", "8", ""),  # unclaimed: actor type unknown
        ("2015-10-22-hawija-raid-wheeler-killed", "2", "8", "28"),
    ],
)
def test_export_codes_actor_types_where_known(dataset: Dataset, event_id, inter1, inter2, interaction):
    row = exported(dataset, event_id)
    assert (row["inter1"], row["inter2"], row["interaction"]) == (inter1, inter2, interaction)
    assert row["actor2"] == "US and coalition forces"


@pytest.mark.parametrize(
    ("actor", "code"),
    [
        ("Military Forces of the United States (2021-)", 8),
        ("Iran (Islamic Revolutionary Guard Corps)", 8),
        ("Iran-backed militias (Kataib Hezbollah)", 3),
        ("Islamic State (ISIS)", 2),
        ("Iraqi security forces", 1),
        ("Unclaimed; Washington blamed Kataib Hezbollah", None),
        ("", None),
    ],
)
def test_actor_types_by_name(actor, code):
    assert inter_code(actor) == code
