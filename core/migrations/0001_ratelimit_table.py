"""The table behind the ``ratelimit`` cache when there is no Redis (config/settings.py).

``migrate`` is all a deploy runs, so the table is made here rather than by a separate
``createcachetable``; with Redis configured there is nothing to create.
"""

from django.core.management import call_command
from django.db import migrations


def create_cache_tables(apps, schema_editor):
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = []

    operations = [migrations.RunPython(create_cache_tables, migrations.RunPython.noop)]
