"""Translating a programme's rules into the engine's problem."""

from __future__ import annotations

import numpy as np

from circlewise.formation.composition import (
    MEETING_WINDOW,
    available_slots,
    compose,
)
from circlewise.organisations.models import Membership
from tests.conftest import make_user


def test_it_diversifies_and_keeps_same_rules(make_programme, add_participants):
    programme = make_programme(diversify=["department", "level"], same=["language"])
    add_participants(programme, 6)
    problem = compose(programme, list(programme.participants.all())).problem
    scored = {a.name: (a.kind, a.direction, a.weight) for a in problem.attributes}
    assert scored["department"] == ("categorical", "diversify", 1.0)
    assert scored["level"] == ("categorical", "diversify", 1.0)
    assert scored["utc_offset"] == ("numeric", "align", 1.0)  # the meeting preference
    assert list(problem.same) == ["language"]
    assert problem.values["language"] == ["English"] * 6


def test_it_passes_the_programmes_weights_to_the_engine(make_programme, add_participants):
    programme = make_programme(diversify=["department", "level"], weights={"department": 2.5})
    add_participants(programme, 6)
    problem = compose(programme, list(programme.participants.all())).problem
    weights = {a.name: a.weight for a in problem.attributes}
    assert (weights["department"], weights["level"]) == (2.5, 1.0)


def test_it_separates_a_reporting_line_through_a_manager_who_is_not_a_participant(
    organisation, make_programme, add_participants
):
    programme = make_programme(separation_depth=2)
    # Org chart: dana (participant) -> max (not a participant) -> p0 (participant).
    boss = make_user("p0@acme.test")
    middle = make_user("max@acme.test")
    boss_membership = Membership.objects.create(organisation=organisation, user=boss)
    Membership.objects.create(organisation=organisation, user=middle, manager=boss_membership)
    people = add_participants(programme, 6)
    people[1].manager_email = "max@acme.test"
    people[1].save()
    problem = compose(programme, people).problem
    assert ("p1@acme.test", "p0@acme.test") in set(problem.separate)


def test_it_stops_the_reporting_line_at_the_programmes_depth(make_programme, add_participants):
    programme = make_programme(separation_depth=1)
    people = add_participants(programme, 6)
    people[1].manager_email, people[2].manager_email = people[0].email, people[1].email
    people[1].save(), people[2].save()
    separate = set(compose(programme, people).problem.separate)
    assert separate == {("p1@acme.test", "p0@acme.test"), ("p2@acme.test", "p1@acme.test")}


def test_it_reads_availability_in_utc_slots(make_programme, add_participants):
    programme = make_programme()
    person = add_participants(
        programme,
        1,
        time_zone="America/New_York",
        availability=[{"day": 0, "start": "09:00", "end": "10:00"}],
    )[0]
    slots = available_slots(person, programme.start_date)
    # 09:00 in New York in January is 14:00 UTC: four 15-minute slots from Monday 14:00.
    assert np.flatnonzero(slots).tolist() == [56, 57, 58, 59]


def test_it_makes_the_meeting_window_a_hard_rule_when_the_programme_says_so(
    make_programme, add_participants
):
    programme = make_programme(overlap_rule="hard", session_minutes=90)
    london = add_participants(programme, 6)
    tokyo = add_participants(programme, 6, start=6, time_zone="Asia/Tokyo")
    composition = compose(programme, london + tokyo)
    problem = composition.problem
    assert MEETING_WINDOW in problem.same
    windows = dict(zip(problem.ids, problem.values[MEETING_WINDOW], strict=True))
    assert len({windows[p.email] for p in london}) == 1
    assert len({windows[p.email] for p in tokyo}) == 1
    assert windows[london[0].email] != windows[tokyo[0].email]  # 9-5 London and Tokyo never meet
    assert "utc_offset" not in [a.name for a in problem.attributes]


def test_it_leaves_out_people_with_no_window_long_enough(make_programme, add_participants):
    programme = make_programme(overlap_rule="hard", session_minutes=120)
    add_participants(programme, 6)
    short = add_participants(
        programme, 1, start=6, availability=[{"day": 2, "start": "09:00", "end": "10:00"}]
    )[0]
    composition = compose(programme, list(programme.participants.all()))
    assert composition.left_out == [short]
    assert "meeting window not given" in composition.warnings[0]


def test_it_groups_people_by_another_language_they_speak_when_theirs_is_too_rare(
    make_programme, add_participants
):
    programme = make_programme(same=["language"])
    add_participants(programme, 10)
    add_participants(programme, 2, start=10, languages=["German", "English"])
    add_participants(programme, 2, start=12, languages=["Basque"])
    composition = compose(programme, list(programme.participants.all()))
    assert set(composition.problem.values["language"]) == {"English"}
    assert len(composition.problem.ids) == 12
    assert [p.email for p in composition.left_out] == ["p12@acme.test", "p13@acme.test"]
    assert composition.warnings[0].startswith("2 people with language Basque: cannot form")
