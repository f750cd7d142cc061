"""T-004-2 is not a target of seed 004 (issue 20 §8).

004: "LĐLĐ các quận, huyện, thị xã, Công đoàn cấp trên cơ sở cần rà soát nắm chắc số lượng cán
bộ mới chưa được đào tạo và các đối tượng cán bộ Công đoàn cần đào tạo như cán bộ chủ chốt, tổ
trưởng, tổ phó v.v... từ đó thống kê, phân loại, báo cáo Ban Tổ chức LĐLĐ Thành phố để xây dựng
kế hoạch đào tạo" — a count of the new cadres by category for the plan, not a target that 100%
of the union-group leaders be trained."""

import importlib

from django.apps import apps

from targets.models import SourceDocument, Target

retirement = importlib.import_module("targets.migrations.0006_retire_t_004_2")


def test_the_built_in_targets_of_004_are_those_the_seed_sets(db):
    codes = set(
        Target.objects.filter(builtin=True, document__code="004").values_list("code", flat=True)
    )
    assert "T-004-2" not in codes
    assert {"T-004-1a", "T-004-1b", "T-004-1c", "T-004-3", "T-004-4", "T-004-5"} <= codes


def test_a_database_that_has_it_loses_it_unless_a_unit_adopted_it(tree):
    document = SourceDocument.objects.get(code="004")
    old = Target.objects.create(document=document, code="T-004-2", name="Tổ trưởng", builtin=True)
    retirement.retire(apps, None)
    assert not Target.objects.filter(code="T-004-2").exists()
    # Adopted by Hà Nội: the unit's copy stays, the built-in is switched off.
    old = Target.objects.create(document=document, code="T-004-2", name="Tổ trưởng", builtin=True)
    copy = Target.objects.create(
        document=document,
        code="T-004-2-HN",
        name="Tổ trưởng",
        adopted_from=old,
        scope_unit=tree.hanoi,
    )
    retirement.retire(apps, None)
    old.refresh_from_db()
    assert old.active is False and Target.objects.filter(pk=copy.pk).exists()
