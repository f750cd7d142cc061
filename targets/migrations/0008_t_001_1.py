"""T-001-1, the first target of 001, was missing: "100% cán bộ chủ chốt công đoàn các cấp phải
được tuyên truyền, quán triệt nâng cao nhận thức và tầm quan trọng của công tác cán bộ trong
tình hình mới." Population: the key leaders of every level; what counts: a record of a
briefing on cadre work (the topic `cadre_work_briefing`) within their term. Like the rest of
001 it starts inactive, for the province that adopts the resolution."""

import datetime as dt
import secrets

from django.db import migrations

WORDING = (
    "100% cán bộ chủ chốt công đoàn các cấp phải được tuyên truyền, quán triệt nâng cao nhận "
    "thức và tầm quan trọng của công tác cán bộ trong tình hình mới."
)


def seed(apps, schema_editor):
    """Idempotent (the suite runs it again after a test empties the tables)."""
    SourceDocument = apps.get_model("targets", "SourceDocument")
    Target = apps.get_model("targets", "Target")
    Topic = apps.get_model("training", "Topic")
    Revision = apps.get_model("targets", "Revision")
    document = SourceDocument.objects.filter(code="001").first()
    if document is None or Target.objects.filter(code="T-001-1").exists():
        return
    after = Target.objects.filter(code="T-001-2a").values_list("rank", flat=True).first()
    target = Target.objects.create(
        document=document,
        code="T-001-1",
        name="Cán bộ chủ chốt được tuyên truyền, quán triệt về công tác cán bộ",
        name_en="Key leaders briefed on cadre work",
        wording=WORDING,
        builtin=True,
        rank=(after or 100) - 5,
        valid_from=dt.date(2021, 2, 1),
        active=False,
        key_leaders_only=True,
        window="term",
    )
    target.topics.set(Topic.objects.filter(code="cadre_work_briefing"))
    Revision.objects.update_or_create(name="definitions", defaults={"token": secrets.token_hex(16)})


class Migration(migrations.Migration):
    dependencies = [
        ("targets", "0007_new_to_full_time"),
        ("training", "0005_cadre_work_briefing_topic"),
    ]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
