"""A programme admin's pages for circles: forming, editing and publishing the proposal, and the
programme's circles after launch (late joiners, the queue, small circles).

All views need ``Perm.MANAGE_PROGRAMMES``: outsiders and members who cannot see the programme get
404, members who can see it but not manage it 403.
"""

from __future__ import annotations

from collections.abc import Callable

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from circlewise import policy
from circlewise.circles.selectors import circles_for_programme
from circlewise.formation import selectors, services
from circlewise.formation.errors import FormationError
from circlewise.formation.forms import MoveForm, SwapForm
from circlewise.formation.models import FormationRun, FormationStatus
from circlewise.formation.services import proposal_view
from circlewise.policy import Perm
from circlewise.programmes.models import Participant, Programme


def _programme(request: HttpRequest, org_slug: str, programme_id: int) -> Programme:
    membership = policy.enter_organisation(request, org_slug)
    return policy.programme_for(membership, programme_id, perm=Perm.MANAGE_PROGRAMMES)


def _run(request: HttpRequest, org_slug: str, programme_id: int, run_id: int) -> FormationRun:
    membership = policy.enter_organisation(request, org_slug)
    return policy.run_for(membership, programme_id, run_id)


def _proposal_people(run: FormationRun) -> list[Participant]:
    ids = [pk for circle in run.proposal for pk in circle]
    return list(Participant.objects.filter(programme=run.programme_id, pk__in=ids))


def _mix_lines(mix: dict[str, dict[str, int | float]]) -> list[tuple[str, str]]:
    """``{"department": {"Sales": 2, ...}}`` as ``("department", "Sales 2, ...")`` lines."""
    return [
        (
            name.replace("_", " "),
            ", ".join(
                f"{value} {round(count, 1):g}" if isinstance(count, float) else f"{value} {count}"
                for value, count in counts.items()
            ),
        )
        for name, counts in mix.items()
    ]


def _proposal_context(run: FormationRun, **extra: object) -> dict[str, object]:
    view = proposal_view(run)
    for circle in view.circles:
        circle.mix_lines = _mix_lines(circle.result.mix)
    people = sorted(
        (member for circle in view.circles for member in circle.members),
        key=lambda p: (p.name or p.email).lower(),
    )
    return {
        "run": run,
        "proposal_run": run,
        "proposal": view,
        "move_form": MoveForm(participants=people, circles=len(view.circles)),
        "swap_form": SwapForm(participants=people),
        **extra,
    }


@login_required
def formation(request: HttpRequest, org_slug: str, programme_id: int) -> HttpResponse:
    """The programme's latest formation run: start one, watch it, edit and publish its proposal."""
    programme = _programme(request, org_slug, programme_id)
    if request.method == "POST":
        try:
            services.formation_start(programme=programme, by=request.user)
        except FormationError as error:
            messages.error(request, error.message)
        return redirect("formation:formation", org_slug, programme.pk)
    run = selectors.latest_run(programme=programme)
    context: dict[str, object] = {"programme": programme, "run": run}
    # While a new run works (or after it failed), the last good proposal stays on the page.
    shown = selectors.latest_proposal(programme=programme)
    if shown is not None and run is not None and run.status != FormationStatus.PUBLISHED:
        context |= _proposal_context(shown)
        context["run"] = run
    return render(request, "formation/proposal.html", context)


@login_required
def run_status(request: HttpRequest, org_slug: str, programme_id: int, run_id: int) -> HttpResponse:
    """The progress bar, polled by htmx every second; a finished run reloads the page."""
    run = _run(request, org_slug, programme_id, run_id)
    programme = run.programme
    response = render(
        request, "formation/proposal.html#status", {"programme": programme, "run": run}
    )
    if run.status not in (FormationStatus.QUEUED, FormationStatus.RUNNING) and request.htmx:
        response["HX-Refresh"] = "true"
    return response


def _apply_edit(
    request: HttpRequest,
    org_slug: str,
    run: FormationRun,
    form: forms.Form,
    invalid: str,
    edit: Callable[[dict], object],
) -> HttpResponse:
    """Validate an edit form, apply the edit, and show the proposal with any refusal.

    htmx gets the proposal partial back; a plain form post is redirected to the page.
    """
    error = invalid if not form.is_valid() else ""
    if not error:
        try:
            edit(form.cleaned_data)
        except FormationError as exc:
            error = exc.message
    run.refresh_from_db()
    if request.htmx:
        return render(
            request,
            "formation/proposal.html#proposal",
            _proposal_context(run, programme=run.programme, edit_error=error),
        )
    if error:
        messages.error(request, error)
    return redirect("formation:formation", org_slug, run.programme_id)


