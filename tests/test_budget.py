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


def test_a_gone_sessions_uploaded_files_leave_the_server_with_it():
    """Streamlit drops a closed tab's session without shutting it down; its uploaded files must go too."""
    import gc

    import shell

    class Manager:
        def __init__(self, fails: bool = False) -> None:
            self.removed, self.fails = [], fails

        def remove_session_files(self, session_id: str) -> None:
            if self.fails:
                raise OSError("gone already")
            self.removed.append(session_id)

    manager, state = Manager(), {}
    shell.files_go_with_the_session(state, manager, "tab-1")
    shell.files_go_with_the_session(state, manager, "tab-1")  # every rerun with a file calls it
    gc.collect()
    assert manager.removed == []  # the session is still there
    del state
    gc.collect()
    assert manager.removed == ["tab-1"]
    failing, other = Manager(fails=True), {}
    shell.files_go_with_the_session(other, failing, "tab-2")
    del other
    gc.collect()  # a failure is logged, never raised in whichever thread collects
    assert failing.removed == []
