"""From a programme and its participants to a :class:`circlewise.matching.Problem`.

The engine knows nothing of Django; this module is the one place that translates a programme's
composition rules into the engine's terms:

- ``Programme.diversify`` -> diversified :class:`~circlewise.matching.Attribute`, weighted by
  ``Programme.weights`` (1 for an attribute without a weight);
- ``Programme.same`` -> ``Problem.same``;
- reporting lines -> ``separate`` pairs (:func:`circlewise.matching.reporting_line_pairs`);
- earlier circles of the organisation -> ``separate`` pairs, when the programme asks for it;
- the meeting rule -> a ``same`` "meeting window" (hard) or an aligned UTC offset (preference);
- manual pins of a formation run -> ``Problem.pinned``.

People are identified in the problem by email (unique within a programme), so that the
engine's messages name people in a way an admin recognises.
"""

from __future__ import annotations

import itertools
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

import numpy as np
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from circlewise.circles.models import CircleMember
from circlewise.matching import Attribute, Problem, can_split, reporting_line_pairs
from circlewise.organisations.models import Membership
from circlewise.programmes.models import OverlapRule, Participant, Programme
from circlewise.programmes.selectors import composition_values
from circlewise.scheduling import (
    SLOTS_PER_WEEK,
    WORKING_WEEK,
    parse_availability,
    shared_windows,
    slot_row,
    utc_intervals,
    utc_offset_minutes,
)

__all__ = [
    "MEETING_WINDOW",
    "Composition",
    "compose",
    "shared_languages",
]

MEETING_WINDOW = "meeting_window"
UTC_OFFSET = "utc_offset"
# Profile fields of an organisation membership that can stand in for a missing attribute.
PROFILE_FIELDS = ("department", "level", "location", "job_title")


@dataclass
class Composition:
    """A programme's problem, plus what the web app needs around it.

    ``people`` maps each problem id (email) to its participant. ``left_out`` are participants who
    cannot be placed in any circle under the hard rules (with ``warnings`` saying why); they are
    not in ``problem``.
    """

    problem: Problem
    people: dict[str, Participant]
    left_out: list[Participant] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def problem_ids(self, groups: Iterable[Iterable[int]]) -> list[list[str]]:
        """Participant pks (as stored in a proposal) -> problem ids (emails), dropping unknown
        people."""
        by_pk = {participant.pk: key for key, participant in self.people.items()}
        return [[by_pk[pk] for pk in group if pk in by_pk] for group in groups]

    def participant_ids(self, groups: Iterable[Iterable[str]]) -> list[list[int]]:
        """Problem ids (emails) -> participant pks."""
        return [[self.people[key].pk for key in group] for group in groups]


def _key(participant: Participant) -> str:
    return participant.email.strip().lower()


def available_slots(participant: Participant, on: date) -> np.ndarray:
    """The participant's weekly availability as UTC slots (a boolean row of SLOTS_PER_WEEK).

    Someone who gave no availability is taken to work Monday to Friday, 9 to 5, in their zone.
    """
    windows = parse_availability(participant.availability) or WORKING_WEEK
    return slot_row(utc_intervals(participant.time_zone, windows, week_of=on))


def _value(values: Mapping[str, object], name: str, profile: Mapping[str, object]) -> object:
    """A composition value: the participant's answer, else their organisation profile's."""
    value = values.get(name)
    if value in (None, "", [], ()):
        return profile.get(name) or None
    return tuple(sorted(map(str, value))) if isinstance(value, list | tuple) else value


def _kind(values: Sequence[object]) -> str:
    present = [value for value in values if value is not None]
    if any(isinstance(value, tuple) for value in present):
        return "multi"
    if present and all(
        isinstance(value, int | float) and not isinstance(value, bool) for value in present
    ):
        return "numeric"
    return "categorical"


def _normalised(values: list[object], kind: str) -> list[object]:
    if kind == "categorical":
        return [None if value is None else str(value) for value in values]
    return values


