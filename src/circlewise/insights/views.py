"""Pages of insights: the pulse and outcome surveys (from the emailed link or the app), the
programme dashboard with its CSV, and the coach's view of a circle.

Access is decided by :mod:`circlewise.policy`; what figures may be shown by
:mod:`circlewise.insights.privacy` (through the selectors).
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import dataclass
from types import SimpleNamespace

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from circlewise import policy
from circlewise.core.http import AuthenticatedRequest
from circlewise.insights import charts, privacy, selectors
from circlewise.insights.errors import OutcomeError, PulseError
from circlewise.insights.models import OutcomeAnswer, OutcomeWave, PulseAnswer, PulseRequest
from circlewise.insights.privacy import NOT_ENOUGH, published_before
from circlewise.insights.services import (
    CHANGE_WINDOW,
    SCORES,
    outcome_answer,
    pulse_answer,
)
from circlewise.words import percent

QUESTIONS = {
    "usefulness": gettext_lazy("How useful was this session for you?"),
    "speak_up": gettext_lazy("I could speak up without fear of judgement"),
    "heard": gettext_lazy("I felt heard"),
    "trust": gettext_lazy("I trust this circle with what I share"),
}


# Each outcome item with the words at its two ends, so 1 and 5 mean the same to everyone.
AGREE = (gettext_lazy("strongly disagree"), gettext_lazy("strongly agree"))
OUTCOME_QUESTIONS = {
    "goal_progress": (gettext_lazy("How far have you come towards your own goals for this "
                                   "programme?"),
                      (gettext_lazy("no progress yet"), gettext_lazy("fully achieved"))),
    "confidence": (gettext_lazy("I feel confident as a leader"), AGREE),
    "not_alone": (gettext_lazy("I feel I am not alone with the challenges of my role"), AGREE),
    "support": (gettext_lazy("I have a network of people I can turn to for support"), AGREE),
    "skills": (gettext_lazy("I have practised new skills in my work"), AGREE),
}  # fmt: skip


def _as_sent(post: QueryDict, names: Iterable[str], **values: object) -> SimpleNamespace:
    """What the person just sent, to show again beside the error: nothing typed is lost."""
    return SimpleNamespace(**{name: post.get(name) for name in names}, **values)


def pulse(request: HttpRequest, token: str) -> HttpResponse:
    """The one-minute survey. The emailed link opens it directly (the token is the credential
    for this one survey); a POST records or changes the answer."""
    found = policy.pulse_request_for(request.user, token)
    session = found.session
    answer = PulseAnswer.objects.filter(request=found).first()
    shown: object = answer
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
            shown = _as_sent(request.POST, SCORES, comment=request.POST.get("comment", ""),
                             comment_shared=request.POST.get("comment_shared") == "on")  # fmt: skip
        else:
            messages.success(request, _("Thank you: your answer is saved."))
            return redirect("insights:pulse", token=token)
    circle = session.circle
    return render(request, "insights/pulse.html", {
        "pulse": found, "session": session, "circle": circle, "answer": answer, "shown": shown,
        "questions": [(name, text, getattr(shown, name, None)) for name, text in QUESTIONS.items()],
        "open": timezone.now() <= closes_at, "closes_at": closes_at,
        "self_run": circle.coach_id is None,
    })  # fmt: skip


def outcome(request: HttpRequest, token: str) -> HttpResponse:
    """An outcome survey (start, midpoint or end of a programme). Like the pulse, the emailed
    link opens it directly; a POST records or changes the answer while the survey is open."""
    found = policy.outcome_request_for(request.user, token)
    programme = found.programme
    window = selectors.outcome_window(programme=programme, wave=found.wave)
    answer = OutcomeAnswer.objects.filter(request=found).first()
    shown: object = answer
    if request.method == "POST":
        try:
            answer = outcome_answer(
                request=found, by=found.user,
                scores={name: request.POST.get(name) for name in OUTCOME_QUESTIONS},
                recommend=request.POST.get("recommend"),
                changed=request.POST.get("changed", ""),
            )  # fmt: skip
        except OutcomeError as error:
            messages.error(request, error.message)
            recommend = {"yes": True, "no": False}.get(request.POST.get("recommend", ""))
            shown = _as_sent(request.POST, OUTCOME_QUESTIONS, recommend=recommend,
                             changed=request.POST.get("changed", ""))  # fmt: skip
        else:
            messages.success(request, _("Thank you: your answer is saved."))
            return redirect("insights:outcome", token=token)
    goals = (
        programme.participants.filter(user_id=found.user_id)
        .values_list("goals", flat=True).first()
    )  # fmt: skip
    return render(request, "insights/outcome.html", {
        "survey": found, "programme": programme, "window": window, "answer": answer,
        "shown": shown,
        "goals": goals or "", "end": found.wave == OutcomeWave.END,
        "open": window.is_open(timezone.localdate()),
        "questions": [(name, text, low, high, getattr(shown, name, None))
                      for name, (text, (low, high)) in OUTCOME_QUESTIONS.items()],
    })  # fmt: skip


@login_required
def my_pulses(request: AuthenticatedRequest, org_slug: str) -> HttpResponse:
    """The pulse surveys I can still answer or change in this organisation."""
    membership = policy.enter_organisation(request, org_slug)
    since = timezone.now() - CHANGE_WINDOW
    pulses = (
        PulseRequest.objects.filter(
            user=request.user, session__circle__organisation=membership.organisation,
            session__ends_at__gt=since,
        ).select_related("session__circle", "answer").order_by("-session__starts_at")
    )  # fmt: skip
    outcomes = selectors.open_outcome_surveys(
        user=request.user, organisation=membership.organisation
    )
    return render(request, "insights/my_pulses.html", {"pulses": pulses, "outcomes": outcomes})


def _dimension(request: HttpRequest) -> str:
    by = request.GET.get("by", "month")
    return by if by in selectors.DIMENSIONS else "month"


def _figure_chart(rows: list[selectors.PulseRow], attribute: str) -> charts.Chart:
    items = []
    for row in rows:
        figure = getattr(row, attribute)
        items.append((row.label, figure.value, _not_enough() if figure.withheld else str(figure)))
    return charts.bar_chart(items, maximum=5)


def _not_enough() -> str:
    return _("not enough responses yet")


@login_required
def dashboard(request: AuthenticatedRequest, org_slug: str, programme_id: int) -> HttpResponse:
    membership = policy.enter_organisation(request, org_slug)
    programme = policy.programme_insights_for(membership, programme_id)
    by = _dimension(request)
    recent = selectors.dashboard_insights(programme=programme, by=by)
    data = recent.data
    rows = data.pulse[by]
    attendance = charts.bar_chart(
        [(date_format(m.month, "M Y"), m.attendance, _("no sessions") if m.attendance is None
          else percent(m.attendance)) for m in data.months],
        maximum=1,
    )  # fmt: skip
    # Hundreds of circles make a chart nobody can read: circles get the table alone.
    charted = by != "circle"
    return render(request, "insights/dashboard.html", {
        "programme": programme, "data": data, "by": by, "grouped_by": selectors.GROUPED_BY,
        # The grouping's name in the reader's language (``by`` is its key, in English).
        "by_label": selectors.DIMENSIONS[by], "by_grouped": selectors.GROUPED_BY[by],
        "warned_more": recent.warned - len(data.warnings), "computed_at": recent.computed_at,
        "fresh_minutes": selectors.INSIGHTS_FRESH // 60,
        "rows": rows, "attendance_chart": attendance, "not_enough": _not_enough(),
        "counted_until": published_before(timezone.now()),
        "usefulness_chart": _figure_chart(rows, "usefulness") if charted else None,
        "safety_chart": _figure_chart(rows, "safety") if charted else None,
        **_outcomes_context(request, data.outcomes),
    })  # fmt: skip


OUTCOME_SHORT = {
    "goal_progress": gettext_lazy("Progress on own goals"),
    "confidence": gettext_lazy("Confidence as a leader"),
    "not_alone": gettext_lazy("Not alone"),
    "support": gettext_lazy("Support network"),
    "skills": gettext_lazy("Skills practised"),
}


@dataclass(frozen=True)
class OutcomeLine:
    """One item of the outcome table: its name, a figure per wave, and its chart."""

    name: str
    figures: list[str]
    chart: charts.Chart


def _figure_text(figure: privacy.Figure | None, *, share: bool = False) -> str:
    """A figure as the page shows it (the CSV and API keep the English constant)."""
    if figure is None:
        return _("not asked")
    if figure.value is None:
        return _not_enough()
    return percent(figure.value) if share else str(figure)


def _outcomes_context(request: HttpRequest, outcomes: selectors.ProgrammeOutcomes) -> dict:
    """The outcome section: a line per item (start, midpoint, end) with a chart each, the
    recommendation rate, the schedule with response counts, and the optional breakdown."""
    overall = [outcomes.overall(wave) for wave in OutcomeWave.values]
    waves = [str(label) for label in OutcomeWave.labels]
    lines = []
    for item, name in OUTCOME_SHORT.items():
        figures = [row.items[item] for row in overall]
        lines.append(OutcomeLine(
            name=str(name), figures=[_figure_text(f) for f in figures],
            chart=charts.bar_chart([(wave, f.value, _figure_text(f))
                                    for wave, f in zip(waves, figures, strict=True)], maximum=5),
        ))  # fmt: skip
    by = request.GET.get("outcomes_by", "")
    breakdown = []
    if by in selectors.OUTCOME_DIMENSIONS:
        groups: dict[object, list[selectors.OutcomeRow | None]] = {}
        labels: dict[object, str] = {}
        for index, wave in enumerate(OutcomeWave.values):
            for row in outcomes.rows[wave][by]:
                groups.setdefault(row.key, [None, None, None])[index] = row
                labels[row.key] = row.label
        for key, rows in sorted(groups.items(), key=lambda kv: labels[kv[0]]):
            cells = [_figure_text(row.items["goal_progress"]) if row else _not_enough()
                     for row in rows]  # fmt: skip
            end = rows[2]
            cells.append(_figure_text(end.recommend, share=True) if end else _not_enough())
            breakdown.append((labels[key], cells))
    return {
        "waves": waves, "outcome_lines": lines, "outcome_schedule": outcomes.schedule,
        "recommend": _figure_text(outcomes.recommend, share=True),
        "recommend_row": [_figure_text(row.recommend, share=True) for row in overall],
        "outcomes_by": by, "outcome_dimensions": selectors.OUTCOME_DIMENSIONS,
        "outcomes_by_label": selectors.OUTCOME_DIMENSIONS.get(by, ""),
        "outcomes_grouped_by": {k: selectors.GROUPED_BY[k] for k in selectors.OUTCOME_DIMENSIONS},
        "outcomes_grouped_by_label": selectors.GROUPED_BY.get(by, ""),
        "outcome_breakdown": breakdown,
    }  # fmt: skip


CSV_HEADER = ["section", "group", "respondents", "usefulness", "safety", "value", "wave",
              "measure"]  # fmt: skip


def _outcome_csv_rows(outcomes: selectors.ProgrammeOutcomes) -> list[list[str]]:
    """Per wave: answers received, then each group's item means and recommendation share, under
    the same rules as the page (a withheld group shows neither figures nor its number of
    people)."""
    rows = [
        ["outcome answers", s.window.label, "", "", "", str(s.answered), s.window.wave, "answers"]
        for s in outcomes.schedule
    ]
    for wave in OutcomeWave.values:
        for dimension, found in outcomes.rows[wave].items():
            section = "outcomes" if dimension == "all" else f"outcomes by {dimension}"
            for row in found:
                people = "" if row.withheld else str(row.respondents)
                measures = [(item, NOT_ENOUGH if row.withheld else row.items[item].plain)
                            for item in OUTCOME_SHORT]  # fmt: skip
                if row.recommend is not None:
                    share = row.recommend.value
                    measures.append(("recommend", NOT_ENOUGH if share is None else f"{share:.2f}"))
                rows += [[section, row.label, people, "", "", text, wave, measure]
                         for measure, text in measures]  # fmt: skip
    return rows


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
                row.usefulness.plain if shown else NOT_ENOUGH,
                row.safety.plain if shown else NOT_ENOUGH, "",
            ])  # fmt: skip
    for health in data.warnings:
        for warning in health.warnings:
            rows.append(["warning", health.circle.name, "", "", "", warning])
    rows += _outcome_csv_rows(data.outcomes)
    return rows


def _csv_safe(value: str) -> str:
    # A cell starting with = + - @ would run as a formula in a spreadsheet.
    return "'" + value if value[:1] in ("=", "+", "-", "@") else value


@login_required
def dashboard_csv(request: AuthenticatedRequest, org_slug: str, programme_id: int) -> HttpResponse:
    membership = policy.enter_organisation(request, org_slug)
    programme = policy.programme_insights_for(membership, programme_id)
    data = selectors.programme_insights(programme=programme)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="programme-{programme.pk}.csv"'
    writer = csv.writer(response)
    writer.writerow(CSV_HEADER)
    for row in csv_rows(data):
        writer.writerow([_csv_safe(cell) for cell in row] + [""] * (len(CSV_HEADER) - len(row)))
    return response


@login_required
def circle_pulse(request: AuthenticatedRequest, org_slug: str, circle_id: int) -> HttpResponse:
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
        "circle": circle, "row": row, "health": health, "not_enough": _not_enough(),
        "comments": selectors.circle_comments(circle=circle, user_id=request.user.pk),
        "counted_until": published_before(timezone.now()),
        "attendance": selectors.circle_attendance(circle=circle),
    })  # fmt: skip
