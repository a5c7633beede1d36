"""Sources and method: every source and what it supports, the data dictionary, the licence."""

from __future__ import annotations

import streamlit as st

from presence.citations import citations, data_zip, sources_matching, sources_table
from presence.details import md
from presence.evidence import GRADE_WORDS, KIND_WORDS, grade_counts, grade_rows, grade_sentence, graded_records
from presence.footprint import footprint_table
from shell import dataset_or_stop, enter, navigation, turn

st.set_page_config(page_title="Sources · US military presence in Iraq", page_icon="📚", layout="wide")

# Every run waits for its turn (shell.turn), so a client that floods the server with reruns waits behind the others.
with turn():
    dataset = dataset_or_stop()
    navigation()
    enter("sources", dataset)
    meta = dataset.metadata

    st.title("Sources and method")
    st.markdown(
        f"**As of {meta.as_of:%d %B %Y}.** {md(meta.description)}\n\n**Licence:** {md(meta.licence)}\n\n"
        f"**Credit:** {md(meta.credit)}\n\n**Corrections:** {md(meta.corrections)}"
    )
    st.download_button(
        "Download the whole dataset (zip of data/)",
        data_zip(dataset.folder),
        "us-presence-iraq-data.zip",
        "application/zip",
        on_click="ignore",
    )

    table = sources_table(dataset)
    st.subheader(f"{len(table)} sources from {table['publisher'].nunique()} publishers")
    kinds = table["kind"].value_counts()
    st.caption(
        "Each source's kind: "
        + ", ".join(f"{kinds.get(kind, 0):,} {words}" for kind, words in KIND_WORDS.items())
        + ". Official: a government, military or international body; reference: encyclopedias and their mirrors; "
        "other: blogs and aggregators."
    )
    left, right = st.columns([2, 1])
    query = left.text_input("Filter by publisher or title", key="source_query", max_chars=200)
    wanted = right.multiselect(
        "Kind", list(KIND_WORDS), format_func=KIND_WORDS.get, key="source_kinds", placeholder="Any kind"
    )
    shown = sources_matching(table, query, wanted)
    st.caption(f"{len(shown)} of {len(table)} sources. Select one to see every record that cites it.")
    picked = st.dataframe(
        shown.drop(columns=["id", "records"]),
        hide_index=True,
        width="stretch",
        on_select="rerun",
        selection_mode="single-row",
        key="source_table",
        column_config={
            "url": st.column_config.LinkColumn("link", display_text="open"),
            "cited by": st.column_config.NumberColumn("records citing it"),
        },
    )
    # A selection can outlive a filter that shortened the table: ignore a row that is no longer there.
    rows = [r for r in (picked.selection.rows if picked else []) if r < len(shown)]
    if rows:
        source_id = shown.iloc[rows[0]]["id"]
        source = dataset.sources_by_id[source_id]
        with st.container(key="source_details", border=True):
            st.markdown(f"**{md(source.title)}**, {md(source.publisher)}, {md(source.published)}")
            for cite in citations(dataset).get(source_id, []):
                params = {"year": str(meta.as_of.year)}
                if cite.kind == "site":
                    params["site"] = cite.record
                elif cite.kind == "event":
                    params["event"] = cite.record
                    params["year"] = cite.record[:4]
                elif cite.kind in ("troop level", "base count", "yearly total"):
                    params["year"] = cite.record[:4]
                st.page_link("app.py", label=f"{cite.kind} {cite.record} ({cite.field})", query_params=params)

    graded = graded_records(dataset)
    st.subheader("How strong the evidence is")
    st.markdown(
        f"**{len(graded):,} records graded: {grade_sentence(grade_counts(graded))}.** Each presence period, "
        "handover, event, troop figure and published count is graded by its sources, as Airwars grades incidents; "
        "the data overrides the rule, with a reason, where the sources disagree on the fact itself.\n\n"
        + "\n".join(f"- **{words.split(':')[0]}**:{words.split(':', 1)[1]}" for words in GRADE_WORDS.values())
    )
    st.dataframe(grade_rows(graded), hide_index=True, width="stretch", key="grade_table")
    weak = [(kind, record, evidence) for kind, record, evidence in graded if evidence.grade == "weak"]
    with st.expander(f"The {len(weak)} records resting only on reference pages or other sources"):
        st.caption(
            "No official source, wire story or news report of these facts has been found yet; they are kept, "
            "graded weak, until one is. Corrections welcome."
        )
        st.dataframe([{"record": kind, "which": record} for kind, record, _ in weak], hide_index=True, width="stretch")

    st.subheader("How the map is computed")
    st.markdown(
        f"- **Which sites.** The map shows {len(dataset.sites)} sites: every installation of 2003-2011 that held "
        "about 1,000 or more US personnel or was a named hub, at least one site in every governorate where sources "
        "place US forces, every coalition site of 2014-2021 that sources name, the sites after 2021 as far as "
        "sources go, and smaller posts whose US presence a source dates. The US had hundreds of small outposts "
        "(about 505 bases at the 2008 peak) that no source dates; they are not drawn, and the map page gives each "
        "year's published count beside the number of sites it shows (table below). Bases that hosted only other "
        "coalition nations are left out.\n"
        "- **Status in a year.** Present: US forces there all year. Arrived: a stay began that year and lasted past "
        "its end. Left: the last stay touching the year ended in it. Absent otherwise. A period that starts in the "
        "month the previous one ends, or the month after (one mission handing over to the next), continues the same "
        "stay; a period with no end means US forces were still "
        "there at the as-of date.\n"
        "- **Federal Iraq or the Kurdistan Region.** Each site's region is checked against the Kurdistan Region "
        "polygon (point in polygon), built from the Dohuk, Erbil and Sulaymaniyah governorates of Natural Earth. "
        "Governorate lines approximate the region: the line of 19 March 2003 that the constitution recognises, and "
        "the disputed territories, differ from them.\n"
        "- **Disputed facts.** Where sources disagree the record keeps both and says which it used; troop figures "
        "give the range, never an average. Unknown values stay empty."
    )
    st.subheader("Published counts of US bases in Iraq")
    st.caption("Every count a source gives, by year; the map page compares a year's largest count with its sites.")
    st.dataframe(footprint_table(dataset), hide_index=True, width="stretch")

    with st.expander("Data dictionary (data/README.md)"):
        st.markdown(
            (dataset.folder / "README.md").read_text(encoding="utf-8")
            if (dataset.folder / "README.md").exists()
            else "This data folder has no README.md."
        )
