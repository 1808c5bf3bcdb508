"""Changes to programmes and their participants: create, enrol, intake, remind, sync.

Every function validates first and writes in one transaction, so bad input changes nothing.
Emails go out only after the transaction commits.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import timedelta
from functools import partial
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from circlewise import policy
from circlewise.circles.models import CircleMember
from circlewise.core.kept import forget
from circlewise.core.mail import absolute_url, send_templated
from circlewise.organisations.models import Membership, Organisation, Role
from circlewise.organisations.services import activity_record, members_changed
from circlewise.programmes import parsing
from circlewise.programmes.errors import (
    EnrolmentError,
    IntakeError,
    ProgrammeError,
    ReminderTooSoon,
    UpsertRejected,
)
from circlewise.programmes.models import (
    EnrolmentUpload,
    Participant,
    ParticipantStatus,
    Programme,
    ProgrammeStatus,
    Source,
)
from circlewise.programmes.selectors import (
    COUNT_NAMES,
    REMIND_INTERVAL,
    counts_key,
    enrolled_key,
    participant_claimable,
    participants_pending_intake,
)

if TYPE_CHECKING:
    from circlewise.accounts.models import User

__all__ = [
    "PROGRAMME_FIELDS",
    "UPLOAD_LIFETIME",
    "counts_changed",
    "intake_submit",
    "participant_add",
    "participant_claim",
    "participant_join",
    "participants_remind",
    "participants_upsert",
    "participations_end",
    "programme_create",
    "programme_update",
    "upload_confirm",
    "upload_preview",
]

UPLOAD_LIFETIME = timedelta(hours=24)
PROGRAMME_FIELDS = (
    "name",
    "goal",
    "start_date",
    "duration_months",
    "cadence",
    "session_minutes",
    "min_size",
    "max_size",
    "format",
    "with_coach",
    "diversify",
    "weights",
    "same",
    "optional_attributes",
    "separate_reporting_line",
    "separation_depth",
    "overlap_rule",
    "avoid_previous_circles",
    "signup_open",
)


# Kept counts -------------------------------------------------------------------------------------
def counts_changed(*, programme_ids: Iterable[int | None]) -> None:
    """Forget the kept counts of these programmes and their organisations' programme lists
    (see ``circlewise.core.kept``). Every service that enrols, ends an enrolment, completes
    an intake or changes a seat in a programme's circle calls it; ``None`` (a self-organised
    circle) is skipped."""
    ids = {pk for pk in programme_ids if pk is not None}
    if not ids:
        return
    organisations = Programme.objects.filter(pk__in=ids).values_list("organisation_id", flat=True)
    forget(
        [counts_key(programme_id=pk, name=name) for pk in ids for name in COUNT_NAMES]
        + [enrolled_key(organisation_id=pk) for pk in set(organisations)]
    )


# Programmes --------------------------------------------------------------------------------------
def _save_valid(programme: Programme) -> Programme:
    try:
        programme.full_clean(exclude=["organisation", "created_by", "signup_token"])
    except ValidationError as error:
        fields = error.message_dict
        summary = "; ".join(f"{name}: {' '.join(msgs)}" for name, msgs in fields.items())
        raise ProgrammeError(
            _("The programme is not valid — %(summary)s") % {"summary": summary}, fields
        ) from None
    programme.save()
    return programme


@transaction.atomic
def programme_create(
    *, organisation: Organisation, data: Mapping[str, object], by: User
) -> Programme:
    """Create a programme from ``PROGRAMME_FIELDS`` values (others use the model defaults)."""
    values = {name: data[name] for name in PROGRAMME_FIELDS if name in data}
    programme = _save_valid(Programme(organisation=organisation, created_by=by, **values))
    activity_record(
        organisation=organisation,
        by=by,
        action="programme.create",
        summary=f"Created the programme {programme.name}.",
    )
    return programme


@transaction.atomic
def programme_update(*, programme: Programme, data: Mapping[str, object], by: User) -> Programme:
    changed = [
        name for name in PROGRAMME_FIELDS if name in data and getattr(programme, name) != data[name]
    ]
    for name in changed:
        setattr(programme, name, data[name])
    programme = _save_valid(programme)
    if changed:
        activity_record(
            organisation=programme.organisation,
            by=by,
            action="programme.update",
            summary=f"Changed {', '.join(changed)} of {programme.name}.",
        )
    return programme


# Enrolment ---------------------------------------------------------------------------------------
def _accept_path(programme: Programme) -> str:
    return reverse(
        "programmes:accept",
        kwargs={"org_slug": programme.organisation.slug, "pk": programme.pk},
    )


def _send_invitations(
    programme: Programme, participants: Iterable[Participant], *, by: User, summary: str
) -> None:
    """Email the programme's invitation after commit, within the organisation's allowance."""
    addresses = [participant.email for participant in participants]
    activity_record(
        organisation=programme.organisation,
        by=by,
        action="participants.invite",
        summary=summary,
        recipients=len(addresses),
    )
    if not addresses:
        return
    context = {
        "programme": programme,
        "organisation": programme.organisation,
        "url": absolute_url(_accept_path(programme)),
    }
    transaction.on_commit(
        partial(send_templated, template="programme_invite", to=addresses, context=context)
    )


def _members_by_email(organisation: Organisation, emails: Iterable[str]) -> dict[str, User]:
    memberships = Membership.objects.filter(
        organisation=organisation, user__email__in=list(emails)
    ).select_related("user")
    return {membership.user.email.lower(): membership.user for membership in memberships}


def _mark_enrolling(programme: Programme) -> None:
    if programme.status == ProgrammeStatus.DRAFT:
        programme.status = ProgrammeStatus.ENROLLING
        programme.save(update_fields=["status"])


def _enrolled_emails(programme: Programme) -> set[str]:
    return {email.lower() for email in programme.participants.values_list("email", flat=True)}


def _create_participants(
    programme: Programme,
    rows: Sequence[Mapping[str, Any]],
    *,
    source: str,
    by: User,
    invite: bool = True,
) -> list[Participant]:
    """Create participants (linking existing members by email) and invite them."""
    members = _members_by_email(programme.organisation, [row["email"] for row in rows])
    participants = Participant.objects.bulk_create(
        [
            Participant(
                programme=programme,
                email=row["email"],
                name=row.get("name", "") or getattr(members.get(row["email"]), "name", ""),
                user=members.get(row["email"]),
                manager_email=row.get("manager_email", ""),
                attributes=dict(row.get("attributes") or {}),
                languages=list(row.get("languages") or []),
                time_zone=row.get("time_zone") or "",
                source=source,
            )
            for row in rows
        ]
    )
    _mark_enrolling(programme)
    counts_changed(programme_ids=[programme.pk])
    if participants:
        summary = (
            f"Enrolled {len(participants)} in {programme.name} "
            f"({Source(source).label.lower()})" + (" and invited them by email." if invite else ".")
        )
        if invite:
            _send_invitations(programme, participants, by=by, summary=summary)
        else:
            activity_record(
                organisation=programme.organisation,
                by=by,
                action="participants.enrol",
                summary=summary,
            )
    return participants


def upload_preview(
    *, programme: Programme, data: bytes, filename: str, by: User
) -> EnrolmentUpload:
    """Parse a CSV upload and keep its preview until the admin confirms it. Imports nothing."""
    parsed = parsing.parse_upload(
        data, attributes=programme.asked_attributes, enrolled=_enrolled_emails(programme)
    )
    return EnrolmentUpload.objects.create(
        programme=programme,
        uploaded_by=by,
        filename=filename.replace("\x00", "")[:255],
        rows=parsed.rows,
        errors=parsed.errors,
        warnings=parsed.warnings,
    )


@transaction.atomic
def upload_confirm(*, upload: EnrolmentUpload, by: User) -> list[Participant]:
    """Import every row of a clean preview, or none.

    Re-checks what may have changed since the preview: the upload's age, whether it was already
    confirmed (a double click), and whether someone in it was enrolled meanwhile.
    """
    upload = EnrolmentUpload.objects.select_for_update().get(pk=upload.pk)
    if upload.confirmed_at is not None:
        raise EnrolmentError(_("This upload has already been imported."))
    if timezone.now() - upload.created_at > UPLOAD_LIFETIME:
        raise EnrolmentError(_("This preview is more than a day old; upload the file again."))
    if not upload.can_confirm:
        raise EnrolmentError(
            _("Fix the problems in the file and upload it again: nothing imported.")
        )
    programme = upload.programme
    taken = sorted(_enrolled_emails(programme) & {row["email"] for row in upload.rows})
    if taken:
        raise EnrolmentError(
            _(
                "Enrolled since the preview, so nothing was imported: %(emails)s. "
                "Upload the file again."
            )
            % {"emails": ", ".join(taken)}
        )
    participants = _create_participants(programme, upload.rows, source=Source.CSV, by=by)
    upload.confirmed_at = timezone.now()
    upload.save(update_fields=["confirmed_at"])
    return participants


@transaction.atomic
def participant_add(
    *, programme: Programme, email: str, name: str = "", manager_email: str = "", by: User
) -> Participant:
    """Enrol one person by email and invite them."""
    row, errors = parsing.clean_participant(
        {"email": email, "name": name, "manager_email": manager_email},
        attributes=programme.asked_attributes,
    )
    if not errors and row["email"] in _enrolled_emails(programme):
        errors["email"] = [
            _("%(email)s is already enrolled in this programme.") % {"email": row["email"]}
        ]
    if errors:
        raise EnrolmentError(next(iter(errors.values()))[0], errors)
    return _create_participants(programme, [row], source=Source.MANUAL, by=by)[0]


@transaction.atomic
def participant_join(*, programme: Programme, user: User) -> tuple[Participant, bool]:
    """Enrol a member of the organisation through the sign-up link.

    Returns the participant and whether they were newly enrolled; someone who had left is
    welcomed back.
    """
    if not programme.signup_is_open:
        raise EnrolmentError(
            _("Sign-up for %(programme)s is closed.") % {"programme": programme.name}
        )
    email = user.email.lower()
    if email not in policy.verified_emails(user):
        raise EnrolmentError(
            _("Confirm your email address %(email)s first, then sign up again.") % {"email": email}
        )
    participant = programme.participants.filter(email__iexact=email).first()
    if participant is not None:
        if participant.user_id not in (None, user.pk):
            raise EnrolmentError(
                _("%(email)s is enrolled in %(programme)s by another account.")
                % {"email": email, "programme": programme.name}
            )
        # A current member of the organisation who had left the programme may sign up again:
        # the sign-up link is open to members, and only members reach this point.
        changed = participant.status == ParticipantStatus.LEFT or participant.user_id is None
        participant.user = user
        if participant.status != ParticipantStatus.ACTIVE:
            participant.status, participant.left_at = ParticipantStatus.ACTIVE, None
        participant.save(update_fields=["user", "status", "left_at"])
        _link_seats(participant)
        counts_changed(programme_ids=[programme.pk])
        return participant, changed
    participant = Participant.objects.create(
        programme=programme,
        email=email,
        name=user.name,
        user=user,
        status=ParticipantStatus.ACTIVE,
        source=Source.LINK,
    )
    _mark_enrolling(programme)
    counts_changed(programme_ids=[programme.pk])
    return participant, True


def _link_seats(participant: Participant) -> None:
    """Give the participant's circle seats (made before they had a login) to their user."""
    CircleMember.objects.filter(
        participant=participant, left_at__isnull=True, user__isnull=True
    ).update(user=participant.user)


