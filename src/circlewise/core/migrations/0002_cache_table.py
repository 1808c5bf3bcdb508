"""Create the shared cache table (allauth's login rate limits and lockout counters).

A migration, so that `migrate` (run by `make run`, the tests and every deployment) is the only
step: the cache works on SQLite and PostgreSQL alike without a separate `createcachetable`.
"""

from django.conf import settings
from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps, schema_editor):
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


def drop_cache_table(apps, schema_editor):
    schema_editor.execute(f"DROP TABLE IF EXISTS {schema_editor.quote_name(settings.CACHE_TABLE)}")


class Migration(migrations.Migration):
    dependencies = [("core", "0001_site_name")]

    operations = [migrations.RunPython(create_cache_table, drop_cache_table)]
