from __future__ import annotations

from django import forms

from circlewise.accounts.models import TIME_ZONE_CHOICES, User


class SignupForm(forms.Form):
    """Extra sign-up fields for allauth (it adds email and password)."""

    name = forms.CharField(max_length=150, label="Your name")

    def signup(self, request, user: User) -> None:
        user.name = self.cleaned_data["name"]
        user.save(update_fields=["name"])


class AccountSettingsForm(forms.ModelForm):
    time_zone = forms.ChoiceField(choices=TIME_ZONE_CHOICES, label="Time zone")

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
        widgets = {"language": forms.Select()}
        help_texts = {"pronouns": "Optional, e.g. she/her, they/them."}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        from django.conf import settings

        self.fields["language"].widget.choices = settings.LANGUAGES
