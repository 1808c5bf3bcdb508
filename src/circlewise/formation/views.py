"""A programme admin's pages for circles: forming, editing and publishing the proposal, and the
programme's circles after launch (late joiners, the queue, small circles).

All views need ``Perm.MANAGE_PROGRAMMES``: outsiders and members who cannot see the programme get
404, members who can see it but not manage it 403.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from circlewise import policy
from circlewise.circles.models import Circle
from circlewise.circles.selectors import (
    programme_circles_search,
    programme_circles_shown,
    programme_circles_with_room,
)
from circlewise.core.http import AuthenticatedRequest
from circlewise.core.text import search_text
from circlewise.formation import selectors, services
from circlewise.formation.composition import MEETING_WINDOW
from circlewise.formation.errors import FormationError
from circlewise.formation.forms import MoveForm, PlaceForm, SwapForm
from circlewise.formation.models import FormationRun, FormationStatus
from circlewise.formation.placing import circle_name
from circlewise.formation.services import ProposalView
from circlewise.formation.wording import attribute_words, circle_lines, overall_lines
from circlewise.matching import Violation, kernels_ready
from circlewise.policy import Perm
from circlewise.programmes.models import OverlapRule, Participant, Programme

# Circles shown per page of a proposal, and people per search: a 10,000-person proposal renders
# as much as a 300-person one.
CIRCLES_PER_PAGE = 12
MATCHES_SHOWN = 10
# The programme's circles after launch: circles per page (also the most a page shows), and the
# people waiting for a circle listed by name (the rest are counted).
PROGRAMME_CIRCLES_PER_PAGE = 50
QUEUE_SHOWN = 20


def _programme(request: HttpRequest, org_slug: str, programme_id: int) -> Programme:
    membership = policy.enter_organisation(request, org_slug)
    return policy.programme_for(membership, programme_id, perm=Perm.MANAGE_PROGRAMMES)


def _run(request: HttpRequest, org_slug: str, programme_id: int, run_id: int) -> FormationRun:
    membership = policy.enter_organisation(request, org_slug)
    return policy.run_for(membership, programme_id, run_id)


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


@dataclass
class _Found:
    """A person of the proposal and where they are in it."""

    person: Participant
    circle: int

    @property
    def circle_name(self) -> str:
        return circle_name(self.circle)

    @property
    def page(self) -> int:
        return _page_of(self.circle)


def _page_of(circle: int) -> int:
    return circle // CIRCLES_PER_PAGE + 1


def _found(run: FormationRun, people: Iterable[Participant]) -> list[_Found]:
    where = {pk: index for index, circle in enumerate(run.proposal) for pk in circle}
    return [_Found(person, where[person.pk]) for person in people if person.pk in where]


def _matches(run: FormationRun, query: str) -> list[_Found]:
    """People of the proposal whose name or email contains ``query`` (one bounded query)."""
    if not query:
        return []
    people = (
        Participant.objects.filter(programme=run.programme_id)
        .filter(Q(name__icontains=query) | Q(email__icontains=query))
        .order_by("name", "email")[: MATCHES_SHOWN * 3]
    )
    return _found(run, people)[:MATCHES_SHOWN]


def _chosen(run: FormationRun, person_id: int | str | None) -> _Found | None:
    if not person_id or not str(person_id).isdigit():
        return None
    person = Participant.objects.filter(programme=run.programme_id, pk=int(person_id)).first()
    found = _found(run, [person]) if person else []
    return found[0] if found else None


def _query(request: HttpRequest) -> str:
    return search_text(request.GET.get("q", ""))


def _rules(programme: Programme, run: FormationRun, violations: list[Violation]) -> list[dict]:
    """The hard rules in the admin's words, each with whether it holds in every circle."""
    broken: dict[tuple[str, str], set[int]] = {}
    for violation in violations:
        attribute = violation.attribute if violation.rule == "same" else ""
        broken.setdefault((violation.rule, attribute), set()).add(violation.circle)

    def rule(text: str, kind: str, attribute: str = "") -> dict:
        circles = broken.get((kind, attribute), set())
        return {"text": text, "holds": not circles, "broken": len(circles)}

    rules = [
        rule(
            _("Every circle has %(min_size)s to %(max_size)s people")
            % {"min_size": programme.min_size, "max_size": programme.max_size},
            "size",
        ),
        rule(_("Everyone is in exactly one circle"), "placement"),
    ]
    same = list(programme.same)
    if programme.overlap_rule == OverlapRule.HARD:
        same.append(MEETING_WINDOW)
    for name in same:
        if name == MEETING_WINDOW:
            text = _("Every circle has a weekly time all its members can make")
        elif name == "language":
            text = _("Everyone in a circle speaks one language in common")
        else:
            text = _("Everyone in a circle has the same %(attribute)s") % {
                "attribute": attribute_words(name)[0]
            }
        rules.append(rule(text, "same", name))
    separate = _separation_rule(programme)
    if separate:
        rules.append(rule(separate, "separate"))
    if run.pins:
        rules.append(rule(_("People you placed by hand stay together"), "pinned"))
    return rules


