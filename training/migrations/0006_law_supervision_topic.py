"""A built-in topic for supervising the observance of labour law, one of the four contents
001 asks of the chairs of non-state grassroots unions ("được tập huấn, kỹ năng thương lượng
tập thể; công tác giám sát thực hiện pháp luật, an toàn vệ sinh lao động, thực hiện quy chế
dân chủ ở cơ sở"): there was none, so no record could show it."""

from django.db import migrations


def seed(apps, schema_editor):
    """Idempotent (the suite runs it again after a test empties the tables)."""
    Topic = apps.get_model("training", "Topic")
    Topic.objects.get_or_create(
        code="law_supervision",
        defaults={
            "name": "Giám sát thực hiện pháp luật lao động",
            "name_en": "Supervising the observance of labour law",
            "builtin": True,
            "rank": 175,
        },
    )


class Migration(migrations.Migration):
    dependencies = [("training", "0005_cadre_work_briefing_topic")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