@transaction.atomic
def participant_claim(*, programme: Programme, user: User) -> Participant | None:
    """Link an emailed invitation, and the circle seat it may already have, to the user.

    The one way a seat given to an email address becomes someone's (a POST, never a page view):
    the invitation belongs to whoever verified the invited address, and an enrolment that ended
    (the person left, or was removed from the organisation) cannot be claimed back. They become
    a member of the organisation if they were not one yet: the admin's invitation let them in.
    Returns None when there is nothing this user may claim.
    """
    participant = participant_claimable(programme=programme, user=user)
    if participant is None:
        return None
    participant = Participant.objects.select_for_update().get(pk=participant.pk)
    if not policy.may_claim(user, participant, verified=policy.verified_emails(user)):
        return None
    _membership, joined = Membership.objects.get_or_create(
        organisation=programme.organisation, user=user, defaults={"role": Role.MEMBER}
    )
    if joined:
        members_changed(organisation_ids=[programme.organisation_id])
    participant.user = user
    participant.status = ParticipantStatus.ACTIVE
    participant.name = participant.name or user.name
    participant.save(update_fields=["user", "status", "name"])
    _link_seats(participant)
    counts_changed(programme_ids=[programme.pk])
    return participant


def participations_end(*, organisation: Organisation, user: User) -> int:
    """End the user's enrolments in the organisation's programmes (they were removed from it).

    Marked left rather than deleted, so the programme remembers them and nobody can claim the
    enrolment back. Returns how many ended. The caller holds the transaction.
    """
    ending = (
        Participant.objects.filter(programme__organisation=organisation)
        .filter(models.Q(user=user) | models.Q(email__iexact=user.email))
        .exclude(status=ParticipantStatus.LEFT)
    )
    counts_changed(programme_ids=ending.values_list("programme_id", flat=True))
    return ending.update(status=ParticipantStatus.LEFT, left_at=timezone.now())


