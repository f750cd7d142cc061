"""Walk every URL pattern and API route as users at the four levels of the union (the
confederation, two provinces, a district, a grassroots union), as a self-service cadre, and as
every other role of the access matrix (accounts.access: a part-time lecturer, an inspector),
asking for objects outside what each may see — outside their subtree, or of a kind of data
their role does not read: nothing outside may ever be shown or changed."""

import json

import pytest
from django.db.models import Q
from django.utils import timezone

from accounts.access import ACCESS, OWN, SYSTEM, Data, may
from accounts.models import ApiToken, UserRole
from accounts.scope import scoped
from bench.routes import PARAM, all_routes, model_for
from cadrework.models import Evaluation, FollowUp, Inspection, Pool, PoolEntry, PoolReview
from elearning.models import (
    Assignment,
    Course,
    CourseEnrolment,
    Lesson,
    Module,
    Question,
    QuizAttempt,
)
from imports.models import ImportJob
from imports.services import job_create
from people.models import Person, Position
from planning.models import ClassLink, Plan, PlanLine, Survey
from planning.selectors import surveys_visible_to
from privacy.masking import mask_citizen_id
from privacy.models import Action, PersonalDataAccess
from reports.models import ImplementationReport, ReportJob
from reports.tasks import report_job_create
from targets.models import SourceDocument, Target
from targets.services import target_adopt
from training.models import (
    ClassSession,
    Enrolment,
    Lecturer,
    TrainingClass,
    TrainingRecord,
)
from training.selectors import classes_visible_to
from units.models import Unit

PROBED_MODELS = (
    Unit,
    Person,
    Position,
    Enrolment,
    TrainingRecord,
    Lecturer,
    ImportJob,
    ReportJob,
    ImplementationReport,
    Plan,
    PlanLine,
    ClassLink,
    Pool,
    PoolReview,
    PoolEntry,
    Evaluation,
    Inspection,
    FollowUp,
    Course,
    Module,
    Lesson,
    Question,
    Assignment,
    CourseEnrolment,
    QuizAttempt,
    Target,
    TrainingClass,
    Survey,
    ClassSession,
)
# The kind of data (accounts.access) each probed model is: a role that does not read a kind
# sees none of its objects but its own.
MODEL_KINDS = {
    Unit: Data.UNITS,
    Person: Data.PEOPLE,
    Position: Data.PEOPLE,
    Enrolment: Data.CLASSES,
    TrainingRecord: Data.CLASSES,
    TrainingClass: Data.CLASSES,
    ClassSession: Data.CLASSES,
    Lecturer: Data.LECTURERS,
    ImportJob: Data.IMPORTS,
    ReportJob: Data.REPORTS,
    ImplementationReport: Data.REPORTS,
    Plan: Data.PLANNING,
    PlanLine: Data.PLANNING,
    ClassLink: Data.PLANNING,
    Survey: Data.PLANNING,
    Pool: Data.POOLS,
    PoolReview: Data.POOLS,
    PoolEntry: Data.POOLS,
    Evaluation: Data.EVALUATIONS,
    Inspection: Data.INSPECTIONS,
    FollowUp: Data.INSPECTIONS,
    Course: Data.ELEARNING,
    Module: Data.ELEARNING,
    Lesson: Data.ELEARNING,
    Question: Data.ELEARNING,
    Assignment: Data.ELEARNING,
    CourseEnrolment: Data.LEARNING,
    QuizAttempt: Data.LEARNING,
    Target: Data.TARGETS,
}
# Routes of the learner's side: a self-service cadre may reach the courses open to them and
# their own enrolments and attempts there (and their own profile); nothing else.
LEARNER_ROUTES = (
    "me",
    "api/v1/me",
    "elearning/learn/",
    "elearning/attempts/",
    "api/v1/learning/",
    "api/v1/attempts/",
)


