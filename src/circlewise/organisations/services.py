"""Changes to organisations, their members and invitations.

Every function checks its rules before it writes and raises an ``OrganisationError`` with a
message for the user when one is broken, so a refused change leaves nothing behind.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta

from allauth.account.models import EmailAddress
from django.db import transaction
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import slugify
from django.utils.translation import gettext as _

from circlewise import policy
from circlewise.accounts.models import User
from circlewise.core.errors import SendingLimitReached, ServiceError
from circlewise.core.kept import forget
from circlewise.core.mail import absolute_url, send_templated
from circlewise.organisations import selectors
from circlewise.organisations.models import (
    Activity,
    Invitation,
    InvitationStatus,
    Membership,
    Organisation,
    Role,
)

__all__ = [
    "RESERVED_SLUGS",
    "InvitationError",
    "MembershipError",
    "OrganisationError",
    "SendingLimitReached",
    "activity_record",
    "invitation_accept",
    "invitation_create",
    "invitation_decline",
    "invitation_revoke",
    "member_change_role",
    "member_remove",
    "members_changed",
    "organisation_create",
]

# Paths under /o/ that are not organisations.
RESERVED_SLUGS = frozenset({"new", "invitations"})


class OrganisationError(ServiceError):
    pass


class MembershipError(OrganisationError):
    pass


class InvitationError(OrganisationError):
    pass


# The kept member count ---------------------------------------------------------------------------


def members_changed(*, organisation_ids: Iterable[int]) -> None:
    """Forget the kept member counts of these organisations (``selectors.member_count``):
    every service that adds or removes a member calls it."""
    forget(selectors.member_count_key(organisation_id=pk) for pk in organisation_ids)


# Activity (the audit log) and the sending limit -----------------------------------------------


def activity_record(
    *, organisation: Organisation, by: User | None, action: str, summary: str, recipients: int = 0
) -> Activity:
    """Write who did what to the organisation's activity log.

    ``recipients`` is how many emails the action sends: they count against the organisation's
    hourly allowance (``policy.mail_allowance``), and an action that would go over it is refused
    with SendingLimitReached before anything is sent. Call it inside the action's transaction, so
    a refused send undoes the action too. The organisation's row is locked while counting, so two
    uploads at once cannot both squeeze under the limit.
    """
    if recipients:
        locked = Organisation.objects.select_for_update().get(pk=organisation.pk)
        allowance = policy.mail_allowance(locked)
        since = timezone.now() - timedelta(hours=1)
        sent = (
            Activity.objects.filter(organisation=locked, created_at__gte=since).aggregate(
                total=Sum("recipients")
            )["total"]
            or 0
        )
        if sent + recipients > allowance:
            left = max(allowance - sent, 0)
            young = timezone.now() - locked.created_at < policy.NEW_ORGANISATION_AGE
            reason = (
                _(
                    "While %(organisation)s is new (its first %(days)s days) it can send "
                    "%(allowance)s emails an hour"
                )
                % {
                    "organisation": organisation,
                    "days": policy.NEW_ORGANISATION_AGE.days,
                    "allowance": allowance,
                }
                if young
                else _("%(organisation)s can send %(allowance)s emails an hour")
                % {"organisation": organisation, "allowance": allowance}
            )
            raise SendingLimitReached(
                _(
                    "%(reason)s; %(left)s are left this hour and this would send "
                    "%(recipients)s. Nothing was sent or saved: send to fewer people, or "
                    "try again in an hour."
                )
                % {"reason": reason, "left": left, "recipients": recipients}
            )
    return Activity.objects.create(
        organisation=organisation,
        actor=by,
        action=action,
        summary=summary[:300],
        recipients=recipients,
    )


def _unique_slug(name: str) -> str:
    base = slugify(name)[:120] or "organisation"
    slug, n = base, 1
    while slug in RESERVED_SLUGS or Organisation.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


@transaction.atomic
def organisation_create(*, name: str, by: User) -> Organisation:
    """Create an organisation with its creator as the first admin."""
    name = name.strip()
    if not name:
        raise OrganisationError(_("Give the organisation a name."), field="name")
    if by.email.lower() not in policy.verified_emails(by):
        # An organisation can email people; its creator must at least own their address.
        raise OrganisationError(
            _(
                "Confirm your email address %(by_email)s first (we sent you a link "
                "when you signed up; your account page can send it again), then create "
                "the organisation."
            )
            % {"by_email": by.email}
        )
    organisation = Organisation.objects.create(name=name, slug=_unique_slug(name))
    Membership.objects.create(organisation=organisation, user=by, role=Role.ADMIN)
    members_changed(organisation_ids=[organisation.pk])
    activity_record(
        organisation=organisation, by=by, action="organisation.create", summary=f"Created {name}."
    )
    return organisation


# Members --------------------------------------------------------------------------------------


def _is_last_admin(membership: Membership) -> bool:
    return (
        membership.role == Role.ADMIN
        and not Membership.objects.filter(
            organisation_id=membership.organisation_id, role=Role.ADMIN
        )
        .exclude(pk=membership.pk)
        .exists()
    )


@transaction.atomic
def member_change_role(*, membership: Membership, role: str, by: User) -> Membership:
    """Give a member another role; an organisation always keeps at least one admin."""
    if role not in Role.values:
        raise MembershipError(
            _("“%(role)s” is not a role. Choose admin, coach or member.") % {"role": role}
        )
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    if membership.role == role:
        return membership
    if _is_last_admin(membership):
        raise MembershipError(
            _("%(user)s is the only admin of %(organisation)s. Make someone else an admin first.")
            % {"user": membership.user, "organisation": membership.organisation}
        )
    old_role = membership.get_role_display()
    membership.role = role
    membership.save(update_fields=["role"])
    activity_record(
        organisation=membership.organisation,
        by=by,
        action="member.role",
        summary=f"Changed {membership.user} from {old_role} to {membership.get_role_display()}.",
    )
    return membership


@transaction.atomic
def member_remove(*, membership: Membership, by: User) -> None:
    """Remove someone from the organisation (not the last admin), for good.

    Their enrolments in the organisation's programmes end (marked left, so no link or welcome
    page can claim them back) and they leave every circle of the organisation, whose members are
    told as when someone leaves. Only a new invitation from an admin brings them back.
    """
    from circlewise.circles.services import member_circles_end
    from circlewise.programmes.services import participations_end

    membership = (
        Membership.objects.select_for_update()
        .select_related("organisation", "user")
        .get(pk=membership.pk)
    )
    if _is_last_admin(membership):
        raise MembershipError(
            _(
                "%(user)s is the only admin of %(organisation)s and cannot be removed. "
                "Make someone else an admin first."
            )
            % {"user": membership.user, "organisation": membership.organisation}
        )
    organisation, user = membership.organisation, membership.user
    participations_end(organisation=organisation, user=user)
    member_circles_end(organisation=organisation, user=user, by=by)
    membership.delete()
    members_changed(organisation_ids=[organisation.pk])
    activity_record(
        organisation=organisation, by=by, action="member.remove", summary=f"Removed {user}."
    )


# Invitations ----------------------------------------------------------------------------------


def invitation_create(
    *, organisation: Organisation, email: str, role: str = Role.MEMBER, by: User
) -> Invitation:
    """Invite someone by email and send them the link.

    An expired pending invitation to the same address is replaced; a live one is refused, as
    is inviting someone who is already a member.
    """
    email = email.strip().lower()
    if role not in Role.values:
        raise InvitationError(
            _("“%(role)s” is not a role. Choose admin, coach or member.") % {"role": role},
            field="role",
        )
    with transaction.atomic():
        if Membership.objects.filter(organisation=organisation, user__email__iexact=email).exists():
            raise InvitationError(
                _("%(email)s is already a member of %(organisation)s.")
                % {"email": email, "organisation": organisation},
                field="email",
            )
        pending = (
            Invitation.objects.select_for_update()
            .filter(organisation=organisation, email=email, status=InvitationStatus.PENDING)
            .first()
        )
        if pending is not None:
            if not pending.is_expired:
                raise InvitationError(
                    _(
                        "%(email)s already has a pending invitation, sent %(date)s. "
                        "Revoke it first to send a new one."
                    )
                    % {"email": email, "date": date_format(pending.created_at, "j M Y")},
                    field="email",
                )
            pending.status = InvitationStatus.REVOKED
            pending.responded_at = timezone.now()
            pending.save(update_fields=["status", "responded_at"])
        invitation = Invitation.objects.create(
            organisation=organisation, email=email, role=role, invited_by=by
        )
        activity_record(
            organisation=organisation,
            by=by,
            action="invitation.create",
            summary=f"Invited {email} as {invitation.get_role_display().lower()}.",
            recipients=1,
        )
    send_templated(
        template="invitation",
        to=[email],
        context={
            "invitation": invitation,
            "organisation": organisation,
            "invited_by": by,
            "url": absolute_url(reverse("organisations:invitation", args=[invitation.token])),
        },
    )
    return invitation


def _ensure_open(invitation: Invitation) -> None:
    reason = selectors.invitation_closed_reason(invitation=invitation)
    if reason:
        raise InvitationError(reason)


def _locked(invitation: Invitation) -> Invitation:
    return (
        Invitation.objects.select_for_update().select_related("organisation").get(pk=invitation.pk)
    )


@transaction.atomic
def invitation_accept(*, invitation: Invitation, by: User) -> Membership:
    """Join the organisation with the invited role.

    Only the account that owns the invited address, verified, may accept: the link alone is not
    enough, so a forwarded email cannot give someone else a place.
    """
    invitation = _locked(invitation)
    _ensure_open(invitation)
    owns_address = EmailAddress.objects.filter(
        user=by, email__iexact=invitation.email, verified=True
    ).exists()
    if not owns_address:
        raise InvitationError(
            _(
                "This invitation is for %(email)s, but you are logged in as "
                "%(by_email)s. Log out and log in as %(email)s (or add and "
                "verify that address in your account) to accept it."
            )
            % {"email": invitation.email, "by_email": by.email}
        )
    if Membership.objects.filter(organisation=invitation.organisation, user=by).exists():
        raise InvitationError(
            _("You are already a member of %(organisation)s.")
            % {"organisation": invitation.organisation}
        )
    membership = Membership.objects.create(
        organisation=invitation.organisation, user=by, role=invitation.role
    )
    members_changed(organisation_ids=[invitation.organisation_id])
    invitation.status = InvitationStatus.ACCEPTED
    invitation.responded_at = timezone.now()
    invitation.save(update_fields=["status", "responded_at"])
    activity_record(
        organisation=invitation.organisation,
        by=by,
        action="invitation.accept",
        summary=f"{by} joined as {invitation.get_role_display().lower()}.",
    )
    return membership


@transaction.atomic
def invitation_decline(*, invitation: Invitation) -> Invitation:
    """Turn the invitation down. Holding the emailed link is enough: no account is needed."""
    invitation = _locked(invitation)
    _ensure_open(invitation)
    invitation.status = InvitationStatus.DECLINED
    invitation.responded_at = timezone.now()
    invitation.save(update_fields=["status", "responded_at"])
    return invitation


@transaction.atomic
def invitation_revoke(*, invitation: Invitation, by: User) -> Invitation:
    """Withdraw a pending invitation so its link stops working."""
    invitation = _locked(invitation)
    if invitation.status != InvitationStatus.PENDING:
        raise InvitationError(
            _("The invitation to %(email)s is already %(status)s.")
            % {
                "email": invitation.email,
                "status": invitation.get_status_display().lower(),
            }
        )
    invitation.status = InvitationStatus.REVOKED
    invitation.responded_at = timezone.now()
    invitation.save(update_fields=["status", "responded_at"])
    activity_record(
        organisation=invitation.organisation,
        by=by,
        action="invitation.revoke",
        summary=f"Revoked the invitation to {invitation.email}.",
    )
    return invitation
