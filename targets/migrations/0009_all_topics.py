"""A target may require every topic it lists. T-001-4 does (001: "100% chủ tịch CĐCS ngoài
khu vực nhà nước được tập huấn, kỹ năng thương lượng tập thể; công tác giám sát thực hiện pháp
luật, an toàn vệ sinh lao động, thực hiện quy chế dân chủ ở cơ sở" — four contents), with the
new topic on supervising the observance of labour law: an OSH course alone no longer meets it."""

import secrets

from django.db import migrations, models


def seed(apps, schema_editor):
    """Idempotent (the suite runs it again after a test empties the tables)."""
    Target = apps.get_model("targets", "Target")
    Topic = apps.get_model("training", "Topic")
    Revision = apps.get_model("targets", "Revision")
    target = Target.objects.filter(code="T-001-4", builtin=True).first()
    if target is None or target.all_topics:
        return
    target.all_topics = True
    target.save(update_fields=["all_topics"])
    target.topics.set(
        Topic.objects.filter(
            code__in=["collective_bargaining", "law_supervision", "osh", "democracy_supervision"]
        )
    )
    Revision.objects.update_or_create(name="definitions", defaults={"token": secrets.token_hex(16)})


class Migration(migrations.Migration):
    dependencies = [
        ("targets", "0008_t_001_1"),
        ("training", "0006_law_supervision_topic"),
    ]

    operations = [
        migrations.AddField(
            model_name="target",
            name="all_topics",
            field=models.BooleanField(
                default=False,
                help_text=(
                    "Met only when the person has been trained in every topic listed (by one "
                    "record or several); otherwise one record in any of them meets it."
                ),
                verbose_name="every topic required",
            ),
        ),
        migrations.RunPython(seed, migrations.RunPython.noop),
    ]
