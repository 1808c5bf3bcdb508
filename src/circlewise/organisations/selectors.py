"""Reads about organisations, members and invitations."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from circlewise.accounts.models import User
from circlewise.core.kept import kept
from circlewise.core.rows import one_or_none
from circlewise.organisations.models import (
    Activity,
    Invitation,
    InvitationStatus,
    Membership,
    Organisation,
)

__all__ = [
    "activity_of",
    "invitation_by_token",
    "invitation_closed_reason",
    "member_count",
    "member_count_key",
    "member_in",
    "members_of",
    "memberships_of",
    "pending_invitations",
]


def activity_of(*, organisation: Organisation) -> QuerySet[Activity]:
    """The organisation's activity log, newest first, with who did each thing."""
    return Activity.objects.filter(organisation=organisation).select_related("actor")


def member_count_key(*, organisation_id: int) -> str:
    """The cache key of :func:`member_count`."""
    return f"organisation-members:{organisation_id}"


def member_count(*, organisation: Organisation) -> int:
    """How many people belong to the organisation: every member's dashboard says so. Kept
    (``circlewise.core.kept``); ``services.members_changed`` forgets it."""
    return kept(
        key=member_count_key(organisation_id=organisation.pk),
        compute=organisation.memberships.count,
    )


def memberships_of(*, user: User) -> QuerySet[Membership]:
    """The organisations a person belongs to, by name."""
    return (
        Membership.objects.filter(user=user)
        .select_related("organisation")
        .order_by("organisation__name")
    )


def members_of(*, organisation: Organisation, query: str = "") -> QuerySet[Membership]:
    """An organisation's members, optionally filtered by name, email or department."""
    members = Membership.objects.filter(organisation=organisation).select_related(
        "user", "manager__user"
    )
    query = query.strip()
    if query:
        members = members.filter(
            Q(user__name__icontains=query)
            | Q(user__email__icontains=query)
            | Q(department__icontains=query)
        )
    return members.order_by("user__name", "user__email")


def member_in(*, organisation: Organisation, membership_id: int) -> Membership | None:
    return one_or_none(
        Membership.objects.select_related("user"), organisation=organisation, pk=membership_id
    )


def pending_invitations(*, organisation: Organisation) -> QuerySet[Invitation]:
    return Invitation.objects.filter(
        organisation=organisation, status=InvitationStatus.PENDING
    ).select_related("invited_by")


def invitation_by_token(*, token: str) -> Invitation | None:
    return one_or_none(Invitation.objects.select_related("organisation"), token=token)


def invitation_closed_reason(*, invitation: Invitation) -> str:
    """Why the invitation can no longer be answered, in the invitee's words; "" if it can."""
    if invitation.status == InvitationStatus.ACCEPTED:
        return _("This invitation has already been accepted; the link works once.")
    if invitation.status == InvitationStatus.DECLINED:
        return _("This invitation was declined; ask an admin of the organisation for a new one.")
    if invitation.status == InvitationStatus.REVOKED:
        return _("This invitation was withdrawn by an admin of the organisation.")
    if invitation.is_expired:
        return _(
            "This invitation expired on %(date)s; "
            "ask an admin of the organisation to invite you again."
        ) % {"date": date_format(invitation.expires_at, "j M Y")}
    return ""
