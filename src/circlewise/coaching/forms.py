"""Forms of sessions, commitments and questions."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from circlewise.coaching.models import (
    HOW_MAX,
    QUESTION_MAX,
    REFLECTION_MAX,
    WHAT_MAX,
    Category,
    Outcome,
)


class CommitmentForm(forms.Form):
    what = forms.CharField(label=_("What I will try before the next session"), max_length=WHAT_MAX)
    by_when = forms.DateField(label=_("By when"), widget=forms.DateInput(attrs={"type": "date"}))
    how_know = forms.CharField(label=_("How I will know"), max_length=HOW_MAX)


class ReviewForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("How did it go?"),
        choices=[c for c in Outcome.choices if c[0] != Outcome.OPEN],
        widget=forms.RadioSelect,
    )
    reflection = forms.CharField(
        label=_("A short reflection (optional)"),
        required=False,
        max_length=REFLECTION_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class QuestionForm(forms.Form):
    category = forms.ChoiceField(label=_("Phase"), choices=Category.choices)
    text = forms.CharField(label=_("Question"), max_length=QUESTION_MAX)


class GoalsForm(forms.Form):
    goals = forms.CharField(
        label=_("My goals for the programme"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