def _separation_rule(programme: Programme) -> str:
    """Who is kept apart, as one whole sentence: joined pieces of sentences do not translate."""
    reporting, previous = programme.separate_reporting_line, programme.avoid_previous_circles
    deep = programme.separation_depth > 1
    if reporting and previous and deep:
        return _(
            "Nobody is with their manager or their manager's managers and nobody meets someone "
            "they shared a circle with before"
        )
    if reporting and previous:
        return _(
            "Nobody is with their manager and nobody meets someone they shared a circle with before"
        )
    if reporting and deep:
        return _("Nobody is with their manager or their manager's managers")
    if reporting:
        return _("Nobody is with their manager")
    if previous:
        return _("Nobody meets someone they shared a circle with before")
    return ""


def _proposal_context(
    run: FormationRun,
    *,
    page: int | str | None = None,
    person: int | str | None = None,
    jump: str | None = None,
    query: str = "",
    touched: Iterable[int] = (),
    headline: str = "",
    **extra: object,
) -> dict[str, Any]:
    """The proposal page: the whole grouping summarised, one page of circle cards, the person
    being moved (if any) and the people found by a search."""
    view: ProposalView = services.proposal_view(run)
    chosen = _chosen(run, person)
    if jump and jump.isdigit() and 1 <= int(jump) <= view.circle_count:
        page = _page_of(int(jump) - 1)
    elif page is None and chosen is not None:
        page = chosen.page
    circles_page = Paginator(range(view.circle_count), CIRCLES_PER_PAGE).get_page(page)
    touched = [index for index in touched if 0 <= index < view.circle_count]
    shown = services.proposal_circles(run, view, [*circles_page.object_list, *touched])
    # The page shows these circles in place of their indexes.
    circles_page.object_list = shown[: len(circles_page.object_list)]  # type: ignore[assignment]
    for circle in circles_page:
        circle.lines = circle_lines(circle.mixes)  # type: ignore[attr-defined]  # for the template
        circle.mix_lines = _mix_lines(circle.mix)  # type: ignore[attr-defined]  # for the template
    overall = overall_lines(view.overall)
    notice = " ".join(
        f"{circle.name} now: " + ", ".join(line.text for line in circle_lines(circle.mixes)) + "."
        for circle in shown[len(circles_page.object_list) :]
    )
    return {
        "run": run,
        "proposal_run": run,
        "proposal": view,
        "page": circles_page,
        "chosen": chosen,
        "query": query,
        "matches": _matches(run, query),
        "rules": _rules(run.programme, run, view.violations),
        "overall_diversity": [line for line in overall if not line.aligned],
        "overall_alignment": [line for line in overall if line.aligned],
        "notice": (headline + " " + notice).strip(),
        **extra,
    }


