"""The node operator's view: what to start and stop, from FinancialRunway events alone."""

from __future__ import annotations

from synor.runway.schedule import Action, RunwaySchedule, Transition


def test_paid_runway_starts_and_lapsed_runway_stops():
    schedule = RunwaySchedule()
    schedule.record("0xA", 200)
    schedule.record("0xB", 100)  # zero prefund at t=100: registered, never started
    assert schedule.reconcile(100) == [Transition(Action.START, "0xA", 200)]
    assert schedule.reconcile(150) == []
    assert schedule.active(150) == [("0xA", 200)]
    assert schedule.next_stop(150) == 200
    assert schedule.reconcile(200) == [Transition(Action.STOP, "0xA", 200)]
    assert schedule.active(200) == [] and schedule.next_stop(200) is None


def test_the_latest_event_wins_and_extension_keeps_the_node_running():
    schedule = RunwaySchedule()
    schedule.record("0xA", 200)
    schedule.reconcile(100)
    schedule.record("0xA", 500)
    assert schedule.reconcile(300) == []
    assert schedule.active(300) == [("0xA", 500)]


def test_revived_application_starts_again():
    schedule = RunwaySchedule()
    schedule.record("0xA", 200)
    schedule.reconcile(100)
    schedule.reconcile(250)
    schedule.record("0xA", 400)
    assert schedule.reconcile(260) == [Transition(Action.START, "0xA", 400)]


def test_active_lists_soonest_stop_first():
    schedule = RunwaySchedule()
    for app, until in (("0xA", 900), ("0xB", 300), ("0xC", 600)):
        schedule.record(app, until)
    assert [app for app, _ in schedule.active(0)] == ["0xB", "0xC", "0xA"]
