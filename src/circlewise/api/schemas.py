"""JSON shapes of the API, in and out."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from ninja import Field, Schema
from pydantic import StringConstraints

from circlewise.programmes.models import Cadence, Format, OverlapRule, ProgrammeStatus

AttributeName = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{0,39}$")]


class Message(Schema):
    detail: str


class FieldErrors(Message):
    errors: dict[str, list[str]]


class ProgrammeIn(Schema):
    name: str = Field(min_length=1, max_length=120)
    goal: str = Field(min_length=1, description="What the programme is for.")
    start_date: date
    duration_months: int = 12
    cadence: Cadence = Cadence.MONTHLY
    session_minutes: int = 90
    min_size: int = 5
    max_size: int = 6
    format: Format = Format.VIDEO
    with_coach: bool = False
    diversify: list[AttributeName] = Field(default_factory=list, examples=[["department"]])
    weights: dict[AttributeName, float] = Field(
        default_factory=dict,
        examples=[{"department": 2}],
        description="How much a diversified attribute counts against the others (default 1, "
        "at most 10).",
    )
    same: list[AttributeName] = Field(default_factory=list, examples=[["language"]])
    optional_attributes: list[AttributeName] = Field(default_factory=list)
    separate_reporting_line: bool = True
    separation_depth: int = 1
    overlap_rule: OverlapRule = OverlapRule.PREFER
    avoid_previous_circles: bool = True
    signup_open: bool = True


class ProgrammeOut(ProgrammeIn):
    id: int
    status: ProgrammeStatus
    created_at: datetime


class ParticipantIn(Schema):
    """One person to create or update, matched by email. Omitted fields are left as they are."""

    email: str
    name: str | None = None
    manager_email: str | None = None
    attributes: dict[str, str] | None = Field(
        None, description="Merged into the stored attributes; only those the programme asks for."
    )
    languages: list[str] | None = None
    time_zone: str | None = Field(None, examples=["Europe/Berlin"])


class UpsertIn(Schema):
    participants: list[ParticipantIn] = Field(max_length=5000)
    invite: bool = Field(True, description="Email an invitation to each new participant.")


class UpsertOut(Schema):
    created: int
    updated: int
    unchanged: int


class ItemError(Schema):
    index: int
    email: str | None
    errors: list[str]


class UpsertRejectedOut(Message):
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
    email: str


class CircleOut(Schema):
    id: int
    name: str
    status: str
    language: str
    time_zone: str
    members: list[CircleMemberOut]