@login_required
def formation(request: AuthenticatedRequest, org_slug: str, programme_id: int) -> HttpResponse:
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
        context |= _proposal_context(
            shown,
            page=request.GET.get("page"),
            person=request.GET.get("person"),
            jump=request.GET.get("circle"),
            query=_query(request),
        )
        context["run"] = run
    context["engine_cold"] = run is not None and not kernels_ready()
    return render(request, "formation/proposal.html", context)


@login_required
def people(
    request: AuthenticatedRequest, org_slug: str, programme_id: int, run_id: int
) -> HttpResponse:
    """People of the proposal matching what the admin types: the combobox's options (htmx)."""
    run = _run(request, org_slug, programme_id, run_id)
    query = _query(request)
    return render(
        request,
        "formation/proposal.html#options",
        {"programme": run.programme, "query": query, "matches": _matches(run, query)},
    )


@login_required
def run_status(
    request: AuthenticatedRequest, org_slug: str, programme_id: int, run_id: int
) -> HttpResponse:
    """The progress bar, polled by htmx every second; a finished run reloads the page."""
    run = _run(request, org_slug, programme_id, run_id)
    programme = run.programme
    response = render(
        request,
        "formation/proposal.html#status",
        {"programme": programme, "run": run, "engine_cold": not kernels_ready()},
    )
    if run.status not in (FormationStatus.QUEUED, FormationStatus.RUNNING) and request.htmx:
        response["HX-Refresh"] = "true"
    return response


def _apply_edit(
    request: AuthenticatedRequest,
    org_slug: str,
    run: FormationRun,
    form: forms.Form,
    invalid: str,
    edit: Callable[[dict], tuple[str, int, list[int]]],
) -> HttpResponse:
    """Validate an edit form, apply the edit, and show the proposal with the result at once.

    ``edit`` returns a headline, the person to keep chosen and the circles it changed, whose
    new mix is shown. htmx gets the proposal partial back; a plain form post is redirected to
    the same page of circles.
    """
    error, headline, person = invalid if not form.is_valid() else "", "", None
    touched: list[int] = []
    page = form.cleaned_data.get("page") if form.is_valid() else None
    if not error:
        try:
            headline, person, touched = edit(form.cleaned_data)
        except FormationError as exc:
            error = exc.message
    run.refresh_from_db()
    if request.htmx:
        context = _proposal_context(
            run, page=page, person=person, touched=touched, headline=headline, edit_error=error
        )
        context["programme"] = run.programme
        return render(request, "formation/proposal.html#proposal", context)
    if error:
        messages.error(request, error)
    else:
        context = _proposal_context(run, page=page, touched=touched, headline=headline)
        messages.success(request, context["notice"])
    url = reverse("formation:formation", args=[org_slug, run.programme_id])
    query = f"?page={page or 1}" + (f"&person={person}" if person else "")
    return redirect(url + query)


def _name(run: FormationRun, participant_id: int) -> str:
    person = Participant.objects.filter(programme=run.programme_id, pk=participant_id).first()
    return (person.name or person.email) if person else _("This person")


def _circle_index(run: FormationRun, participant_id: int) -> int | None:
    return next((i for i, c in enumerate(run.proposal) if participant_id in c), None)


@login_required
@require_POST
def move(
    request: AuthenticatedRequest, org_slug: str, programme_id: int, run_id: int
) -> HttpResponse:
    run = _run(request, org_slug, programme_id, run_id)

    def edit(data: dict) -> tuple[str, int, list[int]]:
        source = _circle_index(run, data["participant"])
        services.proposal_move(
            run=run,
            participant_id=data["participant"],
            to_circle=data["to_circle"],
            by=request.user,
        )
        headline = _("%(person)s moved to %(circle)s.") % {
            "person": _name(run, data["participant"]),
            "circle": circle_name(data["to_circle"]),
        }
        return headline, data["participant"], [data["to_circle"], *([source] if source else [])]

    return _apply_edit(
        request,
        org_slug,
        run,
        MoveForm(request.POST),
        _("Choose a person in the proposal and a circle to move them to."),
        edit,
    )


