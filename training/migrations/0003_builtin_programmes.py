"""Framework programmes oriented by source 003, §II.3.1 (editable; hours are not stated in
the source, so they start at 0 for the confederation to set)."""

from django.db import migrations

# name, topic codes, target role codes, target level codes, full-time only
PROGRAMMES = [
    ("Bồi dưỡng kiến thức tổng quát về tổ chức và hoạt động công đoàn (cán bộ chủ chốt cấp "
     "tỉnh, cấp huyện mới được bầu)", ["union_general"],
     ["chair", "vice_chair", "standing_member"], ["province", "upper_grassroots"], None),
    ("Bồi dưỡng kiến thức chuyên sâu theo vị trí việc làm (cơ quan Tổng Liên đoàn, cấp tỉnh, "
     "ngành Trung ương)", ["union_theory", "labour_law", "labour_relations"],
     ["advisory_staff"], ["confederation", "province"], True),
    ("Bồi dưỡng kiến thức cơ bản về quan hệ lao động và kỹ năng hỗ trợ công đoàn cơ sở (cán "
     "bộ chuyên trách cấp trên trực tiếp cơ sở)",
     ["labour_relations", "member_growth", "dialogue", "collective_bargaining", "legal_advice",
      "dispute_resolution"], [], ["upper_grassroots"], True),
    ("Bồi dưỡng lý luận công đoàn và kỹ năng hoạt động công đoàn (cán bộ công đoàn cơ sở, chủ "
     "tịch công đoàn cơ sở)", ["union_theory", "soft_skills"],
     ["chair", "vice_chair", "executive_member"], ["grassroots"], None),
    ("Bồi dưỡng kỹ năng vận động quần chúng, thu thập và trao đổi thông tin (tổ trưởng công "
     "đoàn)", ["soft_skills"], ["group_leader"], ["union_group"], None),
]


def seed(apps, schema_editor):
    Programme = apps.get_model("training", "Programme")
    Topic = apps.get_model("training", "Topic")
    Role = apps.get_model("people", "Role")
    UnitLevel = apps.get_model("units", "UnitLevel")
    for name, topics, roles, levels, full_time in PROGRAMMES:
        programme, created = Programme.objects.get_or_create(
            name=name, defaults={"target_full_time": full_time})
        if created:
            programme.topics.set(Topic.objects.filter(code__in=topics))
            programme.target_roles.set(Role.objects.filter(code__in=roles))
            programme.target_levels.set(UnitLevel.objects.filter(code__in=levels))


class Migration(migrations.Migration):
    dependencies = [("training", "0002_builtin_topics"), ("people", "0002_roles"),
                    ("units", "0002_levels_and_kinds")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