# Intake ------------------------------------------------------------------------------------------
@transaction.atomic
def intake_submit(
    *,
    participant: Participant,
    attributes: Mapping[str, str],
    consented: Iterable[str],
    languages: list[str],
    time_zone: str,
    availability: list[dict],
    goals: str,
    manager_email: str,
) -> Participant:
    """Save a participant's intake answers and mark it complete.

    Required attributes must be answered. An optional attribute is stored only with the
    participant's consent; without consent it must be left blank (so nothing sensitive is kept
    by accident). Values are expected already parsed (see :mod:`circlewise.programmes.parsing`).
    """
    programme = participant.programme
    consented = set(consented) & set(programme.optional_attributes)
    errors: dict[str, list[str]] = {}
    for name in programme.required_attributes:
        if not str(attributes.get(name, "")).strip():
            errors[f"attr_{name}"] = [
                _("Please give your %(attribute)s.") % {"attribute": name.replace("_", " ")}
            ]
    for name in programme.optional_attributes:
        if str(attributes.get(name, "")).strip() and name not in consented:
            errors[f"consent_{name}"] = [
                _("Tick the box to agree to share your %(attribute)s, or leave it blank.")
                % {"attribute": name.replace("_", " ")}
            ]
    if not languages:
        errors["languages"] = [_("Give at least one language you can hold a session in.")]
    if time_zone not in parsing.valid_time_zones():
        errors["time_zone"] = [_("Choose your time zone.")]
    if not availability:
        errors["availability"] = [_("Give at least one time in the week when you could meet.")]
    if manager_email and manager_email.lower() == participant.email.lower():
        errors["manager_email"] = [_("Give your manager's email, not your own.")]
    if errors:
        raise IntakeError(_("Some answers need another look."), errors)
    participant.attributes = {
        name: str(attributes[name]).strip()
        for name in programme.asked_attributes
        if str(attributes.get(name, "")).strip()
        and (name not in programme.optional_attributes or name in consented)
    }
    participant.consented_attributes = sorted(
        name for name in consented if name in participant.attributes
    )
    participant.languages = languages
    participant.time_zone = time_zone
    participant.availability = availability
    participant.goals = goals.strip()
    participant.manager_email = manager_email.lower()
    participant.status = ParticipantStatus.ACTIVE
    participant.intake_completed_at = participant.intake_completed_at or timezone.now()
    participant.save()
    counts_changed(programme_ids=[programme.pk])
    return participant


