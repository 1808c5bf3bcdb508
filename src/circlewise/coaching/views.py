"""The session runner, commitments and the questions library.

Everything here is inside a circle: only its members, its coach and its host get past
:func:`policy.circle_inside_for` (admins get 404); only the coach or host control a session (403).
The clock is polled by every device every two seconds, so :func:`clock` costs two queries: the
login session and the run (the page hands out a signed ticket instead of re-checking the policy).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from circlewise import policy
from circlewise.circles.models import Circle
from circlewise.circles.selectors import active_members
from circlewise.coaching import selectors, services
from circlewise.coaching.agenda import PHASES
from circlewise.coaching.errors import CoachingError
from circlewise.coaching.forms import CommitmentForm, GoalsForm, QuestionForm, ReviewForm
from circlewise.coaching.models import AttendanceStatus, Commitment, RunState, SessionRun
from circlewise.contracts.selectors import contract_status
from circlewise.core.http import AuthenticatedRequest
from circlewise.meetings.models import Session
from circlewise.policy import Perm
from circlewise.programmes.models import Participant, ParticipantStatus, Programme

CLOCK_SALT = "coaching.clock"
CLOCK_TICKET_AGE = 12 * 3600  # a ticket outlives any session, not a working day


def _session(circle: Circle, session_id: int) -> Session:
    return get_object_or_404(Session.objects.select_related("series"), pk=session_id, circle=circle)


def _clock_context(run: SessionRun | None, session: Session | None = None) -> dict:
    """What every device shows: the phase, the remaining seconds by the server's clock, whose
    turn it is. A session not yet started (no run) shows its first phase at full length."""
    if run is None:
        assert session is not None
        first = selectors.session_plan(session=session)[0] * 60
        return {
            "state": RunState.READY,
            "phase": PHASES[0],
            "index": 0,
            "phases": len(PHASES),
            "last": len(PHASES) - 1,
            "version": 0,
            "remaining": first,
            "abs_remaining": first,
            "timed": session.format != "place",
            "speaker": "",
        }
    remaining = run.remaining_seconds(timezone.now())
    phase = PHASES[run.phase]
    return {
        "state": run.state,
        "phase": phase,
        "index": run.phase,
        "remaining": remaining,
        "abs_remaining": abs(remaining),
        "timed": run.timed,
        "speaker": run.speakers[run.turn] if phase.is_round and run.speakers else "",
        "version": run.version,
        "phases": len(PHASES),
        "last": len(PHASES) - 1,
    }


def _ticket_url(request: HttpRequest, org_slug: str, circle_id: int, session_id: int) -> str:
    ticket = signing.dumps([request.user.pk, session_id], salt=CLOCK_SALT, compress=True)
    return reverse("coaching:clock", args=[org_slug, circle_id, session_id]) + f"?t={ticket}"


@login_required
def runner(
    request: AuthenticatedRequest, org_slug: str, circle_id: int, session_id: int
) -> HttpResponse:
    membership = policy.enter_organisation(request, org_slug)
    circle = policy.circle_inside_for(membership, circle_id)
    session = _session(circle, session_id)
    run = SessionRun.objects.filter(session=session).first()
    plan = run.plan if run else selectors.session_plan(session=session)
    clock = _clock_context(run, session)
    phase = clock["phase"]
    members = list(active_members(circle=circle))
    attendance = selectors.attendance_of(session=session)
    apologised = selectors.apologised_user_ids(session=session)
    for member in members:
        answered = attendance.get(member.user_id, "") if member.user_id else ""
        member.attendance = answered  # type: ignore[attr-defined]  # for the template
        member.apologised = member.user_id in apologised  # type: ignore[attr-defined]  # for the template
    questions = (
        selectors.questions_for_circle(circle=circle, categories=phase.questions)
        if phase.questions
        else []
    )
    checkin = (
        list(selectors.checkin_commitments(session=session, run=run))
        if run and phase.key == "accountability"
        else []
    )
    for commitment in checkin:
        commitment.mine = commitment.user_id == request.user.pk  # type: ignore[attr-defined]  # for the template
    context = {
        "circle": circle,
        "session": session,
        "coachees": selectors.session_coachees(session=session),
        "contract": contract_status(circle=circle) if phase.key == "contract" else None,
        "run": run,
        "clock": clock,
        "agenda": list(zip(PHASES, plan, strict=True)),
        "leads": policy.can_lead_circle(membership, circle),
        "members": members,
        "attendance_choices": AttendanceStatus.choices,
        "questions": questions,
        "checkin": checkin,
        "commit_form": CommitmentForm(),
        "my_commitments": Commitment.objects.filter(session=session, user=request.user),
        "review_form": ReviewForm(),
        "clock_base": _ticket_url(request, org_slug, circle.pk, session.pk),
    }
    template = "coaching/runner.html"
    if request.htmx and request.GET.get("part") == "stage":
        template += "#stage"
    return render(request, template, context)


def clock(request: HttpRequest, org_slug: str, circle_id: int, session_id: int) -> HttpResponse:
    """The polled clock: two queries (the login session, the run). The ticket was signed for this
    user and session when the runner page checked the policy; it must match who is logged in."""
    try:
        user_id, ticket_session = signing.loads(
            request.GET.get("t", ""), salt=CLOCK_SALT, max_age=CLOCK_TICKET_AGE
        )
    except signing.BadSignature as error:
        raise Http404(_("No such session.")) from error
    if ticket_session != session_id or str(user_id) != str(request.session.get(SESSION_KEY)):
        raise Http404(_("No such session."))
    run = SessionRun.objects.filter(session_id=session_id).first()
    if run is None:
        return HttpResponse(status=204)  # not started: the page already shows the first phase
    context = {
        "clock": _clock_context(run),
        "clock_base": f"{request.path}?t={request.GET['t']}",
    }
    response = render(request, "coaching/runner.html#clock", context)
    if request.GET.get("v") != str(run.version):
        response["HX-Trigger"] = "stage-changed"  # the phase changed: redraw the page's stage
    return response


# The skip is read by UserTimezoneMiddleware: the clock shows no dates and needs no user row.
clock.needs_no_user = True  # type: ignore[attr-defined]


def _back(org_slug: str, circle: Circle, session: Session) -> HttpResponse:
    return redirect("coaching:runner", org_slug, circle.pk, session.pk)


@login_required
@require_POST
def control(
    request: AuthenticatedRequest, org_slug: str, circle_id: int, session_id: int
) -> HttpResponse:
    """Start, pause, resume, extend, advance, next turn, finish: the coach or host only (403)."""
    membership = policy.enter_organisation(request, org_slug)
    circle = policy.circle_inside_for(membership, circle_id)
    if not policy.can_lead_circle(membership, circle):
        raise PermissionDenied(_("Only the circle's coach or host can run the session."))
    session = _session(circle, session_id)
    run = services.run_for_session(session=session)
    try:
        version = int(request.POST.get("version", ""))
    except ValueError:
        version = -1
    try:
        services.run_control(
            run_id=run.pk, action=request.POST.get("action", ""), version=version, by=request.user
        )
    except CoachingError as error:
        messages.error(request, error.message)
    return _back(org_slug, circle, session)


@login_required
@require_POST
def attendance(
    request: AuthenticatedRequest, org_slug: str, circle_id: int, session_id: int
) -> HttpResponse:
    membership = policy.enter_organisation(request, org_slug)
    circle = policy.circle_inside_for(membership, circle_id, lead=True)
    session = _session(circle, session_id)
    member = active_members(circle=circle).filter(user_id=request.POST.get("user") or 0).first()
    if member is None or member.user is None:
        messages.error(request, _("Choose a member of the circle."))
        return _back(org_slug, circle, session)
    try:
        services.attendance_record(
            session=session, user=member.user, status=request.POST.get("status", "")
        )
    except CoachingError as error:
        messages.error(request, error.message)
    return _back(org_slug, circle, session)


@login_required
@require_POST
def commit(
    request: AuthenticatedRequest, org_slug: str, circle_id: int, session_id: int
) -> HttpResponse:
    """Record my commitment. The session is looked up in the whole organisation so that one of
    another circle gets a clear refusal from the service rather than a bare 404."""
    membership = policy.enter_organisation(request, org_slug)
    circle = policy.circle_inside_for(membership, circle_id)
    session = get_object_or_404(
        Session, pk=session_id, circle__organisation=membership.organisation
    )
    form = CommitmentForm(request.POST)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
    else:
        try:
            services.commitment_create(
                circle=circle, session=session, user=request.user, **form.cleaned_data
            )
        except CoachingError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request, _("Your commitment is recorded; the circle will ask next time.")
            )
    if session.circle_id != circle.pk:
        return redirect("coaching:commitments", org_slug, circle.pk)
    return _back(org_slug, circle, session)


def _form_errors(form) -> str:
    return " ".join(
        f"{form.fields[name].label}: {error}" if name in form.fields else str(error)
        for name, errors in form.errors.items()
        for error in errors
    )


@login_required
def commitments(request: AuthenticatedRequest, org_slug: str, circle_id: int) -> HttpResponse:
    """Everyone's commitments in the circle (the circle and its coach only); mark mine."""
    membership = policy.enter_organisation(request, org_slug)
    circle = policy.circle_inside_for(membership, circle_id)
    context = {
        "circle": circle,
        "commitments": selectors.circle_commitments(circle=circle),
        "review_form": ReviewForm(),
    }
    return render(request, "coaching/commitments.html", context)


