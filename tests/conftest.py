"""Shared personas: a national administrator, a provincial officer (Hà Nội), a district
officer (Mê Linh), a grassroots chair, and an outsider from another province (Ninh Thuận)
who must see nothing of Hà Nội."""

import datetime as dt
from types import SimpleNamespace

import pytest
from django.utils import translation

from accounts.access import SYSTEM
from accounts.models import User, UserRole
from people.models import Role
from people.services import person_create, position_create
from tests import snapshot
from units.models import UnitKind
from units.services import term_create, unit_create

PASSWORD = "Pw-for-tests-2026"
FOUNDED = dt.date(2000, 1, 1)


def kind(code: str) -> UnitKind:
    return UnitKind.objects.get(code=code)


def make_unit(code, name, kind_code, parent, sector="", founded_on=FOUNDED):
    return unit_create(
        user=SYSTEM,
        code=code,
        name=name,
        kind=kind(kind_code),
        parent=parent,
        sector=sector,
        founded_on=founded_on,
    )


def make_user(username, unit, role=UserRole.TRAINING_OFFICER, **extra):
    return User.objects.create_user(
        username=username, password=PASSWORD, unit=unit, role=role, **extra
    )


REFERENCE_SEEDS = [
    "units.migrations.0002_levels_and_kinds",
    "people.migrations.0002_roles",
    "people.migrations.0005_post_invariants",
    "training.migrations.0002_builtin_topics",
    "training.migrations.0003_builtin_programmes",
    "targets.migrations.0002_builtin_targets",
    "targets.migrations.0007_new_to_full_time",
    "training.migrations.0005_cadre_work_briefing_topic",
    "targets.migrations.0008_t_001_1",
    "training.migrations.0006_law_supervision_topic",
    "targets.migrations.0009_all_topics",
    "targets.migrations.0010_readings_and_late",
    "targets.migrations.0011_organised_by_responsible",
    "targets.migrations.0012_title_standards",
]


def issue_title_standards(roles=None, levels=None, topics=("union_theory",), **fields):
    """A title standard (standards.TitleStandard) for each role code × unit-level code given
    (default: every role × every level), requiring each of `topics` and, unless `fields` say
    so (min_education, min_political_theory, valid_from, …), no education or theory: what
    T-003-2 (and T-001-2b, T-004-1b), the pools and the appointment checks read."""
    from people.models import Role
    from standards.models import TitleStandard
    from training.models import Topic
    from units.models import UnitLevel

    role_rows = Role.objects.all() if roles is None else Role.objects.filter(code__in=roles)
    level_rows = (
        UnitLevel.objects.all() if levels is None else UnitLevel.objects.filter(code__in=levels)
    )
    required = list(Topic.objects.filter(code__in=topics))
    assert len(required) == len(set(topics)), f"unknown topic among {topics}"
    # Written in bulk (one by one, with each row's signals and audit entry, it took a minute
    # of the PostgreSQL run); then what issuing a standard does to the targets, once: they
    # are marked for recomputing (targets/signals.py).
    from targets.signals import standard_changed

    standards = TitleStandard.objects.bulk_create(
        TitleStandard(role=role, level=level, **fields)
        for level in level_rows
        for role in role_rows
    )
    assert standards, "no title matched"
    through = TitleStandard.topics.through
    through.objects.bulk_create(
        through(titlestandard_id=standard.pk, topic_id=topic.pk)
        for standard in standards
        for topic in required
    )
    standard_changed(sender=TitleStandard)
    return standards


def ensure_reference_data() -> None:
    """Reference rows come from data migrations; a transactional test's flush removes them,
    so put them back before any test that uses the database: the migrated rows as they were
    (tests/snapshot.py), or, if they were not read, the seeds again (they are idempotent)."""
    import importlib

    from auditlog.context import disable_auditlog
    from django.apps import apps

    if UnitKind.objects.exists():
        return
    if snapshot.restore_initial():  # after a flush: the migrated rows, with their own keys
        return
    # As in `migrate` (historical models, no signals): reference rows are nobody's change.
    with disable_auditlog():
        for module in REFERENCE_SEEDS:
            importlib.import_module(module).seed(apps, None)