def own_rows(person) -> dict:
    """What is a person's own: their rows (their evaluations once published) and the
    courses open to them."""
    from elearning.selectors import courses_open_to

    if person is None:
        return {}
    courses = Course.objects.filter(
        Q(pk__in=courses_open_to(person).values("pk")) | Q(enrolments__person=person)
    ).values("pk")
    return {
        Person: Q(pk=person.pk),
        Position: Q(person=person),
        TrainingRecord: Q(person=person),
        Enrolment: Q(person=person),
        # The classes they attend or teach (training.selectors.classes_visible_to).
        TrainingClass: Q(enrolments__person=person) | Q(class_lecturers__lecturer__person=person),
        ClassSession: Q(training_class__enrolments__person=person) | Q(lecturer__person=person),
        Assignment: Q(person=person),
        CourseEnrolment: Q(person=person),
        QuizAttempt: Q(enrolment__person=person),
        Course: Q(pk__in=courses),
        Module: Q(course__in=courses),
        Lesson: Q(module__course__in=courses),
        Evaluation: Q(person=person, published_at__isnull=False),
        PoolEntry: Q(person=person, entered_in__published_at__isnull=False),
    }


def outside_for_cadre(user):
    """A self-service cadre owns their person's rows and sees the courses open to them;
    every other object is outside, whatever its unit."""
    own = own_rows(user.person)
    return {
        model: list(model.objects.exclude(own.get(model, Q(pk__in=[])))) for model in PROBED_MODELS
    }


def outside_objects(user):
    if user.role == UserRole.CADRE:
        return outside_for_cadre(user)
    out = outside_subtree(user)
    # Kinds the role does not read (accounts.access): every object but the user's own.
    own = own_rows(user.person)
    for model, kind in MODEL_KINDS.items():
        if not may(user, kind):
            mine = own.get(model, Q(pk__in=[])) if may(user, kind, OWN) else Q(pk__in=[])
            out[model] = list(model.objects.exclude(mine))
    return out


def outside_subtree(user):
    out = {}
    for model in (
        Unit,
        Person,
        Position,
        Enrolment,
        TrainingRecord,
        Lecturer,
        ImportJob,
        ReportJob,
        ImplementationReport,
        Plan,
        PlanLine,
        ClassLink,
        Pool,
        PoolReview,
        PoolEntry,
        Evaluation,
        Inspection,
        FollowUp,
        Course,
        Module,
        Lesson,
        Question,
        Assignment,
        CourseEnrolment,
        ClassSession,
    ):
        inside = scoped(model.objects.all(), user).values("pk")
        out[model] = list(model.objects.exclude(pk__in=inside))
    own_line = [user.unit.path[:i] for i in range(8, len(user.unit.path) + 1, 8)]
    out[Target] = [
        t
        for t in Target.objects.exclude(scope_unit=None).select_related("scope_unit")
        if t.scope_unit.path not in own_line and not t.scope_unit.path.startswith(user.unit.path)
    ]
    visible = classes_visible_to(user).values("pk")
    out[TrainingClass] = list(TrainingClass.objects.exclude(pk__in=visible))
    out[Survey] = list(Survey.objects.exclude(pk__in=surveys_visible_to(user).values("pk")))
    # An officer has no person: every attempt is someone else's.
    out[QuizAttempt] = list(QuizAttempt.objects.all())
    return out


