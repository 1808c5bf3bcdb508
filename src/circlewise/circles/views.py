"""Pages about circles: mine, one circle, finding and starting self-organised circles.

Every view resolves the organisation through :func:`policy.enter_organisation` (outsiders get
404) and the circle through :func:`policy.circle_for` (circles the member may not see are 404;
with ``manage``, visible but not theirs to change: 403).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from circlewise import policy
from circlewise.circles import selectors, services
from circlewise.circles.errors import CircleError
from circlewise.circles.forms import CircleForm, FindCirclesForm, JoinRequestForm
from circlewise.circles.models import Circle, CircleMember, JoinRequest
from circlewise.core.mail import absolute_url
from circlewise.policy import Perm


@login_required
def mine(request: HttpRequest, org_slug: str) -> HttpResponse:
    membership = policy.enter_organisation(request, org_slug)
    circles = selectors.circles_for_user(user=request.user, organisation=membership.organisation)
    return render(
        request,
        "circles/mine.html",
        {"circles": circles, "can_start": policy.can(membership, Perm.START_CIRCLE)},
    )


@login_required
def detail(request: HttpRequest, org_slug: str, circle_id: int) -> HttpResponse:
    membership = policy.enter_organisation(request, org_slug)
    circle = policy.circle_for(membership, circle_id)
    members = list(selectors.active_members(circle=circle))
    manages = policy.can_manage_circle(membership, circle)
    is_member = any(m.user_id == request.user.pk for m in members)
    context = {
        "circle": circle,
        "programme": circle.programme,
        "members": members,
        "manages": manages,
        "is_member": is_member,
        "show_emails": policy.can_see_member_emails(membership, circle),
        "sees_sessions": policy.can_see_sessions(membership, circle),
        "below_minimum": circle.programme is not None and len(members) < circle.programme.min_size,
    }
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
def find(request: HttpRequest, org_slug: str) -> HttpResponse:
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
def start(request: HttpRequest, org_slug: str) -> HttpResponse:
    membership = policy.enter_organisation(request, org_slug)
    policy.require(membership, Perm.START_CIRCLE)
    form = CircleForm(request.POST or None, initial={"time_zone": request.user.time_zone})
    if request.method == "POST" and form.is_valid():
        circle = services.circle_start(
            organisation=membership.organisation, by=request.user, **form.cleaned_data
        )
        messages.success(request, f"{circle.name} has started. Invite people with its link.")
        return redirect("circles:detail", org_slug, circle.pk)
    return render(request, "circles/form.html", {"form": form, "title": "Start a circle"})


@login_required
def edit(request: HttpRequest, org_slug: str, circle_id: int) -> HttpResponse:
    membership = policy.enter_organisation(request, org_slug)
    circle = policy.circle_for(membership, circle_id, manage=True)
    if circle.programme_id is not None:
        raise PermissionDenied("Programme circles are changed from the programme's pages.")
    form = CircleForm(request.POST or None, instance=Circle.objects.get(pk=circle.pk))
    if request.method == "POST" and form.is_valid():
        try:
            services.circle_update(circle=circle, by=request.user, **form.cleaned_data)
        except CircleError as error:
            form.add_error("max_size", error.message)
        else:
            messages.success(request, "Circle details saved.")
            return redirect("circles:detail", org_slug, circle.pk)
    context = {"form": form, "title": f"Edit {circle.name}", "circle": circle}
    return render(request, "circles/form.html", context)


@login_required
def join(request: HttpRequest, org_slug: str, circle_id: int, token: str) -> HttpResponse:
    """The invitation link: shows the circle (not its members) and a button to join."""
    membership = policy.enter_organisation(request, org_slug)
    circle = get_object_or_404(
        Circle, pk=circle_id, organisation=membership.organisation, programme__isnull=True
    )
    if token != circle.invite_token:
        raise Http404("No such invitation.")
    if not circle.invite_link_is_live:
        return render(request, "circles/join.html", {"circle": circle, "expired": True}, status=410)
    if request.method == "POST":
        try:
            services.circle_join_by_link(circle=circle, token=token, user=request.user)
        except CircleError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, f"Welcome to {circle.name}.")
            return redirect("circles:detail", org_slug, circle.pk)
    return render(request, "circles/join.html", {"circle": circle, "token": token})


@login_required
@require_POST
def request_to_join(request: HttpRequest, org_slug: str, circle_id: int) -> HttpResponse:
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
            messages.success(request, "Your request was sent to the host.")
    return redirect("circles:detail", org_slug, circle.pk)


@login_required
@require_POST
def decide_request(
    request: HttpRequest, org_slug: str, circle_id: int, request_id: int
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
        verb = "approved" if approve else "declined"
        messages.success(request, f"Request from {join_request.user} {verb}.")
    return redirect("circles:detail", org_slug, circle.pk)


@login_required
@require_POST
def remove_member(
    request: HttpRequest, org_slug: str, circle_id: int, member_id: int
) -> HttpResponse:
    membership = policy.enter_organisation(request, org_slug)
    circle = policy.circle_for(membership, circle_id, manage=True)
    member = get_object_or_404(CircleMember, pk=member_id, circle=circle)
    try:
        services.circle_member_remove(member=member, by=request.user)
    except CircleError as error:
        messages.error(request, error.message)
    else:
        name = (member.user and member.user.name) or (
            member.participant and member.participant.name
        )
        messages.success(request, f"{name or 'They'} left {circle.name}; the others were told.")
    return redirect("circles:detail", org_slug, circle.pk)


@login_required
@require_POST
def reset_link(request: HttpRequest, org_slug: str, circle_id: int) -> HttpResponse:
    membership = policy.enter_organisation(request, org_slug)
    circle = policy.circle_for(membership, circle_id, manage=True)
    try:
        services.circle_invite_reset(circle=circle, by=request.user)
    except CircleError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, "The circle has a new invitation link; the old one no longer works."
        )
    return redirect("circles:detail", org_slug, circle.pk)


@login_required
@require_POST
def leave(request: HttpRequest, org_slug: str, circle_id: int) -> HttpResponse:
    membership = policy.enter_organisation(request, org_slug)
    circle = policy.circle_for(membership, circle_id)
    try:
        services.circle_leave(circle=circle, user=request.user)
    except CircleError as error:
        messages.error(request, error.message)
        return redirect("circles:detail", org_slug, circle.pk)
    messages.success(request, f"You left {circle.name}.")
    return redirect("circles:mine", org_slug)
