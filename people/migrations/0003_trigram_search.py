"""On PostgreSQL, a trigram index makes the accent-free 'contains' search of people fast at
national scale. SQLite has no equivalent and scans, which is fine at its scale."""

from django.db import migrations


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS person_search_trgm ON people_person "
        "USING gin (search_name gin_trgm_ops)")


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS person_search_trgm")


class Migration(migrations.Migration):
    dependencies = [("people", "0002_roles")]
    operations = [migrations.RunPython(forwards, backwards)]
