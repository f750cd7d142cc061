"""A target issued by a unit that has since been merged away (the 2025 reorganisation: Ninh
Thuận's federation merged into Khánh Hòa's on 01/07/2025) covers no one after that day — its
resolution was that province's — and every figure of that day is still computed: no page,
snapshot or count breaks on it (issue 20, "The demo is the country as it stands")."""

import datetime as dt

from accounts.access import SYSTEM
from targets import computing
from targets.engine import evaluated, person_obligations, unit_counts
from targets.models import Snapshot, Target
from tests.conftest import make_unit
from tests.targets.test_edges import D, person, post, record, world  # noqa: F401
from units.services import unit_merge


def test_a_target_of_a_province_merged_away_counts_no_one_after_the_merger(world):  # noqa: F811
    vgcl, province, district = world  # the 001 targets are issued by Ninh Thuận here
    staff = person(province, "An")
    post(staff, province, "advisory_staff", D(2024, 1, 1), full_time=True)
    record(staff, D(2024, 3, 1), ["union_theory"])
    khanh_hoa = make_unit("KH", "Liên đoàn Lao động tỉnh Khánh Hòa", "provincial_federation", vgcl)
    unit_merge(user=SYSTEM, sources=[province], target=khanh_hoa, effective_on=D(2025, 7, 1))
    target = Target.objects.get(code="T-001-3a")
    before = unit_counts(target, D(2025, 6, 30))
    assert sum(v[0] for v in before.values()) == 1 and sum(v[1] for v in before.values()) == 1
    assert unit_counts(target, D(2025, 7, 1)) == {}
    assert not evaluated(target, D(2025, 7, 1)).filter(met=True).exists()
    # The person's obligations that day: 001's targets no longer concern them.
    statuses = {o.target.code: o.status for o in person_obligations(staff, D(2025, 7, 1))}
    assert statuses["T-001-3a"] == "not_applicable"
    snapshot = computing.compute(D(2025, 7, 1))
    assert Snapshot.objects.get(pk=snapshot.pk).status == Snapshot.Status.DONE
    assert not snapshot.figures.filter(target=target).exists()
    assert snapshot.figures.filter(target__code="T-003-3").exists()  # 003 still applies
    assert dt.date(2025, 7, 1) == snapshot.as_of
