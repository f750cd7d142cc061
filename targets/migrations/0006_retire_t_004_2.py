"""T-004-2 leaves the built-in targets: seed 004 asks the districts, after each congress, to
"rà soát nắm chắc số lượng cán bộ mới chưa được đào tạo và các đối tượng cán bộ Công đoàn cần
đào tạo như cán bộ chủ chốt, tổ trưởng, tổ phó ... từ đó thống kê, phân loại, báo cáo" — to
count the new cadres by category for the plan, not to train 100% of the union-group leaders.
A database that has it deletes it with its stored figures; where a unit adopted it, the
copies stay (they are the unit's own) and the built-in is only switched off."""

import secrets

from django.db import migrations


def retire(apps, schema_editor):
    Target = apps.get_model("targets", "Target")
    Revision = apps.get_model("targets", "Revision")
    target = Target.objects.filter(code="T-004-2", builtin=True).first()
    if target is None:
        return
    if Target.objects.filter(adopted_from=target).exists():
        Target.objects.filter(pk=target.pk).update(active=False)
    else:
        target.delete()
    # Every process reads the targets again (targets.models.Revision).
    Revision.objects.update_or_create(name="definitions", defaults={"token": secrets.token_hex(16)})


class Migration(migrations.Migration):
    dependencies = [("targets", "0005_one_line_names_and_codes")]

    operations = [migrations.RunPython(retire, migrations.RunPython.noop)]
