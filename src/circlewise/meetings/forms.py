"""Forms of the meetings app: where sessions happen, a proposed slot, a rule set by hand, a move.

Forms only parse; the rules (an http(s) link for a video call, a place for a meeting, a first
session in the future, …) are checked once, in :mod:`circlewise.meetings.services`.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from circlewise.accounts.models import TIME_ZONE_CHOICES
from circlewise.core.text import line_problem
from circlewise.meetings.models import Frequency, MeetingFormat
from circlewise.meetings.services import MAX_SESSIONS


class _OneLine(forms.CharField):
    """A single line of text: NUL characters and line breaks are refused here and in services."""

    def validate(self, value: str) -> None:
        super().validate(value)
        problem = line_problem(value, label=_("This"), max_length=len(value))
        if problem:
            raise forms.ValidationError(problem)


class WhereForm(forms.Form):
    format = forms.ChoiceField(
        label=gettext_lazy("Format"), choices=MeetingFormat.choices, widget=forms.RadioSelect
    )
    video_url = _OneLine(
        label=gettext_lazy("Video call link"),
        required=False,
        max_length=500,
        help_text=gettext_lazy("Any video service: a full address starting with https://"),
        widget=forms.URLInput(attrs={"placeholder": "https://"}),
    )
    place = _OneLine(
        label=pgettext_lazy("where a session happens", "Place"),
        required=False,
        max_length=200,
        help_text=gettext_lazy("For sessions in person."),
    )


class _SeriesFields(WhereForm):
    count = forms.IntegerField(
        label=gettext_lazy("Number of sessions"), min_value=1, max_value=MAX_SESSIONS
    )
    duration_minutes = forms.IntegerField(
        label=gettext_lazy("Length of each session (minutes)"), min_value=15, max_value=480
    )


class PickSlotForm(_SeriesFields):
    """Choose a proposed recurring slot: ``slot`` is its key (see ``selectors.slot_key``).

    Any well-formed key is accepted, not only the ones proposed a moment ago: the coach may set
    any time by hand anyway, and the search need not run twice for one choice.
    """

    slot = forms.RegexField(
        label=gettext_lazy("Proposed times"),
        regex=r"^[0-6]:(-1|[0-4]):[0-9]{1,4}$",
        error_messages={
            "invalid": gettext_lazy("Choose one of the proposed times."),
            "required": gettext_lazy("Choose one of the proposed times."),
        },
    )
    starts_on = forms.DateField(widget=forms.HiddenInput)

    def clean_slot(self) -> tuple[int, int | None, int]:
        """(weekday, week of the month or None for weekly, start in minutes after midnight)."""
        weekday, week, start = (int(part) for part in self.cleaned_data["slot"].split(":"))
        if start >= 24 * 60:
            raise forms.ValidationError(_("Choose one of the proposed times."))
        return weekday, week or None, start


class SetByHandForm(_SeriesFields):
    """Any first date and time, repeated weekly, fortnightly or monthly."""

    first = forms.DateField(
        label=gettext_lazy("First session"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    start_time = forms.TimeField(
        label=gettext_lazy("Start time"),
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
    time_zone = forms.ChoiceField(label=gettext_lazy("In the time zone"), choices=TIME_ZONE_CHOICES)
    frequency = forms.ChoiceField(label=gettext_lazy("Repeats"), choices=Frequency.choices)


class MoveForm(WhereForm):
    """Move one session: a new date and time in the mover's time zone."""

    date = forms.DateField(
        label=gettext_lazy("Date"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    start_time = forms.TimeField(
        label=gettext_lazy("Start time"),
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
    time_zone = forms.ChoiceField(label=gettext_lazy("Time zone"), choices=TIME_ZONE_CHOICES)
    duration_minutes = forms.IntegerField(
        label=gettext_lazy("Length (minutes)"), min_value=15, max_value=480
    )


class AbsenceForm(forms.Form):
    note = _OneLine(
        label=gettext_lazy("A note for the circle (optional)"), required=False, max_length=200
    )
