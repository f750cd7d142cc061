"""Title standards as data, read by the targets, the pools, the appointment checks and the
profile (issue 20 §4).

003 §I.2.1: "Trong mỗi nhiệm kỳ, có 100% cán bộ công đoàn chuyên trách từ công đoàn cấp trên
trực tiếp cơ sở trở lên được đào tạo, bồi dưỡng đáp ứng tiêu chuẩn, chức danh, khung năng lực vị
trí việc làm." 001 §II: "100% cán bộ công đoàn chuyên trách được chuẩn hóa về chuyên môn nghiệp
vụ, lý luận chính trị, kỹ năng công tác"; §III: "xây dựng và ban hành quy định về tiêu chuẩn chức
danh" and "Thực hiện công khai các tiêu chuẩn chung và tiêu chuẩn cụ thể của từng chức danh cán
bộ công đoàn". 004: "100% cán bộ công đoàn chuyên trách được đào tạo bồi dưỡng chuẩn hóa ngạch
công chức, lãnh đạo quản lý".

The reading (docs/chi-tieu.md): a person meets the standard of the title held (role × level)
on a day when their education and political theory reach its levels and each training it
requires has a valid record, whenever made up to the deadline; later training is "đạt muộn";
a title with no standard in force is not counted.
"""

import pytest
from django.urls import reverse

from accounts.access import SYSTEM
from accounts.models import UserRole
from people.models import EducationLevel, Person, PoliticalTheory, Role
from standards.forms import TitleStandardForm
from standards.models import CivilServiceRank, TitleStandard
from targets.engine import Status, unit_counts
from targets.models import Target
from tests.cadrework.test_appointments import pooled_and_rated
from tests.conftest import make_user
from tests.targets.test_edges import D, person, post, record, status, world  # noqa: F401
from training.models import Topic
from units.models import Unit, UnitLevel
from units.services import term_create

LEADER_TOPICS = ["civil_service_rank", "management_leadership"]


def issue(role, level, topics=(), valid_from=None, valid_to=None, **fields):
    standard = TitleStandard.objects.create(
        role=Role.objects.get(code=role),
        level=UnitLevel.objects.get(code=level),
        valid_from=valid_from,
        valid_to=valid_to,
        **fields,
    )
    standard.topics.set(Topic.objects.filter(code__in=topics))
    return standard


@pytest.fixture
def province(world):  # noqa: F811
    _, province, _ = world
    term_create(
        user=SYSTEM,
        unit=province,
        name="2023-2028",
        start_date=D(2023, 10, 15),
        end_date=D(2028, 10, 14),
    )
    # The 2018 Hà Nội plan's target, adopted by this province for its current term.
    Target.objects.filter(code="T-004-1b").update(scope_unit=province, active=True, valid_to=None)
    issue(
        "department_head",
        "province",
        [*LEADER_TOPICS, "union_theory"],
        min_education=EducationLevel.UNIVERSITY,
        min_political_theory=PoliticalTheory.ELEMENTARY,
        civil_service_rank=CivilServiceRank.PRINCIPAL,
    )
    return province


def head(province, given, theory=PoliticalTheory.ELEMENTARY, **extra):
    who = person(province, given, **extra)
    who.political_theory = theory
    who.save()
    post(who, province, "department_head", D(2023, 10, 15), full_time=True)
    return who


def test_one_labour_law_workshop_does_not_train_a_cadre_to_his_title(province):
    """Before: T-003-2 was met by any one record in six topics. Now every training the
    title's standard requires must be there."""
    who = head(province, "An")
    record(who, D(2024, 3, 1), ["labour_law"])
    assert status(who, "T-003-2", D(2024, 6, 1)).status == Status.DUE
    for day, topic in zip((D(2024, 4, 1), D(2024, 5, 1)), LEADER_TOPICS, strict=True):
        record(who, day, [topic])
    assert status(who, "T-003-2", D(2024, 6, 1)).status == Status.DUE  # union theory lacking
    record(who, D(2024, 5, 20), ["union_theory"])
    assert status(who, "T-003-2", D(2024, 6, 1)).status == Status.MET
    assert status(who, "T-003-2", D(2024, 5, 19)).status == Status.DUE  # the day before


