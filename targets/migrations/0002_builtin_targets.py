"""The built-in targets, one set per source document (editable afterwards: targets are data).

Sets of a province or a city (001 Ninh Thuận, 004 Hà Nội) start inactive: an administrator
sets their issuing unit and activates them. Source 003 applies to the whole system.
"""

import datetime as dt

from django.db import migrations

D = dt.date

DOCUMENTS = [
    ("003", "Nghị quyết Hội nghị lần thứ Bảy BCH TLĐ khoá XII", D(2020, 12, 12),
     "Ban Chấp hành Tổng Liên đoàn Lao động Việt Nam khoá XII",
     "Về tiếp tục đổi mới và nâng cao chất lượng công tác đào tạo, bồi dưỡng cán bộ công đoàn "
     "trong giai đoạn mới"),
    ("001", "Nghị quyết BCH LĐLĐ tỉnh Ninh Thuận khoá X", D(2021, 2, 1),
     "Ban Chấp hành Liên đoàn Lao động tỉnh Ninh Thuận khoá X",
     "Về xây dựng đội ngũ cán bộ công đoàn các cấp có đủ trình độ, năng lực, phẩm chất và ý "
     "thức trách nhiệm ngang tầm với yêu cầu nhiệm vụ trong giai đoạn mới"),
    ("004", "Kế hoạch đào tạo, bồi dưỡng cán bộ công đoàn năm 2018", D(2018, 1, 1),
     "Liên đoàn Lao động Thành phố Hà Nội",
     "Kế hoạch đào tạo, bồi dưỡng cán bộ công đoàn và phát triển đoàn viên, thành lập CĐCS "
     "năm 2018"),
]

UPPER = ["confederation", "province", "upper_grassroots"]
THEORY = ["union_theory", "union_general"]
KEY = ["chair", "vice_chair", "standing_member"]

