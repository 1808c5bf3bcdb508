"""Forms for programmes, enrolment and intake. Parsing lives in ``parsing``; rules in services."""

from __future__ import annotations

import re

from django import forms
from django.utils.dates import WEEKDAYS
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from circlewise.accounts.models import TIME_ZONE_CHOICES
from circlewise.programmes import parsing
from circlewise.programmes.models import DEFAULT_DIVERSIFY, Participant, Programme
from circlewise.programmes.services import PROGRAMME_FIELDS


class AttributeListField(forms.CharField):
    """Comma-separated attribute names, stored as a list of lower-case snake_case names."""

    def prepare_value(self, value: object) -> object:
        return ", ".join(value) if isinstance(value, list) else value

    # A text input that cleans to a list: CharField's input and checks, another Python value.
    def to_python(self, value: object) -> list[str]:  # type: ignore[override]
        names: list[str] = []
        for raw in str(value or "").split(","):
            if not raw.strip():
                continue
            try:
                name = parsing.parse_attribute_name(raw)
            except ValueError as error:
                raise forms.ValidationError(str(error)) from None
            if name not in names:
                names.append(name)
        return names


_WEIGHT = re.compile(r"^(?P<name>[^:=]+?)\s*[:=]?\s*(?P<weight>\d+(?:[.,]\d+)?)$")


class WeightsField(forms.CharField):
    """“department 2, location 0.5”: attribute name and weight pairs, stored as a mapping."""

    def prepare_value(self, value: object) -> object:
        if isinstance(value, dict):
            return ", ".join(f"{name} {weight:g}" for name, weight in value.items())
        return value

    # A text input that cleans to a mapping (as above).
    def to_python(self, value: object) -> dict[str, float]:  # type: ignore[override]
        weights: dict[str, float] = {}
        for raw in str(value or "").split(","):
            if not raw.strip():
                continue
            match = _WEIGHT.match(raw.strip())
            if match is None:
                raise forms.ValidationError(
                    _("“%(text)s”: write an attribute and a number, e.g. “department 2”.")
                    % {"text": raw.strip()}
                )
            try:
                name = parsing.parse_attribute_name(match["name"])
            except ValueError as error:
                raise forms.ValidationError(str(error)) from None
            weights[name] = float(match["weight"].replace(",", "."))
        return weights


