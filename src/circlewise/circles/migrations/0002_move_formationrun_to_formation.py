from django.db import migrations


class Migration(migrations.Migration):
    """FormationRun now belongs to the formation app: forget it here, keep its table."""

    dependencies = [
        ("circles", "0001_initial"),
        ("formation", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="FormationRun")],
            database_operations=[],
        ),
    ]
