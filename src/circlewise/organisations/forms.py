from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from circlewise.organisations.models import Organisation, Role


class OrganisationForm(forms.ModelForm):
    class Meta:
        model = Organisation
        fields = ["name"]
        labels = {"name": _("Organisation name")}


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("Email address"), help_text=_("They will get a link to join."))
    role = forms.ChoiceField(
        choices=Role.choices,
        initial=Role.MEMBER,
        label=_("Role"),
        help_text=_("Admins run programmes and manage members; coaches facilitate circles."),
    )


class RoleForm(forms.Form):
    role = forms.ChoiceField(choices=Role.choices, label=_("Role"))