def _profiles(programme: Programme, participants: Sequence[Participant]) -> dict[int | None, dict]:
    """Organisation profiles by user id (looked up by a participant's ``user_id``, maybe None)."""
    user_ids = [p.user_id for p in participants if p.user_id]
    rows = Membership.objects.filter(organisation=programme.organisation_id, user__in=user_ids)
    return {row.user_id: {name: getattr(row, name) for name in PROFILE_FIELDS} for row in rows}


def _reporting_pairs(
    programme: Programme, participants: Sequence[Participant]
) -> set[tuple[str, str]]:
    """Pairs of participants in the same reporting line, up to ``separation_depth`` levels.

    The chain runs through participants' ``manager_email``. A manager who is not a participant
    still links the chain when their own manager is known from the organisation's memberships.
    """
    manager_of: dict[str, str | None] = {
        _key(p): (p.manager_email.strip().lower() or None) for p in participants
    }
    memberships = {
        m.user.email.lower(): (m.manager.user.email.lower() if m.manager else None)
        for m in Membership.objects.filter(organisation=programme.organisation_id).select_related(
            "user", "manager__user"
        )
    }
    frontier = [manager for manager in manager_of.values() if manager]
    for _level in range(programme.separation_depth):
        above = []
        for person in frontier:
            if person not in manager_of:
                manager_of[person] = memberships.get(person)
                above.append(manager_of[person])
        frontier = [manager for manager in above if manager]
    ids = {_key(p) for p in participants}
    pairs = reporting_line_pairs(manager_of, depth=programme.separation_depth)
    return {pair for pair in pairs if pair[0] in ids and pair[1] in ids}


def _previous_pairs(
    programme: Programme, participants: Sequence[Participant]
) -> set[tuple[str, str]]:
    """Pairs of participants who shared a circle of one of the organisation's other programmes."""
    ids = {_key(p) for p in participants}
    members = (
        CircleMember.objects.filter(
            circle__organisation=programme.organisation_id, circle__programme__isnull=False
        )
        .exclude(circle__programme=programme)
        .values_list("circle_id", "email")
    )
    circles: dict[int, set[str]] = defaultdict(set)
    for circle_id, email in members:
        if email.lower() in ids:
            circles[circle_id].add(email.lower())
    pairs: set[tuple[str, str]] = set()
    for emails in circles.values():
        pairs.update(itertools.combinations(sorted(emails), 2))
    return pairs


def shared_languages(
    first: Sequence[object], spoken: Sequence[Sequence[str]], min_size: int, max_size: int
) -> list[object]:
    """The language each person's circle will speak, for a "same language" rule.

    Everyone starts with the first language they listed. A language group that cannot fill
    circles of ``min_size``..``max_size`` loses the members who also speak a language whose
    group can take them (and still split into circles); they move to the biggest such group.
    Only people with no workable language stay in a group that is too small (and are set aside
    with a warning).
    """
    chosen = list(first)
    counts = Counter(value for value in chosen if value is not None)
    for index, language in enumerate(first):
        if language is not None and can_split(counts[language], min_size, max_size):
            continue
        others = [other for other in spoken[index] if other != language and counts[other]]
        best = max(others, key=lambda other: counts[other], default=None)
        if best is not None and can_split(counts[best] + 1, min_size, max_size):
            counts[best] += 1
            if language is not None:
                counts[language] -= 1
            chosen[index] = best
    return chosen


def _leave_out_small_groups(
    ids: list[str], values: Mapping[str, Sequence[object]], same: list[str], programme: Programme
) -> tuple[set[int], list[str]]:
    """People whose "same" group is too small for any circle, with a warning per group."""
    groups: dict[tuple, list[int]] = defaultdict(list)
    for index in range(len(ids)):
        groups[tuple(values[name][index] for name in same)].append(index)
    out: set[int] = set()
    warnings = []
    for key, members in groups.items():
        if can_split(len(members), programme.min_size, programme.max_size):
            continue
        out.update(members)
        described = ", ".join(
            f"{name.replace('_', ' ')} {_('not given') if value is None else value}"
            for name, value in zip(same, key, strict=True)
        )
        warnings.append(
            ngettext(
                "%(count)d person with %(described)s: cannot form circles of %(min_size)d-"
                "%(max_size)d; they are not placed (change the rules or the size range, or place "
                "them by hand later).",
                "%(count)d people with %(described)s: cannot form circles of %(min_size)d-"
                "%(max_size)d; they are not placed (change the rules or the size range, or place "
                "them by hand later).",
                len(members),
            )
            % {
                "count": len(members),
                "described": described,
                "min_size": programme.min_size,
                "max_size": programme.max_size,
            }
        )
    return out, warnings