@transaction.atomic
def participants_remind(*, programme: Programme, by: User) -> int:
    """Email everyone whose intake is pending, except those reminded in the last 24 hours.

    Returns how many were reminded; raises ReminderTooSoon when all pending people were
    reminded recently, and ProgrammeError when nobody is pending.
    """
    pending = list(participants_pending_intake(programme=programme))
    if not pending:
        raise ProgrammeError(_("Everyone has completed their intake: there is nobody to remind."))
    now = timezone.now()
    due = [p for p in pending if p.reminded_at is None or now - p.reminded_at >= REMIND_INTERVAL]
    if not due:
        last = max(p.reminded_at for p in pending if p.reminded_at)
        raise ReminderTooSoon(
            _(
                "Everyone pending was reminded in the last 24 hours (last at %(time)s). "
                "Try again tomorrow."
            )
            % {"time": f"{timezone.localtime(last):%H:%M}"}
        )
    Participant.objects.filter(pk__in=[p.pk for p in due]).update(reminded_at=now)
    activity_record(
        organisation=programme.organisation,
        by=by,
        action="participants.remind",
        summary=f"Reminded {len(due)} in {programme.name} to complete their intake.",
        recipients=len(due),
    )
    context = {
        "programme": programme,
        "organisation": programme.organisation,
        "url": absolute_url(_accept_path(programme)),
    }
    transaction.on_commit(
        partial(
            send_templated,
            template="intake_reminder",
            to=[p.email for p in due],
            context=context,
        )
    )
    return len(due)


