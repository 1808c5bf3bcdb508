"""Pages about circles: mine, one circle, finding and starting self-organised circles.

Every view resolves the organisation through :func:`policy.enter_organisation` (outsiders get
404) and the circle through :func:`policy.circle_for` (circles the member may not see are 404;
with ``manage``, visible but not theirs to change: 403).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from circlewise import policy
from circlewise.circles import selectors, services
from circlewise.circles.errors import CircleError
from circlewise.circles.forms import CircleForm, FindCirclesForm, JoinRequestForm
from circlewise.circles.models import Circle, CircleMember, CircleStatus, JoinRequest
from circlewise.contracts import selectors as contract_selectors
from circlewise.core.http import AuthenticatedRequest
from circlewise.core.mail import absolute_url
from circlewise.meetings.selectors import next_session
from circlewise.policy import Perm


@login_required
def mine(request: AuthenticatedRequest, org_slug: str) -> HttpResponse:
    membership = policy.enter_organisation(request, org_slug)
    organisation = membership.organisation
    context = {
        "circles": selectors.circles_for_user(user=request.user, organisation=organisation),
        "closed": selectors.closed_circles_for_user(user=request.user, organisation=organisation),
        "can_start": policy.can(membership, Perm.START_CIRCLE),
    }
    return render(request, "circles/mine.html", context)


@login_required
def detail(request: AuthenticatedRequest, org_slug: str, circle_id: int) -> HttpResponse:
    """The circle home: who is in it, the next session, the contract, the rotation; what is the
    circle's alone (emails, contract, rotation) only for its members, host and coach."""
    membership = policy.enter_organisation(request, org_slug)
    circle = policy.circle_for(membership, circle_id)
    history = selectors.circle_history(circle=circle)
    active = [seat for seat in history if seat.left_at is None]
    seats = selectors.circle_seats(circle=circle, members=active)
    members = [seat.member for seat in seats if seat.member is not None]
    # As lists prefetch them (circles.selectors): the policy checks below read them instead of
    # asking the database again.
    circle.active = members  # type: ignore[attr-defined]
    manages = policy.can_manage_circle(membership, circle)
    is_member = any(m.user_id == request.user.pk for m in members)
    private = policy.can_see_circle_private(membership, circle)
    context: dict[str, Any] = {
        "circle": circle,
        "programme": circle.programme,
        "seats": seats,
        "members": members,
        "manages": manages,
        "is_member": is_member,
        "is_host": policy.can_host_circle(membership, circle),
        "private": private,
        "sees_sessions": policy.can_see_sessions(membership, circle),
        "below_minimum": circle.programme is not None and len(members) < circle.programme.min_size,
    }
    # One read of the sessions serves the next session and the rotation.
    shown = context["sees_sessions"] or private
    sessions = selectors.circle_sessions(circle=circle) if shown else []
    if context["sees_sessions"]:
        context["next_session"] = next_session(circle=circle, sessions=sessions)
    if private:
        status = contract_selectors.contract_status(circle=circle, members=active)
        context["status"] = status
        context["i_accepted"] = any(m.user_id == request.user.pk for m, _ in status.accepted)
        context["rotation"] = rotation = selectors.circle_rotation(
            circle=circle, history=history, sessions=sessions
        )
        if context.get("next_session"):
            context["next_coachees"] = rotation.coachees(context["next_session"].pk)
        context["emails"] = ", ".join(seat.email for seat in seats)
    if manages:
        context["requests"] = selectors.pending_requests(circle=circle)
        context["merges"] = circle.merge_targets.all() if context["below_minimum"] else []
        if circle.programme_id is None:
            context["invite_url"] = absolute_url(
                reverse("circles:join", args=[org_slug, circle.pk, circle.invite_token])
            )
    elif circle.is_listed and not is_member and circle.programme_id is None:
        context["request_form"] = JoinRequestForm()
        context["pending"] = (
            selectors.pending_requests(circle=circle).filter(user=request.user).exists()
        )
    return render(request, "circles/detail.html", context)


@login_required
def find(request: AuthenticatedRequest, org_slug: str) -> HttpResponse:
    membership = policy.enter_organisation(request, org_slug)
    policy.require(membership, Perm.VIEW_ORGANISATION)
    form = FindCirclesForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    circles = selectors.listed_circles(
        organisation=membership.organisation,
        query=filters.get("q", ""),
        language=filters.get("language", ""),
        time_zone=filters.get("time_zone", ""),
    )
    return render(request, "circles/find.html", {"form": form, "circles": circles})