@pytest.fixture(scope="session")
def _migrated_rows(django_db_setup, django_db_blocker):
    """The rows the migrations left, read once before any test writes (tests/snapshot.py)."""
    with django_db_blocker.unblock():
        snapshot.remember_initial()


@pytest.fixture(autouse=True)
def _reference_data(request):
    marker = request.node.get_closest_marker("django_db")
    names = set(request.fixturenames)
    transactional = "transactional_db" in names or "live_server" in names
    if marker or transactional or "db" in names:
        request.getfixturevalue("_migrated_rows")
    if marker and marker.kwargs.get("transaction") or transactional:
        request.getfixturevalue("transactional_db")
        ensure_reference_data()
        yield
        return
    if marker or "db" in names:
        request.getfixturevalue("db")
        ensure_reference_data()
    yield


@pytest.fixture(scope="session", autouse=True)
def _static_files_listed_once():
    """Each test client loads the middleware again, and WhiteNoise (serving from the finders,
    as in development) lists and stats every static file of every app each time: half a
    minute of each run. The files do not change while the suite runs: listed once, and each
    new middleware with the same settings is handed the same files."""
    from whitenoise.middleware import WhiteNoiseMiddleware

    list_files = WhiteNoiseMiddleware.add_files_from_finders
    listed = {}

    def add_files_listed_once(self):
        key = (self.static_prefix, self.max_age, self.charset, self.allow_all_origins)
        if key not in listed:
            before = set(self.files)
            list_files(self)
            listed[key] = {url: self.files[url] for url in set(self.files) - before}
        self.files.update(listed[key])

    WhiteNoiseMiddleware.add_files_from_finders = add_files_listed_once
    yield
    WhiteNoiseMiddleware.add_files_from_finders = list_files


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # Real hashing costs ~0.3 s per user; the personas would dominate the suite's time.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _second_factor_on_force_login(monkeypatch):
    """force_login skips the password: for a system administrator, whose pages all wait for a
    second factor, it skips that too (a confirmed device, the session verified). The second
    factor itself is tested through the login pages (tests/accounts/test_two_factor.py)."""
    from django.test import Client

    from accounts.testing import verify_client_session

    force_login = Client.force_login

    def force_login_verified(self, user, backend=None):
        force_login(self, user, backend)
        if user.two_factor_required:
            verify_client_session(self, user)

    monkeypatch.setattr(Client, "force_login", force_login_verified)


@pytest.fixture(autouse=True)
def _no_kept_targets():
    """What a process keeps in memory (the targets in force, the dashboard's post-holders)
    must not carry over from one test's database to the next. The targets' compiled SQL
    (lib.compiled) may: its key holds every id and token it was built from, and a test's
    tokens are random, so another test's data cannot meet a stale statement."""
    from targets import engine, selectors

    engine._KEPT.clear()
    selectors._PEOPLE.clear()


@pytest.fixture(autouse=True)
def _vietnamese():
    with translation.override("vi"):
        yield


@pytest.fixture
def demo_data(db):
    """The demo's rows (demo.generator.load_demo), loaded once and replayed in each test that
    reads them (tests/snapshot.py). Its media files are not replayed: a test of the files
    (the backup, the e-learning handout) loads the demo itself."""
    from demo.generator import load_demo

    return snapshot.shared("demo", load_demo)


@pytest.fixture
def tree(db):
    """A small hierarchy with a few people, enough for scope and count tests (built once,
    replayed in each test: tests/snapshot.py)."""
    return snapshot.shared("tree", build_tree)


