"""Turns: at most a few page runs at once, the calmest session first (presence/turns.py)."""

from __future__ import annotations

import threading
import time

import pytest

from presence.turns import Turns

DEADLINE = 20.0  # seconds: generous, only so that a broken rule fails instead of hanging


class Clock:
    """A clock the test moves by hand, so the rules on leases and decay do not depend on the machine's speed."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def until(condition, what: str) -> None:
    deadline = time.monotonic() + DEADLINE
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting until {what}")
        time.sleep(0.005)


class Run(threading.Thread):
    """A page run of `key` that takes its turn, notes when it got it, and holds it until told to finish."""

    def __init__(self, turns: Turns, key: str, admitted: list[str]) -> None:
        super().__init__(daemon=True)
        self.turns, self.key, self.admitted = turns, key, admitted
        self.has_turn, self.finish = threading.Event(), threading.Event()

    def run(self) -> None:
        with self.turns.turn(self.key):
            self.admitted.append(self.key)
            self.has_turn.set()
            self.finish.wait(DEADLINE)


def spend(turns: Turns, clock: Clock, key: str, seconds: float) -> None:
    """Let `key` hold a turn for `seconds` of the test's clock."""
    with turns.turn(key):
        clock.now += seconds


def test_one_run_at_a_time_then_the_next() -> None:
    turns, admitted = Turns(lease=60), []
    first, second = Run(turns, "a", admitted), Run(turns, "b", admitted)
    first.start()
    first.has_turn.wait(DEADLINE)
    second.start()
    until(lambda: turns.waiting() == 1, "the second run waits")
    assert admitted == ["a"] and turns.holding() == 1
    first.finish.set()
    second.has_turn.wait(DEADLINE)
    assert admitted == ["a", "b"]
    second.finish.set()


def test_a_reader_goes_before_every_flooder() -> None:
    clock = Clock()
    turns, admitted = Turns(lease=60, clock=clock), []
    for i in range(20):
        spend(turns, clock, f"flooder {i}", 2.0)
    holder = Run(turns, "holder", admitted)
    holder.start()
    holder.has_turn.wait(DEADLINE)
    flooders = [Run(turns, f"flooder {i}", admitted) for i in range(20)]
    for run in flooders:
        run.start()
    until(lambda: turns.waiting() == 20, "the flooders wait")
    reader = Run(turns, "reader", admitted)  # arrives last
    reader.start()
    until(lambda: turns.waiting() == 21, "the reader waits")
    holder.finish.set()
    reader.has_turn.wait(DEADLINE)
    assert admitted == ["holder", "reader"]
    for run in [reader, *flooders]:
        run.finish.set()
    for run in flooders:
        run.join(DEADLINE)
    assert len(admitted) == 22


def test_equally_busy_sessions_go_in_the_order_they_came() -> None:
    clock = Clock()
    turns, admitted = Turns(lease=60, clock=clock), []
    holder = Run(turns, "holder", admitted)
    holder.start()
    holder.has_turn.wait(DEADLINE)
    runs = []
    for n, key in enumerate(["c", "a", "b"], start=1):
        runs.append(Run(turns, key, admitted))
        runs[-1].start()
        until(lambda n=n: turns.waiting() == n, f"{key} waits")
    holder.finish.set()
    for run in runs:
        run.has_turn.wait(DEADLINE)
        run.finish.set()
    assert admitted == ["holder", "c", "a", "b"]


def test_a_run_past_its_lease_no_longer_keeps_others_out() -> None:
    clock = Clock()
    turns, admitted = Turns(lease=0.5, clock=clock), []
    slow, other = Run(turns, "slow", admitted), Run(turns, "other", admitted)
    slow.start()
    slow.has_turn.wait(DEADLINE)
    other.start()
    until(lambda: turns.waiting() == 1, "the other run waits")
    assert not other.has_turn.is_set()
    clock.now += 0.6
    assert other.has_turn.wait(DEADLINE), "the other run should be let in once the lease ran out"
    assert turns.holding() == 2
    slow.finish.set()
    other.finish.set()