@login_required
def start(request: AuthenticatedRequest, org_slug: str) -> HttpResponse:
    membership = policy.enter_organisation(request, org_slug)
    policy.require(membership, Perm.START_CIRCLE)
    form = CircleForm(request.POST or None, initial={"time_zone": request.user.time_zone})
    if request.method == "POST" and form.is_valid():
        circle = services.circle_start(
            organisation=membership.organisation, by=request.user, **form.cleaned_data
        )
        messages.success(
            request,
            _("%(circle)s has started. Invite people with its link.") % {"circle": circle.name},
        )
        return redirect("circles:detail", org_slug, circle.pk)
    return render(request, "circles/form.html", {"form": form, "title": _("Start a circle")})


@login_required
def edit(request: AuthenticatedRequest, org_slug: str, circle_id: int) -> HttpResponse:
    membership = policy.enter_organisation(request, org_slug)
    circle = policy.circle_for(membership, circle_id, manage=True)
    if circle.programme_id is not None:
        raise PermissionDenied(_("Programme circles are changed from the programme's pages."))
    form = CircleForm(request.POST or None, instance=Circle.objects.get(pk=circle.pk))
    if request.method == "POST" and form.is_valid():
        try:
            services.circle_update(circle=circle, by=request.user, **form.cleaned_data)
        except CircleError as error:
            form.add_error("max_size", error.message)
        else:
            messages.success(request, _("Circle details saved."))
            return redirect("circles:detail", org_slug, circle.pk)
    context = {
        "form": form,
        "title": _("Edit %(circle)s") % {"circle": circle.name},
        "circle": circle,
    }
    return render(request, "circles/form.html", context)


@login_required
def join(request: AuthenticatedRequest, org_slug: str, circle_id: int, token: str) -> HttpResponse:
    """The invitation link: shows the circle (not its members) and a button to join."""
    membership = policy.enter_organisation(request, org_slug)
    circle = get_object_or_404(
        Circle, pk=circle_id, organisation=membership.organisation, programme__isnull=True
    )
    if token != circle.invite_token:
        raise Http404(_("No such invitation."))
    if not circle.invite_link_is_live:
        return render(request, "circles/join.html", {"circle": circle, "expired": True}, status=410)
    if request.method == "POST":
        try:
            services.circle_join_by_link(circle=circle, token=token, user=request.user)
        except CircleError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Welcome to %(circle)s.") % {"circle": circle.name})
            return redirect("circles:detail", org_slug, circle.pk)
    return render(request, "circles/join.html", {"circle": circle, "token": token})


@login_required
@require_POST
def request_to_join(request: AuthenticatedRequest, org_slug: str, circle_id: int) -> HttpResponse:
    membership = policy.enter_organisation(request, org_slug)
    circle = policy.circle_for(membership, circle_id)
    form = JoinRequestForm(request.POST)
    if form.is_valid():
        try:
            services.join_request_create(
                circle=circle, user=request.user, message=form.cleaned_data["message"]
            )
        except CircleError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Your request was sent to the host."))
    return redirect("circles:detail", org_slug, circle.pk)


@login_required
@require_POST
def decide_request(
    request: AuthenticatedRequest, org_slug: str, circle_id: int, request_id: int
) -> HttpResponse:
    membership = policy.enter_organisation(request, org_slug)
    circle = policy.circle_for(membership, circle_id, manage=True)
    join_request = get_object_or_404(JoinRequest, pk=request_id, circle=circle)
    approve = request.POST.get("decision") == "approve"
    try:
        services.join_request_decide(join_request=join_request, approve=approve, by=request.user)
    except CircleError as error:
        messages.error(request, error.message)
    else:
        done = (
            _("Request from %(user)s approved.")
            if approve
            else _("Request from %(user)s declined.")
        )
        messages.success(request, done % {"user": join_request.user})
    return redirect("circles:detail", org_slug, circle.pk)


@login_required
@require_POST
def remove_member(
    request: AuthenticatedRequest, org_slug: str, circle_id: int, member_id: int
) -> HttpResponse:
    membership = policy.enter_organisation(request, org_slug)
    circle = policy.circle_for(membership, circle_id, manage=True)
    member = get_object_or_404(CircleMember, pk=member_id, circle=circle)
    try:
        services.circle_member_remove(member=member, by=request.user)
    except CircleError as error:
        messages.error(request, error.message)
    else:
        name = selectors.member_name(member=member)
        messages.success(
            request,
            _("%(name)s left %(circle)s; the others were told.")
            % {"name": name, "circle": circle.name},
        )
    return redirect("circles:detail", org_slug, circle.pk)


