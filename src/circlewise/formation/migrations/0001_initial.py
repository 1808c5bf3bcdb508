"""FormationRun moves here from the circles app, keeping its table and every row.

The state is created here and removed from ``circles`` (its 0002) without touching the
database; 0002 then renames the table to this app's name.
"""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("circles", "0001_initial"),
        ("programmes", "0002_enrolmentupload"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="FormationRun",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "status",
                            models.CharField(
                                choices=[
                                    ("queued", "Queued"),
                                    ("running", "Running"),
                                    ("proposed", "Proposal ready"),
                                    ("failed", "Failed"),
                                    ("published", "Published"),
                                ],
                                default="queued",
                                max_length=10,
                            ),
                        ),
                        ("progress", models.FloatField(default=0.0)),
                        ("message", models.CharField(blank=True, max_length=300)),
                        ("error", models.TextField(blank=True)),
                        ("seed", models.IntegerField(default=0)),
                        ("time_limit", models.FloatField(default=10.0)),
                        ("proposal", models.JSONField(blank=True, default=list)),
                        ("pins", models.JSONField(blank=True, default=dict)),
                        ("warnings", models.JSONField(blank=True, default=list)),
                        ("objective", models.FloatField(blank=True, null=True)),
                        ("upper_bound", models.FloatField(blank=True, null=True)),
                        ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                        ("finished_at", models.DateTimeField(blank=True, null=True)),
                        ("published_at", models.DateTimeField(blank=True, null=True)),
                        (
                            "programme",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="formation_runs",
                                to="programmes.programme",
                            ),
                        ),
                        (
                            "started_by",
                            models.ForeignKey(
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "ordering": ["-created_at"],
                        "db_table": "circles_formationrun",
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
