"""Forms for contracts: agreements are edited one per line."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from circlewise.contracts.terms import MAX_DURATION_LENGTH, MAX_GOAL_LENGTH


def agreement_lines(text: str) -> list[str]:
    """The agreements typed one per line (blank lines dropped)."""
    return [line.strip() for line in text.splitlines() if line.strip()]


class ContractForm(forms.Form):
    agreements = forms.CharField(
        label=_("Agreements, one per line"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 9}),
    )
    goal = forms.CharField(
        label=_("Our goal"),
        required=False,
        max_length=MAX_GOAL_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    duration = forms.CharField(
        label=_("How long we meet (e.g. 12 months from January 2027)"),
        required=False,
        max_length=MAX_DURATION_LENGTH,
    )


class TemplateForm(forms.Form):
    agreements = forms.CharField(
        label=_("Agreements every circle starts from, one per line"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 9}),
    )
