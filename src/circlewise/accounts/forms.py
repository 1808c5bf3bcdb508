from __future__ import annotations

from datetime import timedelta
from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from circlewise.accounts.models import TIME_ZONE_CHOICES, User
from circlewise.core.validators import validate_one_line


class SignupForm(forms.Form):
    """Extra sign-up fields for allauth (it adds email and password)."""

    name = forms.CharField(max_length=150, label=_("Your name"), validators=[validate_one_line])

    def signup(self, request, user: User) -> None:
        user.name = self.cleaned_data["name"]
        user.save(update_fields=["name"])


class AccountSettingsForm(forms.ModelForm):
    time_zone = forms.ChoiceField(
        choices=TIME_ZONE_CHOICES,
        label=_("Time zone"),
        help_text=_("Times of sessions and reminders are shown in this time zone."),
    )
    language = forms.ChoiceField(choices=lambda: settings.LANGUAGES, label=_("Language"))

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
        help_texts = {"pronouns": _("Optional, e.g. she/her, they/them. Shown next to your name.")}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if len(settings.LANGUAGES) == 1:
            # One complete language: nothing to choose (see LANGUAGES in settings).
            del self.fields["language"]


TOKEN_LIFETIMES = {"30": 30, "90": 90, "365": 365, "never": None}


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        max_length=100,
        label=_("Token name"),
        help_text=_("What will use it, e.g. “HR system sync”."),
    )
    expires = forms.ChoiceField(
        label=_("Expires"),
        choices=[
            ("30", "In 30 days"),
            ("90", "In 90 days"),
            ("365", "In a year"),
            ("never", _("Never (until you revoke it)")),
        ],
        initial="90",
        required=False,
        help_text=_("Every token also stops working when your password changes."),
    )

    def lifetime(self) -> timedelta | None:
        days = TOKEN_LIFETIMES[self.cleaned_data["expires"] or self.fields["expires"].initial]
        return timedelta(days=days) if days is not None else None


class AccountDeleteForm(forms.Form):
    """Asks again before the one step that cannot be undone: the password when the account has
    one, else (a login by emailed code only) the words :data:`PHRASE` typed out, in the page's
    language."""

    PHRASE = _("delete my account")

    password = forms.CharField(
        label=_("Your password"), widget=forms.PasswordInput, max_length=4096, required=False
    )
    phrase = forms.CharField(max_length=100, required=False)

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        if user.has_usable_password():
            del self.fields["phrase"]
            self.fields["password"].required = True
        else:
            del self.fields["password"]
            self.fields["phrase"].required = True
            self.fields["phrase"].label = _("Type “%(phrase)s”") % {"phrase": self.PHRASE}

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(_("That is not your password."))
        return password

    def clean_phrase(self) -> str:
        phrase = " ".join(self.cleaned_data["phrase"].split()).lower()
        if phrase != str(self.PHRASE).lower():
            raise forms.ValidationError(
                _("Type the words “%(phrase)s” to confirm.") % {"phrase": self.PHRASE}
            )
        return phrase
