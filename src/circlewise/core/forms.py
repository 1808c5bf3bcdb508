"""How forms render across Circlewise."""

from __future__ import annotations

from django.forms.renderers import DjangoTemplates


class FormRenderer(DjangoTemplates):
    """Django's renderer with one change: a checkbox comes inside its label (forms/field.html)."""

    field_template_name = "forms/field.html"
