"""This app's part of "Your data": programme participations with intake answers and goals."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import F, Q
from django.utils import timezone

from circlewise import policy
from circlewise.accounts.personal_data import Section, rows, undeliverable_address
from circlewise.programmes.models import EnrolmentUpload, Participant, ParticipantStatus, Programme
from circlewise.programmes.services import counts_changed

if TYPE_CHECKING:
    from circlewise.accounts.models import User


def _enrolments(user: User, emails: frozenset[str] | set[str]) -> Q:
    """The person's enrolments: those of the account, and those still waiting, unclaimed, at an
    address they verified (a programme enrols people by address before they sign up)."""
    return Q(user=user) | Q(user__isnull=True, email__in=emails)


def export(*, user: User) -> dict[str, Any]:
    return {
        "participations": rows(
            Participant.objects.filter(_enrolments(user, policy.verified_emails(user))).order_by(
                "invited_at"
            ),
            "email",
            "name",
            "manager_email",
            "attributes",
            "consented_attributes",
            "languages",
            "time_zone",
            "availability",
            "goals",
            "status",
            "source",
            "intake_completed_at",
            "invited_at",
            "left_at",
            programme_name=F("programme__name"),
            organisation_name=F("programme__organisation__name"),
        ),
        "programmes_created": rows(
            Programme.objects.filter(created_by=user).order_by("created_at"), "name", "created_at"
        ),
        "enrolment_uploads": rows(
            EnrolmentUpload.objects.filter(uploaded_by=user).order_by("created_at"),
            "filename",
            "created_at",
            "confirmed_at",
            programme_name=F("programme__name"),
        ),
    }


def erase(*, user: User, emails: frozenset[str]) -> None:
    """Each enrolment stays, ended and anonymous, so that enrolment and intake counts stay; of
    the intake answers only those pulse figures are grouped by are kept (a department or level
    of nobody in particular), so that those figures stay too. Name, address, goals, languages,
    availability and every other answer go. An enrolment still waiting at one of their
    addresses ends too: nobody can claim it any more."""
    from circlewise.insights.selectors import PULSE_ATTRIBUTES

    now = timezone.now()
    enrolments = list(Participant.objects.filter(_enrolments(user, emails)))
    for participant in enrolments:
        # The tombstone's address where the enrolment is the account's; a waiting one stays
        # apart from the account, and from the person's other enrolments in the programme.
        participant.email = user.email if participant.user_id else undeliverable_address()
        participant.name = ""
        participant.manager_email = ""
        participant.attributes = {
            name: value
            for name, value in participant.attributes.items()
            if name in PULSE_ATTRIBUTES
        }
        participant.consented_attributes = []
        participant.languages = []
        participant.time_zone = ""
        participant.availability = []
        participant.goals = ""
        participant.status = ParticipantStatus.LEFT
        participant.left_at = participant.left_at or now
        participant.save()
    counts_changed(programme_ids=[participant.programme_id for participant in enrolments])
    Programme.objects.filter(created_by=user).update(created_by=None)
    EnrolmentUpload.objects.filter(uploaded_by=user).update(uploaded_by=None)


SECTION = Section(
    key="programmes",
    covers=(
        "programmes.Participant.user",
        "programmes.Programme.created_by",
        "programmes.EnrolmentUpload.uploaded_by",
    ),
    export=export,
    erase=erase,
)