def build_tree():
    t = SimpleNamespace()
    t.vgcl = make_unit("TLD", "Tổng Liên đoàn Lao động Việt Nam", "confederation", None)
    t.hanoi = make_unit(
        "HN", "Liên đoàn Lao động thành phố Hà Nội", "provincial_federation", t.vgcl
    )
    t.ninhthuan = make_unit(
        "NT", "Liên đoàn Lao động tỉnh Ninh Thuận", "provincial_federation", t.vgcl
    )
    t.melinh = make_unit(
        "HN-ML", "Liên đoàn Lao động huyện Mê Linh", "district_federation", t.hanoi
    )
    t.donganh = make_unit(
        "HN-DA", "Liên đoàn Lao động huyện Đông Anh", "district_federation", t.hanoi
    )
    t.school = make_unit(
        "HN-ML-01", "Công đoàn Trường THPT Mê Linh", "grassroots", t.melinh, sector="state"
    )
    t.factory = make_unit(
        "HN-DA-01",
        "Công đoàn Công ty TNHH Điện tử Đông Anh",
        "grassroots",
        t.donganh,
        sector="non_state",
    )
    t.phanrang = make_unit(
        "NT-PR",
        "Liên đoàn Lao động thành phố Phan Rang - Tháp Chàm",
        "district_federation",
        t.ninhthuan,
    )
    t.nt_grassroots = make_unit(
        "NT-PR-01",
        "Công đoàn Công ty Điện lực Ninh Thuận",
        "grassroots",
        t.phanrang,
        sector="state",
    )
    t.term_school = term_create(
        user=SYSTEM,
        unit=t.school,
        name="2023-2028",
        start_date=dt.date(2023, 6, 1),
        end_date=dt.date(2028, 5, 31),
    )
    chair = Role.objects.get(code="chair")
    member = Role.objects.get(code="executive_member")
    t.chair_role, t.member_role = chair, member
    t.nguyen = person_create(
        user=SYSTEM,
        unit=t.school,
        family_name="Nguyễn",
        middle_name="Văn",
        given_name="An",
        gender="male",
        birth_date=dt.date(1980, 5, 1),
        citizen_id="001080000001",
    )
    t.tran = person_create(
        user=SYSTEM,
        unit=t.factory,
        family_name="Trần",
        middle_name="Thị",
        given_name="Bình",
        gender="female",
        birth_date=dt.date(1990, 2, 3),
    )
    t.le = person_create(
        user=SYSTEM,
        unit=t.nt_grassroots,
        family_name="Lê",
        middle_name="Văn",
        given_name="Cường",
        gender="male",
        birth_date=dt.date(1975, 7, 7),
        citizen_id="058075000003",
    )
    position_create(
        user=SYSTEM,
        person=t.nguyen,
        unit=t.school,
        role=chair,
        full_time=True,
        start_date=dt.date(2023, 6, 1),
    )
    position_create(
        user=SYSTEM,
        person=t.tran,
        unit=t.factory,
        role=member,
        full_time=False,
        start_date=dt.date(2023, 6, 1),
    )
    position_create(
        user=SYSTEM,
        person=t.le,
        unit=t.nt_grassroots,
        role=chair,
        full_time=False,
        start_date=dt.date(2022, 1, 1),
    )
    t.admin = make_user("national", t.vgcl, UserRole.SYSTEM_ADMIN)
    t.hanoi_officer = make_user("hanoi", t.hanoi)
    t.melinh_officer = make_user("melinh", t.melinh)
    t.nt_officer = make_user("ninhthuan", t.ninhthuan)
    t.inspector = make_user("inspector", t.hanoi, UserRole.INSPECTOR)
    t.cadre = make_user("cadre", t.school, UserRole.CADRE, person=t.nguyen)
    for obj in (t.hanoi, t.ninhthuan, t.melinh, t.donganh, t.school, t.factory):
        obj.refresh_from_db()
    add_classes(t)
    return t


