"""JSON shapes of the API, in and out.

Input text follows the same rules as the forms and the CSV upload (:mod:`circlewise.core.text`):
names are one line, nothing holds a NUL character, and lengths match the database columns, so
bad input is a 422 naming the field, never a database error. The rules are also written into the
OpenAPI document (``maxLength``, ``pattern``), so the document describes what the API accepts.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Annotated

from django.utils.translation import gettext as _
from ninja import Field, Schema
from pydantic import AfterValidator, StrictBool

from circlewise import policy
from circlewise.circles.selectors import member_name
from circlewise.core.text import NAME_MAX_LENGTH, SINGLE_LINE_PATTERN, line_problem
from circlewise.programmes.models import Cadence, Format, OverlapRule, ProgrammeStatus
from circlewise.programmes.parsing import (
    ATTRIBUTE_NAME_PATTERN,
    ATTRIBUTE_VALUE_MAX_LENGTH,
    EMAIL_MAX_LENGTH,
)

NO_NUL_PATTERN = r"^[^\x00]*$"
# Not the full address syntax (the service checks that and answers 422): enough for the schema
# to say that an empty or blank address is not one.
EMAIL_PATTERN = r"^[^@\s\x00]+@[^@\s\x00]+$"


def _one_line(value: str) -> str:
    problem = line_problem(value, label=_("It"), max_length=len(value))
    if problem:
        raise ValueError(problem)
    return value


def _no_nul(value: str) -> str:
    if "\x00" in value:
        raise ValueError(_("It contains a NUL character; remove it."))
    return value


def line(max_length: int, *, min_length: int = 0) -> object:
    """A one-line string type of at most ``max_length`` characters."""
    return Annotated[
        str,
        Field(
            min_length=min_length,
            max_length=max_length,
            json_schema_extra={"pattern": SINGLE_LINE_PATTERN},
        ),
        AfterValidator(_one_line),
    ]


Text = Annotated[str, Field(json_schema_extra={"pattern": NO_NUL_PATTERN}), AfterValidator(_no_nul)]
_EMAIL = re.compile(EMAIL_PATTERN)


def _email_shaped(value: str) -> str:
    if not _EMAIL.match(value):
        raise ValueError(_("It is not an email address."))
    return value


Email = Annotated[
    str,
    Field(max_length=EMAIL_MAX_LENGTH, json_schema_extra={"pattern": EMAIL_PATTERN}),
    AfterValidator(_email_shaped),
]
AttributeName = Annotated[str, Field(pattern=ATTRIBUTE_NAME_PATTERN)]


class Message(Schema):
    detail: str


class FieldErrors(Message):
    """Invalid input: ``errors`` maps each bad field (``participants.2.name``) to its problems."""

    errors: dict[str, list[str]]


class ProgrammeIn(Schema):
    name: line(120, min_length=1)  # type: ignore[valid-type]
    goal: Text = Field(min_length=1, description="What the programme is for.")
    start_date: date = Field(description="From 2000-01-01 to the end of the fifth year ahead.")
    duration_months: int = 12
    cadence: Cadence = Cadence.MONTHLY
    session_minutes: int = 90
    min_size: int = 5
    max_size: int = 6
    format: Format = Format.VIDEO
    with_coach: StrictBool = False
    diversify: list[AttributeName] = Field(default_factory=list, examples=[["department"]])
    weights: dict[AttributeName, float] = Field(
        default_factory=dict,
        examples=[{"department": 2}],
        description="How much a diversified attribute counts against the others (default 1, "
        "at most 10).",
    )
    same: list[AttributeName] = Field(default_factory=list, examples=[["language"]])
    optional_attributes: list[AttributeName] = Field(default_factory=list)
    separate_reporting_line: StrictBool = True
    separation_depth: int = 1
    overlap_rule: OverlapRule = OverlapRule.PREFER
    avoid_previous_circles: StrictBool = True
    signup_open: StrictBool = True


class ProgrammeOut(ProgrammeIn):
    # Stored values are shown as they are, whatever rules applied when they were saved.
    name: str
    goal: str
    start_date: date
    id: int
    status: ProgrammeStatus
    created_at: datetime


class ParticipantIn(Schema):
    """One person to create or update, matched by email. Omitted fields are left as they are."""

    email: Email
    name: line(NAME_MAX_LENGTH) | None = None  # type: ignore[valid-type]
    manager_email: Annotated[str, Field(max_length=EMAIL_MAX_LENGTH)] | None = None
    attributes: dict[AttributeName, line(ATTRIBUTE_VALUE_MAX_LENGTH)] | None = Field(  # type: ignore[valid-type]
        None, description="Merged into the stored attributes; only those the programme asks for."
    )
    languages: list[line(40)] | None = None  # type: ignore[valid-type]
    time_zone: line(64) | None = Field(None, examples=["Europe/Berlin"])  # type: ignore[valid-type]


class UpsertIn(Schema):
    participants: list[ParticipantIn] = Field(max_length=5000)
    invite: StrictBool = Field(True, description="Email an invitation to each new participant.")


class UpsertOut(Schema):
    created: int
    updated: int
    unchanged: int


class ItemError(Schema):
    index: int
    email: str | None
    errors: list[str]
    fields: dict[str, list[str]] = Field(description="The same problems by field name.")


class UpsertRejectedOut(Message):
    """Items were invalid for this programme (unknown attributes, duplicates, bad addresses)."""

    errors: list[ItemError]


class ParticipantOut(Schema):
    id: int
    email: str
    name: str
    status: str
    source: str
    manager_email: str
    intake_completed_at: datetime | None
    invited_at: datetime


class FormationRunOut(Schema):
    id: int
    kind: str = Field(
        description='"proposal" (circles to review and publish) or "queue" (new circles from '
        "the people waiting, created directly)."
    )
    status: str
    stage: str = Field(description="waiting, preparing, searching or done.")
    progress: float = Field(description="0 to 1.")
    message: str
    error: str
    warnings: list
    circle_sizes: list[int]
    created_at: datetime
    finished_at: datetime | None
    published_at: datetime | None

    @staticmethod
    def resolve_circle_sizes(run) -> list[int]:
        return [len(members) for members in run.proposal]


class CircleMemberOut(Schema):
    name: str
    email: str | None = Field(
        None, description="Shown only to the circle's members and its coach; null for others."
    )


class CircleOut(Schema):
    id: int
    name: str
    status: str
    language: str
    time_zone: str
    members: list[CircleMemberOut]

    @staticmethod
    def resolve_members(circle, context) -> list[dict[str, str | None]]:
        """The active members (prefetched as ``circle.active``) by name; their emails only for
        whom the policy shows the circle's private side, as on the circle page."""
        show_emails = policy.can_see_circle_private(context["request"].membership, circle)
        return [
            {
                "name": member_name(member=member, default=""),
                "email": member.email if show_emails else None,
            }
            for member in circle.active
        ]


class AcceptanceOut(Schema):
    name: str
    accepted_at: datetime


class ContractOut(Schema):
    version: int = Field(description="0: the starting terms, which nobody has accepted yet.")
    agreements: list[str]
    goal: str
    duration: str
    accepted_by_all: bool
    accepted: list[AcceptanceOut]
    missing: list[str] = Field(description="Members who have not accepted this version.")


class RotationSessionOut(Schema):
    day: date | None = Field(description="None for a circle without a programme calendar.")
    coachees: list[str]


class RotationOut(Schema):
    coachees_per_session: int
    upcoming: list[RotationSessionOut]
