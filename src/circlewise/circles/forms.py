"""Forms of the circles app: self-organised circles and join requests."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from circlewise.accounts.models import TIME_ZONE_CHOICES
from circlewise.circles.models import Circle
from circlewise.core.languages import parse_language


class CircleForm(forms.ModelForm):
    """Start or edit a self-organised circle."""

    time_zone = forms.ChoiceField(
        label=gettext_lazy("Time zone"),
        choices=[("", "Any / mixed"), *TIME_ZONE_CHOICES],
        required=False,
    )

    class Meta:
        model = Circle
        fields = ["name", "topic", "language", "time_zone", "format", "max_size", "is_listed"]
        labels = {
            "name": gettext_lazy("Circle name"),
            "topic": gettext_lazy("Topic: what the circle is about"),
            "max_size": gettext_lazy("Maximum number of members"),
        }
        help_texts = {"language": gettext_lazy("The language the circle meets in, e.g. English.")}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Stored as a code; people read and type the name.
        if self.instance.language and not self.is_bound:
            self.initial["language"] = self.instance.language_name

    def clean_language(self) -> str:
        text = self.cleaned_data["language"]
        if not text.strip():
            return ""
        try:
            return parse_language(text)
        except ValueError as error:
            raise forms.ValidationError(str(error)) from None

    def clean_max_size(self) -> int:
        size = self.cleaned_data["max_size"]
        if not 2 <= size <= 12:
            raise forms.ValidationError(_("A circle has between 2 and 12 members."))
        return size


class FindCirclesForm(forms.Form):
    q = forms.CharField(label=gettext_lazy("Topic contains"), required=False)
    language = forms.CharField(
        label=gettext_lazy("Language"),
        required=False,
        help_text=gettext_lazy("A name or part of one, e.g. English."),
    )
    time_zone = forms.CharField(label=gettext_lazy("Time zone contains"), required=False)


class JoinRequestForm(forms.Form):
    message = forms.CharField(
        label=gettext_lazy("A note to the host (optional)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
