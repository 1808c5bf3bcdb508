from __future__ import annotations

from django import forms

from circlewise.organisations.models import Organisation


class OrganisationForm(forms.ModelForm):
    class Meta:
        model = Organisation
        fields = ["name"]
        labels = {"name": "Organisation name"}
