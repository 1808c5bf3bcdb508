"""The programme's aggregates in the JSON API: the same figures as the dashboard and its CSV,
under the same rules (admins only; withheld figures are ``null`` with ``withheld: true``)."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Schema

from circlewise import policy
from circlewise.api.schemas import FieldErrors, Message
from circlewise.insights import selectors
from circlewise.insights.privacy import NOT_ENOUGH

router = Router(tags=["insights"])
ERRORS = {401: Message, 403: Message, 404: Message, 422: FieldErrors}  # as the project API


class PulseFigureOut(Schema):
    dimension: str
    group: str
    withheld: bool
    note: str
    respondents: int | None
    usefulness: float | None
    safety: float | None


class MonthOut(Schema):
    month: str
    sessions: int
    attendance: float | None
    members_in_circles: int


class WarningOut(Schema):
    circle: str
    warnings: list[str]


class InsightsOut(Schema):
    participants: int
    intake_completed: int
    circles: int
    months: list[MonthOut]
    pulse: list[PulseFigureOut]
    warnings: list[WarningOut]


def _pulse(row: selectors.PulseRow) -> dict:
    shown = not row.withheld
    return {
        "dimension": row.dimension, "group": row.label, "withheld": not shown,
        "note": "" if shown else NOT_ENOUGH,
        "respondents": row.respondents if shown else None,
        "usefulness": row.usefulness.value, "safety": row.safety.value,
    }  # fmt: skip


@router.get(
    "/organisations/{org_slug}/programmes/{programme_id}/insights",
    response={200: InsightsOut, **ERRORS},
    summary="The programme's aggregates (groups of fewer than 5 people withheld)",
)
def read_insights(request: HttpRequest, org_slug: str, programme_id: int):
    membership = policy.membership_or_404(request.auth, org_slug)
    programme = policy.programme_insights_for(membership, programme_id)
    data = selectors.programme_insights(programme=programme)
    return {
        "participants": data.participants,
        "intake_completed": data.intake_completed,
        "circles": data.circles,
        "months": [
            {
                "month": m.month.isoformat()[:7],
                "sessions": m.sessions,
                "attendance": m.attendance,
                "members_in_circles": m.active_members,
            }
            for m in data.months
        ],
        "pulse": [_pulse(row) for rows in data.pulse.values() for row in rows],
        "warnings": [{"circle": h.circle.name, "warnings": h.warnings} for h in data.warnings],
    }
