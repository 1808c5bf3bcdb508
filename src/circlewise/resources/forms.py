"""Forms of the resources app. Links are checked by the service (http(s) only, one message)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from circlewise.resources.models import (
    NOTE_MAX,
    REFLECTION_MAX,
    TITLE_MAX,
    URL_MAX,
    Kind,
)


class ResourceForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=Kind.choices)
    title = forms.CharField(label=_("Title"), max_length=TITLE_MAX)
    url = forms.CharField(
        label=_("Link"),
        max_length=URL_MAX,
        help_text=_("An address starting with https:// (or http://)."),
        widget=forms.URLInput(attrs={"inputmode": "url"}),
    )
    note = forms.CharField(
        label=_("Why it is worth the time (optional)"),
        required=False,
        max_length=NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    tags = forms.CharField(
        label=_("Tags (optional)"), required=False, help_text=_("Separate tags with commas.")
    )
    suggested_month = forms.IntegerField(
        label=_("Suggested month of the programme (optional)"), required=False, min_value=1
    )


class ProgressForm(forms.Form):
    done = forms.BooleanField(label=_("I have read, watched or listened to it"), required=False)
    reflection = forms.CharField(
        label=_("Reflection for the circle (optional)"),
        required=False,
        max_length=REFLECTION_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
