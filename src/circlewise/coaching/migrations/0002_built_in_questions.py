"""Load the built-in powerful questions (66, by phase). Reversible: removes only those."""

from __future__ import annotations

from django.db import migrations

from circlewise.coaching.question_bank import BUILT_IN


def load(apps, schema_editor):
    Question = apps.get_model("coaching", "Question")
    Question.objects.bulk_create(
        Question(category=category, text=text)
        for category, texts in BUILT_IN.items()
        for text in texts
    )


def unload(apps, schema_editor):
    apps.get_model("coaching", "Question").objects.filter(organisation__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("coaching", "0001_sessions_commitments_questions")]
    operations = [migrations.RunPython(load, unload)]
