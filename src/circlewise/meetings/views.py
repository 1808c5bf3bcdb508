"""Pages of a circle's sessions: the schedule (proposals, choosing, sessions, apologies), moving
and cancelling, the invitation download, and the private calendar feed.

Access (see ``circlewise.policy``): the organisation through ``enter_organisation`` (outsiders
404); the sessions through ``can_see_sessions`` (404 for anyone not in the circle); changes
through ``can_schedule_circle`` (403 for those who see but may not change).
"""

from __future__ import annotations

import datetime as dt
import zoneinfo

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from circlewise import policy
from circlewise.circles.models import Circle
from circlewise.core.errors import ServiceError
from circlewise.core.http import AuthenticatedRequest
from circlewise.core.rows import one_or_none
from circlewise.meetings import selectors, services
from circlewise.meetings.forms import AbsenceForm, MoveForm, PickSlotForm, SetByHandForm
from circlewise.meetings.models import CalendarFeed, Session
from circlewise.organisations.models import Membership

CALENDAR_TYPE = "text/calendar; charset=utf-8"


def _session(circle: Circle, session_id: int) -> Session:
    return get_object_or_404(Session.objects.select_related("series"), pk=session_id, circle=circle)


def _where(data: dict) -> dict:
    return {key: data.get(key, "") for key in ("format", "video_url", "place")}


def _page(
    request: AuthenticatedRequest,
    membership: Membership,
    circle: Circle,
    *,
    pick: PickSlotForm | None = None,
    by_hand: SetByHandForm | None = None,
    status: int = 200,
) -> HttpResponse:
    series = selectors.active_series(circle=circle)
    sessions = list(selectors.sessions_for(circle=circle, upcoming=True))
    absences = selectors.absences_by_session(sessions=sessions)
    schedules = policy.can_schedule_circle(membership, circle)
    context: dict[str, object] = {
        "circle": circle,
        "series": series,
        "rows": [
            {
                "session": session,
                "absences": absences[session.pk],
                "away": any(a.user_id == request.user.pk for a in absences[session.pk]),
            }
            for session in sessions
        ],
        "schedules": schedules,
        "absence_form": AbsenceForm(),
        "is_attendee": any(
            person.email.lower() == request.user.email.lower()
            for person in selectors.attendees(circle=circle)
        ),
    }
    if schedules:
        defaults = selectors.schedule_defaults(circle=circle, viewer=request.user)
        proposals = selectors.slot_proposals(circle=circle, defaults=defaults)
        initial = {
            "count": defaults.count,
            "duration_minutes": defaults.minutes,
            "format": series.format if series else "video",
            "video_url": series.video_url if series else "",
            "place": series.place if series else "",
        }
        first_key = proposals[0].key if proposals else None
        context |= {
            "defaults": defaults,
            "proposals": proposals,
            "pick": pick
            or PickSlotForm(initial=initial | {"starts_on": defaults.starts_on, "slot": first_key}),
            "by_hand": by_hand
            or SetByHandForm(
                initial=initial
                | {
                    "first": defaults.starts_on,
                    "start_time": dt.time(16, 0),
                    "time_zone": defaults.time_zone,
                    "frequency": defaults.cadence,
                }
            ),
        }
    return render(request, "meetings/schedule.html", context, status=status)


@login_required
@require_GET
def schedule(request: AuthenticatedRequest, org_slug: str, circle_id: int) -> HttpResponse:
    membership = policy.enter_organisation(request, org_slug)
    circle = policy.circle_sessions_for(membership, circle_id)
    return _page(request, membership, circle)


def _apply(
    request: AuthenticatedRequest, circle: Circle, schedule: services.Schedule
) -> str | None:
    """Set the schedule; return the error message, or None once it is saved."""
    try:
        series = services.series_set(circle=circle, by=request.user, schedule=schedule)
    except ServiceError as error:
        return error.message
    messages.success(
        request,
        _("Schedule set: %(schedule)s. Everyone gets the invitation by email.")
        % {"schedule": series.describe()},
    )
    return None


