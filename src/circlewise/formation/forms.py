"""Forms of formation: edits of a proposal (move one person, swap two) and placing a late joiner.

People and circles travel as ids and indexes, not as lists of choices, so a form costs the same
for 300 or 10,000 people; the services check that they belong to the proposal or programme.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class _Edit(forms.Form):
    # The page of circles the admin was on, to return to it after the edit.
    page = forms.IntegerField(min_value=1, required=False)


class MoveForm(_Edit):
    """Move one person of a proposal to another proposed circle (by index)."""

    participant = forms.IntegerField(min_value=1)
    to_circle = forms.IntegerField(min_value=0)


class SwapForm(_Edit):
    """Swap two people of a proposal between their circles."""

    first = forms.IntegerField(min_value=1)
    second = forms.IntegerField(min_value=1)


class PlaceForm(forms.Form):
    """Place a person waiting for a circle in a circle the admin chose."""

    participant = forms.IntegerField(min_value=1)
    circle = forms.IntegerField(min_value=1, label=_("Place in"))
