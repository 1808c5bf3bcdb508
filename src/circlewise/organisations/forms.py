from __future__ import annotations

from django import forms

from circlewise.organisations.models import Organisation, Role


class OrganisationForm(forms.ModelForm):
    class Meta:
        model = Organisation
        fields = ["name"]
        labels = {"name": "Organisation name"}


class InvitationForm(forms.Form):
    email = forms.EmailField(label="Email address", help_text="They will get a link to join.")
    role = forms.ChoiceField(
        choices=Role.choices,
        initial=Role.MEMBER,
        label="Role",
        help_text="Admins run programmes and manage members; coaches facilitate circles.",
    )


class RoleForm(forms.Form):
    role = forms.ChoiceField(choices=Role.choices, label="Role")