# Each: code, document, name (vi), name (en), wording, fields, m2m (roles, levels, topics)
TARGETS = [
    ("T-003-1", "003", "Cán bộ chủ chốt cấp tỉnh, cấp huyện mới được bầu được bồi dưỡng tổng "
     "quát", "Newly elected key leaders of provinces and districts: general course",
     "Kết thúc năm thứ hai của mỗi nhiệm kỳ có 100% cán bộ lãnh đạo chủ chốt công đoàn cấp "
     "tỉnh, cấp huyện mới được bầu được bồi dưỡng kiến thức tổng quát về tổ chức và hoạt động "
     "công đoàn.",
     {"newly_elected": True, "window": "term_years", "window_count": 2},
     {"roles": KEY, "levels": ["province", "upper_grassroots"], "topics": ["union_general"]}),
    ("T-003-2", "003", "Cán bộ chuyên trách từ cấp trên trực tiếp cơ sở trở lên được đào tạo "
     "theo chức danh trong nhiệm kỳ",
     "Full-time cadres from upper-grassroots up trained to their title, each term",
     "Trong mỗi nhiệm kỳ, có 100% cán bộ công đoàn chuyên trách từ công đoàn cấp trên trực "
     "tiếp cơ sở trở lên được đào tạo, bồi dưỡng đáp ứng tiêu chuẩn, chức danh, khung năng "
     "lực vị trí việc làm.",
     {"full_time": True, "window": "term"},
     {"levels": UPPER, "topics": [*THEORY, "labour_relations", "labour_law",
                                  "management_leadership", "civil_service_rank"]}),
    ("T-003-3", "003", "Cán bộ chuyên trách từ cấp trên trực tiếp cơ sở trở lên được bồi "
     "dưỡng hằng năm", "Full-time cadres from upper-grassroots up: yearly refresher",
     "Cán bộ công đoàn chuyên trách từ công đoàn cấp trên trực tiếp cơ sở trở lên hàng năm "
     "được bồi dưỡng, tập huấn nâng cao trình độ đáp ứng được yêu cầu hoạt động công đoàn "
     "trong tình hình mới.",
     {"full_time": True, "window": "yearly"}, {"levels": UPPER}),
    ("T-003-4a", "003", "Chủ tịch CĐCS từ 2.500 đoàn viên trở lên (Tổng Liên đoàn đào tạo)",
     "Chairs of unions with 2,500 members or more (trained by the confederation)",
     "Cấp Tổng Liên đoàn trực tiếp đào tạo, bồi dưỡng cho đội ngũ chủ tịch công đoàn cơ sở có "
     "từ 2.500 đoàn viên trở lên.",
     {"min_members": 2500, "window": "term", "responsible": "confederation"},
     {"roles": ["chair"], "levels": ["grassroots"], "topics": [*THEORY, "soft_skills"]}),
    ("T-003-4b", "003", "Chủ tịch CĐCS từ 1.000 đến dưới 2.500 đoàn viên (cấp tỉnh, ngành đào "
     "tạo)", "Chairs of unions with 1,000 to 2,499 members (trained by the province)",
     "Cấp tỉnh, thành phố, ngành Trung ương và tương đương trực tiếp đào tạo, bồi dưỡng cho "
     "đội ngũ chủ tịch công đoàn cơ sở có từ 1.000 đến dưới 2.500 đoàn viên.",
     {"min_members": 1000, "max_members": 2500, "window": "term", "responsible": "province"},
     {"roles": ["chair"], "levels": ["grassroots"], "topics": [*THEORY, "soft_skills"]}),
    ("T-003-4c", "003", "Chủ tịch CĐCS dưới 1.000 đoàn viên (cấp trên trực tiếp cơ sở đào "
     "tạo)", "Chairs of unions under 1,000 members (trained by the upper-grassroots union)",
     "Cấp trên trực tiếp cơ sở trực tiếp đào tạo, bồi dưỡng cho đội ngũ chủ tịch công đoàn cơ "
     "sở có dưới 1.000 đoàn viên.",
     {"max_members": 1000, "window": "term", "responsible": "upper_grassroots"},
     {"roles": ["chair"], "levels": ["grassroots"], "topics": [*THEORY, "soft_skills"]}),
    ("T-003-5", "003", "Chi đào tạo, bồi dưỡng đạt 15% tổng chi hoạt động",
     "Training spending reaches 15% of operating spending",
     "Phấn đấu chi cho công tác đào tạo, bồi dưỡng đạt 15% tổng chi cho hoạt động của mỗi cấp "
     "công đoàn hằng năm.",
     {"kind": "spending_share", "threshold": 15, "window": "yearly"}, {}),
    ("T-001-2a", "001", "Cán bộ chuyên trách có trình độ đại học trở lên",
     "Full-time cadres hold a university degree or higher",
     "100% cán bộ công đoàn chuyên trách có trình độ đại học trở lên.",
     {"kind": "qualification", "full_time": True, "min_education": 5, "window": "term"}, {}),
    ("T-001-2b", "001", "Cán bộ chuyên trách được chuẩn hóa lý luận chính trị (trung cấp trở "
     "lên)", "Full-time cadres standardised in political theory (intermediate or higher)",
     "100% cán bộ công đoàn chuyên trách được chuẩn hóa về chuyên môn nghiệp vụ, lý luận chính "
     "trị, kỹ năng công tác.",
     {"kind": "qualification", "full_time": True, "min_political_theory": 2,
      "window": "term"}, {}),
    ("T-001-3a", "001", "Cán bộ chuyên trách được đào tạo lý luận nghiệp vụ công đoàn",
     "Full-time cadres trained in union theory and practice",
     "Phấn đấu 100% cán bộ công đoàn chuyên trách được đào tạo lý luận nghiệp vụ công đoàn.",
     {"full_time": True, "window": "term"}, {"topics": THEORY}),
    ("T-001-3b", "001", "Cán bộ không chuyên trách được tiếp cận chương trình bồi dưỡng kỹ "
     "năng", "Part-time cadres have access to skills programmes",
     "100% cán bộ công đoàn không chuyên trách được tiếp cận các chương trình bồi dưỡng kỹ "
     "năng, phương pháp hoạt động công đoàn phù hợp.",
     {"full_time": False, "window": "term"},
     {"topics": [*THEORY, "soft_skills", "collective_bargaining", "dialogue"]}),
    ("T-001-4", "001", "Chủ tịch CĐCS ngoài khu vực nhà nước được tập huấn thương lượng tập "
     "thể (đến 31/12/2023)",
     "Chairs of non-state grassroots unions trained in collective bargaining by 2023",
     "Phấn đấu đến năm 2023, 100% chủ tịch CĐCS ngoài khu vực nhà nước được tập huấn, kỹ năng "
     "thương lượng tập thể; công tác giám sát thực hiện pháp luật, an toàn vệ sinh lao động, "
     "thực hiện quy chế dân chủ ở cơ sở.",
     {"sector": "non_state", "window": "fixed_date", "deadline": D(2023, 12, 31)},
     {"roles": ["chair"], "levels": ["grassroots"],
      "topics": ["collective_bargaining", "osh", "democracy_supervision"]}),
    ("T-004-1a", "004", "Cán bộ chuyên trách mới bổ sung đầu nhiệm kỳ 2018–2023 được đào tạo "
     "lý luận nghiệp vụ", "Full-time cadres new at the start of the 2018–2023 term: union "
     "theory", "100% cán bộ công đoàn chuyên trách mới bổ sung đầu nhiệm kỳ 2018-2023 được đào "
     "tạo, bồi dưỡng lý luận nghiệp vụ công tác công đoàn.",
     {"full_time": True, "window": "term", "position_started_from": D(2018, 1, 1),
      "position_started_to": D(2018, 12, 31)}, {"topics": THEORY}),
    ("T-004-1b", "004", "Cán bộ chuyên trách được bồi dưỡng chuẩn hóa ngạch công chức, lãnh "
     "đạo quản lý", "Full-time cadres standardised for civil-service rank and management",
     "100% cán bộ công đoàn chuyên trách được đào tạo bồi dưỡng chuẩn hóa ngạch công chức, lãnh "
     "đạo quản lý.",
     {"full_time": True, "window": "term"},
     {"topics": ["civil_service_rank", "management_leadership"]}),
    ("T-004-1c", "004", "Cán bộ chuyên trách từ thành phố đến cơ sở được bồi dưỡng, tập huấn "
     "trong năm", "Full-time cadres from city to grassroots refreshed during the year",
     "100% cán bộ công đoàn chuyên trách từ thành phố đến cơ sở được bồi dưỡng, tập huấn kiến "
     "thức, kỹ năng, phương pháp hoạt động công đoàn.",
     {"full_time": True, "window": "yearly"}, {}),
    # T-004-2 (union-group leaders trained in skills) was here: 004 asks to count the new
    # cadres by category after a congress, not to train them all (migration 0006 retires it).
    ("T-004-3", "004", "Phát triển đoàn viên thực tăng 30.000", "Net member growth of 30,000",
     "Phát triển 30.000 đoàn viên thực tăng (kết nạp mới trừ giảm khác, không tính chuyển đến, "
     "chuyển đi).", {"kind": "member_growth", "goal": 30000, "window": "yearly"}, {}),
    ("T-004-4", "004", "Thành lập mới 490 công đoàn cơ sở", "Found 490 grassroots unions",
     "Thành lập mới ít nhất 490 công đoàn cơ sở.",
     {"kind": "founded_unions", "goal": 490, "window": "yearly"}, {}),
    ("T-004-5", "004", "100% doanh nghiệp từ 30 lao động có công đoàn cơ sở",
     "Every enterprise with 30 workers or more has a grassroots union",
     "100% doanh nghiệp có từ 30 lao động trở lên thành lập công đoàn cơ sở.",
     {"kind": "coverage", "window": "yearly"}, {}),
]

