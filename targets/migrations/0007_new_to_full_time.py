"""T-004-1a concerns the full-time cadres newly added at the start of the 2018–2023 term
(004: "100% cán bộ công đoàn chuyên trách mới bổ sung đầu nhiệm kỳ 2018-2023 được đào tạo"):
a target can now say "new full-time cadres only", and T-004-1a says it. A cadre re-elected in
2018 to the full-time post they held since 2013 no longer counts."""

import secrets

from django.db import migrations, models


def seed(apps, schema_editor):
    """Idempotent (the suite runs it again after a test empties the tables)."""
    Target = apps.get_model("targets", "Target")
    Revision = apps.get_model("targets", "Revision")
    if Target.objects.filter(code="T-004-1a", builtin=True, new_to_full_time=False).update(
        new_to_full_time=True
    ):
        Revision.objects.update_or_create(
            name="definitions", defaults={"token": secrets.token_hex(16)}
        )


class Migration(migrations.Migration):
    dependencies = [("targets", "0006_retire_t_004_2")]

    operations = [
        migrations.AddField(
            model_name="target",
            name="new_to_full_time",
            field=models.BooleanField(
                default=False,
                help_text="Only those whose full-time post is their first one (newly added staff).",
                verbose_name="new full-time cadres only",
            ),
        ),
        migrations.RunPython(seed, migrations.RunPython.noop),
    ]
