"""Forms of the resources app. Links are checked by the service (http(s) only, one message)."""

from __future__ import annotations

from django import forms

from circlewise.resources.models import (
    NOTE_MAX,
    REFLECTION_MAX,
    TITLE_MAX,
    URL_MAX,
    Kind,
)


class ResourceForm(forms.Form):
    kind = forms.ChoiceField(label="Kind", choices=Kind.choices)
    title = forms.CharField(label="Title", max_length=TITLE_MAX)
    url = forms.CharField(
        label="Link",
        max_length=URL_MAX,
        help_text="An address starting with https:// (or http://).",
        widget=forms.URLInput(attrs={"inputmode": "url"}),
    )
    note = forms.CharField(
        label="Why it is worth the time (optional)",
        required=False,
        max_length=NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    tags = forms.CharField(
        label="Tags (optional)", required=False, help_text="Separate tags with commas."
    )
    suggested_month = forms.IntegerField(
        label="Suggested month of the programme (optional)", required=False, min_value=1
    )


class ProgressForm(forms.Form):
    done = forms.BooleanField(label="I have read, watched or listened to it", required=False)
    reflection = forms.CharField(
        label="Reflection for the circle (optional)",
        required=False,
        max_length=REFLECTION_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