def leak_markers(user) -> list[str]:
    """Strings that only an outsider's data contains: people's names and IDs, unit names
    other than the user's own ancestors (a parent's name on a page is not a leak)."""
    ancestor_ids = {int(user.unit.path[i : i + 8]) for i in range(0, len(user.unit.path), 8)}
    outside = outside_objects(user)
    markers = [u.name for u in outside[Unit] if u.pk not in ancestor_ids]
    # Pages show citizen IDs masked: the masked form is a marker too, unless someone the
    # user may see has the same one.
    outsiders = {p.pk for p in outside[Person]}
    masked_inside = {
        mask_citizen_id(p.citizen_id)
        for p in Person.objects.exclude(pk__in=outsiders).exclude(citizen_id=None)
    }
    for person in outside_subtree(user)[Person] if user.role != UserRole.CADRE else outside[Person]:
        markers.append(person.full_name)
        if person.citizen_id:
            markers.append(person.citizen_id)
            if mask_citizen_id(person.citizen_id) not in masked_inside:
                markers.append(mask_citizen_id(person.citizen_id))
    # What only an evaluation, a pool or full personal data shows, for a role that may not
    # read them (accounts.access): the self-assessments, the reasons for entering a pool,
    # anyone's full citizen ID and address but the user's own.
    if not may(user, Data.EVALUATIONS):
        markers += [e.self_assessment for e in outside[Evaluation] if e.self_assessment]
    if not may(user, Data.POOLS):
        markers += [e.entry_reason for e in outside[PoolEntry] if e.entry_reason]
    if not may(user, Data.PERSONAL_DATA):
        for person in Person.objects.exclude(pk=user.person_id or 0):
            markers += [value for value in (person.citizen_id, person.address) if value]
    return markers


def text_of(response) -> str:
    body = response.content.decode("utf-8", "replace")
    if response.get("Content-Type", "").startswith("application/json"):
        try:
            return json.dumps(json.loads(body), ensure_ascii=False)
        except ValueError:
            return body
    return body


def fill(route: str, obj) -> str:
    """The route with the object's id in it (its uuid key for routes that take one)."""
    value = obj.key if "<uuid:" in route or "{key}" in route else obj.pk
    return "/" + PARAM.sub(str(value), route)


