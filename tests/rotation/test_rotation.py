"""The coachee rotation: fair turns, re-planning after absences, leavers, joiners and swaps."""

from __future__ import annotations

import doctest

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import circlewise.rotation.plan
from circlewise.rotation import RotationError, Swap, plan_rotation


def _spread(counts: dict) -> int:
    return max(counts.values()) - min(counts.values())


def test_it_runs_the_docstring_examples() -> None:
    failures, tried = doctest.testmod(circlewise.rotation.plan)
    assert tried > 0 and failures == 0


def test_it_gives_everyone_a_turn_before_anyone_has_a_second() -> None:
    rotation = plan_rotation(list("ABCDE"), list(range(12)))
    first_round = [slot.coachees[0] for slot in rotation.slots[:5]]
    assert sorted(first_round) == list("ABCDE")
    assert rotation.turns == {"A": 3, "B": 3, "C": 2, "D": 2, "E": 2}


def test_it_plans_two_coachees_per_session() -> None:
    rotation = plan_rotation(list("ABCDEF"), list(range(3)), per_session=2)
    assert [slot.coachees for slot in rotation.slots] == [("A", "B"), ("C", "D"), ("E", "F")]


def test_it_keeps_held_sessions_when_someone_leaves_later() -> None:
    before = plan_rotation(list("ABCD"), list(range(8)))
    after = plan_rotation(list("ABCD"), list(range(8)), left={"C": 5})
    assert before.slots[:5] == after.slots[:5]
    assert all("C" not in slot.coachees for slot in after.slots[5:])
    assert "C" not in after.turns


def test_it_seats_a_joiner_at_the_back_of_the_current_round() -> None:
    rotation = plan_rotation(list("ABCJ"), list(range(9)), joined={"J": 4})
    coachees = [slot.coachees[0] for slot in rotation.slots]
    # A had a second turn at session 3; J joins at 4 and waits for B and C, not three turns running.
    assert coachees[3:7] == ["A", "B", "C", "J"]


def test_it_skips_a_swap_that_no_longer_applies() -> None:
    swap = Swap(session=0, giver="B", taker="C")
    rotation = plan_rotation(list("ABC"), [0, 1, 2], swaps=[swap])
    assert rotation.skipped_swaps == (swap,)
    assert rotation.coachees(0) == ("A",)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"per_session": 3}, "one or two coachees"),
        ({"joined": {"Z": 1}}, "'Z' is not a member"),
        ({"left": {"A": 99}}, "99 is not one of the sessions"),
        ({"joined": {"A": 2}, "left": {"A": 1}}, "leaves before joining"),
    ],
)
def test_it_refuses_inconsistent_input(kwargs: dict, message: str) -> None:
    with pytest.raises(RotationError, match=message):
        plan_rotation(list("ABC"), [0, 1, 2], **kwargs)


def test_it_refuses_duplicate_members_and_sessions() -> None:
    with pytest.raises(RotationError, match="member appears once"):
        plan_rotation(["A", "A"], [0])
    with pytest.raises(RotationError, match="session appears once"):
        plan_rotation(["A"], [0, 0])


sizes = st.integers(min_value=2, max_value=8)


@settings(max_examples=200, deadline=None)
@given(size=sizes, sessions=st.integers(min_value=1, max_value=30), per=st.sampled_from([1, 2]))
def test_it_keeps_turns_within_one_at_every_session(size: int, sessions: int, per: int) -> None:
    members = list(range(size))
    rotation = plan_rotation(members, list(range(sessions)), per_session=per)
    counts = dict.fromkeys(members, 0)
    for slot in rotation.slots:
        assert len(slot.coachees) == min(per, size)
        for member in slot.coachees:
            counts[member] += 1
        assert _spread(counts) <= 1  # nobody twice before everyone has had a turn


@st.composite
def histories(draw: st.DrawFn) -> dict:
    """A circle's history: absences, leavers and joiners in the first part, then a calm tail."""
    size = draw(sizes)
    per = draw(st.sampled_from([1, 2]))
    eventful = draw(st.integers(min_value=1, max_value=12))
    members = list(range(size + 2))  # two extra people who may join later
    absences = {
        session: set(draw(st.lists(st.sampled_from(members), max_size=size - 1)))
        for session in range(eventful)
    }
    joined = {
        member: draw(st.integers(min_value=1, max_value=eventful)) for member in members[size:]
    }
    leavers = draw(st.lists(st.sampled_from(members[:size]), max_size=size - 2, unique=True))
    left = {member: draw(st.integers(min_value=1, max_value=eventful)) for member in leavers}
    # Enough sessions after the last event for anyone held back to catch up.
    missed = sum(len(away) for away in absences.values())
    tail = (missed + 2) * len(members)
    return {
        "members": members,
        "sessions": list(range(eventful + tail)),
        "per_session": per,
        "absences": absences,
        "joined": joined,
        "left": left,
    }


@settings(max_examples=200, deadline=None)
@given(history=histories())
def test_it_is_fair_after_absences_leavers_and_joiners(history: dict) -> None:
    rotation = plan_rotation(**history)
    assert _spread(rotation.credited) <= 1
    assert set(rotation.credited) == set(history["members"]) - set(history["left"])


@settings(max_examples=200, deadline=None)
@given(history=histories())
def test_it_never_chooses_someone_with_more_turns_than_a_present_member(history: dict) -> None:
    """An absent member goes first once back; a present one is never passed over."""
    plan = plan_rotation(**history)
    sessions = history["sessions"]
    for cut, slot in enumerate(plan.slots):
        joined = {m: s for m, s in history["joined"].items() if s < cut}
        before = {
            **history,
            "members": [m for m in history["members"] if history["joined"].get(m, 0) < cut],
            "sessions": sessions[:cut],
            "joined": joined,
            "left": {m: s for m, s in history["left"].items() if s < cut},
        }
        present_before = plan_rotation(**before).credited if cut else {}
        away = history["absences"].get(slot.session, set())
        waiting = [
            count
            for member, count in present_before.items()
            if member not in away
            and member not in slot.coachees
            and history["left"].get(member, len(sessions)) > cut
        ]
        for member in slot.coachees:
            if member in present_before and member not in joined and waiting:
                assert present_before[member] <= min(waiting)
        if cut > 15:
            break


@settings(max_examples=100, deadline=None)
@given(size=sizes, sessions=st.integers(min_value=2, max_value=20), data=st.data())
def test_it_exchanges_turns_on_a_swap_without_adding_any(size: int, sessions: int, data) -> None:
    members = list(range(size))
    keys = list(range(sessions))
    base = plan_rotation(members, keys)
    at = data.draw(st.sampled_from(keys))
    giver = base.coachees(at)[0]
    taker = data.draw(st.sampled_from([m for m in members if m != giver]))
    swapped = plan_rotation(members, keys, swaps=[Swap(session=at, giver=giver, taker=taker)])
    assert swapped.coachees(at) == (taker,)
    assert swapped.skipped_swaps == ()
    assert sum(swapped.turns.values()) == sum(base.turns.values())
    assert swapped.slots[: keys.index(at)] == base.slots[: keys.index(at)]
