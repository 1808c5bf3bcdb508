"""Circles store their language as a code: turn names typed before ("English") into codes."""

from __future__ import annotations

from django.db import migrations
from django.utils import translation

from circlewise.core.languages import parse_language


def names_to_codes(apps, schema_editor) -> None:
    Circle = apps.get_model("circles", "Circle")
    with translation.override("en"):
        for circle in Circle.objects.exclude(language=""):
            try:
                code = parse_language(circle.language)
            except ValueError:
                # Free text that names no language ("any"): kept, pages show it as typed.
                continue
            if code != circle.language:
                Circle.objects.filter(pk=circle.pk).update(language=code)


class Migration(migrations.Migration):
    dependencies = [("circles", "0006_circle_rotation_and_closing")]

    operations = [migrations.RunPython(names_to_codes, migrations.RunPython.noop)]