@login_required
@require_POST
def reset_link(request: AuthenticatedRequest, org_slug: str, circle_id: int) -> HttpResponse:
    membership = policy.enter_organisation(request, org_slug)
    circle = policy.circle_for(membership, circle_id, manage=True)
    try:
        services.circle_invite_reset(circle=circle, by=request.user)
    except CircleError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, _("The circle has a new invitation link; the old one no longer works.")
        )
    return redirect("circles:detail", org_slug, circle.pk)


@login_required
def leave(request: AuthenticatedRequest, org_slug: str, circle_id: int) -> HttpResponse:
    """GET asks for confirmation (a page, so it works without JavaScript); POST leaves."""
    membership = policy.enter_organisation(request, org_slug)
    circle = policy.circle_for(membership, circle_id)
    if request.method != "POST":
        members = list(
            selectors.active_members(circle=circle).select_related("user", "participant")
        )
        others = [member for member in members if member.user_id != request.user.pk]
        if len(others) == len(members):
            messages.error(request, _("You are not in this circle."))
            return redirect("circles:detail", org_slug, circle.pk)
        return render(request, "circles/leave.html", {"circle": circle, "others": others})
    try:
        services.circle_leave(circle=circle, user=request.user)
    except CircleError as error:
        messages.error(request, error.message)
        return redirect("circles:detail", org_slug, circle.pk)
    messages.success(request, _("You left %(circle)s.") % {"circle": circle.name})
    return redirect("circles:mine", org_slug)


@login_required
@require_POST
def hand_over(request: AuthenticatedRequest, org_slug: str, circle_id: int) -> HttpResponse:
    """The host hands the host role to another member."""
    membership = policy.enter_organisation(request, org_slug)
    circle = policy.circle_for(membership, circle_id)
    if not policy.can_host_circle(membership, circle):
        raise PermissionDenied(_("Only the host can hand the host role over."))
    to = CircleMember.objects.filter(
        pk=request.POST.get("member") or 0, circle=circle, left_at__isnull=True
    ).first()
    if to is None:
        messages.error(request, _("Choose a member of this circle."))
        return redirect("circles:detail", org_slug, circle.pk)
    try:
        services.circle_host_hand_over(circle=circle, to=to, by=request.user)
    except CircleError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("%(member)s is now the host.") % {"member": selectors.member_name(member=to)},
        )
    return redirect("circles:detail", org_slug, circle.pk)


@login_required
def close(request: AuthenticatedRequest, org_slug: str, circle_id: int) -> HttpResponse:
    """Close a self-organised circle, after a confirmation page that says what will happen."""
    membership = policy.enter_organisation(request, org_slug)
    circle = policy.circle_for(membership, circle_id)
    if circle.programme_id is not None or not policy.can_host_circle(membership, circle):
        raise PermissionDenied(_("Only the host closes a self-organised circle."))
    if circle.status == CircleStatus.CLOSED:
        messages.info(request, _("%(circle)s is already closed.") % {"circle": circle.name})
        return redirect("circles:detail", org_slug, circle.pk)
    if request.method == "POST":
        try:
            services.circle_close(circle=circle, by=request.user)
        except CircleError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request,
                _("%(circle)s is closed; its members are being told.") % {"circle": circle.name},
            )
        return redirect("circles:detail", org_slug, circle.pk)
    count = len(selectors.active_members(circle=circle))
    return render(request, "circles/close.html", {"circle": circle, "count": count})


@login_required
@require_POST
def rotation(request: AuthenticatedRequest, org_slug: str, circle_id: int) -> HttpResponse:
    """One or two coachees per session: the circle's members, host or coach choose."""
    membership = policy.enter_organisation(request, org_slug)
    circle = policy.circle_for(membership, circle_id)
    if not policy.can_see_circle_private(membership, circle):
        raise Http404(_("No such circle."))
    raw = request.POST.get("coachees_per_session", "")
    try:
        services.circle_rotation_set(
            circle=circle, per_session=int(raw) if raw.isdigit() else 0, by=request.user
        )
    except CircleError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The rotation is re-planned."))
    return redirect("circles:detail", org_slug, circle.pk)
