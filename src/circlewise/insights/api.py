"""The programme's aggregates in the JSON API: the same figures as the dashboard and its CSV,
under the same rules (admins only; withheld figures are ``null`` with ``withheld: true``)."""

from __future__ import annotations

from ninja import Router, Schema

from circlewise import policy
from circlewise.api.schemas import FieldErrors, Message
from circlewise.core.http import ApiRequest
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


class OutcomeFigureOut(Schema):
    survey: str  # start, mid or end
    dimension: str  # all, circle, department or level
    group: str
    withheld: bool
    note: str
    respondents: int | None
    goal_progress: float | None
    confidence: float | None
    not_alone: float | None
    support: float | None
    skills: float | None
    would_recommend: float | None  # share from 0 to 1; only the end survey asks


class OutcomeSurveyOut(Schema):
    survey: str
    opens_on: str
    closes_on: str
    reminds_on: str
    answers: int
    asked: int


class InsightsOut(Schema):
    participants: int
    intake_completed: int
    circles: int
    months: list[MonthOut]
    pulse: list[PulseFigureOut]
    warnings: list[WarningOut]
    outcome_surveys: list[OutcomeSurveyOut]
    outcomes: list[OutcomeFigureOut]


def _pulse(row: selectors.PulseRow) -> dict:
    shown = not row.withheld
    return {
        "dimension": row.dimension, "group": row.label, "withheld": not shown,
        "note": "" if shown else NOT_ENOUGH,
        "respondents": row.respondents if shown else None,
        "usefulness": row.usefulness.value, "safety": row.safety.value,
    }  # fmt: skip


def _outcome(row: selectors.OutcomeRow) -> dict:
    shown = not row.withheld
    return {
        "survey": row.wave, "dimension": row.dimension, "group": row.label,
        "withheld": not shown, "note": "" if shown else NOT_ENOUGH,
        "respondents": row.respondents if shown else None,
        **{item: figure.value for item, figure in row.items.items()},
        "would_recommend": row.recommend.value if row.recommend else None,
    }  # fmt: skip


def _outcome_survey(status: selectors.OutcomeWaveStatus) -> dict:
    window = status.window
    return {
        "survey": window.wave, "opens_on": window.opens_on.isoformat(),
        "closes_on": window.closes_on.isoformat(), "reminds_on": window.reminds_on.isoformat(),
        "answers": status.answered, "asked": status.asked,
    }  # fmt: skip


@router.get(
    "/organisations/{org_slug}/programmes/{programme_id}/insights",
    response={200: InsightsOut, **ERRORS},
    summary="The programme's aggregates (groups of fewer than 5 people withheld)",
)
def read_insights(request: ApiRequest, org_slug: str, programme_id: int):
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
        "outcome_surveys": [_outcome_survey(s) for s in data.outcomes.schedule],
        "outcomes": [
            _outcome(row)
            for by_dimension in data.outcomes.rows.values()
            for rows in by_dimension.values()
            for row in rows
        ],
    }
