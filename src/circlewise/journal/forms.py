"""Forms of the journal."""

from __future__ import annotations

from django import forms

from circlewise.journal.models import BODY_MAX, TITLE_MAX


class EntryForm(forms.Form):
    title = forms.CharField(label="Title (optional)", required=False, max_length=TITLE_MAX)
    body = forms.CharField(
        label="Note", max_length=BODY_MAX, widget=forms.Textarea(attrs={"rows": 6})
    )