def test_education_below_the_standard_is_not_met_whatever_the_training(province):
    who = head(province, "Bình", education=EducationLevel.COLLEGE)
    for topic in [*LEADER_TOPICS, "union_theory"]:
        record(who, D(2024, 3, 1), [topic])
    assert status(who, "T-003-2", D(2024, 6, 1)).status == Status.DUE
    who.education_level = EducationLevel.UNIVERSITY
    who.save()
    assert status(who, "T-003-2", D(2024, 6, 1)).status == Status.MET


def test_training_of_an_earlier_term_still_stands_and_training_after_the_term_is_late(province):
    """A standard is a state: a rank course of 2015 still counts in the 2023–2028 term. What is
    done after the term's last day is trained late ("đạt muộn"), not met."""
    who = head(province, "Cường")
    record(who, D(2015, 6, 1), LEADER_TOPICS)
    record(who, D(2028, 10, 14), ["union_theory"])  # the term's last day
    assert status(who, "T-003-2", D(2028, 10, 14)).status == Status.MET
    late = head(province, "Dũng")
    record(late, D(2015, 6, 1), LEADER_TOPICS)
    record(late, D(2028, 10, 15), ["union_theory"])  # the day after
    assert status(late, "T-003-2", D(2028, 10, 15)).status == Status.LATE


def test_a_title_with_no_standard_is_not_counted_until_one_is_in_force(province):
    """Advisory staff at the province have no standard until 01/01/2025."""
    staff = person(province, "Em")
    post(staff, province, "advisory_staff", D(2023, 10, 15), full_time=True)
    issue("advisory_staff", "province", ["union_theory"], valid_from=D(2025, 1, 1))
    assert status(staff, "T-003-2", D(2024, 12, 31)).status == "not_applicable"
    assert status(staff, "T-003-2", D(2025, 1, 1)).status == Status.DUE
    target = Target.objects.get(code="T-003-2")
    assert unit_counts(target, D(2024, 12, 31)).get(province.pk, (0,))[0] == 0
    assert unit_counts(target, D(2025, 1, 1))[province.pk][0] == 1


def test_t_001_2b_reads_the_political_theory_of_the_title_not_a_fixed_intermediate(province):
    """The standard asks elementary political theory for this title: an elementary holder with
    the required training meets T-001-2b (before: intermediate was required of everyone)."""
    who = head(province, "Giang")
    who.political_theory = PoliticalTheory.ELEMENTARY
    who.save()
    record(who, D(2024, 3, 1), [*LEADER_TOPICS, "union_theory"])
    assert status(who, "T-001-2b", D(2024, 6, 1)).status == Status.MET
    who.political_theory = PoliticalTheory.NONE
    who.save()
    assert status(who, "T-001-2b", D(2024, 6, 1)).status == Status.DUE


def test_t_004_1b_reads_only_the_rank_and_management_training_of_the_standard(province):
    who = head(province, "Hà")
    record(who, D(2024, 3, 1), LEADER_TOPICS)
    assert status(who, "T-004-1b", D(2024, 6, 1)).status == Status.MET
    assert status(who, "T-003-2", D(2024, 6, 1)).status == Status.DUE  # union theory lacking
    other = head(province, "Khánh")
    record(other, D(2024, 3, 1), ["civil_service_rank"])
    assert status(other, "T-004-1b", D(2024, 6, 1)).status == Status.DUE


def test_a_rank_must_come_with_its_training_and_periods_may_not_overlap(province):
    role = Role.objects.get(code="department_head")
    level = UnitLevel.objects.get(code="province")
    data = {
        "role": role.pk,
        "level": level.pk,
        "civil_service_rank": CivilServiceRank.OFFICER,
        "topics": [Topic.objects.get(code="union_theory").pk],
        "valid_from": "2030-01-01",
        "published": "on",
    }
    form = TitleStandardForm(data=data)
    assert not form.is_valid() and "topics" in form.errors
    data["topics"].append(Topic.objects.get(code="civil_service_rank").pk)
    # The standard issued in the fixture is open-ended: a second one from 2030 overlaps it.
    form = TitleStandardForm(data=data)
    assert not form.is_valid()
    assert "đã có tiêu chuẩn" in str(form.errors)
    TitleStandard.objects.filter(role=role, level=level).update(valid_to=D(2029, 12, 31))
    assert TitleStandardForm(data=data).is_valid()