VALIDITY = {"003": (D(2020, 12, 12), None, True), "001": (D(2021, 2, 1), None, False),
            "004": (D(2018, 1, 1), D(2018, 12, 31), False)}


def seed(apps, schema_editor):
    SourceDocument = apps.get_model("targets", "SourceDocument")
    Target = apps.get_model("targets", "Target")
    Role = apps.get_model("people", "Role")
    UnitLevel = apps.get_model("units", "UnitLevel")
    Topic = apps.get_model("training", "Topic")
    documents = {}
    for code, number, issued_on, issuer, title in DOCUMENTS:
        documents[code], _ = SourceDocument.objects.get_or_create(code=code, defaults={
            "number": number, "issued_on": issued_on, "issuer": issuer, "title": title})
    for rank, (code, doc, name, name_en, wording, fields, links) in enumerate(TARGETS, 1):
        if Target.objects.filter(code=code).exists():
            continue
        fields = dict(fields)
        responsible = fields.pop("responsible", None)
        valid_from, valid_to, active = VALIDITY[doc]
        valid_to = fields.pop("valid_to", valid_to)
        target = Target.objects.create(
            document=documents[doc], code=code, name=name, name_en=name_en, wording=wording,
            builtin=True, rank=rank * 10, valid_from=valid_from, valid_to=valid_to,
            active=active, responsible_level=UnitLevel.objects.filter(
                code=responsible).first() if responsible else None, **fields)
        target.roles.set(Role.objects.filter(code__in=links.get("roles", [])))
        target.levels.set(UnitLevel.objects.filter(code__in=links.get("levels", [])))
        target.topics.set(Topic.objects.filter(code__in=links.get("topics", [])))


class Migration(migrations.Migration):
    dependencies = [("targets", "0001_initial"), ("people", "0002_roles"),
                    ("training", "0002_builtin_topics"), ("units", "0002_levels_and_kinds")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