@login_required
@require_POST
def pick_slot(request: AuthenticatedRequest, org_slug: str, circle_id: int) -> HttpResponse:
    membership = policy.enter_organisation(request, org_slug)
    circle = policy.circle_sessions_for(membership, circle_id, schedule=True)
    defaults = selectors.schedule_defaults(circle=circle, viewer=request.user)
    form = PickSlotForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        weekday, week, start = data["slot"]
        schedule = services.Schedule(
            frequency=defaults.cadence,
            weekday=weekday,
            week_of_month=week,
            start_time=dt.time(start // 60, start % 60),
            time_zone=defaults.time_zone,
            starts_on=data["starts_on"],
            count=data["count"],
            duration_minutes=data["duration_minutes"],
            **_where(data),
        )
        error = _apply(request, circle, schedule)
        if error is None:
            return redirect("meetings:schedule", org_slug, circle.pk)
        form.add_error(None, error)
    return _page(request, membership, circle, pick=form, status=400)


@login_required
@require_POST
def set_by_hand(request: AuthenticatedRequest, org_slug: str, circle_id: int) -> HttpResponse:
    membership = policy.enter_organisation(request, org_slug)
    circle = policy.circle_sessions_for(membership, circle_id, schedule=True)
    form = SetByHandForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        schedule = services.Schedule.from_first_session(
            frequency=data["frequency"],
            first=data["first"],
            start_time=data["start_time"],
            time_zone=data["time_zone"],
            count=data["count"],
            duration_minutes=data["duration_minutes"],
            **_where(data),
        )
        error = _apply(request, circle, schedule)
        if error is None:
            return redirect("meetings:schedule", org_slug, circle.pk)
        form.add_error(None, error)
    return _page(request, membership, circle, by_hand=form, status=400)


@login_required
def cancel_series(request: AuthenticatedRequest, org_slug: str, circle_id: int) -> HttpResponse:
    """Confirm, then cancel the whole schedule (calendars get METHOD:CANCEL)."""
    membership = policy.enter_organisation(request, org_slug)
    circle = policy.circle_sessions_for(membership, circle_id, schedule=True)
    series = selectors.active_series(circle=circle)
    if series is None:
        raise Http404(_("This circle has no schedule to cancel."))
    if request.method == "POST":
        services.series_cancel(series=series, by=request.user)
        messages.success(request, _("The schedule is cancelled; everyone's calendar is updated."))
        return redirect("meetings:schedule", org_slug, circle.pk)
    return render(request, "meetings/cancel_series.html", {"circle": circle, "series": series})


@login_required
def move_session(
    request: AuthenticatedRequest, org_slug: str, circle_id: int, session_id: int
) -> HttpResponse:
    membership = policy.enter_organisation(request, org_slug)
    circle = policy.circle_sessions_for(membership, circle_id, schedule=True)
    session = _session(circle, session_id)
    viewer_zone = zoneinfo.ZoneInfo(request.user.time_zone or "UTC")
    local_start = session.starts_at.astimezone(viewer_zone)
    form = MoveForm(
        request.POST or None,
        initial={
            "date": local_start.date(),
            "start_time": local_start.time(),
            "time_zone": viewer_zone.key,
            "duration_minutes": int((session.ends_at - session.starts_at).total_seconds() // 60),
            **{key: getattr(session, key) for key in ("format", "video_url", "place")},
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        # The typed wall time in the chosen zone, read as RFC 5545 reads local times.
        starts_at = selectors.local_moment(
            day=data["date"], at=data["start_time"], time_zone=data["time_zone"]
        )
        try:
            services.session_move(
                session=session,
                by=request.user,
                starts_at=starts_at,
                duration_minutes=data["duration_minutes"],
                **_where(data),
            )
        except ServiceError as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request,
                _("Session %(number)s is moved; calendars are updated.")
                % {"number": session.number},
            )
            return redirect("meetings:schedule", org_slug, circle.pk)
    context = {"circle": circle, "session": session, "form": form}
    return render(request, "meetings/move.html", context, status=400 if form.errors else 200)


@login_required
def cancel_session(
    request: AuthenticatedRequest, org_slug: str, circle_id: int, session_id: int
) -> HttpResponse:
    membership = policy.enter_organisation(request, org_slug)
    circle = policy.circle_sessions_for(membership, circle_id, schedule=True)
    session = _session(circle, session_id)
    if request.method == "POST":
        try:
            services.session_cancel(session=session, by=request.user)
        except ServiceError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request,
                _("Session %(number)s is cancelled; the rest stay.") % {"number": session.number},
            )
        return redirect("meetings:schedule", org_slug, circle.pk)
    return render(request, "meetings/cancel_session.html", {"circle": circle, "session": session})


@login_required
@require_POST
def absence(
    request: AuthenticatedRequest, org_slug: str, circle_id: int, session_id: int
) -> HttpResponse:
    """ "Can't make this one" (``absent=1``) or "I can make it after all" (``absent=0``)."""
    membership = policy.enter_organisation(request, org_slug)
    circle = policy.circle_sessions_for(membership, circle_id)
    session = _session(circle, session_id)
    form = AbsenceForm(request.POST)
    try:
        if request.POST.get("absent") == "0":
            services.absence_withdraw(session=session, user=request.user)
            messages.success(request, _("Noted: you will be there."))
        elif form.is_valid():
            services.absence_declare(
                session=session, user=request.user, note=form.cleaned_data["note"]
            )
            messages.success(request, _("Noted: the circle knows you cannot make this one."))
        else:
            messages.error(request, " ".join(str(error) for error in form.errors.get("note", [])))
    except ServiceError as error:
        messages.error(request, error.message)
    return redirect("meetings:schedule", org_slug, circle.pk)


def _ics_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=CALENDAR_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
@require_GET
def invitation(request: AuthenticatedRequest, org_slug: str, circle_id: int) -> HttpResponse:
    """The series' invitation (.ics) as it stands, to open in any calendar."""
    membership = policy.enter_organisation(request, org_slug)
    circle = policy.circle_sessions_for(membership, circle_id)
    series = circle.session_series.order_by("-created_at").first()
    if series is None:
        raise Http404(_("This circle has no sessions yet."))
    _method, content = selectors.series_calendar(series=series)
    return _ics_response(content, f"{circle.name[:60]}.ics".replace('"', ""))


@require_GET
def feed(request: HttpRequest, token: str) -> HttpResponse:
    """A user's private calendar feed: no login, the secret token in the URL is the key."""
    found = one_or_none(CalendarFeed.objects.select_related("user"), token=token)
    if found is None or not found.user.is_active:
        raise Http404(_("No such calendar."))
    response = HttpResponse(selectors.feed_calendar(user=found.user), content_type=CALENDAR_TYPE)
    response["Cache-Control"] = "private, max-age=300"
    return response


@login_required
@require_POST
def feed_reset(request: AuthenticatedRequest) -> HttpResponse:
    """Create the feed URL, or replace it (the old one stops working)."""
    had_feed = selectors.calendar_feed(user=request.user) is not None
    services.calendar_feed_reset(user=request.user)
    if had_feed:
        messages.success(
            request, _("Your calendar feed has a new address; the old one no longer works.")
        )
    else:
        messages.success(
            request, _("Your calendar feed is ready: subscribe to it in your calendar.")
        )
    return redirect("accounts:settings")
