"""Organisation pages: dashboard, members and roles, invitations.

Every view inside an organisation starts with ``policy.enter_organisation`` (404 for outsiders)
and, where the role matters, ``policy.require`` (403).
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from circlewise import policy
from circlewise.core.errors import ServiceError
from circlewise.core.http import AuthenticatedRequest
from circlewise.core.text import search_text
from circlewise.insights.selectors import open_outcome_surveys
from circlewise.organisations import selectors, services
from circlewise.organisations.forms import InvitationForm, OrganisationForm, RoleForm
from circlewise.organisations.models import Invitation, Membership
from circlewise.policy import Perm

MEMBERS_PER_PAGE = 50
ACTIVITY_PER_PAGE = 50


@login_required
def organisation_list(request: AuthenticatedRequest) -> HttpResponse:
    memberships = selectors.memberships_of(user=request.user)
    return render(request, "organisations/list.html", {"memberships": memberships})


@login_required
def organisation_create(request: AuthenticatedRequest) -> HttpResponse:
    form = OrganisationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            organisation = services.organisation_create(
                name=form.cleaned_data["name"], by=request.user
            )
        except ServiceError as error:
            form.add_error(error.field, error.message)
        else:
            messages.success(
                request,
                _("%(organisation)s is ready. Invite your colleagues next.")
                % {"organisation": organisation},
            )
            return redirect("organisations:dashboard", organisation.slug)
    return render(request, "organisations/create.html", {"form": form})


@login_required
def dashboard(request: AuthenticatedRequest, org_slug: str) -> HttpResponse:
    membership = policy.enter_organisation(request, org_slug)
    context = {
        "membership": membership,
        "can_view_programmes": policy.can(membership, Perm.VIEW_PROGRAMMES),
        "can_manage_programmes": policy.can(membership, Perm.MANAGE_PROGRAMMES),
        "can_view_members": policy.can(membership, Perm.VIEW_MEMBERS),
        "can_manage_members": policy.can(membership, Perm.MANAGE_MEMBERS),
        "can_view_activity": policy.can(membership, Perm.VIEW_ACTIVITY),
        "member_count": selectors.member_count(organisation=membership.organisation),
        "outcomes": open_outcome_surveys(user=request.user, organisation=membership.organisation),
    }
    if context["can_manage_members"]:
        context["pending_count"] = selectors.pending_invitations(
            organisation=membership.organisation
        ).count()
    return render(request, "organisations/dashboard.html", context)


@login_required
def activity(request: AuthenticatedRequest, org_slug: str) -> HttpResponse:
    """The organisation's audit log, newest first (admins)."""
    membership = policy.enter_organisation(request, org_slug)
    policy.require(membership, Perm.VIEW_ACTIVITY)
    entries = selectors.activity_of(organisation=membership.organisation)
    page = Paginator(entries, ACTIVITY_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "organisations/activity.html", {"page": page})


# Members --------------------------------------------------------------------------------------


@login_required
def member_list(request: AuthenticatedRequest, org_slug: str) -> HttpResponse:
    membership = policy.enter_organisation(request, org_slug)
    policy.require(membership, Perm.VIEW_MEMBERS)
    query = search_text(request.GET.get("q", ""))
    members = selectors.members_of(organisation=membership.organisation, query=query)
    page = Paginator(members, MEMBERS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "organisations/members.html",
        {
            "membership": membership,
            "page": page,
            "query": query,
            "filters": urlencode({"q": query}) if query else "",
            "can_manage": policy.can(membership, Perm.MANAGE_MEMBERS),
            "role_form": RoleForm(),
        },
    )


def _member_or_404(membership: Membership, membership_id: int) -> Membership:
    target = selectors.member_in(organisation=membership.organisation, membership_id=membership_id)
    if target is None:
        raise Http404(_("No such member."))
    return target


@login_required
@require_POST
def member_role(request: AuthenticatedRequest, org_slug: str, membership_id: int) -> HttpResponse:
    membership = policy.enter_organisation(request, org_slug)
    policy.require(membership, Perm.MANAGE_MEMBERS)
    target = _member_or_404(membership, membership_id)
    form = RoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose admin, coach or member as the new role."))
    else:
        try:
            target = services.member_change_role(
                membership=target, role=form.cleaned_data["role"], by=request.user
            )
        except ServiceError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request,
                _("%(user)s is now %(role)s.")
                % {"user": target.user, "role": target.get_role_display().lower()},
            )
    return redirect("organisations:members", org_slug)


