from __future__ import annotations

from datetime import timedelta

from django import forms
from django.conf import settings

from circlewise.accounts.models import TIME_ZONE_CHOICES, User
from circlewise.core.validators import validate_one_line


class SignupForm(forms.Form):
    """Extra sign-up fields for allauth (it adds email and password)."""

    name = forms.CharField(max_length=150, label="Your name", validators=[validate_one_line])

    def signup(self, request, user: User) -> None:
        user.name = self.cleaned_data["name"]
        user.save(update_fields=["name"])


class AccountSettingsForm(forms.ModelForm):
    time_zone = forms.ChoiceField(
        choices=TIME_ZONE_CHOICES,
        label="Time zone",
        help_text="Times of sessions and reminders are shown in this time zone.",
    )
    language = forms.ChoiceField(choices=lambda: settings.LANGUAGES, label="Language")

    class Meta:
        model = User
        fields = [
            "name",
            "pronouns",
            "time_zone",
            "language",
            "notify_circle_updates",
            "notify_reminders",
        ]
        help_texts = {"pronouns": "Optional, e.g. she/her, they/them. Shown next to your name."}

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        if len(settings.LANGUAGES) == 1:
            # One complete language: nothing to choose (see LANGUAGES in settings).
            del self.fields["language"]


TOKEN_LIFETIMES = {"30": 30, "90": 90, "365": 365, "never": None}


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        max_length=100,
        label="Token name",
        help_text="What will use it, e.g. “HR system sync”.",
    )
    expires = forms.ChoiceField(
        label="Expires",
        choices=[
            ("30", "In 30 days"),
            ("90", "In 90 days"),
            ("365", "In a year"),
            ("never", "Never (until you revoke it)"),
        ],
        initial="90",
        required=False,
        help_text="Every token also stops working when your password changes.",
    )

    def lifetime(self) -> timedelta | None:
        days = TOKEN_LIFETIMES[self.cleaned_data["expires"] or self.fields["expires"].initial]
        return timedelta(days=days) if days is not None else None
