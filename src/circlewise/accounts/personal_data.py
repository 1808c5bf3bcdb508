"""Everything Circlewise holds about one person: each app's section of "Your data", collected here.

Each app that stores rows about a person has a ``personal_data.py`` with one :class:`Section`:
what it exports (``export``: JSON-ready data) and what it does when the person deletes their
account (``erase``), and which foreign keys to the user it answers for (``covers``). The list
:func:`sections` below collects them; ``tests/accounts/test_personal_data.py`` fails when a model
with a foreign key to the user is covered by no section and is not in :data:`NOT_COVERED`, so a
new app cannot be forgotten. Adding an app's data is one ``Section`` and one line in
:func:`sections`.

Deleting an account keeps an *anonymous tombstone*: the user row itself, with its email address,
name, pronouns, password and every preference wiped, ``is_active`` off and ``deleted_at`` set.
Why a tombstone rather than deleting the row: pulse answers and attendance must keep counting
in every aggregate exactly as before, and :mod:`circlewise.insights.privacy` counts *people*
(response id -> person id) to apply the 5-respondent threshold. With the row gone those answers
would be deleted with it (or, with their user emptied, could no longer be told apart as one
person or several), so thresholds and figures would move. The tombstone's id links the
remaining anonymous rows (scores, attendance, an ended circle seat) to one unnamed person and to
nothing else: no address, name or login remains, and pages name it "a former member".
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet
from django.utils import timezone

if TYPE_CHECKING:
    from circlewise.accounts.models import User

__all__ = [
    "NOT_COVERED",
    "Section",
    "personal_data",
    "personal_data_erase",
    "rows",
    "sections",
    "undeliverable_address",
]


@dataclass(frozen=True)
class Section:
    """One app's part of a person's data.

    ``covers`` names the foreign keys to the user (``"app_label.Model.field"``) whose rows this
    section exports and erases; ``export(user=…)`` returns JSON-ready data, ``erase(user=…,
    emails=…)`` removes the personal content. Erasing runs inside the deletion's transaction, in
    the order of :func:`sections`, after the user row became the tombstone: ``emails`` are the
    addresses the person *verified*, for rows held by address alone (an enrolment not yet
    claimed, an invitation) and for text that may quote one. Only a verified address is proof:
    an unverified one may be somebody else's, whose rows are not the person's to take or erase.
    """

    key: str
    covers: tuple[str, ...]
    export: Callable[..., Any]
    erase: Callable[..., None]


def rows(queryset: QuerySet[Any], *fields: str, **expressions: Any) -> list[dict[str, Any]]:
    """``queryset.values(...)`` as a list: the rows of one kind in an export."""
    return list(queryset.values(*fields, **expressions))


# --- This app's section: the account itself ------------------------------------------------------


def _account_export(*, user: User) -> dict[str, Any]:
    from allauth.account.models import EmailAddress
    from allauth.mfa.models import Authenticator
    from django.contrib.admin.models import LogEntry

    from circlewise.accounts.models import ApiToken

    return {
        "profile": {
            "name": user.name,
            "email": user.email,
            "pronouns": user.pronouns,
            "time_zone": user.time_zone,
            "language": user.language,
            "notify_circle_updates": user.notify_circle_updates,
            "notify_reminders": user.notify_reminders,
            "joined": user.date_joined,
            "last_login": user.last_login,
        },
        "email_addresses": rows(
            EmailAddress.objects.filter(user=user).order_by("pk"), "email", "verified", "primary"
        ),
        # The kind and dates of each second factor; never its secret.
        "two_factor": rows(
            Authenticator.objects.filter(user=user).order_by("pk"),
            "type",
            "created_at",
            "last_used_at",
        ),
        # Names and dates only: a token's key is never stored, and its hint is part of the key.
        "api_tokens": rows(
            ApiToken.objects.filter(user=user).order_by("created_at"),
            "name",
            "created_at",
            "last_used_at",
            "expires_at",
            "revoked_at",
        ),
        "site_administration_log": rows(
            LogEntry.objects.filter(user=user).order_by("action_time"),
            "action_time",
            "object_repr",
            "change_message",
        ),
    }


def undeliverable_address() -> str:
    """An address that can never receive mail (RFC 2606 ".invalid"), unique as the columns that
    hold addresses demand: what an erased row keeps instead of the person's."""
    return f"former-{uuid.uuid4().hex}@deleted.invalid"


def _account_erase(*, user: User, emails: frozenset[str]) -> None:
    """Turn the user row into the tombstone and remove what only identified or signed them in.

    Django admin's log of a staff member's changes stays, as the site's audit trail, now by the
    tombstone."""
    from allauth.account.models import EmailAddress
    from allauth.mfa.models import Authenticator

    from circlewise.accounts.models import ApiToken

    EmailAddress.objects.filter(user=user).delete()
    Authenticator.objects.filter(user=user).delete()
    ApiToken.objects.filter(user=user).delete()
    user.email = undeliverable_address()
    user.name = ""
    user.pronouns = ""
    user.time_zone = "UTC"
    user.language = ""
    user.notify_circle_updates = False
    user.notify_reminders = False
    user.is_active = False
    user.is_staff = False
    user.is_superuser = False
    user.last_login = None
    user.deleted_at = timezone.now()
    # Also ends every logged-in session: Django checks each session against the password hash.
    user.set_unusable_password()
    user.save()


ACCOUNT = Section(
    key="account",
    covers=(
        "account.EmailAddress.user",
        "mfa.Authenticator.user",
        "accounts.ApiToken.user",
        "admin.LogEntry.user",
    ),
    export=_account_export,
    erase=_account_erase,
)


def sections() -> list[Section]:
    """Every app's section, in the order their ``erase`` runs. Adding an app's data: one line."""
    from circlewise.circles.personal_data import SECTION as CIRCLES
    from circlewise.coaching.personal_data import SECTION as COACHING
    from circlewise.contracts.personal_data import SECTION as CONTRACTS
    from circlewise.formation.personal_data import SECTION as FORMATION
    from circlewise.insights.personal_data import SECTION as INSIGHTS
    from circlewise.journal.personal_data import SECTION as JOURNAL
    from circlewise.meetings.personal_data import SECTION as MEETINGS
    from circlewise.organisations.personal_data import SECTION as ORGANISATIONS
    from circlewise.programmes.personal_data import SECTION as PROGRAMMES
    from circlewise.resources.personal_data import SECTION as RESOURCES

    # The account first: the tombstone exists before circles tell members "a former member left".
    return [
        ACCOUNT, ORGANISATIONS, PROGRAMMES, FORMATION, CIRCLES, CONTRACTS, MEETINGS, COACHING,
        JOURNAL, RESOURCES, INSIGHTS,
    ]  # fmt: skip


# Foreign keys to the user that no section covers, each with why (none at present: a reason
# must be written here for any that is ever added).
NOT_COVERED: dict[str, str] = {}


def personal_data(*, user: User) -> dict[str, Any]:
    """Everything held about ``user``, by section, as JSON-ready data."""
    return {
        "format": "circlewise-personal-data/1",
        "exported_at": timezone.now(),
        **{section.key: section.export(user=user) for section in sections()},
    }


def personal_data_erase(*, user: User) -> None:
    """Run every section's ``erase`` (in order). The caller holds the transaction."""
    from circlewise.policy import verified_emails

    emails = frozenset(verified_emails(user))  # read before the account's section deletes them
    for section in sections():
        section.erase(user=user, emails=emails)