# HR sync -----------------------------------------------------------------------------------------
_UPSERT_FIELDS = ("name", "manager_email", "attributes", "languages", "time_zone")


@transaction.atomic
def participants_upsert(
    *, programme: Programme, items: Sequence[Mapping[str, object]], by: User, invite: bool = True
) -> dict[str, int]:
    """Create or update participants by email (HR-system sync); all or nothing.

    Items are matched to participants by email, case-insensitively, so sending the same payload
    twice changes nothing the second time. Only fields present in an item are updated;
    ``attributes`` given are merged into the stored ones. New participants are invited by email
    when ``invite``. Raises UpsertRejected listing every bad item; nothing is saved then.
    """
    seen: dict[str, int] = {}
    cleaned, problems = [], []
    for index, item in enumerate(items):
        values = {name: item[name] for name in ("email", *_UPSERT_FIELDS) if name in item}
        clean, fields = parsing.clean_participant(values, attributes=programme.asked_attributes)
        email = clean.get("email")
        if email in seen:
            fields.setdefault("email", []).append(
                _("Duplicate of item %(item)s (same email).") % {"item": seen[email]}
            )
        elif email:
            seen[email] = index
        cleaned.append(clean)
        if fields:
            problems.append(
                {
                    "index": index,
                    "email": item.get("email"),
                    "errors": [message for messages in fields.values() for message in messages],
                    "fields": fields,
                }
            )
    if problems:
        raise UpsertRejected(
            _("%(invalid)s of %(total)s participants are invalid; nothing was saved.")
            % {"invalid": len(problems), "total": len(items)},
            problems,
        )
    existing = {p.email.lower(): p for p in programme.participants.all()}
    new_rows = [clean for clean in cleaned if clean["email"] not in existing]
    counts = {"created": len(new_rows), "updated": 0, "unchanged": 0}
    for clean in cleaned:
        participant = existing.get(clean["email"])
        if participant is None:
            continue
        changed = [name for name in _UPSERT_FIELDS if name in clean]
        before = [getattr(participant, name) for name in changed]
        if "attributes" in clean:
            clean["attributes"] = {**participant.attributes, **clean["attributes"]}
        for name in changed:
            setattr(participant, name, clean[name])
        if [getattr(participant, name) for name in changed] == before:
            counts["unchanged"] += 1
        else:
            participant.save(update_fields=changed)
            counts["updated"] += 1
    _create_participants(programme, new_rows, source=Source.API, by=by, invite=invite)
    return counts