@login_required
@require_POST
def swap(
    request: AuthenticatedRequest, org_slug: str, programme_id: int, run_id: int
) -> HttpResponse:
    run = _run(request, org_slug, programme_id, run_id)

    def edit(data: dict) -> tuple[str, int, list[int]]:
        first, second = _circle_index(run, data["first"]), _circle_index(run, data["second"])
        services.proposal_swap(
            run=run, first_id=data["first"], second_id=data["second"], by=request.user
        )
        headline = f"{_name(run, data['first'])} and {_name(run, data['second'])} swapped."
        return headline, data["first"], [index for index in (second, first) if index is not None]

    return _apply_edit(
        request,
        org_slug,
        run,
        SwapForm(request.POST),
        _("Choose two people in the proposal."),
        edit,
    )


@login_required
def publish(
    request: AuthenticatedRequest, org_slug: str, programme_id: int, run_id: int
) -> HttpResponse:
    """GET asks for confirmation (what will happen, who gets an email); POST publishes."""
    run = _run(request, org_slug, programme_id, run_id)
    programme = run.programme
    if request.method != "POST":
        if run.status != FormationStatus.PROPOSED:
            messages.error(request, _("This proposal can no longer be published."))
            return redirect("formation:formation", org_slug, programme.pk)
        people = sum(len(circle) for circle in run.proposal)
        context = {"programme": programme, "run": run, "circles": len(run.proposal)}
        return render(request, "formation/publish.html", context | {"people": people})
    try:
        circles = services.formation_publish(run=run, by=request.user)
    except FormationError as error:
        messages.error(request, error.message)
        return redirect("formation:formation", org_slug, programme.pk)
    messages.success(
        request,
        ngettext(
            "%(count)d circle published; every member will be emailed in a moment.",
            "%(count)d circles published; every member will be emailed in a moment.",
            len(circles),
        )
        % {"count": len(circles)},
    )
    return redirect("programmes:detail", org_slug, programme.pk)


@login_required
def programme_circles(
    request: AuthenticatedRequest, org_slug: str, programme_id: int
) -> HttpResponse:
    """A published programme's circles, the people waiting for one, and small circles.

    Circles are shown ``PROGRAMME_CIRCLES_PER_PAGE`` at a time (the most any page shows),
    found by circle name or member name or email; the queue shows its first ``QUEUE_SHOWN``
    people. A person waiting can be placed in any circle with room on the page shown.
    """
    programme = _programme(request, org_slug, programme_id)
    query = _query(request)
    found = programme_circles_search(programme=programme, query=query).values_list("pk", flat=True)
    page = Paginator(found, PROGRAMME_CIRCLES_PER_PAGE).get_page(request.GET.get("page"))
    circles = programme_circles_shown(programme=programme, circle_ids=list(page.object_list))
    queue = selectors.unplaced_participants_first(programme=programme, limit=QUEUE_SHOWN)
    return render(
        request,
        "formation/programme_circles.html",
        {
            "programme": programme,
            "page": page,
            "circles": circles,
            "query": query,
            "filters": urlencode({"q": query}) if query else "",
            "circle_count": (
                programme.circles.filter(status="active").count() if query else page.paginator.count
            ),
            "queue": queue.people,
            "queue_count": queue.count,
            "queue_more": queue.count - len(queue.people),
            "queue_run": selectors.latest_queue_run(programme=programme),
            # Only asked when someone waits (the button is shown to place them).
            "has_room": bool(queue.people)
            and programme_circles_with_room(programme=programme).exists(),
            "room_options": _room_options(programme, circles),
        },
    )


