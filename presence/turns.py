"""Turns: how many page runs the server does at once, and whose run goes next.

Streamlit runs the page once for every rerun a browser asks for, each session in its own thread, and a run
that is asked to rerun starts again at its next element. A client that asks faster than a run takes keeps a
thread busy for good, and every thread shares one interpreter: twenty such clients left another reader's
slider waiting for over 30 seconds. So a run waits for its turn before it does any work:

* **Few at once.** At most `slots` runs hold a turn. A run that has held it longer than `lease` seconds no
  longer keeps others out (it goes on, sharing the processor), so no one waits longer than a lease for a run
  that is in the way.
* **The calmest session first.** A free turn goes to the waiting run whose session has been busy least of
  late: the time its runs spent waiting and running, halved every `half_life` seconds, with this run's wait
  so far. A flooder is busy all the time (its next run is always waiting), a reader only now and then, so a
  reader goes ahead of every flooder. Runs of one reader, or of many ordinary readers, take turns in order.
* **Superseded runs cost nothing.** While a run waits, the reruns its client asks for meanwhile fold into one
  (with `runner.fastReruns` off, Streamlit coalesces them); once the run has its turn, its first element sees
  the newer request and starts again, before any heavy work. Should a session start another run while one
  waits (Streamlit's fast reruns start a thread per request), the older one goes through at once, without a
  slot, to be ended by Streamlit at its first element.

A run that waits for something outside the interpreter (the upload worker) gives its turn back meanwhile
with `paused()`. Nothing here knows about Streamlit: a session is any hashable key.
"""

from __future__ import annotations

import itertools
import math
import threading
import time
from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

SLOTS = 1  # runs at once: the interpreter runs one thread at a time anyway
LEASE = 0.5  # seconds a run may keep others out
HALF_LIFE = 10.0  # seconds over which a session's busy time halves
FORGET_BELOW = 0.001  # seconds of decayed busy time below which a session is forgotten


@dataclass
class _Waiting:
    key: Hashable
    since: float
    order: int


class Turns:
    """Admits page runs one turn at a time; see the module's docstring."""

    def __init__(
        self,
        slots: int = SLOTS,
        lease: float = LEASE,
        half_life: float = HALF_LIFE,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if slots < 1 or lease <= 0 or half_life <= 0:
            raise ValueError(f"slots {slots}, lease {lease} and half_life {half_life} must be positive")
        self.slots, self.lease, self.half_life, self._clock = slots, lease, half_life, clock
        self._changed = threading.Condition()
        self._holders: dict[int, tuple[Hashable, float]] = {}  # thread -> (session, when it took the turn)
        self._waiting: dict[int, _Waiting] = {}  # thread -> its place in the queue
        self._busy: dict[Hashable, tuple[float, float]] = {}  # session -> (busy seconds, as of when)
        self._order = itertools.count()

    def busy(self, key: Hashable) -> float:
        """The session's busy seconds of late (waits and runs, halved every half-life); 0 for a new one."""
        with self._changed:
            return self._decayed(key, self._clock())

    def holding(self) -> int:
        """How many runs hold a turn now."""
        with self._changed:
            return len(self._holders)

    def waiting(self) -> int:
        """How many runs wait for a turn now."""
        with self._changed:
            return len(self._waiting)

    @contextmanager
    def turn(self, key: Hashable) -> Iterator[None]:
        """Hold a turn for the body; wait for it first. A thread that already holds one just goes on."""
        me = threading.get_ident()
        with self._changed:
            if me in self._holders:
                nested = True
            else:
                nested = False
                self._take(me, key)
        try:
            yield
        finally:
            if not nested:
                self._give_back(me)

    @contextmanager
    def paused(self) -> Iterator[None]:
        """Give this thread's turn back for the body (a wait outside the interpreter), then wait for it again."""
        me = threading.get_ident()
        with self._changed:
            held = self._holders.get(me)
        if held is None:
            yield
            return
        self._give_back(me)
        try:
            yield
        finally:
            with self._changed:
                self._take(me, held[0])

    # The caller holds self._changed in _take; _give_back takes it.
    def _take(self, me: int, key: Hashable) -> None:
        self._waiting[me] = _Waiting(key, self._clock(), next(self._order))
        self._changed.notify_all()  # an earlier run of this session, if one waits, is superseded
        while True:
            now = self._clock()
            if self._superseded(me):
                break
            blocking = [since for _, since in self._holders.values() if now - since < self.lease]
            if len(blocking) < self.slots and self._next(now) == me:
                break
            # Wake when a lease runs out, or sooner if a turn is given back (notify_all).
            self._changed.wait(timeout=min(blocking) + self.lease - now if len(blocking) >= self.slots else 0.05)
        superseded = self._superseded(me)
        place = self._waiting.pop(me)
        # A superseded run holds no slot: it counts as if its lease had run out.
        self._holders[me] = (key, self._clock() - (self.lease if superseded else 0.0))
        self._add_busy(key, self._clock() - place.since)
        self._changed.notify_all()  # the next in line may be admitted too, if slots allow

    def _give_back(self, me: int) -> None:
        with self._changed:
            key, since = self._holders.pop(me)
            self._add_busy(key, self._clock() - since)
            self._changed.notify_all()

    def _superseded(self, me: int) -> bool:
        """Whether a later run of the same session waits too. Streamlit ends the earlier one at its first
        element (it was told to stop when the later one started), so it goes through at once, with no slot."""
        mine = self._waiting[me]
        return any(w.key == mine.key and w.order > mine.order for w in self._waiting.values())

    def _next(self, now: float) -> int:
        """The waiting thread whose session has been busy least (with this wait), first come on a tie."""

        def rank(thread: int) -> tuple[float, int]:
            place = self._waiting[thread]
            return self._decayed(place.key, now) + now - place.since, place.order

        return min(self._waiting, key=rank)

    def _decayed(self, key: Hashable, now: float) -> float:
        seconds, as_of = self._busy.get(key, (0.0, now))
        return seconds * math.exp2(-(now - as_of) / self.half_life)

    def _add_busy(self, key: Hashable, seconds: float) -> None:
        now = self._clock()
        total = self._decayed(key, now) + max(seconds, 0.0)
        self._busy[key] = (total, now)
        if len(self._busy) > 64:  # forget sessions gone quiet, so the table does not grow with every visitor
            for k in [k for k in self._busy if self._decayed(k, now) < FORGET_BELOW]:
                del self._busy[k]
