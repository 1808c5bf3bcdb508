"""Pages of insights: the pulse survey (from the emailed link or the app), the programme
dashboard with its CSV, and the coach's view of a circle.

Access is decided by :mod:`circlewise.policy`; what figures may be shown by
:mod:`circlewise.insights.privacy` (through the selectors).
"""

from __future__ import annotations

import csv

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from circlewise import policy
from circlewise.insights import charts, selectors
from circlewise.insights.errors import PulseError
from circlewise.insights.models import PulseAnswer, PulseRequest
from circlewise.insights.privacy import NOT_ENOUGH
from circlewise.insights.services import CHANGE_WINDOW, SCORES, pulse_answer

QUESTIONS = {
    "usefulness": "How useful was this session for you?",
    "speak_up": "I could speak up without fear of judgement",
    "heard": "I felt heard",
    "trust": "I trust this circle with what I share",
}


def pulse(request: HttpRequest, token: str) -> HttpResponse:
    """The one-minute survey. The emailed link opens it directly (the token is the credential
    for this one survey); a POST records or changes the answer."""
    found = policy.pulse_request_for(request.user, token)
    session = found.session
    answer = PulseAnswer.objects.filter(request=found).first()
    closes_at = session.ends_at + CHANGE_WINDOW
    if request.method == "POST":
        try:
            answer = pulse_answer(
                pulse=found, by=found.user,
                scores={name: request.POST.get(name) for name in SCORES},
                comment=request.POST.get("comment", ""),
                comment_shared=request.POST.get("comment_shared") == "on",
            )  # fmt: skip
        except PulseError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, "Thank you: your answer is saved.")
            return redirect("insights:pulse", token=token)
    circle = session.circle
    return render(request, "insights/pulse.html", {
        "pulse": found, "session": session, "circle": circle, "answer": answer,
        "questions": [(name, text, getattr(answer, name, None) if answer else None)
                      for name, text in QUESTIONS.items()],
        "open": timezone.now() <= closes_at, "closes_at": closes_at,
        "self_run": circle.coach_id is None,
    })  # fmt: skip


@login_required
def my_pulses(request: HttpRequest, org_slug: str) -> HttpResponse:
    """The pulse surveys I can still answer or change in this organisation."""
    membership = policy.enter_organisation(request, org_slug)
    since = timezone.now() - CHANGE_WINDOW
    pulses = (
        PulseRequest.objects.filter(
            user=request.user, session__circle__organisation=membership.organisation,
            session__ends_at__gt=since,
        ).select_related("session__circle", "answer").order_by("-session__starts_at")
    )  # fmt: skip
    return render(request, "insights/my_pulses.html", {"pulses": pulses})


def _dimension(request: HttpRequest) -> str:
    by = request.GET.get("by", "month")
    return by if by in selectors.DIMENSIONS else "month"


def _figure_chart(rows: list[selectors.PulseRow], attribute: str) -> charts.Chart:
    items = []
    for row in rows:
        figure = getattr(row, attribute)
        items.append((row.label, figure.value, NOT_ENOUGH if figure.withheld else str(figure)))
    return charts.bar_chart(items, maximum=5)


@login_required
def dashboard(request: HttpRequest, org_slug: str, programme_id: int) -> HttpResponse:
    membership = policy.enter_organisation(request, org_slug)
    programme = policy.programme_insights_for(membership, programme_id)
    data = selectors.programme_insights(programme=programme)
    by = _dimension(request)
    rows = data.pulse[by]
    attendance = charts.bar_chart(
        [(m.month.strftime("%b %Y"), m.attendance, "no sessions" if m.attendance is None
          else f"{m.attendance:.0%}") for m in data.months],
        maximum=1,
    )  # fmt: skip
    # Hundreds of circles make a chart nobody can read: circles get the table alone.
    charted = by != "circle"
    return render(request, "insights/dashboard.html", {
        "programme": programme, "data": data, "by": by, "dimensions": selectors.DIMENSIONS,
        "rows": rows, "attendance_chart": attendance, "not_enough": NOT_ENOUGH,
        "usefulness_chart": _figure_chart(rows, "usefulness") if charted else None,
        "safety_chart": _figure_chart(rows, "safety") if charted else None,
    })  # fmt: skip


CSV_HEADER = ["section", "group", "respondents", "usefulness", "safety", "value"]


def csv_rows(data: selectors.ProgrammeInsights) -> list[list[str]]:
    """The dashboard's aggregates as CSV rows (shared by the export and its tests)."""
    rows: list[list[str]] = [
        ["enrolment", "participants", "", "", "", str(data.participants)],
        ["enrolment", "intake completed", "", "", "", str(data.intake_completed)],
        ["circles", "circles formed", "", "", "", str(data.circles)],
        ["circles", "members placed", "", "", "", str(data.members_placed)],
    ]
    for month in data.months:
        rate = "" if month.attendance is None else f"{month.attendance:.3f}"
        label = month.month.isoformat()[:7]
        rows.append(["attendance", label, "", "", "", rate])
        rows.append(["retention", label, "", "", "", str(month.active_members)])
    for dimension in ("all", *selectors.DIMENSIONS):
        for row in data.pulse[dimension]:
            shown = not row.withheld
            rows.append([
                f"pulse by {dimension}" if dimension != "all" else "pulse", row.label,
                # The number of people is withheld too: with it, two groups' counts would show
                # who answered.
                str(row.respondents) if shown else "",
                str(row.usefulness) if shown else NOT_ENOUGH,
                str(row.safety) if shown else NOT_ENOUGH, "",
            ])  # fmt: skip
    for health in data.warnings:
        for warning in health.warnings:
            rows.append(["warning", health.circle.name, "", "", "", warning])
    return rows


def _csv_safe(value: str) -> str:
    # A cell starting with = + - @ would run as a formula in a spreadsheet.
    return "'" + value if value[:1] in ("=", "+", "-", "@") else value


@login_required
def dashboard_csv(request: HttpRequest, org_slug: str, programme_id: int) -> HttpResponse:
    membership = policy.enter_organisation(request, org_slug)
    programme = policy.programme_insights_for(membership, programme_id)
    data = selectors.programme_insights(programme=programme)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="programme-{programme.pk}.csv"'
    writer = csv.writer(response)
    writer.writerow(CSV_HEADER)
    for row in csv_rows(data):
        writer.writerow([_csv_safe(cell) for cell in row])
    return response


@login_required
def circle_pulse(request: HttpRequest, org_slug: str, circle_id: int) -> HttpResponse:
    """A coach's (or host's) view of their circle: pulse figures under the same threshold,
    attendance, warnings, and the comments written for them."""
    membership = policy.enter_organisation(request, org_slug)
    circle = policy.circle_insights_for(membership, circle_id)
    if circle.programme is not None:
        data = selectors.programme_insights(programme=circle.programme)
        row = next((r for r in data.pulse["circle"] if r.key == circle.pk), None)
        health = next((h for h in data.health if h.circle.pk == circle.pk), None)
    else:
        row, health = selectors.circle_pulse(circle=circle), None
    return render(request, "insights/circle.html", {
        "circle": circle, "row": row, "health": health, "not_enough": NOT_ENOUGH,
        "comments": selectors.circle_comments(circle=circle, user_id=request.user.pk),
        "attendance": selectors.circle_attendance(circle=circle),
    })  # fmt: skip
