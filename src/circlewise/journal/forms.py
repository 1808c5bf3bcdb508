"""Forms of the journal."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from circlewise.journal.models import BODY_MAX, TITLE_MAX


class EntryForm(forms.Form):
    title = forms.CharField(label=_("Title (optional)"), required=False, max_length=TITLE_MAX)
    body = forms.CharField(
        label=_("Note"), max_length=BODY_MAX, widget=forms.Textarea(attrs={"rows": 6})
    )
