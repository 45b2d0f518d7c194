"""Which applications a node must run, from `FinancialRunway` events alone (the Sunodo controller's job).

Pure: feed it events and the chain's time, read back what to start and stop. No I/O.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Action(StrEnum):
    START = "start"
    STOP = "stop"


@dataclass(frozen=True)
class Transition:
    """A node must start or stop running ``app``; ``until`` is when its runway ends."""

    action: Action
    app: str
    until: int


@dataclass
class RunwaySchedule:
    """The last known runway end of every application, and which ones are being run."""

    until: dict[str, int] = field(default_factory=dict)
    running: set[str] = field(default_factory=set)

    def record(self, app: str, until: int) -> None:
        """Applies a `FinancialRunway(app, until)` event. Events arrive in chain order; the last wins."""
        self.until[app] = until

    def reconcile(self, now: int) -> list[Transition]:
        """What must change at chain time ``now``: start what is paid for, stop what has lapsed."""
        changes: list[Transition] = []
        for app, until in sorted(self.until.items()):
            should_run = until > now
            if should_run and app not in self.running:
                self.running.add(app)
                changes.append(Transition(Action.START, app, until))
            elif not should_run and app in self.running:
                self.running.discard(app)
                changes.append(Transition(Action.STOP, app, until))
        return changes

    def active(self, now: int) -> list[tuple[str, int]]:
        """``(app, until)`` of every application that must be running at ``now``, soonest to stop first."""
        return sorted(((app, until) for app, until in self.until.items() if until > now), key=lambda x: x[1])

    def next_stop(self, now: int) -> int | None:
        """When the next running application stops, if any."""
        ends = [until for until in self.until.values() if until > now]
        return min(ends) if ends else None
