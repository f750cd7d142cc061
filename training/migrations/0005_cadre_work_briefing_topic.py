"""A built-in topic for the briefing on cadre work that 001 asks of every key leader ("100%
cán bộ chủ chốt công đoàn các cấp phải được tuyên truyền, quán triệt nâng cao nhận thức và
tầm quan trọng của công tác cán bộ trong tình hình mới"), so that a briefing class can count
toward T-001-1."""

from django.db import migrations


def seed(apps, schema_editor):
    """Idempotent (the suite runs it again after a test empties the tables)."""
    Topic = apps.get_model("training", "Topic")
    Topic.objects.get_or_create(
        code="cadre_work_briefing",
        defaults={
            "name": "Tuyên truyền và quán triệt về công tác cán bộ",
            "name_en": "Briefing on cadre work",
            "builtin": True,
            "rank": 205,
        },
    )


class Migration(migrations.Migration):
    dependencies = [("training", "0004_one_line_names_and_codes")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
