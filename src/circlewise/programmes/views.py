"""Programme pages: set-up, enrolment (CSV, sign-up link, one by one), intake and reminders.

Every view enters the organisation through the policy (404 for outsiders) and reaches a
programme through ``_programme`` (404 unless the policy lets the user see it). Admins manage;
coaches read; a participant sees only their own programme page and intake.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from circlewise import policy
from circlewise.circles.models import CircleStatus
from circlewise.circles.selectors import circles_for_user
from circlewise.core.errors import SendingLimitReached
from circlewise.core.http import AuthenticatedRequest
from circlewise.core.text import search_text
from circlewise.formation.selectors import unplaced_count
from circlewise.organisations.models import Membership
from circlewise.policy import Perm
from circlewise.programmes import selectors, services
from circlewise.programmes.errors import ProgrammeError
from circlewise.programmes.forms import (
    AddParticipantForm,
    IntakeForm,
    ProgrammeForm,
    UploadForm,
    intake_initial,
)
from circlewise.programmes.models import Programme, ProgrammeStatus, Source
from circlewise.programmes.parsing import ATTRIBUTE_VALUE_MAX_LENGTH

PARTICIPANTS_PER_PAGE = 50


def _programme(request: HttpRequest, org_slug: str, pk: int) -> tuple[Membership, Programme]:
    """The membership and a programme the user may see; 404 otherwise."""
    membership = policy.enter_organisation(request, org_slug)
    return membership, policy.programme_for(membership, pk)


def _managed_programme(
    request: HttpRequest, org_slug: str, pk: int
) -> tuple[Membership, Programme]:
    membership = policy.enter_organisation(request, org_slug)
    return membership, policy.programme_for(membership, pk, perm=Perm.MANAGE_PROGRAMMES)


def _detail_url(programme: Programme) -> str:
    return reverse("programmes:detail", args=[programme.organisation.slug, programme.pk])


def _show_errors(form, error: ProgrammeError | SendingLimitReached) -> None:
    field_errors = getattr(error, "field_errors", {})
    if not field_errors:
        form.add_error(None, str(error))
    for name, field_messages in field_errors.items():
        for message in field_messages:
            form.add_error(name if name in form.fields else None, message)


# Programmes --------------------------------------------------------------------------------------
@login_required
def programme_list(request: AuthenticatedRequest, org_slug: str) -> HttpResponse:
    """Admins and coaches see every programme; other members the ones they take part in."""
    membership = policy.enter_organisation(request, org_slug)
    sees_all = policy.can(membership, Perm.VIEW_PROGRAMMES)
    programmes = list(
        selectors.programmes_for(
            organisation=membership.organisation, user=request.user, all_programmes=sees_all
        )
    )
    # Enrolment counts are shown to those who see every programme.
    enrolled = (
        selectors.enrolled_counts(organisation=membership.organisation, programmes=programmes)
        if sees_all
        else {}
    )
    return render(
        request,
        "programmes/list.html",
        {
            "programmes": [(programme, enrolled.get(programme.pk)) for programme in programmes],
            "sees_all": sees_all,
            "can_manage": policy.can(membership, Perm.MANAGE_PROGRAMMES),
        },
    )


@login_required
def programme_create(request: AuthenticatedRequest, org_slug: str) -> HttpResponse:
    membership = policy.enter_organisation(request, org_slug)
    policy.require(membership, Perm.MANAGE_PROGRAMMES)
    form = ProgrammeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            programme = services.programme_create(
                organisation=membership.organisation, data=form.cleaned_data, by=request.user
            )
        except ProgrammeError as error:
            _show_errors(form, error)
        else:
            messages.success(
                request,
                _("%(programme)s is set up. Enrol participants next.") % {"programme": programme},
            )
            return redirect(_detail_url(programme))
    return render(request, "programmes/form.html", {"form": form, "programme": None})


@login_required
def programme_edit(request: AuthenticatedRequest, org_slug: str, pk: int) -> HttpResponse:
    _organisation, programme = _managed_programme(request, org_slug, pk)
    form = ProgrammeForm(request.POST or None, instance=Programme.objects.get(pk=programme.pk))
    if request.method == "POST" and form.is_valid():
        try:
            services.programme_update(programme=programme, data=form.cleaned_data, by=request.user)
        except ProgrammeError as error:
            _show_errors(form, error)
        else:
            messages.success(request, _("The programme is saved."))
            return redirect(_detail_url(programme))
    return render(request, "programmes/form.html", {"form": form, "programme": programme})


def _my_circle(programme: Programme, user) -> object | None:
    return (
        circles_for_user(user=user, organisation=programme.organisation)
        .filter(programme=programme)
        .first()
    )


@login_required
def programme_detail(request: AuthenticatedRequest, org_slug: str, pk: int) -> HttpResponse:
    membership, programme = _programme(request, org_slug, pk)
    participant = selectors.participant_for_user(programme=programme, user=request.user)
    context = {
        "programme": programme,
        "participant": participant,
        "circle": _my_circle(programme, request.user) if participant else None,
        "sees_programme": policy.can(membership, Perm.VIEW_PROGRAMMES),
        "can_manage": policy.can(membership, Perm.MANAGE_PROGRAMMES),
    }
    published = programme.status == ProgrammeStatus.PUBLISHED
    context["published"] = published
    if context["sees_programme"]:
        context["counts"] = selectors.intake_counts(programme=programme)
        if published:
            context["circle_count"] = programme.circles.filter(status=CircleStatus.ACTIVE).count()
            context["waiting_count"] = unplaced_count(programme=programme)
        context["signup_url"] = request.build_absolute_uri(
            reverse("programmes:join", args=[programme.organisation.slug, programme.signup_token])
        )
    return render(request, "programmes/detail.html", context)


# Enrolment ---------------------------------------------------------------------------------------
def _enrol_page(request: HttpRequest, programme: Programme, **forms) -> HttpResponse:
    context = {
        "programme": programme,
        "upload_form": forms.get("upload_form") or UploadForm(),
        "add_form": forms.get("add_form") or AddParticipantForm(),
        "signup_url": request.build_absolute_uri(
            reverse("programmes:join", args=[programme.organisation.slug, programme.signup_token])
        ),
    }
    status = 400 if forms else 200
    return render(request, "programmes/enrol.html", context, status=status)


@login_required
def enrol(request: AuthenticatedRequest, org_slug: str, pk: int) -> HttpResponse:
    """The enrolment page; a POST uploads a CSV and shows its preview (nothing imported yet)."""
    _organisation, programme = _managed_programme(request, org_slug, pk)
    if request.method != "POST":
        return _enrol_page(request, programme)
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _enrol_page(request, programme, upload_form=form)
    upload = services.upload_preview(
        programme=programme,
        data=form.cleaned_data["file"].read(),
        filename=form.cleaned_data["file"].name,
        by=request.user,
    )
    return redirect("programmes:upload", org_slug, programme.pk, upload.pk)


@login_required
def upload(request: AuthenticatedRequest, org_slug: str, pk: int, upload_id: int) -> HttpResponse:
    """The preview of an upload; a POST imports it, all or nothing."""
    _organisation, programme = _managed_programme(request, org_slug, pk)
    pending = selectors.pending_upload(programme=programme, upload_id=upload_id)
    if pending is None:
        raise Http404(_("No such upload waiting for confirmation."))
    if request.method == "POST":
        try:
            participants = services.upload_confirm(upload=pending, by=request.user)
        except (ProgrammeError, SendingLimitReached) as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request,
                ngettext(
                    "%(count)d person enrolled and invited by email.",
                    "%(count)d people enrolled and invited by email.",
                    len(participants),
                )
                % {"count": len(participants)},
            )
            return redirect("programmes:participants", org_slug, programme.pk)
    return render(request, "programmes/upload.html", {"programme": programme, "upload": pending})


@login_required
@require_POST
def participant_add(request: AuthenticatedRequest, org_slug: str, pk: int) -> HttpResponse:
    _organisation, programme = _managed_programme(request, org_slug, pk)
    form = AddParticipantForm(request.POST)
    if form.is_valid():
        try:
            participant = services.participant_add(
                programme=programme, by=request.user, **form.cleaned_data
            )
        except (ProgrammeError, SendingLimitReached) as error:
            _show_errors(form, error)
        else:
            messages.success(
                request,
                _("%(email)s is enrolled and invited by email.") % {"email": participant.email},
            )
            return redirect("programmes:enrol", org_slug, programme.pk)
    return _enrol_page(request, programme, add_form=form)


@login_required
@require_POST
def signup_toggle(request: AuthenticatedRequest, org_slug: str, pk: int) -> HttpResponse:
    _organisation, programme = _managed_programme(request, org_slug, pk)
    services.programme_update(
        programme=programme, data={"signup_open": not programme.signup_open}, by=request.user
    )
    done = (
        _("The sign-up link is open: members with the link can enrol.")
        if programme.signup_open
        else _("The sign-up link is closed.")
    )
    messages.success(request, done)
    return redirect("programmes:enrol", org_slug, programme.pk)


def join(request: HttpRequest, org_slug: str, token: str) -> HttpResponse:
    """The shareable sign-up link: a member of the organisation enrols themselves."""
    programme = get_object_or_404(
        Programme.objects.select_related("organisation"),
        organisation__slug=org_slug,
        signup_token=token,
    )
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    membership = programme.organisation.memberships.filter(user=request.user).first()
    if membership is None:
        # They hold the link, so naming the organisation leaks nothing new; joining it needs
        # an invitation from its admins.
        return render(request, "programmes/join.html", {"programme": programme}, status=403)
    policy.enter_organisation(request, org_slug)
    if not programme.signup_is_open:
        return render(request, "programmes/join.html", {"programme": programme, "closed": True})
    if request.method == "POST":
        try:
            _participant, created = services.participant_join(
                programme=programme, user=request.user
            )
        except ProgrammeError as error:
            messages.error(request, str(error))
        else:
            if created:
                messages.success(
                    request,
                    _("You are enrolled in %(programme)s. Tell us about you.")
                    % {"programme": programme},
                )
            else:
                messages.info(
                    request,
                    _("You are already enrolled in %(programme)s.") % {"programme": programme},
                )
            return redirect("programmes:intake", org_slug, programme.pk)
    return render(request, "programmes/join.html", {"programme": programme, "member": True})


@login_required
def accept(request: AuthenticatedRequest, org_slug: str, pk: int) -> HttpResponse:
    """Where an emailed invitation leads: a page, and a POST that links it to the user.

    Opening the page changes nothing; accepting is a POST (``services.participant_claim``).
    """
    programme = get_object_or_404(
        Programme.objects.select_related("organisation"), pk=pk, organisation__slug=org_slug
    )
    if request.method == "POST":
        participant = services.participant_claim(programme=programme, user=request.user)
    else:
        participant = selectors.participant_claimable(programme=programme, user=request.user)
    if participant is None:
        raise Http404(_("No invitation to this programme for your verified email addresses."))
    if request.method == "POST":
        messages.success(
            request, _("Welcome to %(programme)s. Tell us about you.") % {"programme": programme}
        )
        return redirect("programmes:intake", org_slug, programme.pk)
    return render(
        request, "programmes/welcome.html", {"programme": programme, "participant": participant}
    )


# Intake ------------------------------------------------------------------------------------------
def _intake_thanks(programme: Programme, participant) -> str:
    """What happens next, which depends on whether circles have formed yet."""
    if programme.status != ProgrammeStatus.PUBLISHED:
        return _("Thank you: your intake is complete. You can change it until circles form.")
    if _my_circle(programme, participant.user) is not None:
        return _("Thank you: your answers are saved.")
    return _(
        "Thank you: your intake is complete. Circles have already formed, so the programme's "
        "admins will place you in one with room; we will email you when they do."
    )


@login_required
def intake(request: AuthenticatedRequest, org_slug: str, pk: int) -> HttpResponse:
    membership, programme = _programme(request, org_slug, pk)
    participant = selectors.participant_for_user(programme=programme, user=request.user)
    if participant is None:
        raise Http404(_("You are not enrolled in this programme."))
    initial = intake_initial(
        participant, membership_profile=selectors.membership_profile(membership=membership)
    )
    form = IntakeForm(request.POST or None, programme=programme, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.intake_submit(participant=participant, **form.answers())
        except ProgrammeError as error:
            _show_errors(form, error)
        else:
            messages.success(request, _intake_thanks(programme, participant))
            return redirect(_detail_url(programme))
    return render(
        request,
        "programmes/intake.html",
        {"programme": programme, "participant": participant, "form": form},
    )


@login_required
def participants(request: AuthenticatedRequest, org_slug: str, pk: int) -> HttpResponse:
    """Who is enrolled and who has completed the intake (admins and coaches)."""
    membership, programme = _programme(request, org_slug, pk)
    policy.require(membership, Perm.VIEW_PROGRAMMES)
    show = request.GET.get("show", "all")
    # NUL characters are refused by PostgreSQL; nobody types them on purpose.
    query = search_text(request.GET.get("q", ""))
    department = search_text(request.GET.get("department", ""), most=ATTRIBUTE_VALUE_MAX_LENGTH)
    people = selectors.participants_filtered(
        programme=programme, query=query, intake=show, department=department
    )
    counts = selectors.intake_counts(programme=programme)
    paginator = Paginator(people, PARTICIPANTS_PER_PAGE)
    if not (query or department):
        # Without a search the list holds one of the intake counts: no second count of the
        # programme (a scan of every participant).
        paginator.count = counts[
            {"pending": "pending", "completed": "completed"}.get(show, "enrolled")
        ]
    page = paginator.get_page(request.GET.get("page"))
    sources = dict(Source.choices)  # once per page: get_source_display scans them per row
    for person in page:
        person.source_label = sources.get(person.source, person.source)  # type: ignore[attr-defined]
    filters = {"q": query, "show": "" if show == "all" else show, "department": department}
    return render(
        request,
        "programmes/participants.html",
        {
            "programme": programme,
            "page": page,
            "show": show,
            "query": query,
            "department": department,
            "departments": selectors.participant_departments(programme=programme),
            "filters": urlencode({key: value for key, value in filters.items() if value}),
            "counts": counts,
            "can_manage": policy.can(membership, Perm.MANAGE_PROGRAMMES),
        },
    )


@login_required
@require_POST
def remind(request: AuthenticatedRequest, org_slug: str, pk: int) -> HttpResponse:
    _organisation, programme = _managed_programme(request, org_slug, pk)
    try:
        count = services.participants_remind(programme=programme, by=request.user)
    except (ProgrammeError, SendingLimitReached) as error:
        messages.warning(request, str(error))
    else:
        messages.success(
            request,
            ngettext(
                "Reminded %(count)d person by email.", "Reminded %(count)d people by email.", count
            )
            % {"count": count},
        )
    return redirect("programmes:participants", org_slug, programme.pk)