def add_jobs(tree) -> None:
    """An import and a built report in each province (and in Mê Linh); each import names its
    people in its file."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    for officer, person in (
        (tree.hanoi_officer, tree.tran),
        (tree.nt_officer, tree.le),
        (tree.melinh_officer, tree.nguyen),
    ):
        text = (
            f"Họ và tên,Giới tính,Mã đơn vị,Số CCCD\n{person.full_name},Nam,"
            f"{person.unit.code},{person.citizen_id or ''}\n"
        )
        job_create(
            user=officer, kind="people", upload=SimpleUploadedFile("ds.csv", text.encode("utf-8"))
        )
        report_job_create(
            user=officer,
            unit=officer.unit,
            kind="structure",
            fmt="xlsx",
            params={"on": "2024-06-01"},
        )
        ImplementationReport.objects.create(
            unit=officer.unit,
            year=2024,
            document=SourceDocument.objects.order_by("pk").first(),
            status="submitted",
            filed_by=officer,
            filed_at=timezone.now(),
        )


def add_planning(tree) -> None:
    """Plans with a line and a linked class, spending, member growth and a needs survey
    with an answer in each province and district, so every planning route has outsiders."""
    import datetime as dt
    from decimal import Decimal

    from planning import services

    for officer, unit, training_class in (
        (tree.hanoi_officer, tree.hanoi, None),
        (tree.melinh_officer, tree.melinh, tree.ml_class),
        (tree.nt_officer, tree.ninhthuan, tree.nt_class),
    ):
        plan = services.plan_create(user=officer, unit=unit, year=2024)
        line = services.line_save(
            user=officer,
            plan=plan,
            name=f"Lớp {unit.code}",
            topic=tree.topic,
            target_group="full_time",
            classes=1,
            trainees=30,
            budget=Decimal(1_000_000),
        )
        if training_class:
            services.class_link(user=officer, line=line, training_class=training_class)
        services.spending_save(
            user=officer, unit=unit, year=2024, operating_total=Decimal(100_000_000)
        )
        services.growth_save(
            user=officer,
            unit=unit,
            period_start=dt.date(2024, 1, 1),
            period_end=dt.date(2024, 12, 31),
            admitted=100,
        )
    for officer, unit, answering in (
        (tree.hanoi_officer, tree.hanoi, tree.melinh),
        (tree.nt_officer, tree.ninhthuan, tree.phanrang),
        (tree.hanoi_officer, tree.donganh, tree.factory),
    ):
        survey = services.survey_open(
            user=officer,
            unit=unit,
            year=2025,
            title="Khảo sát",
            deadline=dt.date(2099, 1, 1),
            topics=[tree.topic],
        )
        services.answer_save(
            user=officer, survey=survey, unit=answering, needs={(tree.topic, "full_time"): 3}
        )


def add_cadrework(tree) -> None:
    """A pool with a published review and a candidate, a published evaluation, and an
    inspection of a unit below with a follow-up, in each province and in Mê Linh."""
    import datetime as dt

    from cadrework import evaluations, inspections, services
    from units.services import term_create

    for officer, unit, person in (
        (tree.hanoi_officer, tree.hanoi, tree.tran),
        (tree.nt_officer, tree.ninhthuan, tree.le),
        (tree.melinh_officer, tree.melinh, tree.nguyen),
    ):
        term = term_create(
            user=SYSTEM,
            unit=unit,
            name="2023-2028",
            start_date=dt.date(2023, 6, 1),
            end_date=dt.date(2028, 5, 31),
        )
        pool = services.pool_create(user=officer, unit=unit, term=term, post="chair")
        review = services.review_open(
            user=officer, pool=pool, year=2024, held_on=dt.date(2024, 12, 1)
        )
        services.entry_add(
            user=officer,
            pool=pool,
            person=person,
            reason=f"Lý do đưa vào quy hoạch ({unit.code})",
            on=dt.date(2024, 12, 1),
            review=review,
        )
        services.review_publish(user=officer, review=review)
        evaluation = evaluations.evaluation_save(
            user=officer,
            person=person,
            year=2024,
            occasion="yearly",
            rating="good",
            votes_good=5,
            self_assessment=f"Bản tự đánh giá ({unit.code})",
        )
        evaluations.evaluation_publish(user=officer, evaluation=evaluation)
    for officer, below in (
        (tree.hanoi_officer, tree.donganh),
        (tree.nt_officer, tree.phanrang),
        (tree.melinh_officer, tree.school),
    ):
        inspections.inspection_create(
            user=officer,
            inspected=below,
            held_on=dt.date(2024, 10, 1),
            areas=["training"],
            findings="Kết luận",
            follow_ups=[{"action": "Bổ sung quy hoạch", "deadline": dt.date(2025, 1, 31)}],
        )


def add_elearning(tree) -> None:
    """A published course with a text lesson and a quiz in each province and in Mê Linh,
    assigned to a person there, who enrolled and made an attempt."""
    from elearning import quizzes, services

    for officer, unit, person in (
        (tree.hanoi_officer, tree.hanoi, tree.tran),
        (tree.nt_officer, tree.ninhthuan, tree.le),
        (tree.melinh_officer, tree.melinh, tree.nguyen),
    ):
        course = services.course_save(
            user=officer,
            organiser=unit,
            code=f"ONL-{unit.code}",
            title=f"Khóa trực tuyến {unit.code}",
            hours=8,
            topics=[tree.topic],
        )
        module = services.module_save(user=officer, course=course, title="Bài 1")
        services.lesson_save(
            user=officer, module=module, title="Đọc", kind="text", body="<p>Nội dung</p>"
        )
        quiz = services.lesson_save(
            user=officer, module=module, title="Kiểm tra", kind="quiz", question_count=1
        )
        quizzes.question_save(
            user=officer,
            course=course,
            text="Câu hỏi?",
            multiple=False,
            choices=[("Đúng", True), ("Sai", False)],
        )
        services.course_publish(user=officer, course=course)
        Assignment.objects.create(course=course, person=person)
        enrolment = CourseEnrolment.objects.create(course=course, person=person)
        QuizAttempt.objects.create(enrolment=enrolment, lesson=quiz)


def add_sessions(tree) -> None:
    """A session of each class (Mê Linh's, Ninh Thuận's): its QR check-in is a route."""
    import datetime as dt

    for c in (tree.ml_class, tree.nt_class):
        ClassSession.objects.create(
            training_class=c, date=c.start_date, starts_at=dt.time(8), ends_at=dt.time(11)
        )


# Each persona and its role: between them, every role of the access matrix. CI's PostgreSQL
# run takes the odd places (tests/databases.py), and a request costs it about twice what it
# costs SQLite: the odd places hold the personas with the fewest requests (the confederation's
# officer and administrator, ~600 each; Hà Nội's officer and inspector, ~2,100), the even ones
# those with the most (2,600-3,300), so that the two runs end together.
PERSONAS = {
    "nt_officer": UserRole.TRAINING_OFFICER,
    "admin": UserRole.SYSTEM_ADMIN,
    "melinh_officer": UserRole.TRAINING_OFFICER,
    "tld_officer": UserRole.TRAINING_OFFICER,
    "school_officer": UserRole.TRAINING_OFFICER,
    "hanoi_officer": UserRole.TRAINING_OFFICER,
    "cadre": UserRole.CADRE,
    "inspector": UserRole.INSPECTOR,
    "lecturer": UserRole.LECTURER,
}


def test_the_probe_walks_every_role_of_the_matrix():
    assert set(PERSONAS.values()) == set(ACCESS) == set(UserRole)


# Every persona runs the same scoped queries: CI shares them out between its SQLite and
# PostgreSQL runs (tests/databases.py), so each database runs the probe and each persona once.
@pytest.mark.alternate_databases
@pytest.mark.parametrize("persona", PERSONAS)
def test_no_route_leaks_outside_the_users_subtree(
    client, tree, persona, capsys, settings, tmp_path
):
    """A system administrator and officers at the four levels (the confederation, two
    provinces, a district, a grassroots union), a self-service cadre, and Hà Nội's part-time
    lecturer (himself a cadre of Mê Linh) and inspector: every role of the access matrix.
    Nothing is outside the confederation but other people's quiz attempts, so for its
    officer and administrator the probe shows that every route answers for the objects of
    both provinces."""
    from tests.conftest import make_user

    tree.school_officer = make_user("school_officer", tree.school)
    tree.tld_officer = make_user("tld_officer", tree.vgcl)
    tree.lecturer = make_user("lecturer", tree.hanoi, UserRole.LECTURER, person=tree.nguyen)
    for person in Person.objects.all():  # an address only a full view may show
        Person.objects.filter(pk=person.pk).update(address=f"Số {person.pk} ngõ Riêng Tư")
    settings.MEDIA_ROOT = tmp_path
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    add_jobs(tree)
    add_planning(tree)
    add_cadrework(tree)
    add_elearning(tree)
    add_sessions(tree)
    user = getattr(tree, persona)
    assert user.role == PERSONAS[persona]
    source = Target.objects.get(code="T-003-2")
    for province in (tree.hanoi, tree.ninhthuan):  # targets adopted by units
        target_adopt(target=source, unit=province, threshold=source.threshold)
    client.force_login(user)
    token = ApiToken.issue(user)
    api_headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    markers = leak_markers(user)
    outside = outside_objects(user)
    if user.unit == tree.vgcl:  # the confederation's officer and administrator
        assert not markers and outside[QuizAttempt], "attempts are someone else's"
        outside = {model: objects for model, objects in outside.items() if objects}
    else:
        assert markers and all(outside.values()), "the fixture must give every persona outsiders"
    everyone = {model: list(model.objects.all()) for model in PROBED_MODELS}
    probes = 0
    for route in all_routes():
        headers = api_headers if route.startswith("api/") else {}
        if not PARAM.search(route):
            response = client.get("/" + route, {"q": "", "on": "2024-01-01"}, **headers)
            probes += 1
            body = text_of(response)
            leaked = [m for m in markers if m in body]
            assert not leaked, f"{route} shows {leaked} to {persona}"
            # Lists narrowed to a unit: a unit outside must give nothing.
            for unit in outside.get(Unit, [])[:3]:
                response = client.get("/" + route, {"unit": unit.pk, "parent": unit.pk}, **headers)
                probes += 1
                body = text_of(response)
                assert not [m for m in markers if m in body], f"{route}?unit= leaks"
            continue
        model = model_for(route)
        # Any object at all: whatever the user may or may not do with it, never a crash.
        for obj in everyone[model][:2]:
            response = client.get(fill(route, obj), **headers)
            probes += 1
            assert response.status_code < 500, f"GET {fill(route, obj)} crashed for {persona}"
        for obj in outside.get(model, []):
            url = fill(route, obj)
            for method in (
                ("get", "post", "patch", "delete") if route.startswith("api/") else ("get", "post")
            ):
                response = getattr(client, method)(url, **headers)
                probes += 1
                # An API write without a body is refused before the lookup (400/422): still
                # a refusal, and the body is checked for leaks below.
                refusals = (
                    (400, 403, 404, 405, 422) if route.startswith("api/") else (403, 404, 405)
                )
                assert response.status_code in refusals, (
                    f"{method.upper()} {url} answered {response.status_code} to {persona}"
                )
                body = text_of(response)
                assert not [m for m in markers if m in body], f"{url} leaks to {persona}"
    # The admin is for system administrators (test_admin_is_for_system_administrators_only).
    admin_routes = [
        r
        for r in all_routes(skipped=())
        if r.startswith("admin/") and r not in ("admin/login/", "admin/logout/")
        if not user.is_staff
    ]
    for route in admin_routes:  # not for officers, whatever the object
        url = "/" + PARAM.sub(str(tree.hanoi.pk), route)
        response = client.get(url)
        probes += 1
        refused = (
            response.status_code in (403, 405)
            or response.status_code == 302
            and response["Location"].startswith("/admin/login/")
        )
        assert refused, f"{url} answered {response.status_code} to {persona}: {response}"
        assert not [m for m in markers if m in text_of(response)], f"{url} leaks to {persona}"
    with capsys.disabled():  # the count belongs in the CI log
        print(
            f"\nscope probe as {persona}: {probes} requests over {len(all_routes())} "
            f"routes and {len(admin_routes)} admin routes, no leak"
        )
    # Nothing outside was changed by the write attempts.
    for model, objects in outside.items():
        assert model.objects.filter(pk__in=[o.pk for o in objects]).count() == len(objects)
    assert Unit.objects.filter(pk=tree.nt_grassroots.pk, dissolved_on__isnull=True).exists()
    # No full view of anyone outside was shown, so none was logged.
    assert not PersonalDataAccess.objects.filter(
        person__in=[p.pk for p in outside.get(Person, [])]
    ).exists()
    if not may(user, Data.PERSONAL_DATA):  # nor of anyone but themselves, inside or not
        assert not (
            PersonalDataAccess.objects.filter(user=user, action=Action.VIEW_FULL)
            .exclude(person=user.person_id)
            .exists()
        )


def test_admin_is_for_system_administrators_only(client, tree):
    client.force_login(tree.hanoi_officer)
    assert client.get("/admin/").status_code == 302
    client.force_login(tree.admin)
    assert client.get("/admin/").status_code == 200


def test_self_service_cadre_sees_only_their_profile(client, tree):
    client.force_login(tree.cadre)
    assert client.get("/me/").status_code == 200
    assert client.get("/units/").status_code == 403
    assert client.get("/people/").status_code == 403
    assert client.get(f"/people/{tree.tran.pk}/").status_code == 403