def test_the_standards_are_published_to_cadres_and_drafts_only_to_officers(client, province):
    issue("vice_chair", "province", ["union_general"], published=False)
    cadre_person = head(province, "Lan")
    cadre = make_user("lan", province, UserRole.CADRE, person=cadre_person)
    client.force_login(cadre)
    page = client.get(reverse("standards:list")).content.decode()
    assert "Trưởng ban" in page and "Phó Chủ tịch" not in page
    assert "Chuyên viên chính" in page
    client.force_login(make_user("officer", province))
    page = client.get(reverse("standards:list")).content.decode()
    assert "Phó Chủ tịch" in page and "chưa công khai" in page


def test_the_api_publishes_the_same_standards_as_the_page(province):
    from tests.api import ApiClient

    issue("vice_chair", "province", ["union_general"], published=False)
    cadre = make_user("lan", province, UserRole.CADRE, person=head(province, "Lan"))
    officer = make_user("officer", province)
    shown = ApiClient(cadre).get("/standards", {"on": "2024-06-01"})
    assert shown.status_code == 200
    assert [(s["role"], s["level"], s["published"]) for s in shown.json()] == [
        ("department_head", "province", True)
    ]
    assert set(shown.json()[0]["topics"]) == {*LEADER_TOPICS, "union_theory"}
    drafts = ApiClient(officer).get("/standards").json()
    assert {(s["role"], s["published"]) for s in drafts} == {
        ("department_head", True),
        ("vice_chair", False),
    }
    assert ApiClient(cadre).get("/standards", {"on": "31/02/2024"}).status_code == 422


def test_the_api_reads_the_standard_as_the_engine_does(province):
    """A person's obligations and a figure's explanation, through the API: the head who lacks
    union theory is due, the one with everything met; advisory staff, whose title has no
    standard, are not among the people the figure counts."""
    from tests.api import ApiClient

    done, lacking = head(province, "Phong"), head(province, "Quân")
    for who in (done, lacking):
        record(who, D(2024, 3, 1), LEADER_TOPICS)
    record(done, D(2024, 4, 1), ["union_theory"])
    staff = person(province, "Sơn")
    post(staff, province, "advisory_staff", D(2023, 10, 15), full_time=True)
    api = ApiClient(make_user("officer", province))

    def obligation(who):
        body = api.get(f"/people/{who.pk}/obligations", {"as_of": "2024-06-01"}).json()
        return next(o["status"] for o in body["obligations"] if o["code"] == "T-003-2")

    assert (obligation(done), obligation(lacking)) == ("met", "due")
    assert obligation(staff) == "not_applicable"
    body = api.get(f"/units/{province.pk}/targets/T-003-2/explain", {"as_of": "2024-06-01"}).json()
    assert {p["full_name"]: p["status"] for p in body["people"]} == {
        done.full_name: "met",
        lacking.full_name: "due",
    }
    assert body["figures"]["eligible"] == 2 and body["figures"]["met"] == 1


def test_the_profile_says_what_the_cadre_lacks_against_the_standard(client, province):
    who = head(province, "Minh", education=EducationLevel.COLLEGE)
    record(who, D(2024, 3, 1), ["civil_service_rank"])
    client.force_login(make_user("minh", province, UserRole.CADRE, person=who))
    page = client.get(
        reverse("standards:person", args=[who.pk]), {"on": "2024-06-01"}
    ).content.decode()
    assert "Còn thiếu 3 yêu cầu" in page  # education, management, union theory
    assert "Cao đẳng" in page and "01/03/2024" in page
    # Someone else's profile: not for a cadre.
    other = head(province, "Nam")
    assert client.get(reverse("standards:person", args=[other.pk])).status_code == 404
    # Nor for an officer or an inspector of a unit below, whose subtree he is not in.
    district = Unit.objects.get(code="NT-PR")
    for role in (UserRole.TRAINING_OFFICER, UserRole.INSPECTOR):
        client.force_login(make_user(f"pr-{role}", district, role))
        assert client.get(reverse("standards:person", args=[who.pk])).status_code == 404
    client.force_login(make_user("nt-officer", province))
    assert client.get(reverse("standards:person", args=[who.pk])).status_code == 200


