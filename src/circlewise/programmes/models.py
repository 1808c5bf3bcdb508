"""Programmes: a cohort of participants formed into circles under composition rules."""

from __future__ import annotations

import calendar
import datetime as dt
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from circlewise.core.validators import validate_one_line
from circlewise.organisations.models import Organisation


def _signup_token() -> str:
    return secrets.token_urlsafe(16)


# Start dates outside this range are typing mistakes, and dates near the calendar's end overflow
# the meeting-time arithmetic (a week after 9999-12-31 does not exist).
EARLIEST_START = dt.date(2000, 1, 1)
START_YEARS_AHEAD = 5

# Rule attributes computed from other intake answers rather than asked for.
DERIVED_ATTRIBUTES = frozenset({"language", "time_zone_band"})
# What a new programme diversifies: fields of every member's organisation profile, so circles are
# mixed from the start without asking participants anything new.
DEFAULT_DIVERSIFY = ("department", "level", "location")
# An attribute's weight multiplies its differences; beyond 10 the others stop mattering at all.
MAX_WEIGHT = 10.0


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` later (the month's last day when it has no such day)."""
    year, month = divmod(day.month - 1 + months, 12)
    year, month = day.year + year, month + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


class Cadence(models.TextChoices):
    WEEKLY = "weekly", gettext_lazy("Weekly")
    FORTNIGHTLY = "fortnightly", gettext_lazy("Every two weeks")
    MONTHLY = "monthly", gettext_lazy("Monthly")


class Format(models.TextChoices):
    VIDEO = "video", gettext_lazy("Video call")
    IN_PERSON = "in_person", gettext_lazy("In person")
    HYBRID = "hybrid", gettext_lazy("Hybrid")


# The choices as words inside a sentence: strings of their own, because lower-casing a label
# would break languages that capitalise nouns.
CADENCE_IN_SENTENCE = {
    Cadence.WEEKLY: pgettext_lazy("in a sentence: circles meet …", "weekly"),
    Cadence.FORTNIGHTLY: pgettext_lazy("in a sentence: circles meet …", "every two weeks"),
    Cadence.MONTHLY: pgettext_lazy("in a sentence: circles meet …", "monthly"),
}
FORMAT_IN_SENTENCE = {
    Format.VIDEO: pgettext_lazy("in a sentence: how circles meet", "on a video call"),
    Format.IN_PERSON: pgettext_lazy("in a sentence: how circles meet", "in person"),
    Format.HYBRID: pgettext_lazy("in a sentence: how circles meet", "hybrid"),
}


class OverlapRule(models.TextChoices):
    HARD = (
        "hard",
        gettext_lazy("Required: members' working hours must overlap by the session length"),
    )
    PREFER = "prefer", gettext_lazy("Preferred: keep members in nearby time zones where possible")


class ProgrammeStatus(models.TextChoices):
    DRAFT = "draft", gettext_lazy("Draft")
    ENROLLING = "enrolling", gettext_lazy("Enrolling")
    PUBLISHED = "published", gettext_lazy("Circles published")
    CLOSED = "closed", gettext_lazy("Closed")


class Programme(models.Model):
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="programmes"
    )
    name = models.CharField(max_length=120, validators=[validate_one_line])
    goal = models.TextField(
        help_text=gettext_lazy("What the programme is for, in a sentence or two.")
    )
    start_date = models.DateField()
    duration_months = models.PositiveSmallIntegerField(default=12)
    cadence = models.CharField(max_length=12, choices=Cadence.choices, default=Cadence.MONTHLY)
    session_minutes = models.PositiveSmallIntegerField(default=90)
    min_size = models.PositiveSmallIntegerField(default=5)
    max_size = models.PositiveSmallIntegerField(default=6)
    format = models.CharField(max_length=10, choices=Format.choices, default=Format.VIDEO)
    with_coach = models.BooleanField(gettext_lazy("Circles get a coach"), default=False)
    # Composition rules, by participant attribute name (see Participant.attributes).
    diversify = models.JSONField(default=list, blank=True)
    # Attribute name -> how much it counts against the others (1 when absent), diversified only.
    weights = models.JSONField(default=dict, blank=True)
    same = models.JSONField(default=list, blank=True)
    optional_attributes = models.JSONField(
        default=list,
        blank=True,
        help_text=gettext_lazy("Attributes participants may leave blank (consent)."),
    )
    separate_reporting_line = models.BooleanField(default=True)
    separation_depth = models.PositiveSmallIntegerField(default=1)
    overlap_rule = models.CharField(
        max_length=10, choices=OverlapRule.choices, default=OverlapRule.PREFER
    )
    avoid_previous_circles = models.BooleanField(
        gettext_lazy("Avoid putting together people who shared a circle before"), default=True
    )
    signup_token = models.CharField(max_length=32, unique=True, default=_signup_token)
    signup_open = models.BooleanField(default=True)
    status = models.CharField(
        max_length=12, choices=ProgrammeStatus.choices, default=ProgrammeStatus.DRAFT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-start_date", "name"]

    def __str__(self) -> str:
        return self.name

    @property
    def cadence_in_sentence(self) -> str:
        return str(CADENCE_IN_SENTENCE[Cadence(self.cadence)])

    @property
    def format_in_sentence(self) -> str:
        return str(FORMAT_IN_SENTENCE[Format(self.format)])

    @property
    def end_date(self) -> dt.date:
        """The day after the programme's last month (its start plus its duration)."""
        return add_months(self.start_date, self.duration_months)

    def start_date_problem(self) -> str | None:
        """Why the start date cannot be used, or None."""
        latest = dt.date(timezone.localdate().year + START_YEARS_AHEAD, 12, 31)
        if self.start_date is None or EARLIEST_START <= self.start_date <= latest:
            return None
        return _("The start date must be between %(earliest)s and %(latest)s.") % {
            "earliest": date_format(EARLIEST_START, "j F Y"),
            "latest": date_format(latest, "j F Y"),
        }

    def clean(self) -> None:
        """The rules every programme must satisfy, whether made in the browser or the API."""
        errors: dict[str, str] = {}
        date_problem = self.start_date_problem()
        if date_problem:
            errors["start_date"] = date_problem
        if self.min_size is not None and self.min_size < 3:
            errors["min_size"] = _("A circle needs at least 3 people for peer coaching to work.")
        if self.min_size is not None and self.max_size is not None:
            if self.max_size < self.min_size:
                errors["max_size"] = _("The largest circle cannot be smaller than the smallest.")
            elif self.max_size > 12:
                errors["max_size"] = _("Circles of more than 12 people leave too little time each.")
        if self.duration_months is not None and not 1 <= self.duration_months <= 36:
            errors["duration_months"] = _("The duration must be between 1 and 36 months.")
        if self.session_minutes is not None and not 15 <= self.session_minutes <= 480:
            errors["session_minutes"] = _("A session must last between 15 and 480 minutes.")
        if self.separation_depth is not None and not 1 <= self.separation_depth <= 5:
            errors["separation_depth"] = _("Reporting-line depth must be between 1 and 5 levels.")
        both = sorted(set(self.diversify) & set(self.same))
        if both:
            errors["same"] = _("%(attributes)s: cannot be both diversified and the same.") % {
                "attributes": ", ".join(both)
            }
        weight_error = _weights_error(self.weights, self.diversify)
        if weight_error:
            errors["weights"] = weight_error
        optional_same = sorted(set(self.optional_attributes) & set(self.same))
        if optional_same:
            errors["optional_attributes"] = _(
                "%(attributes)s: a must-be-the-same rule cannot use an attribute people may leave "
                "blank."
            ) % {"attributes": ", ".join(optional_same)}
        derived_optional = sorted(set(self.optional_attributes) & DERIVED_ATTRIBUTES)
        if derived_optional and "optional_attributes" not in errors:
            errors["optional_attributes"] = _(
                "%(attributes)s: comes from every participant's intake, so it cannot be optional."
            ) % {"attributes": ", ".join(derived_optional)}
        if errors:
            raise ValidationError(errors)

    @property
    def asked_attributes(self) -> list[str]:
        """Profile attributes participants are asked for, in a stable order.

        Every attribute named by a composition rule, except the ones derived from other intake
        answers (``language`` from languages, ``time_zone_band`` from the time zone).
        """
        names: list[str] = []
        for name in [*self.diversify, *self.same, *self.optional_attributes]:
            if name not in DERIVED_ATTRIBUTES and name not in names:
                names.append(name)
        return names

    @property
    def diversify_summary(self) -> str:
        """“department (weight 2), level”: what is diversified, with the weights that are not 1."""
        return ", ".join(
            f"{name} (weight {self.weights[name]:g})" if self.weights.get(name, 1) != 1 else name
            for name in self.diversify
        )

    @property
    def required_attributes(self) -> list[str]:
        return [name for name in self.asked_attributes if name not in self.optional_attributes]

    @property
    def signup_is_open(self) -> bool:
        return self.signup_open and self.status != ProgrammeStatus.CLOSED


def _weights_error(weights: object, diversify: list[str]) -> str | None:
    if not isinstance(weights, dict):
        return _("Weights must map attribute names to numbers.")
    unknown = sorted(name for name in weights if name not in diversify)
    if unknown:
        return _("%(attributes)s: only attributes to diversify can have a weight.") % {
            "attributes": ", ".join(unknown)
        }
    for name, weight in weights.items():
        if isinstance(weight, bool) or not isinstance(weight, int | float):
            return _("%(attribute)s: the weight must be a number.") % {"attribute": name}
        if not 0 < weight <= MAX_WEIGHT:
            return _("%(attribute)s: the weight must be more than 0 and at most %(most)s.") % {
                "attribute": name,
                "most": f"{MAX_WEIGHT:g}",
            }
    return None


class ParticipantStatus(models.TextChoices):
    INVITED = "invited", gettext_lazy("Invited")
    ACTIVE = "active", gettext_lazy("Active")
    LEFT = "left", pgettext_lazy("status of a participant", "Left")


class Source(models.TextChoices):
    CSV = "csv", gettext_lazy("CSV upload")
    LINK = "link", gettext_lazy("Sign-up link")
    MANUAL = "manual", gettext_lazy("Added by an admin")
    API = "api", gettext_lazy("API")


class Participant(models.Model):
    """A person enrolled in a programme. They may not have a login yet (CSV or API invite)."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="participants")
    email = models.EmailField()
    name = models.CharField(max_length=150, blank=True, validators=[validate_one_line])
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="participations",
    )
    manager_email = models.EmailField(blank=True)
    # Profile attributes for composition: {"department": "Sales", "level": "Manager", ...}.
    attributes = models.JSONField(default=dict, blank=True)
    consented_attributes = models.JSONField(default=list, blank=True)
    languages = models.JSONField(default=list, blank=True)
    time_zone = models.CharField(max_length=64, blank=True)
    # Weekly availability in the participant's own time zone: [{"day": 0..6, "start": "09:00",
    # "end": "17:00"}, ...]; day 0 is Monday.
    availability = models.JSONField(default=list, blank=True)
    goals = models.TextField(blank=True)
    status = models.CharField(
        max_length=10, choices=ParticipantStatus.choices, default=ParticipantStatus.INVITED
    )
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.MANUAL)
    intake_completed_at = models.DateTimeField(null=True, blank=True)
    invited_at = models.DateTimeField(default=timezone.now)
    reminded_at = models.DateTimeField(null=True, blank=True)
    left_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name", "email"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "email"], name="one_enrolment_per_email")
        ]
        # A programme's participants in list order: a page of 50 reads 50 rows, not a sort of
        # the whole programme (4.5 ms at 10,000 people on PostgreSQL, 0.2 ms with it).
        indexes = [
            models.Index(fields=["programme", "name", "email"], name="participant_list_order")
        ]

    def __str__(self) -> str:
        return self.name or self.email

    @property
    def intake_complete(self) -> bool:
        return self.intake_completed_at is not None


class EnrolmentUpload(models.Model):
    """A parsed CSV upload waiting for the admin to confirm it.

    The preview is stored here, server-side, so that confirming imports exactly the rows the admin
    saw: the browser only sends this record's id back, never row data.
    """

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="uploads")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    filename = models.CharField(max_length=255, blank=True)
    # [{"line": 2, "email": ..., "name": ..., "manager_email": ..., "attributes": {...},
    #   "languages": [...], "time_zone": ..., "errors": ["..."]}, ...]
    rows = models.JSONField(default=list)
    # File-level problems that block the import (e.g. wrong encoding) and warnings that do not.
    errors = models.JSONField(default=list)
    warnings = models.JSONField(default=list)
    created_at = models.DateTimeField(default=timezone.now)
    confirmed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.filename or 'Upload'} for {self.programme}"

    @property
    def bad_rows(self) -> list[dict]:
        return [row for row in self.rows if row["errors"]]

    @property
    def can_confirm(self) -> bool:
        return (
            self.confirmed_at is None and not self.errors and bool(self.rows) and not self.bad_rows
        )
