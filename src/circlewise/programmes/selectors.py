"""Reads about programmes and participants.

The time-zone arithmetic lives in the pure :mod:`circlewise.scheduling` package; here it is only
applied to participants (:func:`composition_values` gives the derived ``time_zone_band``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, timedelta
from typing import TYPE_CHECKING

from django.core.cache import cache
from django.db.models import Count, Q, QuerySet

from circlewise import policy
from circlewise.core.kept import COUNTS_FRESH, kept
from circlewise.core.rows import one_or_none
from circlewise.programmes.models import (
    EnrolmentUpload,
    Participant,
    ParticipantStatus,
    Programme,
)
from circlewise.programmes.parsing import language_name, parse_languages
from circlewise.scheduling import time_zone_band

if TYPE_CHECKING:
    from circlewise.accounts.models import User
    from circlewise.organisations.models import Membership, Organisation

__all__ = [
    "REMIND_INTERVAL",
    "composition_values",
    "counts_key",
    "enrolled_counts",
    "enrolled_key",
    "intake_counts",
    "kept_count",
    "membership_profile",
    "participant_claimable",
    "participant_departments",
    "participant_for_user",
    "participants_filtered",
    "participants_pending_intake",
    "participants_ready",
    "pending_upload",
    "programmes_for",
]

REMIND_INTERVAL = timedelta(hours=24)

# Counts of a whole programme on its admin pages (enrolled, intake done, the queue, the
# departments) are kept (``circlewise.core.kept``); the services that change participants or
# seats forget them (``programmes.services.counts_changed``).
COUNT_NAMES = ("intake", "departments", "queue")


def counts_key(*, programme_id: int, name: str) -> str:
    """The cache key of one of ``COUNT_NAMES`` for a programme."""
    return f"programme-counts:{programme_id}:{name}"


def kept_count[T](*, programme: Programme, name: str, compute: Callable[[], T]) -> T:
    """The programme's ``name`` count from the cache, or ``compute()`` kept there."""
    return kept(key=counts_key(programme_id=programme.pk, name=name), compute=compute)


# Programmes and participants ---------------------------------------------------------------------
def programmes_for(*, organisation: Organisation, user: User, all_programmes: bool) -> QuerySet:
    """Programmes of an organisation: all of them, or only those the user takes part in."""
    programmes = Programme.objects.filter(organisation=organisation)
    if not all_programmes:
        programmes = programmes.filter(
            pk__in=Participant.objects.filter(user=user).values("programme_id")
        )
    return programmes


def enrolled_key(*, organisation_id: int) -> str:
    """The cache key of :func:`enrolled_counts` for an organisation."""
    return f"programme-counts:organisation:{organisation_id}:enrolled"


def enrolled_counts(*, organisation: Organisation, programmes: Sequence[Programme]
                    ) -> dict[int, int]:  # fmt: skip
    """How many people are enrolled (not left) in each of the organisation's ``programmes``,
    by id: counted together in one query, and kept like the counts of one programme."""
    key = enrolled_key(organisation_id=organisation.pk)
    found: dict[int, int] = cache.get(key) or {}
    if any(programme.pk not in found for programme in programmes):  # new since they were kept
        counted = (
            Participant.objects.filter(programme__organisation=organisation)
            .exclude(status=ParticipantStatus.LEFT)
            .values("programme_id")
            .order_by()
            .annotate(total=Count("pk"))
        )
        found = {p.pk: 0 for p in programmes} | {r["programme_id"]: r["total"] for r in counted}
        cache.set(key, found, COUNTS_FRESH)
    return found


def membership_profile(*, membership: Membership) -> dict[str, str]:
    """What the organisation already knows about a member, to prefill their intake."""
    user = membership.user
    try:
        language = ", ".join(language_name(code) for code in parse_languages(user.language))
    except ValueError:
        language = ""
    return {
        "department": membership.department,
        "level": membership.level,
        "location": membership.location,
        "job_title": membership.job_title,
        "manager_email": membership.manager.user.email if membership.manager else "",
        "time_zone": user.time_zone,
        "language": language,
    }


