"""T-003-4: the duty is the responsible level's to organise (issue 20 §1).

003 §III.1: "Trực tiếp tổ chức bồi dưỡng kỹ năng, nghiệp vụ công đoàn đối với chủ tịch công
đoàn cơ sở có từ 2.500 đoàn viên trở lên"; §III.2 "… từ 1000 đến dưới 2.500 đoàn viên"; §III.3
"… dưới 1.000 đoàn viên". A chair of a union of 7,474 members trained at a district's workshop
is shown as trained by another level, not counted for the confederation's duty.
"""

import secrets


from django.db import migrations, models


def seed(apps, schema_editor):
    """Idempotent (the suite runs it again after a test empties the tables)."""
    Target = apps.get_model("targets", "Target")
    Revision = apps.get_model("targets", "Revision")
    changed = Target.objects.filter(
        code__in=["T-003-4a", "T-003-4b", "T-003-4c"], builtin=True, organised_by_responsible=False
    ).update(organised_by_responsible=True)
    if changed:
        Revision.objects.update_or_create(
            name="definitions", defaults={"token": secrets.token_hex(16)}
        )


class Migration(migrations.Migration):

    dependencies = [
        ('targets', '0010_readings_and_late'),
    ]

    operations = [
        migrations.AddField(
            model_name='target',
            name='organised_by_responsible',
            field=models.BooleanField(default=False, help_text="Met only by a class organised by the unit at the level responsible above the person's union (its parent when there is none at that level); training by others is shown, not counted.", verbose_name='only training the level responsible organised counts'),
        ),
        migrations.RunPython(seed, migrations.RunPython.noop),
    ]