# --- the succession pools and filling a post (001 §III: "tiêu chuẩn chức danh") -----------


def test_pool_candidates_are_trained_when_they_meet_the_posts_standard(pool_world):
    """ "Trained as the post requires" is the standard of the post the pool prepares (Mê
    Linh's vice-chair: an upper-grassroots title). With none issued it is unknown — no
    figure, not 0 % — and once issued each candidate is judged against it."""
    from cadrework import selectors, services
    from cadrework.models import StructureMeasure

    w = pool_world
    TitleStandard.objects.all().delete()  # whatever the shared world issued: none here
    services.entry_add(user=SYSTEM, pool=w.pool, person=w.young, reason="Trẻ", on=D(2024, 11, 1))
    day = D(2024, 12, 1)

    def trained_share():
        return next(s for s in selectors.structure(w.pool, day) if s.measure == "trained")

    assert {e.person_id: e.trained for e in selectors.candidates(w.pool, day)} == {
        w.retired.pk: None,
        w.young.pk: None,
    }
    assert trained_share().percent is None
    issue(
        "vice_chair", "upper_grassroots", ["union_general"], min_education=EducationLevel.UNIVERSITY
    )
    assert {e.person_id: e.trained for e in selectors.candidates(w.pool, day)} == {
        w.retired.pk: False,  # no degree, no course
        w.young.pk: True,  # a degree and the general course of 04/10/2024
    }
    share = trained_share()
    assert (share.count, share.total, share.label) == (
        1,
        2,
        str(StructureMeasure.TRAINED.label),
    )
    # Judged on the day: the day before her course she did not meet it, on its day she did.
    standard = selectors.post_standard(Role.objects.get(code="vice_chair"), w.tree.melinh, day)
    people = Person.objects.filter(pk=w.young.pk)
    for on, met in ((D(2024, 10, 3), False), (D(2024, 10, 4), True)):
        assert people.annotate(t=selectors.trained_q(standard, on)).get().t is met


def test_filling_a_post_checks_its_standard_and_asks_a_reason_when_it_is_not_met(
    pool_world, client
):
    from cadrework.models import Appointment
    from people.models import Position

    w, tree = pool_world, pool_world.tree
    vice_chair = Role.objects.get(code="vice_chair")
    TitleStandard.objects.all().delete()  # whatever the shared world issued: this one here
    issue(
        "vice_chair",
        "upper_grassroots",
        ["union_general", "management_leadership"],
        min_education=EducationLevel.UNIVERSITY,
    )
    pooled_and_rated(w, "Trẻ")
    client.force_login(tree.melinh_officer)
    data = {
        "unit": tree.melinh.code,
        "role": vice_chair.pk,
        "start_date": "01/02/2026",
        "start_reason": "appointed",
        "full_time": "on",
    }
    url = reverse("people:position_create", args=[w.young.pk])
    response = client.post(url, data)  # in the pool, rated, but no management course
    assert response.status_code == 200
    errors = " ".join(response.context["form"].errors["appointment_reason"])
    assert "tiêu chuẩn chức danh" in errors
    record(w.young, D(2026, 1, 15), ["management_leadership"])
    assert client.post(url, data).status_code == 302
    logged = Appointment.objects.get(position=Position.objects.get(person=w.young, role=vice_chair))
    assert (logged.in_pool, logged.trained, logged.rated, logged.reason) == (True, True, True, "")