@login_required
@require_POST
def move(request: HttpRequest, org_slug: str, programme_id: int, run_id: int) -> HttpResponse:
    run = _run(request, org_slug, programme_id, run_id)
    form = MoveForm(request.POST, participants=_proposal_people(run), circles=len(run.proposal))
    return _apply_edit(
        request,
        org_slug,
        run,
        form,
        "Choose a person in the proposal and a circle to move them to.",
        lambda data: services.proposal_move(
            run=run,
            participant_id=data["participant"],
            to_circle=data["to_circle"],
            by=request.user,
        ),
    )


@login_required
@require_POST
def swap(request: HttpRequest, org_slug: str, programme_id: int, run_id: int) -> HttpResponse:
    run = _run(request, org_slug, programme_id, run_id)
    form = SwapForm(request.POST, participants=_proposal_people(run))
    return _apply_edit(
        request,
        org_slug,
        run,
        form,
        "Choose two people in the proposal.",
        lambda data: services.proposal_swap(
            run=run, first_id=data["first"], second_id=data["second"], by=request.user
        ),
    )


@login_required
@require_POST
def publish(request: HttpRequest, org_slug: str, programme_id: int, run_id: int) -> HttpResponse:
    run = _run(request, org_slug, programme_id, run_id)
    programme = run.programme
    try:
        circles = services.formation_publish(run=run, by=request.user)
    except FormationError as error:
        messages.error(request, error.message)
        return redirect("formation:formation", org_slug, programme.pk)
    messages.success(
        request, f"{len(circles)} circles published; every member will be emailed in a moment."
    )
    return redirect("formation:programme_circles", org_slug, programme.pk)


@login_required
def programme_circles(request: HttpRequest, org_slug: str, programme_id: int) -> HttpResponse:
    """A published programme's circles, the people waiting for one, and small circles."""
    programme = _programme(request, org_slug, programme_id)
    circles = list(
        circles_for_programme(programme=programme)
        .filter(status="active")
        .prefetch_related("merge_targets")
    )
    for circle in circles:
        circle.room = max(programme.max_size - circle.size, 0)
        circle.below_minimum = circle.size < programme.min_size
    queue = selectors.unplaced_participants(programme=programme)
    return render(
        request,
        "formation/programme_circles.html",
        {
            "programme": programme,
            "circles": circles,
            "queue": queue,
            "has_room": any(circle.size < programme.max_size for circle in circles),
        },
    )


@login_required
@require_POST
def place_joiners(request: HttpRequest, org_slug: str, programme_id: int) -> HttpResponse:
    programme = _programme(request, org_slug, programme_id)
    try:
        result = services.late_joiners_place(programme=programme, by=request.user)
    except FormationError as error:
        messages.error(request, error.message)
    else:
        placed = sum(len(people) for people in result.placed.values())
        text = f"{placed} placed in circles with room."
        if result.queued:
            text += f" {len(result.queued)} waiting for a new circle."
        messages.success(request, text)
    return redirect("formation:programme_circles", org_slug, programme.pk)


@login_required
@require_POST
def queue_form(request: HttpRequest, org_slug: str, programme_id: int) -> HttpResponse:
    programme = _programme(request, org_slug, programme_id)
    try:
        services.queue_circles_start(programme=programme, by=request.user)
    except FormationError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, "Forming new circles from the people waiting; they appear here shortly."
        )
    return redirect("formation:programme_circles", org_slug, programme.pk)


@login_required
@require_POST
def merge(request: HttpRequest, org_slug: str, programme_id: int, circle_id: int) -> HttpResponse:
    """Merge a programme circle below the minimum into one of its suggested targets."""
    programme = _programme(request, org_slug, programme_id)
    circle = policy.circle_for(request.membership, circle_id, manage=True)
    target = programme.circles.filter(pk=request.POST.get("target") or 0).first()
    if circle.programme_id != programme.pk or target is None:
        messages.error(request, "Choose a circle of the same programme to merge into.")
        return redirect("circles:detail", org_slug, circle.pk)
    try:
        services.circle_merge(source=circle, target=target, by=request.user)
    except FormationError as error:
        messages.error(request, error.message)
        return redirect("circles:detail", org_slug, circle.pk)
    messages.success(request, f"{circle.name} joined {target.name}.")
    return redirect("circles:detail", org_slug, target.pk)
