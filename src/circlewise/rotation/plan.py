"""Plan a fair coachee rotation and re-plan it from what happened.

The plan is a pure function of the circle's history — who was in it when, who could not come to
which session, which turns were swapped — so re-planning after an absence, a leaver, a joiner or
a swap is simply planning again with one more fact, and sessions already held keep their coachees
as long as the facts about them do not change.

Steps, for each session in order:

1. Members in the circle at that session are those who had joined (``joined``) and not yet left
   (``left``). A member joining mid-way is *credited* with as many turns as the fewest any member
   already in the circle has had, and placed at the back of the current round: they take their
   place in the rotation rather than being coachee several sessions in a row to catch up a year.
2. Of those present (not in ``absences`` for the session), choose ``per_session`` coachees with
   the fewest (credited) turns; ties go to whoever's last turn was longest ago, then to the order
   of ``members``. Choosing the fewest turns is what makes the rotation fair: nobody has a second
   turn while someone present has had none, and an absent member goes first when they are back.
3. Apply the swaps of that session: the taker stands in for the giver. Counts move with the turn,
   so step 2 gives the giver the taker's next turn — a swap exchanges turns, it adds none.
"""

from __future__ import annotations

from collections.abc import Collection, Hashable, Mapping, Sequence
from dataclasses import dataclass, field

__all__ = ["Rotation", "RotationError", "Slot", "Swap", "plan_rotation"]


class RotationError(ValueError):
    """The rotation's input is inconsistent; the message says what to fix."""


@dataclass(frozen=True)
class Swap:
    """At ``session``, ``taker`` is coachee in place of ``giver`` (who gets a later turn)."""

    session: Hashable
    giver: Hashable
    taker: Hashable


@dataclass(frozen=True)
class Slot:
    """One session of the plan and its coachees, in rotation order."""

    session: Hashable
    coachees: tuple[Hashable, ...]


@dataclass(frozen=True)
class Rotation:
    """The plan for every session.

    Attributes
    ----------
    slots : tuple of Slot
        One per session, in the order of the sessions given.
    turns : dict
        Turns each member in the circle at the last session has had or will have.
    credited : dict
        ``turns`` plus the turns credited to members who joined late; the fairness measure.
    skipped_swaps : tuple of Swap
        Swaps that no longer apply (the giver is not coachee then, or the taker cannot be).
    """

    slots: tuple[Slot, ...]
    turns: dict[Hashable, int] = field(default_factory=dict)
    credited: dict[Hashable, int] = field(default_factory=dict)
    skipped_swaps: tuple[Swap, ...] = ()

    def coachees(self, session: Hashable) -> tuple[Hashable, ...]:
        """The coachees of ``session`` (empty for an unknown session)."""
        for slot in self.slots:
            if slot.session == session:
                return slot.coachees
        return ()


def _validate(
    members: Sequence[Hashable],
    sessions: Sequence[Hashable],
    per_session: int,
    joined: Mapping[Hashable, Hashable],
    left: Mapping[Hashable, Hashable],
) -> dict[Hashable, int]:
    if per_session not in (1, 2):
        raise RotationError("A session has one or two coachees.")
    if len(set(members)) != len(members):
        raise RotationError("Each member appears once in the rotation.")
    index = {session: i for i, session in enumerate(sessions)}
    if len(index) != len(sessions):
        raise RotationError("Each session appears once.")
    for label, mapping in (("joined", joined), ("left", left)):
        for member, session in mapping.items():
            if member not in members:
                raise RotationError(f"{label}: {member!r} is not a member of the rotation.")
            if session not in index:
                raise RotationError(f"{label}: {session!r} is not one of the sessions.")
    for member in set(joined) & set(left):
        if index[left[member]] <= index[joined[member]]:
            raise RotationError(f"{member!r} leaves before joining.")
    return index


