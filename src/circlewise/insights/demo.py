"""Demo outcome answers: the running demo programme's start survey, answered by most of its
participants, so the dashboard shows outcome figures at once.

Everyone answers except the demo member and one colleague of theirs: the member's circle then
has four answers of six, and reads "not enough responses yet" when the outcomes are broken down
by circle (as do departments and levels with fewer than five answers, and the midpoint and end
surveys, which have not opened yet). Idempotent: once the programme has outcome answers,
nothing changes.
"""

from __future__ import annotations

import random

from django.db import transaction

from circlewise.circles.models import CircleMember
from circlewise.core.running_demo import RUNNING_PROGRAMME
from circlewise.insights.models import OutcomeAnswer, OutcomeRequest, OutcomeWave
from circlewise.insights.selectors import OUTCOME_ITEMS, outcome_window
from circlewise.insights.services import outcome_answer
from circlewise.programmes.models import Programme

__all__ = ["load_outcome_answers"]


@transaction.atomic
def load_outcome_answers(*, organisation_slug: str, member_email: str, seed: int = 2027) -> int:
    """Answer the running programme's start survey for its participants (see the module);
    return how many answers were made (0 when they exist already)."""
    programme = Programme.objects.filter(
        organisation__slug=organisation_slug, name=RUNNING_PROGRAMME
    ).first()
    if programme is None or OutcomeAnswer.objects.filter(programme=programme).exists():
        return 0
    seats = list(
        CircleMember.objects.filter(circle__programme=programme, user__isnull=False)
        .select_related("user").order_by("circle__name", "email")
    )  # fmt: skip
    member_circle = next((s.circle_id for s in seats if s.email == member_email), None)
    colleague = next(
        (s.email for s in seats if s.circle_id == member_circle and s.email != member_email), None
    )
    answering = [s for s in seats if s.email not in (member_email, colleague)]
    window = outcome_window(programme=programme, wave=OutcomeWave.START)
    rng = random.Random(seed)
    for seat in answering:
        assert seat.user is not None  # the seats were chosen with a user
        request, _ = OutcomeRequest.objects.get_or_create(
            programme=programme, wave=OutcomeWave.START, user=seat.user
        )
        scores = {name: rng.randint(2, 4) for name in OUTCOME_ITEMS}
        scores["goal_progress"] = rng.randint(1, 3)  # at the start, little progress yet
        outcome_answer(request=request, by=seat.user, scores=scores, today=window.opens_on)
    return len(answering)
