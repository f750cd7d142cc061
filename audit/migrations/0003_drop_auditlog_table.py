from django.db import migrations


class Migration(migrations.Migration):
    """auditlog's own table, created by its migrations before they were turned off
    (settings.MIGRATION_MODULES): entries go to audit.LogEntry, and its foreign keys to users
    and content types would stop PostgreSQL from emptying those tables (flush, restore)."""

    dependencies = [("audit", "0002_entry_indexes")]

    operations = [
        migrations.RunSQL("DROP TABLE IF EXISTS auditlog_logentry",
                          reverse_sql=migrations.RunSQL.noop),
    ]