def plan_rotation(
    members: Sequence[Hashable],
    sessions: Sequence[Hashable],
    *,
    per_session: int = 1,
    joined: Mapping[Hashable, Hashable] | None = None,
    left: Mapping[Hashable, Hashable] | None = None,
    absences: Mapping[Hashable, Collection[Hashable]] | None = None,
    swaps: Sequence[Swap] = (),
) -> Rotation:
    """Plan who is coachee at each session.

    Parameters
    ----------
    members : sequence
        Everyone who is or was in the circle, in rotation order (e.g. by joining date).
    sessions : sequence
        Session keys in chronological order, for the whole programme.
    per_session : {1, 2}
        Coachees per session.
    joined : mapping, optional
        ``{member: session}``: the first session of a member who joined after the first one.
    left : mapping, optional
        ``{member: session}``: the first session a leaver is no longer part of.
    absences : mapping, optional
        ``{session: members}`` who cannot come to that session.
    swaps : sequence of Swap, optional
        Turns handed from one member to another, applied in order.

    Returns
    -------
    Rotation

    Raises
    ------
    RotationError
        For an unknown member or session, a duplicate, or ``per_session`` other than 1 or 2.

    Examples
    --------
    >>> rotation = plan_rotation(["Ana", "Dev", "Nour"], [1, 2, 3, 4])
    >>> [slot.coachees for slot in rotation.slots]
    [('Ana',), ('Dev',), ('Nour',), ('Ana',)]

    Dev cannot come to session 2, so Nour goes first and Dev takes the next turn:

    >>> rotation = plan_rotation(["Ana", "Dev", "Nour"], [1, 2, 3, 4], absences={2: {"Dev"}})
    >>> [slot.coachees for slot in rotation.slots]
    [('Ana',), ('Nour',), ('Dev',), ('Ana',)]

    Two coachees per session, and Dev hands his turn at session 1 to Sam:

    >>> members = ["Ana", "Dev", "Nour", "Sam"]
    >>> swap = Swap(session=1, giver="Dev", taker="Sam")
    >>> rotation = plan_rotation(members, [1, 2], per_session=2, swaps=[swap])
    >>> rotation.coachees(1), rotation.coachees(2)
    (('Ana', 'Sam'), ('Dev', 'Nour'))
    """
    joined = dict(joined or {})
    left = dict(left or {})
    absences = absences or {}
    index = _validate(members, sessions, per_session, joined, left)
    position = {member: i for i, member in enumerate(members)}
    swaps_at: dict[Hashable, list[Swap]] = {}
    for swap in swaps:
        swaps_at.setdefault(swap.session, []).append(swap)
    start = {member: index[joined[member]] if member in joined else 0 for member in members}
    end = {member: index[left[member]] if member in left else len(sessions) for member in members}

    credited: dict[Hashable, int] = {}
    turns: dict[Hashable, int] = {}
    last_turn: dict[Hashable, int] = {}
    slots: list[Slot] = []
    skipped: list[Swap] = []
    for i, session in enumerate(sessions):
        in_circle = [member for member in members if start[member] <= i < end[member]]
        # Step 1: newcomers take their place in the current round (see the module docstring).
        settled = [member for member in in_circle if member in credited]
        floor = min((credited[member] for member in settled), default=0)
        for member in in_circle:
            if member not in credited:
                credited[member] = floor
                turns[member] = 0
                last_turn[member] = i if settled else -1
        # Step 2: the fewest turns first.
        away = absences.get(session, ())
        present = [member for member in in_circle if member not in away]
        present.sort(key=lambda member: (credited[member], last_turn[member], position[member]))
        chosen = present[:per_session]
        # Step 3: swaps stand the taker in for the giver.
        for swap in swaps_at.get(session, ()):
            if swap.giver in chosen and swap.taker in present and swap.taker not in chosen:
                chosen[chosen.index(swap.giver)] = swap.taker
            else:
                skipped.append(swap)
        chosen.sort(key=position.__getitem__)
        for member in chosen:
            credited[member] += 1
            turns[member] += 1
            last_turn[member] = i
        slots.append(Slot(session=session, coachees=tuple(chosen)))

    current = [member for member in members if end[member] == len(sessions)]
    return Rotation(
        slots=tuple(slots),
        turns={member: turns.get(member, 0) for member in current},
        credited={member: credited.get(member, 0) for member in current},
        skipped_swaps=tuple(skipped),
    )
