"""The built-in catalogue of topics (from the content lists of source 003); editable."""

from django.db import migrations

TOPICS = [
    ("union_theory", "Lý luận và nghiệp vụ công tác công đoàn", "Union theory and practice"),
    ("union_general", "Chương trình tổng quát về tổ chức và hoạt động công đoàn",
     "General course on the union's organisation and activities"),
    ("labour_relations", "Quan hệ lao động", "Labour relations"),
    ("collective_bargaining", "Thương lượng tập thể", "Collective bargaining"),
    ("dialogue", "Đối thoại tại nơi làm việc", "Workplace dialogue"),
    ("member_growth", "Phát triển đoàn viên, thành lập công đoàn cơ sở",
     "Member growth and founding grassroots unions"),
    ("legal_advice", "Tư vấn pháp luật", "Legal advice"),
    ("dispute_resolution", "Giải quyết tranh chấp lao động, đình công",
     "Labour-dispute resolution"),
    ("labour_law", "Pháp luật lao động, công đoàn", "Labour and union law"),
    ("osh", "An toàn, vệ sinh lao động", "Occupational safety and health"),
    ("democracy_supervision", "Thực hiện dân chủ, kiểm tra, giám sát",
     "Workplace democracy and supervision"),
    ("political_theory", "Lý luận chính trị", "Political theory"),
    ("foreign_language", "Ngoại ngữ", "Foreign language"),
    ("it", "Tin học", "Information technology"),
    ("pedagogy", "Nghiệp vụ sư phạm cho giảng viên", "Pedagogy for lecturers"),
    ("soft_skills", "Kỹ năng vận động, lập kế hoạch, thuyết phục, lắng nghe, thông tin",
     "Mobilising, planning, persuading, listening and information skills"),
    ("civil_service_rank", "Bồi dưỡng tiêu chuẩn ngạch công chức",
     "Civil-service rank standardisation"),
    ("management_leadership", "Quản lý, lãnh đạo", "Management and leadership"),
]


def seed(apps, schema_editor):
    Topic = apps.get_model("training", "Topic")
    for rank, (code, name, name_en) in enumerate(TOPICS, start=1):
        Topic.objects.get_or_create(code=code, defaults={
            "name": name, "name_en": name_en, "builtin": True, "rank": rank * 10})


class Migration(migrations.Migration):
    dependencies = [("training", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
