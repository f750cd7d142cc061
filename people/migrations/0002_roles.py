"""The built-in union posts (editable afterwards: roles are data)."""

from django.db import migrations

# code, Vietnamese, English, key leader, executive-committee member, order
ROLES = [
    ("chair", "Chủ tịch", "Chair", True, True, 10),
    ("vice_chair", "Phó Chủ tịch", "Vice-chair", True, True, 20),
    ("standing_member", "Ủy viên Ban Thường vụ", "Standing-committee member", True, True, 30),
    ("executive_member", "Ủy viên Ban Chấp hành", "Executive-committee member", False, True, 40),
    ("inspection_chair", "Chủ nhiệm Ủy ban Kiểm tra", "Inspection-committee chair", False,
     False, 50),
    ("inspection_member", "Ủy viên Ủy ban Kiểm tra", "Inspection-committee member", False,
     False, 60),
    ("department_head", "Trưởng ban", "Head of department", False, False, 70),
    ("advisory_staff", "Cán bộ tham mưu giúp việc", "Advisory staff", False, False, 80),
    ("group_leader", "Tổ trưởng công đoàn", "Union-group leader", False, False, 90),
    ("group_deputy", "Tổ phó công đoàn", "Union-group deputy", False, False, 95),
    ("lecturer", "Giảng viên kiêm chức", "Part-time lecturer", False, False, 100),
]


def seed(apps, schema_editor):
    Role = apps.get_model("people", "Role")
    for code, name, name_en, key, committee, rank in ROLES:
        Role.objects.get_or_create(code=code, defaults={
            "name": name, "name_en": name_en, "is_key_leader": key,
            "is_committee_member": committee, "rank": rank})


class Migration(migrations.Migration):
    dependencies = [("people", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