@login_required
def member_remove(request: AuthenticatedRequest, org_slug: str, membership_id: int) -> HttpResponse:
    """GET asks for confirmation; POST removes."""
    membership = policy.enter_organisation(request, org_slug)
    policy.require(membership, Perm.MANAGE_MEMBERS)
    target = _member_or_404(membership, membership_id)
    if request.method == "POST":
        try:
            services.member_remove(membership=target, by=request.user)
        except ServiceError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request,
                _("%(user)s was removed from %(organisation)s.")
                % {"user": target.user, "organisation": target.organisation},
            )
        return redirect("organisations:members", org_slug)
    return render(request, "organisations/member_remove.html", {"target": target})


# Invitations ----------------------------------------------------------------------------------


@login_required
def invitation_list(request: AuthenticatedRequest, org_slug: str) -> HttpResponse:
    """Pending invitations, and the form to send one."""
    membership = policy.enter_organisation(request, org_slug)
    policy.require(membership, Perm.MANAGE_MEMBERS)
    form = InvitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            invitation = services.invitation_create(
                organisation=membership.organisation,
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
                by=request.user,
            )
        except ServiceError as error:
            form.add_error(error.field, error.message)
        else:
            messages.success(
                request, _("Invitation sent to %(email)s.") % {"email": invitation.email}
            )
            return redirect("organisations:invitations", org_slug)
    pending = selectors.pending_invitations(organisation=membership.organisation)
    return render(
        request,
        "organisations/invitations.html",
        {"form": form, "pending": pending},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def invitation_revoke(
    request: AuthenticatedRequest, org_slug: str, invitation_id: int
) -> HttpResponse:
    membership = policy.enter_organisation(request, org_slug)
    policy.require(membership, Perm.MANAGE_MEMBERS)
    invitation = Invitation.objects.filter(
        organisation=membership.organisation, pk=invitation_id
    ).first()
    if invitation is None:
        raise Http404(_("No such invitation."))
    try:
        services.invitation_revoke(invitation=invitation, by=request.user)
    except ServiceError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, _("The invitation to %(email)s was withdrawn.") % {"email": invitation.email}
        )
    return redirect("organisations:invitations", org_slug)


def invitation_respond(request: HttpRequest, token: str) -> HttpResponse:
    """The page an invitation email links to: accept (logged in as the invitee) or decline.

    Someone not logged in is offered sign-up and log-in links that come back here.
    """
    invitation = selectors.invitation_by_token(token=token)
    if invitation is None:
        return render(request, "organisations/invitation_invalid.html", status=404)
    error = ""
    if request.method == "POST":
        action = request.POST.get("action")
        user = request.user
        if action == "accept" and not user.is_authenticated:
            return redirect(f"{reverse('account_login')}?{urlencode({'next': request.path})}")
        try:
            if action == "accept" and user.is_authenticated:
                services.invitation_accept(invitation=invitation, by=user)
                messages.success(
                    request,
                    _("Welcome to %(organisation)s!") % {"organisation": invitation.organisation},
                )
                return redirect("organisations:dashboard", invitation.organisation.slug)
            if action == "decline":
                services.invitation_decline(invitation=invitation)
                messages.success(
                    request,
                    _("You declined the invitation to %(organisation)s.")
                    % {"organisation": invitation.organisation},
                )
                return redirect("home")
            error = _("Choose whether to accept or decline the invitation.")
        except ServiceError as exc:
            error = exc.message
        invitation.refresh_from_db()
    next_query = urlencode({"next": request.path, "email": invitation.email})
    context = {
        "invitation": invitation,
        "error": error,
        "closed_reason": selectors.invitation_closed_reason(invitation=invitation),
        "signup_url": f"{reverse('account_signup')}?{next_query}",
        "login_url": f"{reverse('account_login')}?{next_query}",
        "wrong_account": (
            request.user.is_authenticated
            and invitation.email.lower() not in policy.verified_emails(request.user)
        ),
    }
    return render(request, "organisations/invitation.html", context, status=400 if error else 200)
