from django.db import migrations


class Migration(migrations.Migration):
    """Give the moved table this app's name (a rename: the rows stay)."""

    dependencies = [
        ("formation", "0001_initial"),
        ("circles", "0002_move_formationrun_to_formation"),
    ]

    operations = [
        migrations.AlterModelTable(name="formationrun", table=None),
    ]