def add_classes(t) -> None:
    """A running class in Mê Linh and one in Ninh Thuận, each with a passed participant."""
    from training.models import Topic
    from training.services import (
        class_create,
        class_lecturer_add,
        class_set_status,
        enrolment_accept,
        enrolment_nominate,
        lecturer_save,
        results_record,
    )

    t.topic = Topic.objects.get(code="union_general")
    t.ml_class = class_create(
        user=SYSTEM,
        organiser=t.melinh,
        topics=[t.topic],
        code="ML-2024-01",
        name="Bồi dưỡng nghiệp vụ công đoàn cơ sở 2024",
        start_date=dt.date(2024, 4, 1),
        end_date=dt.date(2024, 4, 3),
        hours=24,
        capacity=30,
    )
    t.nt_class = class_create(
        user=SYSTEM,
        organiser=t.ninhthuan,
        topics=[t.topic],
        code="NT-2024-01",
        name="Tập huấn chủ tịch CĐCS Ninh Thuận",
        start_date=dt.date(2024, 5, 6),
        end_date=dt.date(2024, 5, 8),
        hours=24,
        capacity=30,
    )
    for c, officer, person in (
        (t.ml_class, t.melinh_officer, t.nguyen),
        (t.nt_class, t.nt_officer, t.le),
    ):
        lecturer = lecturer_save(user=SYSTEM, person=person, kind="part_time", topics=[t.topic])
        class_lecturer_add(user=SYSTEM, training_class=c, lecturer=lecturer, hours=8)
        class_set_status(user=SYSTEM, training_class=c, status="open")
        enrolment, _ = enrolment_nominate(user=officer, training_class=c, person=person)
        enrolment_accept(user=SYSTEM, enrolment=enrolment)
        class_set_status(user=SYSTEM, training_class=c, status="running")
        results_record(
            user=SYSTEM, enrolment=enrolment, attendance_percent=100, score=9, passed=True
        )


@pytest.fixture
def pool_world(tree):
    """A succession pool for Mê Linh's vice-chair: a retired cadre in it, and a young woman
    with the training the post's title standard requires (and a self-service account), not yet
    in it."""
    from cadrework import services
    from people.models import EducationLevel
    from people.services import position_end
    from training.models import Topic
    from training.services import external_record_create

    w = SimpleNamespace(tree=tree)
    w.term = term_create(
        user=SYSTEM,
        unit=tree.melinh,
        name="2023-2028",
        start_date=dt.date(2023, 6, 1),
        end_date=dt.date(2028, 5, 31),
    )
    w.pool = services.pool_create(
        user=tree.melinh_officer, unit=tree.melinh, term=w.term, post="vice_chair"
    )
    w.retired = person_create(
        user=SYSTEM,
        unit=tree.melinh,
        family_name="Đỗ",
        middle_name="Văn",
        given_name="Hưu",
        gender="male",
        birth_date=dt.date(1964, 3, 2),
    )
    member = Role.objects.get(code="executive_member")
    post = position_create(
        user=SYSTEM, person=w.retired, unit=tree.melinh, role=member, start_date=dt.date(2023, 6, 1)
    )
    position_end(user=SYSTEM, position=post, end_date=dt.date(2025, 3, 31), end_reason="retired")
    w.retired_entry = services.entry_add(
        user=SYSTEM,
        pool=w.pool,
        person=w.retired,
        reason="Quy hoạch đầu nhiệm kỳ",
        on=dt.date(2023, 7, 1),
    )
    w.young = person_create(
        user=SYSTEM,
        unit=tree.school,
        family_name="Phạm",
        middle_name="Thu",
        given_name="Hà",
        gender="female",
        birth_date=dt.date(1995, 8, 9),
        education_level=EducationLevel.UNIVERSITY,
    )
    position_create(
        user=SYSTEM, person=w.young, unit=tree.school, role=member, start_date=dt.date(2023, 6, 1)
    )
    external_record_create(
        user=SYSTEM,
        person=w.young,
        title="Bồi dưỡng nghiệp vụ công đoàn",
        topics=[Topic.objects.get(code="union_general")],
        hours=24,
        completed_on=dt.date(2024, 10, 4),
        form="on_site",
    )
    w.young_user = make_user("thuha", tree.school, UserRole.CADRE, person=w.young)
    # The standard of the post the pool prepares (a vice-chair at the upper-grassroots level):
    # the general course, which the young woman has and the retired cadre has not.
    w.standards = issue_title_standards(["vice_chair"], ["upper_grassroots"], ("union_general",))
    return w


# Defined with the rules of which test runs on which database; named here so that it takes
# the place of pytest-django's own (a conftest's fixture wins over a plugin's).
from tests.databases import django_db_modify_db_settings  # noqa: E402, F401