def test_an_administrator_issues_a_standard_and_its_history_is_kept(client, province):
    """Editable without code (Quản trị → Tiêu chuẩn chức danh); a change is recorded."""
    from audit.models import LogEntry

    admin = make_user("quantri", province, UserRole.SYSTEM_ADMIN, is_staff=True, is_superuser=True)
    client.force_login(admin)
    rank = Topic.objects.get(code="civil_service_rank")
    response = client.post(
        reverse("admin:standards_titlestandard_add"),
        {
            "role": Role.objects.get(code="vice_chair").pk,
            "level": UnitLevel.objects.get(code="province").pk,
            "min_education": EducationLevel.UNIVERSITY,
            "min_political_theory": PoliticalTheory.ADVANCED,
            "civil_service_rank": CivilServiceRank.PRINCIPAL,
            "topics": [rank.pk],
            "document": "Quyết định số 01/QĐ-LĐLĐ",
            "published": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    made = TitleStandard.objects.get(role__code="vice_chair", level__code="province")
    assert list(made.topics.all()) == [rank]
    assert LogEntry.objects.get_for_object(made).exists()


# --- what else reads the standard: records shown, plans, courses, stored figures ------------


def test_the_record_shown_beside_the_status_is_the_training_that_completed_it(province):
    """Met: the latest required course (the one that completed the standard); trained late:
    the course after the term's end."""
    who = head(province, "Tâm")
    record(who, D(2015, 6, 1), LEADER_TOPICS)
    completing = record(who, D(2024, 5, 20), ["union_theory"])
    o = status(who, "T-003-2", D(2024, 6, 1))
    assert (o.status, o.record) == (Status.MET, completing)
    late = head(province, "Uyên")
    record(late, D(2015, 6, 1), LEADER_TOPICS)
    after = record(late, D(2028, 11, 1), ["union_theory"])
    o = status(late, "T-003-2", D(2028, 11, 2))
    assert (o.status, o.record, o.due_on) == (Status.LATE, after, D(2028, 10, 14))


def test_a_plan_drafts_a_line_for_those_short_of_their_standard(province):
    """One line for T-003-2, under the training the standards ask most (union theory beside
    the rank and management courses: each asked once here, the first by the topics' order
    wins), for the heads who still lack something."""
    from planning.selectors import draft_lines

    head(province, "Vân")
    done = head(province, "Xuân")
    record(done, D(2024, 3, 1), [*LEADER_TOPICS, "union_theory"])
    lines = {line.name.split()[0]: line for line in draft_lines(province, None, D(2024, 6, 1))}
    line = lines["T-003-2"]
    assert line.trainees == 1
    assert line.topic.code in {*LEADER_TOPICS, "union_theory"}


def test_a_cadre_short_of_the_standard_is_offered_the_courses_in_what_they_lack(province):
    from elearning.models import Course, CourseStatus
    from elearning.selectors import courses_meeting_obligations

    who = head(province, "Yến")
    record(who, D(2024, 3, 1), LEADER_TOPICS)  # lacks union theory only

    def course(code, title, topic):
        made = Course.objects.create(
            code=code,
            title=title,
            organiser=province,
            status=CourseStatus.PUBLISHED,
            open_to_subtree=True,
            hours=16,
        )
        made.topics.set(Topic.objects.filter(code=topic))
        return made

    theory = course("LLCD-TT-01", "Lý luận và nghiệp vụ công tác công đoàn", "union_theory")
    course("NGACH-TT-01", "Bồi dưỡng ngạch chuyên viên (trực tuyến)", "civil_service_rank")
    offered = {
        o.target.code: meeting for o, meeting in courses_meeting_obligations(who, D(2024, 6, 1))
    }
    assert offered["T-003-2"] == [theory]


def test_issuing_a_standard_drops_the_stored_figures_it_moves(
    province, django_capture_on_commit_callbacks
):
    from targets import computing
    from targets.models import Snapshot, TargetFigure

    staff = person(province, "Ánh")
    post(staff, province, "advisory_staff", D(2023, 10, 15), full_time=True)
    day = D(2024, 6, 1)
    computing.compute(day)
    assert not TargetFigure.objects.filter(
        snapshot__as_of=day, target__code="T-003-2", unit=province, own_eligible=1
    ).exists()
    with django_capture_on_commit_callbacks(execute=True):
        issue("advisory_staff", "province", ["union_theory"])
    assert not Snapshot.objects.filter(as_of=day).exists()  # to be computed afresh
    computing.compute(day)
    figure = TargetFigure.objects.get(snapshot__as_of=day, target__code="T-003-2", unit=province)
    assert (figure.own_eligible, figure.own_met) == (1, 0)  # now judged against one
