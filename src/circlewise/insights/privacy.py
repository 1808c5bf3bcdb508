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

from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass

__all__ = [
    "MIN_RESPONDENTS",
    "NOT_ENOUGH",
    "Figure",
    "Partition",
    "disclose",
    "figure",
    "people",
]

MIN_RESPONDENTS = 5
NOT_ENOUGH = "not enough responses yet"

Group = Mapping[Hashable, Hashable]  # response id -> person id


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
    groups: Mapping[Hashable, Group], *, partitions: Iterable[Partition] = ()
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
