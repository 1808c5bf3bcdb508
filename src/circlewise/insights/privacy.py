"""What may be aggregated: the one place that decides which figures may be shown (no Django).

Every figure Circlewise shows, charts or exports about people's answers (a mean, a share, a
count of answers) is computed over a *group* of responses. A page or export hands all the groups
it is about to show to :func:`disclose` at once, and shows a figure only for the groups it
returns; the others read :data:`NOT_ENOUGH` ("not enough responses yet").

A group is a mapping ``response id -> person id``, so that a person who answered several times
counts once. The rules, applied together until nothing changes:

1. **Threshold.** A group with fewer than :data:`MIN_RESPONDENTS` (5) people is withheld,
   however it was narrowed (a circle, a department, a level, a month, or several at once).
2. **Differences.** For any two groups that would both be shown, the responses in one and not
   the other (their symmetric difference) must come from 0 or at least 5 people. Otherwise
   subtracting one figure from the other (means times counts are sums) would reveal the answers
   of the few people in between, so the smaller group is withheld. This covers a filter that
   leaves out one person of its parent (a circle of 6 inside a programme of 7: the programme
   minus the circle is one person) and two overlapping filters whose difference is one person.
3. **Remainders.** Groups in a *partition* (e.g. the circles of a programme, the months of a
   year) split their parent: the parent's figure minus the shown cells' figures gives the
   withheld cells' total. If the responses of the parent not covered by a shown cell come from 1
   to 4 people, the smallest shown cell is withheld too (secondary suppression), and so on.

Figures asked for one at a time (a filter chosen on a page, an export, the API) are decided
within the whole family of groups any such request could show -- the programme, each circle,
department, level and month -- so that two requests cannot be subtracted either. Filters narrow
by one dimension at a time; combining two would make groups this family does not contain.

**Closed periods.** A figure that moves whenever one more answer arrives tells whoever watches
it what that answer was (the figure after minus the figure before). So answers count only once
their *period is closed*: the calendar month of their session is over and every answer window of
that month (7 days after each session, :data:`ANSWER_WINDOW`) has shut, so no answer in it can be
added or changed (:func:`published_before`). A figure then moves only when a month closes, and
:func:`periods_published` makes a growing figure (a circle's, a department's, the programme's)
take in closed months only in steps of 5 people or more, so that two values of it ever shown
differ by a group of 5 or more, never by one person's answer.

Withholding only ever removes figures, so the loop ends; rule 2 prefers to keep the larger
group, which is the one leaders ask about. Counts of *people* that are not answers (enrolment,
circles formed, attendance) are facts of the programme, not confidences, and are not passed here.

>>> five = {i: i for i in range(5)}
>>> sorted(disclose({"circle": five, "four": {i: i for i in range(4)}}))
['circle']
>>> six = {i: i for i in range(6)}
>>> sorted(disclose({"programme": six, "circle": five}))
['programme']
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from circlewise.words import decimal, gettext

__all__ = [
    "ANSWER_WINDOW",
    "MIN_RESPONDENTS",
    "NOT_ENOUGH",
    "Figure",
    "Partition",
    "disclose",
    "figure",
    "people",
    "periods_published",
    "published_before",
]

MIN_RESPONDENTS = 5
NOT_ENOUGH = "not enough responses yet"
# How long after a session its pulse can be answered or changed.
ANSWER_WINDOW = dt.timedelta(days=7)
# Sessions last at most 8 hours (meetings.services), so each ends within a day of its start.
_SESSION_SPAN = dt.timedelta(days=1)

# Response id -> person id. Keys are Any because a Mapping's key type is invariant: a caller's
# dict[int, int] is not a Mapping[Hashable, Hashable], though any hashable key works here.
Group = Mapping[Any, Hashable]


@dataclass(frozen=True)
class Partition:
    """Cells that split ``parent`` (each response of a cell is a response of the parent)."""

    parent: Hashable
    cells: Sequence[Hashable]


@dataclass(frozen=True)
class Figure:
    """One figure as a page shows it: ``value`` is None when it is withheld."""

    value: float | None
    respondents: int

    @property
    def withheld(self) -> bool:
        return self.value is None

    def __str__(self) -> str:
        """The figure as a page shows it, in the reader's language ("4,0" in German, or "not
        enough responses yet"); the CSV (:attr:`plain`) and the API keep plain numbers and
        :data:`NOT_ENOUGH` as it is, for machines."""
        return gettext(NOT_ENOUGH) if self.value is None else decimal(self.value)

    @property
    def plain(self) -> str:
        """The figure for a CSV file: "4.0", or :data:`NOT_ENOUGH` in English."""
        return NOT_ENOUGH if self.value is None else f"{self.value:.1f}"


def people(group: Group) -> int:
    """How many people answered in ``group``."""
    return len(set(group.values()))


def _people_between(a: Group, b: Group) -> int:
    """How many people gave the responses that are in one group and not the other."""
    between = {person for key, person in a.items() if key not in b}
    between.update(person for key, person in b.items() if key not in a)
    return len(between)


def disclose(
    groups: Mapping[Any, Group], *, partitions: Iterable[Partition] = ()
) -> frozenset[Hashable]:
    """The keys of ``groups`` whose figures may be shown together (see the module's rules)."""
    partitions = list(partitions)
    counts = {key: people(group) for key, group in groups.items()}
    shown = {key for key, count in counts.items() if count >= MIN_RESPONDENTS}
    # Cells of one partition are disjoint: their difference is each of them, never a few.
    # (A cell in two partitions is marked with the first; its pairs in the second are checked.)
    partition_of: dict[Hashable, int] = {}
    for index, partition in enumerate(partitions):
        for cell in partition.cells:
            partition_of.setdefault(cell, index)
    changed = True
    while changed:
        changed = False
        # Rule 2. The people between two groups are at least the difference of their numbers
        # of people, so only groups within 5 of each other in size need a look (smaller first).
        ordered = sorted(shown, key=lambda k: (counts[k], repr(k)))
        sizes = [counts[k] for k in ordered]
        parts = [partition_of.get(k, -1 - i) for i, k in enumerate(ordered)]
        for i, a in enumerate(ordered):
            for j in range(i + 1, len(ordered)):
                if sizes[j] - sizes[i] >= MIN_RESPONDENTS:
                    break
                if parts[i] == parts[j] or a not in shown or ordered[j] not in shown:
                    continue
                if 0 < _people_between(groups[a], groups[ordered[j]]) < MIN_RESPONDENTS:
                    shown.discard(a)  # the smaller of the two
                    changed = True
                    break
        # Rule 3: what a shown parent holds beyond its shown cells.
        for partition in partitions:
            if partition.parent not in shown:
                continue
            parent = groups[partition.parent]
            covered = {key for cell in partition.cells if cell in shown for key in groups[cell]}
            remainder = {person for key, person in parent.items() if key not in covered}
            if 0 < len(remainder) < MIN_RESPONDENTS:
                # A parent of 5 or more with no shown cell leaves a remainder of 5 or more, so
                # there is a shown cell to withhold.
                visible = [cell for cell in partition.cells if cell in shown]
                shown.discard(min(visible, key=lambda k: (counts[k], repr(k))))
                changed = True
    return frozenset(shown)


def published_before(now: dt.datetime) -> dt.datetime:
    """Answers about sessions that started before this moment may count in figures: the start
    of the last month whose sessions' answer windows had all closed by ``now`` (see Closed
    periods above).

    >>> utc = dt.UTC
    >>> published_before(dt.datetime(2027, 3, 8, 23, 0, tzinfo=utc)).date()  # Feb still open
    datetime.date(2027, 2, 1)
    >>> published_before(dt.datetime(2027, 3, 9, 0, 0, tzinfo=utc)).date()
    datetime.date(2027, 3, 1)
    """
    last_open = now - ANSWER_WINDOW - _SESSION_SPAN
    return last_open.replace(day=1, hour=0, minute=0, second=0, microsecond=0)


def periods_published(periods: Sequence[Iterable[Hashable]]) -> int:
    """How many of a growing figure's closed periods (oldest first, each given by the people
    who answered in it) the figure may take in now.

    The figure grows by whole periods, and only once the periods it has not yet taken in hold
    answers of 5 people or more together; a quiet period waits for the next. Deciding from the
    oldest period on, a new closed period never changes an earlier step, so every value the
    figure ever showed is one of these steps.

    >>> periods_published([range(5), range(2)])
    1
    >>> periods_published([range(5), range(2), range(10, 13)])
    3
    """
    published, pending = 0, set[Hashable]()
    for index, people_in_period in enumerate(periods):
        pending.update(people_in_period)
        if len(pending) >= MIN_RESPONDENTS:
            published, pending = index + 1, set[Hashable]()
    return published


def figure(total: float, answers: int, respondents: int, *, shown: bool) -> Figure:
    """The mean (``total`` over ``answers``) if the group may be shown, else a withheld figure.

    >>> str(figure(16, 4, 4, shown=True))
    'not enough responses yet'
    >>> str(figure(20, 5, 5, shown=True))
    '4.0'
    """
    if not shown or respondents < MIN_RESPONDENTS or not answers:
        return Figure(value=None, respondents=respondents)
    return Figure(value=round(total / answers, 2), respondents=respondents)
