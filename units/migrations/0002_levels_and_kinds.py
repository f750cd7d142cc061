"""The built-in levels and kinds of the hierarchy (editable afterwards: they are data)."""

from django.db import migrations

LEVELS = [
    ("confederation", "Tổng Liên đoàn", "Confederation", 0),
    ("province", "Cấp tỉnh, ngành Trung ương và tương đương", "Province / central sector", 1),
    ("upper_grassroots", "Công đoàn cấp trên trực tiếp cơ sở", "Upper-grassroots", 2),
    ("grassroots", "Công đoàn cơ sở", "Grassroots", 3),
    ("member", "Công đoàn cơ sở thành viên, công đoàn bộ phận", "Member / department union", 4),
    ("union_group", "Tổ công đoàn", "Union group", 5),
]

KINDS = [
    ("confederation", "confederation", "Tổng Liên đoàn Lao động Việt Nam", "Confederation"),
    ("provincial_federation", "province", "Liên đoàn Lao động tỉnh, thành phố",
     "Provincial federation"),
    ("central_sector_union", "province", "Công đoàn ngành Trung ương", "Central sector union"),
    ("corporation_union", "province", "Công đoàn Tổng công ty trực thuộc Tổng Liên đoàn",
     "Corporation union"),
    ("district_federation", "upper_grassroots", "Liên đoàn Lao động quận, huyện",
     "District federation"),
    ("local_sector_union", "upper_grassroots", "Công đoàn ngành địa phương",
     "Local sector union"),
    ("industrial_zone_union", "upper_grassroots", "Công đoàn các khu công nghiệp",
     "Industrial-zone union"),
    ("upper_grassroots_other", "upper_grassroots", "Công đoàn cấp trên trực tiếp cơ sở khác",
     "Other upper-grassroots union"),
    ("grassroots", "grassroots", "Công đoàn cơ sở", "Grassroots union"),
    ("member_grassroots", "member", "Công đoàn cơ sở thành viên", "Member grassroots union"),
    ("department_union", "member", "Công đoàn bộ phận", "Department union"),
    ("union_group", "union_group", "Tổ công đoàn", "Union group"),
]


def seed(apps, schema_editor):
    UnitLevel = apps.get_model("units", "UnitLevel")
    UnitKind = apps.get_model("units", "UnitKind")
    levels = {}
    for code, name, name_en, rank in LEVELS:
        levels[code], _ = UnitLevel.objects.get_or_create(
            code=code, defaults={"name": name, "name_en": name_en, "rank": rank})
    for code, level, name, name_en in KINDS:
        UnitKind.objects.get_or_create(
            code=code, defaults={"level": levels[level], "name": name, "name_en": name_en})


class Migration(migrations.Migration):
    dependencies = [("units", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