class ProgrammeForm(forms.ModelForm):
    diversify = AttributeListField(
        required=False,
        label=gettext_lazy("Attributes to diversify"),
        help_text=gettext_lazy("Comma-separated, e.g. department, level, location, background."),
    )
    weights = WeightsField(
        required=False,
        label=gettext_lazy("How much each attribute matters (optional)"),
        help_text=gettext_lazy(
            "E.g. “department 2, location 0.5”: department counts twice as much as an "
            "attribute without a number, location half as much."
        ),
    )
    same = AttributeListField(
        required=False,
        label=gettext_lazy("Attributes that must be the same in a circle"),
        help_text=gettext_lazy("E.g. language, time zone band."),
    )
    optional_attributes = AttributeListField(
        required=False,
        label=gettext_lazy("Optional attributes (participants consent to share them)"),
        help_text=gettext_lazy("Asked for but may be left blank, e.g. background."),
    )

    class Meta:
        model = Programme
        # The sign-up link is opened and closed from the programme page, not this form.
        fields = [name for name in PROGRAMME_FIELDS if name != "signup_open"]
        labels = {
            "goal": "Purpose",
            "duration_months": "Duration (months)",
            "session_minutes": gettext_lazy("Session length (minutes)"),
            "min_size": gettext_lazy("Smallest circle"),
            "max_size": gettext_lazy("Largest circle"),
            "separate_reporting_line": gettext_lazy(
                "Never put people in the same reporting line together"
            ),
            "separation_depth": gettext_lazy(
                "Reporting-line depth (1: manager and report; 2: also skip-level)"
            ),
            "overlap_rule": gettext_lazy("Meeting times"),
        }
        widgets = {
            # A date input only accepts ISO dates (yyyy-mm-dd), whatever the locale's format.
            "start_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "goal": forms.Textarea(attrs={"rows": 3}),
            "overlap_rule": forms.RadioSelect,
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk is None:
            self.initial.setdefault("diversify", list(DEFAULT_DIVERSIFY))


class UploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("CSV file"),
        help_text=gettext_lazy(
            "A header line with at least “email”; optionally name, manager_email, "
            "languages, time_zone and the programme's attributes. UTF-8, up to 2 MB."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > parsing.MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                _("The file is larger than 2 MB; split it into smaller ones.")
            )
        return upload


class AddParticipantForm(forms.Form):
    email = forms.CharField(label=gettext_lazy("Email"), max_length=254)
    name = forms.CharField(label=gettext_lazy("Name"), max_length=150, required=False)
    manager_email = forms.CharField(
        label=gettext_lazy("Manager's email"), max_length=254, required=False
    )


def _label(name: str) -> str:
    return name.replace("_", " ").capitalize()


class IntakeForm(forms.Form):
    """The participant's intake: fields depend on the attributes the programme asks for."""

    languages = forms.CharField(
        label=gettext_lazy("Languages you can hold a session in"),
        help_text=gettext_lazy(
            "Comma-separated names or codes, most comfortable first, e.g. English, German."
        ),
    )
    time_zone = forms.ChoiceField(choices=TIME_ZONE_CHOICES, label=gettext_lazy("Your time zone"))
    goals = forms.CharField(
        label=gettext_lazy("What do you want from this programme?"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    manager_email = forms.EmailField(
        label=gettext_lazy("Your manager's email"),
        required=False,
        help_text=gettext_lazy("So you are never in a circle with your manager or your reports."),
    )

    def __init__(self, *args, programme: Programme, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.programme = programme
        for name in programme.asked_attributes:
            optional = name in programme.optional_attributes
            self.fields[f"attr_{name}"] = forms.CharField(
                label=_label(name) + (" (optional)" if optional else ""),
                max_length=120,
                required=not optional,
            )
            if optional:
                self.fields[f"consent_{name}"] = forms.BooleanField(
                    label=_("I agree to share my %(attribute)s to compose circles")
                    % {"attribute": name.replace("_", " ")},
                    required=False,
                )
        for day, day_name in WEEKDAYS.items():  # Django's names, translated by Django
            self.fields[f"day_{day}"] = forms.CharField(
                label=day_name,
                required=False,
                help_text=_("Local times, e.g. 09:00-12:00, 14:00-17:00; blank if unavailable."),
            )

    @property
    def attribute_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.fields if name.startswith(("attr_", "consent_"))]

    @property
    def day_fields(self) -> list[forms.BoundField]:
        return [self[f"day_{day}"] for day in range(7)]

    def clean_languages(self) -> list[str]:
        try:
            return parsing.parse_languages(self.cleaned_data["languages"])
        except ValueError as error:
            raise forms.ValidationError(str(error)) from None

    def clean(self) -> dict:
        super().clean()
        cleaned = self.cleaned_data
        availability: list[dict] = []
        for day in range(7):
            try:
                availability += parsing.parse_day_windows(cleaned.get(f"day_{day}", ""), day=day)
            except ValueError as error:
                self.add_error(f"day_{day}", str(error))
        cleaned["availability"] = availability
        return cleaned

    def answers(self) -> dict:
        """The cleaned answers as keyword arguments of ``services.intake_submit``."""
        data = self.cleaned_data
        names = self.programme.asked_attributes
        return {
            "attributes": {name: data.get(f"attr_{name}", "") for name in names},
            "consented": [name for name in names if data.get(f"consent_{name}")],
            "languages": data["languages"],
            "time_zone": data["time_zone"],
            "availability": data["availability"],
            "goals": data.get("goals", ""),
            "manager_email": data.get("manager_email", ""),
        }


def intake_initial(participant: Participant, *, membership_profile: dict[str, str]) -> dict:
    """Initial intake answers: earlier answers first, else the member's organisation profile."""
    initial: dict[str, object] = {
        "languages": ", ".join(parsing.language_name(c) for c in participant.languages)
        or membership_profile.get("language", ""),
        "time_zone": participant.time_zone or membership_profile.get("time_zone", "UTC"),
        "goals": participant.goals,
        "manager_email": participant.manager_email or membership_profile.get("manager_email", ""),
    }
    programme = participant.programme
    for name in programme.asked_attributes:
        # Optional answers need the participant's own consent, so the profile never fills them.
        profile = "" if name in programme.optional_attributes else membership_profile.get(name, "")
        initial[f"attr_{name}"] = participant.attributes.get(name) or profile
        initial[f"consent_{name}"] = name in participant.consented_attributes
    windows = participant.availability or [
        {"day": day, "start": "09:00", "end": "17:00"} for day in range(5)
    ]
    for day in range(7):
        initial[f"day_{day}"] = ", ".join(
            f"{w['start']}-{w['end']}" for w in windows if int(w["day"]) == day
        )
    return initial
