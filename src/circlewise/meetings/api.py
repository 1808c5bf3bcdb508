"""The circle's sessions in the JSON API, with the same rules as the pages (``can_see_sessions``).

Mounted on the project's API (``circlewise.api.api``), so it shares its token authentication and
its error answers (404 for what the token's user may not see).
"""

from __future__ import annotations

from datetime import datetime

from ninja import Router, Schema

from circlewise import policy
from circlewise.api.schemas import FieldErrors, Message
from circlewise.circles.selectors import person_name
from circlewise.core.http import ApiRequest
from circlewise.meetings import selectors

router = Router(tags=["sessions"])


class SeriesOut(Schema):
    uid: str
    sequence: int
    description: str
    frequency: str
    time_zone: str
    duration_minutes: int
    count: int
    status: str


class SessionOut(Schema):
    id: int
    number: int
    starts_at: datetime
    ends_at: datetime
    status: str
    moved: bool
    format: str
    video_url: str
    place: str
    absent: list[str]


class CircleSessionsOut(Schema):
    series: SeriesOut | None
    sessions: list[SessionOut]


@router.get(
    "/organisations/{org_slug}/circles/{circle_id}/sessions",
    response={200: CircleSessionsOut, 401: Message, 404: Message, 422: FieldErrors},
    summary="A circle's schedule and sessions (times in UTC)",
)
def circle_sessions(request: ApiRequest, org_slug: str, circle_id: int):
    """Members, the coach, the host and the organisation's admins; anyone else gets 404."""
    membership = policy.membership_or_404(request.auth, org_slug)
    circle = policy.circle_sessions_for(membership, circle_id)
    series = selectors.active_series(circle=circle)
    sessions = list(selectors.sessions_for(circle=circle))
    absences = selectors.absences_by_session(sessions=sessions)
    return {
        "series": None
        if series is None
        else {
            "uid": series.uid,
            "sequence": series.sequence,
            "description": series.describe(),
            "frequency": series.frequency,
            "time_zone": series.time_zone,
            "duration_minutes": series.duration_minutes,
            "count": series.count,
            "status": series.status,
        },
        "sessions": [
            {
                "id": session.pk,
                "number": session.number,
                "starts_at": session.starts_at,
                "ends_at": session.ends_at,
                "status": session.status,
                "moved": session.is_moved,
                "format": session.format,
                "video_url": session.video_url,
                "place": session.place,
                "absent": [person_name(user=a.user) for a in absences[session.pk]],
            }
            for session in sessions
        ],
    }