def test_a_paused_run_lets_others_in_and_then_waits_again() -> None:
    turns, admitted = Turns(lease=60), []
    paused, resumed = threading.Event(), threading.Event()
    other = Run(turns, "other", admitted)

    def uploader() -> None:
        with turns.turn("uploader"):
            with turns.paused():
                paused.set()
                other.has_turn.wait(DEADLINE)  # the worker reads meanwhile
            resumed.set()

    thread = threading.Thread(target=uploader, daemon=True)
    thread.start()
    paused.wait(DEADLINE)
    other.start()
    assert other.has_turn.wait(DEADLINE), "another session should have the turn while the upload is read"
    until(lambda: turns.waiting() == 1, "the uploader waits for its turn again")
    assert not resumed.is_set()
    other.finish.set()
    assert resumed.wait(DEADLINE)
    thread.join(DEADLINE)
    assert turns.holding() == 0


def test_a_nested_turn_and_an_interrupted_run() -> None:
    turns = Turns()
    with turns.turn("a"):
        with turns.turn("a"):  # a fragment drawn inside the page's run
            assert turns.holding() == 1
        assert turns.holding() == 1
    # Streamlit ends a superseded run with an exception.
    with pytest.raises(RuntimeError, match="rerun"), turns.turn("a"):
        raise RuntimeError("rerun")
    assert turns.holding() == 0 and turns.waiting() == 0
    with turns.paused():  # outside a turn, pausing does nothing
        assert turns.holding() == 0


@pytest.mark.parametrize(
    ("spent", "later", "expected"),
    [
        (4.0, 0.0, 4.0),
        (4.0, 10.0, 2.0),
        (4.0, 20.0, 1.0),
        (0.0, 5.0, 0.0),
    ],
)
def test_busy_time_halves_every_half_life(spent: float, later: float, expected: float) -> None:
    clock = Clock()
    turns = Turns(half_life=10.0, clock=clock)
    spend(turns, clock, "a", spent)
    clock.now += later
    assert turns.busy("a") == pytest.approx(expected)


def test_quiet_sessions_are_forgotten() -> None:
    clock = Clock()
    turns = Turns(half_life=1.0, clock=clock)
    for i in range(100):
        spend(turns, clock, i, 0.01)
    clock.now += 60
    spend(turns, clock, "last", 0.01)
    assert len(turns._busy) == 1  # noqa: SLF001 - the table itself is what must not grow


@pytest.mark.parametrize("bad", [{"slots": 0}, {"lease": 0}, {"half_life": -1}])
def test_bad_settings_are_refused(bad: dict) -> None:
    with pytest.raises(ValueError, match="must be positive"):
        Turns(**bad)


def test_a_run_superseded_by_a_later_one_of_its_session_goes_through_without_a_slot() -> None:
    turns, admitted = Turns(lease=60), []
    holder = Run(turns, "holder", admitted)
    holder.start()
    holder.has_turn.wait(DEADLINE)
    old = Run(turns, "flooder", admitted)
    old.start()
    until(lambda: turns.waiting() == 1, "the flooder's run waits")
    new = Run(turns, "flooder", admitted)  # Streamlit started another run of the same session
    new.start()
    assert old.has_turn.wait(DEADLINE), "the superseded run should go through to be ended"
    reader = Run(turns, "reader", admitted)
    reader.start()
    until(lambda: turns.waiting() == 2, "the new run and a reader wait: the superseded run took no slot")
    assert not new.has_turn.is_set() and not reader.has_turn.is_set()
    for run in (holder, old, new, reader):
        run.finish.set()
    for run in (new, reader):
        run.join(DEADLINE)
    assert admitted[:2] == ["holder", "flooder"] and sorted(admitted[2:]) == ["flooder", "reader"]
