"""The server-wide budget of uploaded events: claims add up across sessions and are freed with them."""

from __future__ import annotations

import gc

from presence.budget import HeldEvents


def test_claims_add_up_to_the_budget_and_no_further():
    budget = HeldEvents(budget=100)
    first = budget.claim(60)
    assert first is not None and budget.held == 60
    assert budget.claim(41) is None  # 101 would pass the budget
    second = budget.claim(40)
    assert second is not None and budget.held == 100
    assert "at most 100 uploaded events" in budget.full_message(1) and "100 are in use" in budget.full_message(1)


def test_a_dropped_holding_frees_its_events():
    # A session's state going away (the reader removed their events, or the session ended) drops the holding.
    budget = HeldEvents(budget=100)
    state = {"holding": budget.claim(100)}
    assert budget.claim(1) is None
    state.clear()
    gc.collect()
    assert budget.held == 0
    assert budget.claim(100) is not None
