"""Forms of formation: edits of a proposal (move one person, swap two)."""

from __future__ import annotations

from collections.abc import Sequence

from django import forms

from circlewise.programmes.models import Participant


def _people(participants: Sequence[Participant]) -> list[tuple[int, str]]:
    return [(p.pk, f"{p.name or p.email} ({p.email})") for p in participants]


class MoveForm(forms.Form):
    """Move one person of a proposal to another proposed circle."""

    participant = forms.TypedChoiceField(label="Person to move", coerce=int)
    to_circle = forms.TypedChoiceField(label="Move to", coerce=int)

    def __init__(self, *args, participants: Sequence[Participant], circles: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["participant"].choices = _people(participants)
        self.fields["to_circle"].choices = [(i, f"Circle {i + 1}") for i in range(circles)]


class SwapForm(forms.Form):
    """Swap two people of a proposal between their circles."""

    first = forms.TypedChoiceField(label="Swap", coerce=int)
    second = forms.TypedChoiceField(label="with", coerce=int)

    def __init__(self, *args, participants: Sequence[Participant], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["first"].choices = self.fields["second"].choices = _people(participants)