@login_required
@require_POST
def review(
    request: AuthenticatedRequest, org_slug: str, circle_id: int, commitment_id: int
) -> HttpResponse:
    membership = policy.enter_organisation(request, org_slug)
    circle = policy.circle_inside_for(membership, circle_id)
    commitment = get_object_or_404(Commitment, pk=commitment_id, circle=circle)
    if commitment.user_id != request.user.pk:
        raise PermissionDenied(_("Only the person who made a commitment can mark it."))
    form = ReviewForm(request.POST)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
    else:
        try:
            services.commitment_review(commitment=commitment, by=request.user, **form.cleaned_data)
        except CoachingError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request, f"Marked “{commitment.what}”: {commitment.get_outcome_display().lower()}."
            )
    back = request.POST.get("next", "")
    if back.startswith(f"/o/{org_slug}/circles/{circle.pk}/"):
        return redirect(back)
    return redirect("coaching:commitments", org_slug, circle.pk)


@login_required
def questions(request: AuthenticatedRequest, org_slug: str) -> HttpResponse:
    """The powerful-questions library. Admins add a programme's questions, coaches their own."""
    membership = policy.enter_organisation(request, org_slug)
    organisation = membership.organisation
    programmes = (
        Programme.objects.filter(organisation=organisation)
        if policy.can(membership, Perm.MANAGE_PROGRAMMES)
        else Programme.objects.none()
    )
    may_add = policy.can(membership, Perm.VIEW_PROGRAMMES)  # coaches and admins
    form = QuestionForm(request.POST or None)
    if request.method == "POST":
        if not may_add:
            raise PermissionDenied(_("Coaches and programme admins add questions."))
        programme = programmes.filter(pk=request.POST.get("programme") or 0).first()
        if form.is_valid():
            try:
                services.question_add(by=request.user, organisation=organisation,
                                      programme=programme, **form.cleaned_data)  # fmt: skip
            except CoachingError as error:
                form.add_error(error.field, error.message)
            else:
                messages.success(request, _("Question added."))
                return redirect("coaching:questions", org_slug)
    context = {
        "library": selectors.questions_library(organisation=organisation, user=request.user),
        "form": form if may_add else None,
        "programmes": programmes,
    }
    return render(request, "coaching/questions.html", context)


@login_required
def goals(request: AuthenticatedRequest, org_slug: str) -> HttpResponse:
    """My personal goals for each programme I am in here: first given at the intake, mine alone
    to read and change."""
    membership = policy.enter_organisation(request, org_slug)
    participations = list(
        Participant.objects.filter(
            user=request.user, programme__organisation=membership.organisation
        )
        .exclude(status=ParticipantStatus.LEFT)
        .select_related("programme")
    )
    if request.method == "POST":
        chosen = next(
            (p for p in participations if str(p.pk) == request.POST.get("participant")), None
        )
        if chosen is None:
            raise Http404(_("No such programme."))
        form = GoalsForm(request.POST)
        if not form.is_valid():
            messages.error(request, _form_errors(form))
        else:
            try:
                services.goals_update(participant=chosen, by=request.user, **form.cleaned_data)
            except CoachingError as error:
                messages.error(request, error.message)
            else:
                messages.success(
                    request,
                    _("Your goals for %(programme)s are saved.")
                    % {"programme": chosen.programme.name},
                )
                return redirect("coaching:goals", org_slug)
    return render(request, "coaching/goals.html", {"participations": participations})
