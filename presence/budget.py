"""The server-wide budget of uploaded events held in memory, shared by every session.

A session holds its reader's events through a `Holding`; the budget counts the holdings still alive. When a
reader removes their events, or their session ends and its state is dropped, the holding is garbage and its
events no longer count: nothing has to remember to give them back.
"""

from __future__ import annotations

import threading
import weakref
from dataclasses import dataclass

from presence.limits import MAX_HELD_EVENTS


@dataclass(eq=False)
class Holding:
    """A claim on the budget for one session's uploaded events."""

    events: int


class HeldEvents:
    """Counts uploaded events held across sessions and refuses a claim that would pass the budget."""

    def __init__(self, budget: int = MAX_HELD_EVENTS):
        self.budget = budget
        self._lock = threading.Lock()
        self._holdings: weakref.WeakSet[Holding] = weakref.WeakSet()

    @property
    def held(self) -> int:
        """Events held now by every live holding."""
        with self._lock:
            return sum(h.events for h in self._holdings)

    def claim(self, events: int) -> Holding | None:
        """A holding for `events` more events, or None when the server holds too many already."""
        with self._lock:
            if sum(h.events for h in self._holdings) + events > self.budget:
                return None
            holding = Holding(events)
            self._holdings.add(holding)
            return holding

    def full_message(self, events: int) -> str:
        """Why a claim was refused, in a reader's words."""
        return (
            f"holds {events:,} events, more than this server can keep for its readers just now (it keeps at most "
            f"{self.budget:,} uploaded events at a time, and {self.held:,} are in use). Try again later, or "
            "upload part of the file"
        )


SERVER = HeldEvents()  # one per server process: module state, out of reach of any cache a client can clear
