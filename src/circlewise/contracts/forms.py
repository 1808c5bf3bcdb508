"""Forms for contracts: agreements are edited one per line."""

from __future__ import annotations

from django import forms

from circlewise.contracts.terms import MAX_DURATION_LENGTH, MAX_GOAL_LENGTH


def agreement_lines(text: str) -> list[str]:
    """The agreements typed one per line (blank lines dropped)."""
    return [line.strip() for line in text.splitlines() if line.strip()]


class ContractForm(forms.Form):
    agreements = forms.CharField(
        label="Agreements, one per line",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 9}),
    )
    goal = forms.CharField(
        label="Our goal",
        required=False,
        max_length=MAX_GOAL_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    duration = forms.CharField(
        label="How long we meet (e.g. 12 months from January 2027)",
        required=False,
        max_length=MAX_DURATION_LENGTH,
    )


class TemplateForm(forms.Form):
    agreements = forms.CharField(
        label="Agreements every circle starts from, one per line",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 9}),
    )