def participant_for_user(*, programme: Programme, user: User) -> Participant | None:
    return programme.participants.filter(user=user).first()


def participant_claimable(*, programme: Programme, user: User) -> Participant | None:
    """The emailed invitation to ``programme`` that ``user`` may claim (``policy.may_claim``)."""
    verified = policy.verified_emails(user)
    candidates = programme.participants.filter(email__in=verified)
    return next((p for p in candidates if policy.may_claim(user, p, verified=verified)), None)


def participants_filtered(
    *, programme: Programme, query: str = "", intake: str = "all", department: str = ""
) -> QuerySet[Participant]:
    """Enrolled participants (not those who left) matching a search and the list's filters.

    ``query`` matches name or email, ``intake`` is ``"all"``, ``"pending"`` or ``"completed"``,
    ``department`` the exact department answer (empty: any).
    """
    people = programme.participants.exclude(status=ParticipantStatus.LEFT)
    if query:
        people = people.filter(Q(name__icontains=query) | Q(email__icontains=query))
    if intake == "pending":
        people = people.filter(intake_completed_at__isnull=True)
    elif intake == "completed":
        people = people.filter(intake_completed_at__isnull=False)
    if department:
        people = people.filter(attributes__department=department)
    return people


def participant_departments(*, programme: Programme) -> list[str]:
    """The departments participants gave, for the list's filter (kept: ``circlewise.core.kept``)."""

    def compute() -> list[str]:
        values = (
            programme.participants.exclude(status=ParticipantStatus.LEFT)
            .filter(attributes__has_key="department")
            .values_list("attributes__department", flat=True)
            .order_by()  # the default ordering (name, email) would make every row distinct
            .distinct()
        )
        return sorted({str(value) for value in values if value})

    return kept_count(programme=programme, name="departments", compute=compute)


def participants_ready(*, programme: Programme) -> QuerySet[Participant]:
    """Participants who can be placed in a circle: active, with their intake complete."""
    return programme.participants.filter(
        status=ParticipantStatus.ACTIVE, intake_completed_at__isnull=False
    )


def participants_pending_intake(*, programme: Programme) -> QuerySet[Participant]:
    """Enrolled people (not left) who have not completed their intake yet."""
    return programme.participants.exclude(status=ParticipantStatus.LEFT).filter(
        intake_completed_at__isnull=True
    )


def intake_counts(*, programme: Programme) -> dict[str, int]:
    """Enrolled people (not left), and how many completed or await their intake (kept)."""

    def compute() -> dict[str, int]:
        counts = programme.participants.exclude(status=ParticipantStatus.LEFT).aggregate(
            total=Count("pk"), done=Count("pk", filter=Q(intake_completed_at__isnull=False))
        )
        return _intake(counts["total"], counts["done"])

    return kept_count(programme=programme, name="intake", compute=compute)


def _intake(total: int, done: int) -> dict[str, int]:
    return {"enrolled": total, "completed": done, "pending": total - done}


def pending_upload(*, programme: Programme, upload_id: int) -> EnrolmentUpload | None:
    """An unconfirmed upload of this programme (never another programme's)."""
    return one_or_none(programme.uploads.all(), pk=upload_id, confirmed_at__isnull=True)


def composition_values(*, participant: Participant, week_of: date | None = None) -> dict:
    """A participant's values for the composition rules of their programme.

    The stored attributes, plus ``language`` (the first language they listed, or None) and
    ``time_zone_band``. Missing attributes are None.
    """
    programme = participant.programme
    values: dict[str, object] = {
        name: participant.attributes.get(name) or None for name in programme.asked_attributes
    }
    values["language"] = participant.languages[0] if participant.languages else None
    on = week_of or programme.start_date
    values["time_zone_band"] = time_zone_band(participant.time_zone, on=on) or None
    return values