def compose(
    programme: Programme,
    participants: Sequence[Participant],
    *,
    pins: Mapping[str, str] | None = None,
    leave_out: bool = True,
) -> Composition:
    """Build the engine's problem for ``participants`` of ``programme``.

    ``pins`` maps participant pk (as a string, as stored on a formation run) to a circle key.
    With ``leave_out``, people whose "same" group cannot fill a circle are set aside with a
    warning instead of making the whole problem infeasible; checking an existing grouping keeps
    everyone, so that the check reports what is wrong with it.
    """
    participants = list(participants)
    profiles = _profiles(programme, participants)
    ids = [_key(p) for p in participants]
    diversify = [str(name) for name in programme.diversify]
    same = [str(name) for name in programme.same]
    values: dict[str, Sequence[object]] = {}
    answers = []
    for participant in participants:
        participant.programme = programme  # shared, instead of one query per person
        answers.append(
            composition_values(participant=participant) | {"languages": participant.languages}
        )
    for name in dict.fromkeys([*diversify, *same]):
        raw = [
            _value(answer, name, profiles.get(p.user_id, {}))
            for p, answer in zip(participants, answers, strict=True)
        ]
        values[name] = _normalised(raw, _kind(raw))
    if "language" in same:
        values["language"] = shared_languages(
            values["language"],
            [p.languages for p in participants],
            programme.min_size,
            programme.max_size,
        )
    attributes = [
        Attribute(
            name,
            kind=_kind(values[name]),  # type: ignore[arg-type]
            weight=float(programme.weights.get(name, 1.0)),
        )
        for name in diversify
    ]
    if programme.overlap_rule == OverlapRule.HARD:
        slots = np.array([available_slots(p, programme.start_date) for p in participants])
        slots = slots.reshape(len(participants), SLOTS_PER_WEEK)
        groups = list(zip(*(values[name] for name in same), strict=True)) if same else None
        values[MEETING_WINDOW] = shared_windows(slots, programme.session_minutes, groups)
        same.append(MEETING_WINDOW)
    else:
        offsets = [utc_offset_minutes(p.time_zone, programme.start_date) / 60 for p in participants]
        values[UTC_OFFSET] = offsets
        attributes.append(Attribute(UTC_OFFSET, kind="numeric", direction="align"))

    out, warnings = (
        _leave_out_small_groups(ids, values, same, programme) if leave_out else (set(), [])
    )
    keep = [index for index in range(len(ids)) if index not in out]
    kept_ids = [ids[index] for index in keep]
    people = {ids[index]: participants[index] for index in keep}

    separate: set[tuple[str, str]] = set()
    if programme.separate_reporting_line:
        separate |= _reporting_pairs(programme, participants)
    if programme.avoid_previous_circles:
        separate |= _previous_pairs(programme, participants)
    separate = {pair for pair in separate if pair[0] in people and pair[1] in people}

    by_pk = {str(participant.pk): key for key, participant in people.items()}
    pinned = {by_pk[pk]: key for pk, key in (pins or {}).items() if pk in by_pk}
    problem = Problem(
        ids=kept_ids,
        values={name: [column[index] for index in keep] for name, column in values.items()},
        attributes=attributes,
        min_size=programme.min_size,
        max_size=programme.max_size,
        same=same,
        separate=sorted(separate),
        pinned=pinned,
    )
    return Composition(
        problem=problem,
        people=people,
        left_out=[participants[index] for index in sorted(out)],
        warnings=warnings,
    )
