"""The demo loads what the tour promises, the same way every time; the national generator
writes a consistent tree on whichever database the suite runs on."""

import datetime as dt
import hashlib

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.db.models import Avg, Count, Exists, F, OuterRef, Q, Value
from django.db.models.functions import Coalesce

from accounts.access import SYSTEM
from accounts.models import User
from demo.generator import AREA_UNIONS, DEMO_ACCOUNTS, MERGE_DAY, PASSWORD, load_demo
from lib.periods import is_open, started_before
from lib.vntext import fold
from people.models import Person, Position
from tests import snapshot
from training.models import Form, Programme, Topic, TrainingClass, TrainingRecord
from units.models import PATH_WIDTH, Reorganisation, Term, Unit, UnitFigures, UnitVersion
from units.places import placed_under_then
from units.selectors import children_with_counts, version_on

ENDED = ("HN-ML", "HN-DA", "HN-CG", "NT", "NT-PR", "NT-NH", "NT-NP", "NT-TN")


@pytest.fixture
def demo(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path  # the demo course's handout
    return load_demo()


def test_the_demo_holds_what_the_tour_promises(client, demo):
    """One load (it takes seconds), every promise checked on it."""
    check_size(demo)
    check_member_figures()
    check_terms_and_positions()
    check_the_2025_reorganisation()
    check_nothing_contradicts_itself()
    check_planning()
    check_cadrework(client)
    check_elearning(client)
    check_accounts(client)
    check_first_pages(client)


def check_planning():
    """The 004 plan of Hà Nội (40 classes, 3,920 trainees), 2025 plans tracked to their
    classes, 2026 plans on their way up (Mê Linh's by the area union that replaced the
    district), Khánh Hòa's 2026 plan approved and tracked to its class, and an open survey."""
    from planning import selectors
    from planning.models import Plan, Survey

    hn_2018 = Plan.objects.get(unit__code="HN", year=2018)
    figures = selectors.plan_vs_actual(hn_2018.lines.all()).get(())
    assert (figures.planned_classes, figures.planned_trainees) == (40, 3920)
    hn_2025 = selectors.plan_vs_actual(
        Plan.objects.get(unit__code="HN", year=2025).lines.all()
    ).get(())
    assert hn_2025.classes >= 1 and hn_2025.trainees >= 1
    assert Plan.objects.get(unit__code="HN-KV1", year=2026).status == "submitted"
    assert not Plan.objects.filter(unit__code__in=ENDED, year__gte=2026).exists()
    kh_2026 = Plan.objects.get(unit__code="KH", year=2026)
    assert kh_2026.status == "approved"
    assert selectors.plan_vs_actual(kh_2026.lines.all()).get(()).classes == 1
    assert Survey.objects.filter(unit__code="HN", year=2027).exists()
    net = selectors.growth_totals(
        version_on(Unit.objects.get(code="HN"), dt.date(2018, 12, 31)),
        dt.date(2018, 1, 1),
        dt.date(2018, 12, 31),
    )["net_growth"]
    assert net == 30_000  # the 004 goal, reached exactly


def check_cadrework(client):
    """The demo chair is told they entered the vice-chair pool of Mê Linh's area union and sees
    their published 2025 evaluation on their profile; Hà Nội's inspection of the area union
    has an overdue action."""
    from cadrework.models import Evaluation, FollowUp, Notice

    chair = User.objects.get(username="chutich").person
    assert Notice.objects.filter(person=chair, text__contains="Phó Chủ tịch").exists()
    assert Evaluation.objects.filter(person=chair, year=2025, published_at__isnull=False).exists()
    assert log_in(client, "chutich")
    panel = client.get(f"/cadrework/people/{chair.pk}/panel/").content.decode()
    assert "Công đoàn khu vực Mê Linh" in panel and "2025" in panel
    client.logout()
    assert (
        FollowUp.objects.filter(inspection__inspected__code="HN-KV1", done_on__isnull=True).count()
        == 2
    )


def check_elearning(client):
    """Hà Nội's online course is open to the demo chair, who has started it."""
    from elearning.models import Course

    course = Course.objects.get(code="HN-ONL-2026-01")
    chair = User.objects.get(username="chutich").person
    assert course.status == "published" and course.enrolments.filter(person=chair).exists()
    assert log_in(client, "chutich")
    assert course.title in client.get("/elearning/learn/").content.decode()
    client.logout()


def check_size(demo):
    assert demo["grassroots"] >= 200 and Person.objects.count() >= 3000
    assert Unit.objects.filter(kind__code="grassroots").count() == demo["grassroots"]
    assert Unit.objects.get(code="HN-ML").name == "Liên đoàn Lao động huyện Mê Linh"
    assert Unit.objects.get(code="HN").name == "Liên đoàn Lao động thành phố Hà Nội"
    assert Unit.objects.get(code="NT").name == "Liên đoàn Lao động tỉnh Ninh Thuận"
    khanh_hoa = Unit.objects.get(code="KH", kind__code="provincial_federation")
    assert khanh_hoa.name == "Liên đoàn Lao động tỉnh Khánh Hòa"
    assert khanh_hoa.parent.code == "TLD" and khanh_hoa.founded_on.year < 2000
    # Its own committee: a full-time chair, vice-chairs and staff, elected in both terms.
    own = Position.objects.filter(started_before(MERGE_DAY), unit=khanh_hoa, full_time=True)
    assert own.filter(role__code="chair", start_date=dt.date(2018, 6, 1)).exists()
    assert own.filter(role__code="vice_chair", start_date=dt.date(2023, 6, 1)).count() >= 2
    assert own.filter(role__code="advisory_staff").exists()
    assert Person.objects.filter(citizen_id__startswith="056").count() > 50
    assert Unit.objects.filter(code="CDGD", kind__code="central_sector_union").exists()
    for kind in ("union_group", "department_union", "industrial_zone_union", "local_sector_union"):
        assert Unit.objects.filter(kind__code=kind).exists(), kind
    sectors = Unit.objects.filter(kind__code="grassroots").values_list("sector", flat=True)
    assert set(sectors) == {"state", "non_state"}
    assert Person.objects.filter(positions__isnull=True).count() > 500  # members, no post
    ids = Person.objects.exclude(citizen_id=None).values_list("citizen_id", flat=True)
    assert len(ids) > 3000 and all(len(i) == 12 and i.isdigit() for i in ids)


def check_member_figures():
    today = UnitFigures.objects.in_force_on(dt.date(2026, 6, 1))
    counts = set(today.values_list("member_count", flat=True))
    assert any(c < 1000 for c in counts) and any(1000 <= c < 2500 for c in counts)
    assert any(c >= 2500 for c in counts) and {999, 1000, 2499, 2500} <= counts
    assert not UnitFigures.objects.filter(worker_count__lt=F("member_count")).exists()
    years = UnitFigures.objects.values_list("effective_on__year", flat=True).distinct()
    assert set(years) == set(range(2018, 2027))


def check_terms_and_positions():
    area_unions = [code for code, *_ in AREA_UNIONS]
    with_committee = Unit.objects.exclude(kind__code="union_group").exclude(code__in=area_unions)
    assert Term.objects.filter(name="2018-2023").count() == with_committee.count()
    positions = Position.objects.all()
    # The invariants position_create enforces hold for the bulk-created rows too.
    assert not positions.filter(Q(end_date=None) & ~Q(end_reason="")).exists()
    assert not positions.filter(~Q(end_date=None) & Q(end_reason="")).exists()
    assert not positions.filter(start_date__lt=F("unit__founded_on")).exists()
    # A post's term is its unit's — or, for a post a merger carried over, the term it was
    # elected for in the merged unit (a merger does not restart the term: issue 20 §3).
    merged_into = Reorganisation.objects.filter(
        kind="merge", unit=OuterRef("term__unit"), other_unit=OuterRef("unit")
    )
    foreign = positions.exclude(term=None).exclude(term__unit=F("unit"))
    assert not foreign.exclude(Exists(merged_into)).exists()
    assert foreign.filter(start_reason="reorganised").exists()
    chairs = positions.filter(role__code="chair", start_date=dt.date(2023, 6, 1))
    assert (
        chairs.filter(unit__kind__code="grassroots").count()
        == with_committee.filter(kind__code="grassroots").count()
    )
    assert chairs.filter(full_time=True, unit__kind__code="grassroots").exists()
    assert positions.filter(end_date=dt.date(2023, 5, 31), end_reason="term_ended").exists()
    assert positions.filter(start_date=dt.date(2023, 6, 1), first_time_on_committee=True).exists()
    re_elected = positions.filter(
        start_date=dt.date(2023, 6, 1),
        first_time_on_committee=False,
        person__positions__end_date=dt.date(2023, 5, 31),
    )
    assert re_elected.exists()
    assert positions.filter(end_reason__in=["rotated", "retired", "transferred"]).exists()
    assert positions.filter(role__code="advisory_staff", full_time=True).exists()
    assert positions.filter(role__code="group_leader").exists()


def check_the_2025_reorganisation():
    """1 July 2025: each district federation ends, merged into an area union set up that day
    (Hà Nội's under Hà Nội, Ninh Thuận's under Khánh Hòa), and Ninh Thuận merges into Khánh
    Hòa; the tree of 30/06/2025 still shows the old units, that of 01/07/2025 the new, with
    the same sub-units and cadres; what happened before reports under the old units."""
    tld, hanoi = (User.objects.get(username=name) for name in ("tld", "hanoi"))

    def children(code, day, user):
        rows = children_with_counts(version_on(Unit.objects.get(code=code), day), day, user)
        return {row["unit"].code: row for row in rows}

    eve = MERGE_DAY - dt.timedelta(days=1)
    for province, user in (("HN", hanoi), ("TLD", tld)):
        assert set(ENDED) & set(children(province, eve, user))
        assert not set(ENDED) & set(children(province, MERGE_DAY, user))
    for code, _name, parent, sources in AREA_UNIONS:
        area = Unit.objects.get(code=code)
        assert area.kind.code == "upper_grassroots_other" and area.founded_on == MERGE_DAY
        assert area.parent.code == parent and area.dissolved_on is None
        term = Term.objects.get(unit=area)
        assert (term.name, term.start_date, term.end_date) == (
            "2023-2028",
            MERGE_DAY,
            dt.date(2028, 5, 31),
        )
        province = sources[0].split("-")[0]
        before = children(province, eve, tld)
        after = children(parent, MERGE_DAY, tld)
        assert set(sources) <= set(before) and code not in before, code
        merged = after[code]
        assert merged["sub_units"] == sum(before[s]["sub_units"] for s in sources), code
        assert merged["cadres"] == sum(before[s]["cadres"] for s in sources) > 0, code
        assert merged["full_time"] == sum(before[s]["full_time"] for s in sources), code
        for source in Unit.objects.filter(code__in=sources):
            assert source.dissolved_on == MERGE_DAY, source.code
            assert Reorganisation.objects.filter(
                kind="merge", unit=source, other_unit=area, effective_on=MERGE_DAY
            ).exists()
    # Ninh Thuận into Khánh Hòa: its units and cadres, the districts replaced by area unions.
    before, after = children("TLD", eve, tld), children("TLD", MERGE_DAY, tld)
    assert {"NT", "KH"} <= set(before) and "NT" not in after
    kh, nt = before["KH"], before["NT"]
    assert after["KH"]["sub_units"] == kh["sub_units"] + nt["sub_units"] - 4 + 3
    assert after["KH"]["cadres"] == kh["cadres"] + nt["cadres"]
    assert after["KH"]["full_time"] == kh["full_time"] + nt["full_time"]
    assert set(children("KH", MERGE_DAY, tld)) == {"KH-KCN", "NT-KCN", "NT-KV1", "NT-KV2", "NT-KV3"}
    assert set(children("KH", eve, tld)) == {"KH-KCN"}
    assert Reorganisation.objects.filter(
        kind="merge", unit__code="NT", other_unit__code="KH", effective_on=MERGE_DAY
    ).exists()
    # One chair each: Khánh Hòa keeps its own, Ninh Thuận's serves as its vice-chair.
    nt_chair = Position.objects.get(unit__code="NT", role__code="chair", end_date=eve)
    assert nt_chair.end_reason == "reorganised"
    assert Position.objects.filter(
        person=nt_chair.person, unit__code="KH", role__code="vice_chair", start_date=MERGE_DAY
    ).exists()
    kh_chairs = Position.objects.filter(is_open(), unit__code="KH", role__code="chair")
    assert kh_chairs.count() == 1 and kh_chairs.get().start_date < MERGE_DAY
    # Its people are Khánh Hòa's now; its committee's posts passed to Khánh Hòa.
    assert not Person.objects.filter(unit__code__in=ENDED).exists()
    assert Position.objects.filter(
        unit__code="KH", start_date=MERGE_DAY, start_reason="reorganised", term__unit__code="NT"
    ).exists()
    # Before 1 July 2025 classes, records and terms report under the old units; later ones
    # under the new.
    classes = TrainingClass.objects.all()

    def organised_under(code):
        unit = Unit.objects.get(code=code)
        return set(
            classes.filter(placed_under_then(unit, "organiser", "start_date")).values_list(
                "code", flat=True
            )
        )

    assert organised_under("HN-ML") == {"HN-ML-2020-04", "HN-ML-2024-05"}
    assert organised_under("HN-KV1") == {"HN-KV1-2026-09"}
    assert {"NT-2022-06", "NT-PR-2024-07"} == organised_under("NT")
    assert organised_under("KH") == {"KH-2026-10"}
    assert {"HN-ML-2020-04", "HN-KV1-2026-09"} <= organised_under("HN")
    assert not classes.filter(organiser__code__in=ENDED, start_date__gte=MERGE_DAY).exists()
    records = TrainingRecord.objects.filter(organiser__code__in=ENDED)
    assert records.exists() and not records.filter(completed_on__gte=MERGE_DAY).exists()
    assert TrainingRecord.objects.filter(
        organiser__code="HN-KV1", completed_on__gte=MERGE_DAY
    ).exists()
    assert not TrainingRecord.objects.filter(completed_on__lt=F("organiser__founded_on")).exists()
    assert Term.objects.filter(started_before(MERGE_DAY), unit__code__in=ENDED).count() == 16


def check_nothing_contradicts_itself():
    """Nobody holds a post in a unit on or after the day it ended, nor in a unit before it was
    founded; a unit has one chair at a time; whoever left a post (retired, transferred, left,
    rotated) holds no post after it; lecturers, users and people belong to living units."""
    from training.models import Lecturer

    positions = Position.objects.all()
    assert not positions.filter(unit__dissolved_on__isnull=False, end_date=None).exists()
    assert not positions.filter(end_date__gte=F("unit__dissolved_on")).exists()
    assert not positions.filter(start_date__gte=F("unit__dissolved_on")).exists()
    assert not positions.filter(start_date__lt=F("unit__founded_on")).exists()
    overlapping_chair = (
        positions.filter(
            role__code="chair", unit=OuterRef("unit"), start_date__lte=OuterRef("end_or_max")
        )
        .exclude(pk=OuterRef("pk"))
        .filter(Q(end_date=None) | Q(end_date__gte=OuterRef("start_date")))
    )
    chairs = positions.filter(role__code="chair").annotate(
        end_or_max=Coalesce("end_date", Value(dt.date(9999, 12, 31)))
    )
    assert chairs.count() > 400 and not chairs.filter(Exists(overlapping_chair)).exists()
    left = positions.filter(end_reason__in=["retired", "transferred", "left", "rotated"])
    later = positions.filter(person=OuterRef("person")).filter(
        Q(end_date=None) | Q(end_date__gt=OuterRef("end_date"))
    )
    assert left.count() > 20 and not left.filter(Exists(later)).exists()
    # A chair who left mid-term left the upper committee's seat too; the new chair took it.
    seats = positions.filter(role__code="executive_member", start_reason="elected")
    assert seats.filter(start_date__gt=dt.date(2023, 6, 1), end_date=None).exists()
    assert not Lecturer.objects.filter(unit__dissolved_on__isnull=False).exists()
    assert not User.objects.filter(unit__dissolved_on__isnull=False).exists()
    assert not Person.objects.filter(unit__dissolved_on__isnull=False).exists()
    # Every living unit with a committee has its chair today.
    alive = Unit.objects.filter(dissolved_on=None).exclude(kind__code="union_group")
    chaired = positions.active_on(dt.date(2026, 12, 1)).filter(role__code="chair")
    assert not alive.exclude(pk__in=chaired.values("unit")).exists()


def log_in(client, username: str) -> bool:
    """Through the login page, as a user would (the lock-out needs the request)."""
    return client.post("/login/", {"username": username, "password": PASSWORD}).status_code == 302


def check_accounts(client):
    units = dict(Unit.objects.values_list("name", "code"))
    for username, label, unit_name in DEMO_ACCOUNTS:
        assert label and unit_name in units, username
        assert log_in(client, username), username
        client.logout()
    chutich = User.objects.get(username="chutich")
    assert chutich.person.positions.filter(
        role__code="chair", unit__code="HN-ML-001", end_date=None
    ).exists()
    assert Unit.objects.get(code="HN-ML-001").parent.code == "HN-KV1"
    accounts = dict(User.objects.values_list("username", "unit__code"))
    assert accounts["khanhhoa"] == "KH" and accounts["melinh"] == "HN-KV1"
    assert "ninhthuan" not in accounts
    assert User.objects.get(username="admin").is_superuser


def check_first_pages(client):
    """Each officer's first pages open on the current year with its data: statistics,
    lecturers, the year's plan, cadre work."""
    from lib.dates import today

    year = today().year
    for username, plan_status in (
        ("hanoi", "approved"),
        ("khanhhoa", "approved"),
        ("melinh", "submitted"),
    ):
        client.force_login(User.objects.get(username=username))
        stats = client.get("/training/statistics/").context
        assert stats["start"].year == year and stats["stats"]["classes"] >= 1, username
        lecturers = client.get("/training/lecturers/").context["lecturers"]
        assert lecturers and any(row.classes for row in lecturers), username
        plans = client.get("/planning/").context
        assert plans["year"] == year and plans["own"].status == plan_status, username
        client.logout()
    client.force_login(User.objects.get(username="melinh"))
    assert client.get("/cadrework/").context["pools"].count() == 2
    assert client.get("/cadrework/evaluations/").status_code == 200
    client.logout()


def digest() -> str:
    """The demo's content without database ids, which differ between loads."""
    rows = [
        list(
            Unit.objects.order_by("code").values_list("code", "name", "parent__code", "founded_on")
        ),
        list(
            Person.objects.order_by(
                "unit__code", "sort_key", "citizen_id", "birth_date"
            ).values_list(
                "family_name",
                "middle_name",
                "given_name",
                "birth_date",
                "citizen_id",
                "phone",
                "address",
                "unit__code",
            )
        ),
        sorted(
            Position.objects.values_list(
                "person__citizen_id",
                "unit__code",
                "role__code",
                "start_date",
                "end_date",
                "end_reason",
            ),
            key=repr,
        ),
    ]
    return hashlib.sha256(repr(rows).encode()).hexdigest()


def test_the_demo_is_deterministic_and_loads_only_once(db, capsys):
    savepoint = transaction.savepoint()
    call_command("load_demo")
    first = digest()
    out = capsys.readouterr().out
    assert "chutich" in out and PASSWORD in out
    transaction.savepoint_rollback(savepoint)
    assert not Unit.objects.exists()
    # The second load: the one the demo tests replay (tests/snapshot.py), recorded from an
    # earlier load_demo() of this process, or made now when none was.
    snapshot.shared("demo", load_demo)
    assert digest() == first
    units = Unit.objects.count()
    call_command("load_demo")
    call_command("load_demo", "--if-empty")
    assert Unit.objects.count() == units
    assert "không nạp lại" in capsys.readouterr().out


def test_generate_national_writes_a_consistent_tree(db):
    call_command("generate_national", people=2000, grassroots=200)
    units = {u.pk: u for u in Unit.objects.all()}
    assert sum(u.kind.code == "grassroots" for u in units.values()) == 200
    assert Unit.objects.filter(kind__code="provincial_federation").count() == 34
    for unit in units.values():
        parent = units.get(unit.parent_id)
        assert unit.path.startswith(parent.path if parent else "")
        assert len(unit.path) == (unit.depth + 1) * PATH_WIDTH
        assert unit.depth == (parent.depth + 1 if parent else 0)
        assert unit.search_name == fold(f"{unit.code} {unit.name}")
    versions = UnitVersion.objects.values_list("unit_id", "path", "parent_id")
    assert sorted(versions) == sorted((u.pk, u.path, u.parent_id) for u in units.values())
    check_national_people()
    check_national_positions()
    check_national_records()
    check_subtree(Unit.objects.get(code="P001"), units)


def check_national_people():
    assert Person.objects.count() == 2000
    assert not Person.objects.filter(positions__isnull=True).exists()
    assert Position.objects.count() > 2000  # some hold two
    assert not Position.objects.exclude(term=None).exclude(term__unit=F("unit")).exists()
    nguyen = Person.objects.search("nguyen").count()
    assert 0.25 * 2000 < nguyen < 0.5 * 2000  # Nguyễn is about 38% of the country
    person = Person.objects.first()
    assert person.search_name == fold(person.full_name)


def check_national_positions():
    positions = Position.objects.all()
    assert not positions.exclude(role__code="advisory_staff").filter(term=None).exists()
    assert not positions.filter(start_date__lt=F("term__start_date")).exists()
    assert not positions.filter(end_date__gt=F("term__end_date")).exists()
    reasons = dict(positions.values_list("start_reason").annotate(n=Count("id")))
    assert (
        set(reasons) == {"elected", "appointed"} and reasons["elected"] > 5 * reasons["appointed"]
    )
    assert 0.3 < positions.filter(first_time_on_committee=True).count() / positions.count() < 0.5
    grassroots = Unit.objects.filter(kind__code="grassroots")
    assert 0.65 < grassroots.filter(sector="non_state").count() / grassroots.count() < 0.85
    assert not grassroots.exclude(sector__in=["state", "non_state"]).exists()
    full_time = Person.objects.filter(
        positions__full_time=True, positions__end_date=None
    ).distinct()
    assert full_time.filter(positions__unit__kind__code="grassroots").exists()  # big chairs
    assert full_time.filter(education_level__gte=5).count() > 0.85 * full_time.count()
    assert not Person.objects.exclude(education_level__range=(0, 7)).exists()
    assert not Person.objects.exclude(political_theory__range=(0, 4)).exists()


def check_national_records():
    records = TrainingRecord.objects.all()
    people = Person.objects.count()
    assert 4.8 * people < records.count() < 5.6 * people  # ~5.2 each
    assert not records.filter(
        Q(completed_on__lt=dt.date(2016, 1, 1)) | Q(completed_on__gt=dt.date(2026, 11, 20))
    ).exists()
    assert not records.exclude(hours__range=(4, 80)).exists()
    assert set(records.values_list("form", flat=True).distinct()) <= set(Form.values)
    assert (
        records.filter(completed_on__year=2025).count()
        > 1.5 * records.filter(completed_on__year=2016).count()
    )  # recent years denser
    assert not records.exclude(
        enrolment=None, training_class=None, certificate_number="", certificate_year=None
    ).exists()
    assert 0.9 < records.filter(valid=True).count() / records.count() < 1
    codes = list(records.values_list("verification_code", flat=True))
    assert len(set(codes)) == len(codes) and all(code.version == 4 for code in codes[:100])
    # One or two built-in topics each; a programme's records are on its topics.
    topics = records.annotate(n=Count("topics")).values_list("n", flat=True)
    assert set(topics) == {1, 2}
    links = TrainingRecord.topics.through.objects
    assert not links.exclude(topic__in=Topic.objects.filter(builtin=True)).exists()
    assert records.exclude(programme=None).exists()
    for programme in Programme.objects.filter(records__isnull=False).distinct():
        own = set(programme.topics.values_list("pk", flat=True))
        assert (
            set(
                links.filter(trainingrecord__programme=programme).values_list("topic_id", flat=True)
            )
            <= own
        )
    # Organised above the person: their upper union, province or the confederation.
    assert not records.filter(organiser=None).exists()
    assert not records.exclude(person__unit__path__startswith=F("organiser__path")).exists()
    assert not records.filter(organiser__kind__code="grassroots").exists()
    big_chairs = records.filter(
        person__positions__role__code="chair",
        person__positions__full_time=True,
        person__unit__kind__code="grassroots",
    )
    assert (
        big_chairs.filter(organiser__kind__code="confederation").count() > 0.3 * big_chairs.count()
    )
    # Cadres holding key or full-time posts have more training than committee members.
    per_person = Person.objects.annotate(n=Count("records"))
    key = per_person.filter(positions__role__is_key_leader=True).aggregate(a=Avg("n"))["a"]
    members = per_person.filter(positions__role__code="executive_member").aggregate(a=Avg("n"))["a"]
    assert key > 1.2 * members


def check_subtree(province, units):
    descendants, frontier = set(), {province.pk}
    while frontier:
        frontier = {pk for pk, u in units.items() if u.parent_id in frontier}
        descendants |= frontier
    subtree = Unit.objects.filter(path__startswith=province.path).exclude(pk=province.pk)
    assert set(subtree.values_list("pk", flat=True)) == descendants and descendants
    people = Person.objects.filter(unit__path__startswith=province.path)
    assert people.exists() and people.count() < Person.objects.count()
    # The sequences were moved past the generated ids: ordinary writes still work.
    from units.services import unit_create

    unit = unit_create(
        user=SYSTEM,
        code="NEW",
        name="Công đoàn mới",
        kind=units[next(iter(descendants))].kind,
        parent=province,
        founded_on=dt.date(2026, 1, 1),
    )
    assert unit.pk > max(units)


def test_generate_national_wants_an_empty_database(db):
    call_command("generate_national", people=50, grassroots=5)
    assert User.objects.filter(username__in=["bench_admin", "bench_province"]).count() == 2
    with pytest.raises(CommandError):
        call_command("generate_national", people=50, grassroots=5)
