"""This app's part of "Your data": organisation memberships, invitations sent, activity."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import F, Q, Value
from django.db.models.functions import Replace

from circlewise import policy
from circlewise.accounts.personal_data import Section, rows
from circlewise.organisations.models import Activity, Invitation, Membership
from circlewise.organisations.services import members_changed

if TYPE_CHECKING:
    from circlewise.accounts.models import User

FORMER = "a former member"  # in the audit log's text, which is stored (so not translated)


def _about(user: User) -> Q:
    """Activity rows by the person or naming their address (e.g. "Took … out of …")."""
    return Q(actor=user) | Q(summary__icontains=user.email)


def export(*, user: User) -> dict[str, Any]:
    organisations = Membership.objects.filter(user=user).values("organisation_id")
    return {
        "memberships": rows(
            Membership.objects.filter(user=user).order_by("joined_at"),
            "role",
            "job_title",
            "department",
            "level",
            "location",
            "joined_at",
            organisation_name=F("organisation__name"),
            manager_name=F("manager__user__name"),
        ),
        "invitations_received": rows(
            Invitation.objects.filter(email__in=policy.verified_emails(user)).order_by(
                "created_at"
            ),
            "email",
            "role",
            "status",
            "created_at",
            organisation_name=F("organisation__name"),
        ),
        "invitations_sent": rows(
            Invitation.objects.filter(invited_by=user).order_by("created_at"),
            "email",
            "role",
            "status",
            "created_at",
            organisation_name=F("organisation__name"),
        ),
        "activity": rows(
            Activity.objects.filter(_about(user), organisation_id__in=organisations).order_by(
                "created_at"
            ),
            "action",
            "summary",
            "created_at",
            organisation_name=F("organisation__name"),
        ),
    }


def erase(*, user: User, emails: frozenset[str]) -> None:
    """Memberships go (the person is in no organisation any more), and so do the invitations to
    their addresses; the audit log keeps its entries, without the person: no actor, and "a
    former member" where it quoted their address."""
    memberships = Membership.objects.filter(user=user)
    organisation_ids = list(memberships.values_list("organisation_id", flat=True))
    memberships.delete()
    members_changed(organisation_ids=organisation_ids)
    Invitation.objects.filter(email__in=emails).delete()
    Invitation.objects.filter(invited_by=user).update(invited_by=None)
    Activity.objects.filter(actor=user).update(actor=None)
    for address in emails:
        Activity.objects.filter(summary__contains=address).update(
            summary=Replace("summary", Value(address), Value(FORMER))
        )


SECTION = Section(
    key="organisations",
    covers=(
        "organisations.Membership.user",
        "organisations.Invitation.invited_by",
        "organisations.Activity.actor",
    ),
    export=export,
    erase=erase,
)