def _room_options(programme: Programme, circles: list[Circle]) -> SafeString:
    """The ``<option>``s of the shown circles with room, offered to each person waiting (empty
    when none has room). Written once here, not once per person in the template: with 20
    people and 50 circles those 1,000 options cost seven times the rest of the page."""
    label, most = _("%(name)s (%(size)s of %(max_size)s)"), programme.max_size
    options = [
        (circle.pk, label % {"name": circle.name, "size": circle.size, "max_size": most})  # type: ignore[attr-defined]
        for circle in circles
        if circle.room  # type: ignore[attr-defined]
    ]
    return format_html_join("", '<option value="{}">{}</option>', options)


@login_required
@require_POST
def place_joiners(request: AuthenticatedRequest, org_slug: str, programme_id: int) -> HttpResponse:
    programme = _programme(request, org_slug, programme_id)
    try:
        result = services.late_joiners_place(programme=programme, by=request.user)
    except FormationError as error:
        messages.error(request, error.message)
    else:
        placed = sum(len(people) for people in result.placed.values())
        messages.success(
            request,
            ngettext(
                "%(count)d placed in circles with room.",
                "%(count)d placed in circles with room.",
                placed,
            )
            % {"count": placed},
        )
        for person in result.queued:
            # Say which rule kept each person out, so the admin can place them by hand.
            messages.warning(
                request,
                _("%(person)s could not be placed: %(reason)s.")
                % {"person": person.name or person.email, "reason": result.reasons[person.pk]},
            )
    return redirect("formation:programme_circles", org_slug, programme.pk)


@login_required
@require_POST
def place_joiner(request: AuthenticatedRequest, org_slug: str, programme_id: int) -> HttpResponse:
    """Place one waiting person in the circle the admin chose, if the hard rules allow it."""
    programme = _programme(request, org_slug, programme_id)
    form = PlaceForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a person waiting and a circle to place them in."))
        return redirect("formation:programme_circles", org_slug, programme.pk)
    try:
        circle = services.late_joiner_place(
            programme=programme,
            participant_id=form.cleaned_data["participant"],
            circle_id=form.cleaned_data["circle"],
            by=request.user,
        )
    except FormationError as error:
        messages.error(request, _("Not placed: %(message)s") % {"message": error.message})
    else:
        messages.success(
            request,
            _("Placed in %(circle)s; they will be emailed in a moment.") % {"circle": circle.name},
        )
    return redirect("formation:programme_circles", org_slug, programme.pk)


@login_required
@require_POST
def queue_form(request: AuthenticatedRequest, org_slug: str, programme_id: int) -> HttpResponse:
    programme = _programme(request, org_slug, programme_id)
    try:
        services.queue_circles_start(programme=programme, by=request.user)
    except FormationError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, _("Forming new circles from the people waiting; they appear here shortly.")
        )
    return redirect("formation:programme_circles", org_slug, programme.pk)


@login_required
@require_POST
def merge(
    request: AuthenticatedRequest, org_slug: str, programme_id: int, circle_id: int
) -> HttpResponse:
    """Merge a programme circle below the minimum into one of its suggested targets."""
    membership = policy.enter_organisation(request, org_slug)
    programme = policy.programme_for(membership, programme_id, perm=Perm.MANAGE_PROGRAMMES)
    circle = policy.circle_for(membership, circle_id, manage=True)
    target = programme.circles.filter(pk=request.POST.get("target") or 0).first()
    if circle.programme_id != programme.pk or target is None:
        messages.error(request, _("Choose a circle of the same programme to merge into."))
        return redirect("circles:detail", org_slug, circle.pk)
    try:
        services.circle_merge(source=circle, target=target, by=request.user)
    except FormationError as error:
        messages.error(request, error.message)
        return redirect("circles:detail", org_slug, circle.pk)
    messages.success(request, f"{circle.name} joined {target.name}.")
    return redirect("circles:detail", org_slug, target.pk)
