"""Sweep: time every GET route of the site as a national, a provincial and a grassroots
officer (issue 22).

    DATABASE_URL=sqlite:////root/bench/sweep.sqlite3 .venv/bin/python bench/sweep_bench.py

Routes come from the URL configuration itself (bench/routes.py: Django's patterns and the
JSON API's routes under api/v1/), so a new route is timed without anyone adding it; admin/,
i18n/ and logout/ are left out. Each route is fetched as three users through Django's test
client (force_login; a bearer token for the API): the system administrator `bench_admin` at
the confederation, the training officer `bench_province` of Hà Nội and the training officer
`bench_grassroots` of Hà Nội's first grassroots union — one warm-up, then the median of --runs
runs, and the number of queries and the slowest statement from one more run. The baseline is
the login page (anonymous), measured the same way in the same run.

A route's ids are those of the first object of each kind (by id) the level's officer may
see — bench/routes.py says which kind a route's id names — years are the current year, and a
page or API call that asks for a `unit` query parameter (400 or 422 without it) gets the
officer's own unit. A GET answering 405 is recorded "POST only"; 403 and 404 (a level that
may not see the route, or the object) are recorded as such and not timed. Anything else that
cannot be timed — a 5xx, an exception, a parameter that cannot be filled, another 4xx — is
listed, and the run exits non-zero after writing its section.

Data, as in run_bench.py: the database is created (a SQLite file in a directory named
bench, or a PostgreSQL database named bench…) and filled by `generate_national --people N`
(default: the goals' sizes, 50,000 on SQLite and 1,000,000 on PostgreSQL, as run_bench.py)
unless it already holds that size with evaluations and plans; then today's targets snapshot
and the year-ends the dashboard's charts read; then, once, in each level's own unit, the
objects the generator does not make (a class with participants, a lecturer and certificates,
a plan line's class, a needs survey, spending, a succession pool with a review, an
inspection, an online course with an attempt, an import, a built report, an implementation
report), so that every route has an id to take; and today's stored retention figures (as the
daily job keeps them, cadrework.retention_store) and the unit tree's counts (units.counts_store).
Writes its section of docs/benchmarks.md, one per database."""

import argparse
import datetime as dt
import functools
import os
import re
import statistics
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DATABASE_URL", f"sqlite:///{Path.home() / 'bench' / 'sweep.sqlite3'}")
# The import's file and the built report of the sweep's objects (bench/out/ is not versioned).
os.environ.setdefault("MEDIA_ROOT", str(ROOT / "bench" / "out" / "sweep-media"))

from django.db.models import Q  # noqa: E402

from bench import run_bench  # noqa: E402  (after sys.path)

LEVELS = ("national", "province", "grassroots")
SKIPPED = ("admin/", "i18n/", "logout/")
NOT_TIMED = {403: "403", 404: "404", 405: "POST only"}
GOAL_MS = {"postgresql": 200, "sqlite": 300}
SLOWEST_SQL = 15
SQL_CHARS = 200
# Of a kind, the objects a route is best timed on: a certificate page wants a numbered one.
PREFERRED = {"TrainingRecord": ~Q(certificate_number="")}


class Unfillable(Exception):
    """A route parameter the sweep cannot fill from the data."""


@dataclass
class Timing:
    url: str
    status: int
    median_ms: float | None = None
    queries: int = 0
    slowest_ms: float = 0.0
    slowest_sql: str = ""


# --- the routes and their parameters ------------------------------------------------------


def sweep_routes() -> list[str]:
    """Every route of the URL configuration but admin/, i18n/ and logout/, each once (the API
    registers a path once per method it serves)."""
    from bench.routes import all_routes

    return list(dict.fromkeys(all_routes(skipped=SKIPPED)))


def named_models() -> dict:
    """The kind of object a parameter names, by its name; `pk`, `key`, `job_id` and
    `enrolment_id` name the route's own kind (bench.routes.model_for)."""
    from cadrework.models import Evaluation, FollowUp, Inspection, Pool, PoolEntry, PoolReview
    from elearning.models import Course, Lesson
    from people.models import Person, Position
    from planning.models import Plan, PlanLine, Survey
    from reports.models import ImplementationReport
    from training.models import ClassSession, Lecturer, TrainingClass, TrainingRecord
    from units.models import Unit

    return {
        "session_pk": ClassSession,
        "unit_id": Unit,
        "person_id": Person,
        "person_pk": Person,
        "position_id": Position,
        "class_id": TrainingClass,
        "record_id": TrainingRecord,
        "lecturer_id": Lecturer,
        "plan_id": Plan,
        "line_id": PlanLine,
        "survey_id": Survey,
        "pool_id": Pool,
        "review_id": PoolReview,
        "entry_pk": PoolEntry,
        "evaluation_id": Evaluation,
        "inspection_id": Inspection,
        "follow_up_id": FollowUp,
        "course_id": Course,
        "lesson_id": Lesson,
        "report_id": ImplementationReport,
    }


def visible(model, user):
    """What of a kind the user may see: the kind's own rule where it has one (classes offered
    from above, surveys to answer, evaluations), else the user's subtree; an officer has no
    quiz attempt of their own."""
    from accounts.scope import scope_ancestor_paths, scope_q, scoped
    from cadrework.evaluations import evaluations_visible_to
    from planning.selectors import surveys_visible_to
    from targets.models import Target
    from training.selectors import classes_visible_to

    rules = {
        "TrainingClass": classes_visible_to,
        "Survey": surveys_visible_to,
        "Evaluation": evaluations_visible_to,
    }
    if model.__name__ in rules:
        return rules[model.__name__](user)
    if model is Target:
        return Target.objects.filter(
            Q(scope_unit=None)
            | Q(scope_unit__path__in=scope_ancestor_paths(user))
            | scope_q(user, "scope_unit")
        )
    if hasattr(model, "SCOPE_UNIT_FIELDS"):
        return scoped(model.objects.all(), user)
    return model.objects.none()


def pick(model, user, earlier: list):
    """The first object of the kind (by id) the user may see — of their own subtree before one
    offered from above (a class, a survey), a record with a certificate before one without —
    belonging, where one does, to the objects picked for the route's earlier parameters (a line
    of that plan, an entry of that review). Failing all that, the first of all: the route then
    answers 403 or 404, which is recorded."""
    from accounts.scope import scoped

    seen = visible(model, user)
    pools = [seen, model.objects.all()]
    if hasattr(model, "SCOPE_UNIT_FIELDS"):
        pools.insert(0, seen & scoped(model.objects.all(), user))
    preferred = PREFERRED.get(model.__name__)
    for candidates in pools:
        candidates = _narrowed(candidates, earlier)
        if preferred is not None:
            chosen = candidates.filter(preferred).order_by("pk").first()
            if chosen is not None:
                return chosen
        chosen = candidates.order_by("pk").first()
        if chosen is not None:
            return chosen
    return None


def _narrowed(candidates, earlier: list):
    """Those linked to the objects already picked for the route, if any are."""
    for obj in earlier:
        link = next(
            (
                f.name
                for f in candidates.model._meta.concrete_fields
                if f.many_to_one and f.related_model is type(obj)
            ),
            None,
        )
        if link and candidates.filter(**{link: obj}).exists():
            candidates = candidates.filter(**{link: obj})
    return candidates


def route_url(route: str, user, year: int) -> str:
    """The route with each parameter filled for `user`, and the query parameters it requires
    (Unfillable when one cannot be filled)."""
    from urllib.parse import urlencode

    from bench.routes import PARAM

    earlier: list = []
    path = "/" + PARAM.sub(lambda match: _path_value(route, match, user, year, earlier), route)
    query = _query(route, user, year)
    return f"{path}?{urlencode(query)}" if query else path


def _path_value(route: str, match, user, year: int, earlier: list) -> str:
    from bench.routes import model_for
    from targets.models import Target
    from training.models import TrainingRecord

    conv, name = match["conv"], match["name"] or match["ninja"]
    if name == "year":
        return str(year)
    if route.startswith("verify/"):  # public: any certificate's code
        record = TrainingRecord.objects.exclude(certificate_number="").order_by("pk").first()
        if record is None:
            raise Unfillable(f"{route}: no certificate has a number")
        return str(record.verification_code)
    if route.startswith("elearning/scorm/"):  # the content host's, by an attempt's key: 404 here
        return "shared/index.html" if name == "name" else "no-key"
    if route.startswith("calendar/feed/"):  # the user's own feed, by a token made for it
        from calendars.services import feed_renew

        return feed_renew(user=user)
    if name == "code":
        target = visible(Target, user).order_by("pk").first()
        if target is None:
            raise Unfillable(f"{route}: no target")
        return target.code
    model = named_models().get(name) or (model_for(route) if not earlier else None)
    if model is None:
        raise Unfillable(f"{route}: the sweep does not know what <{name}> names")
    obj = pick(model, user, earlier)
    if obj is None:
        raise Unfillable(f"{route}: no {model.__name__} in the data")
    earlier.append(obj)
    return str(obj.key if conv == "uuid" or name == "key" else obj.pk)


def _query(route: str, user, year: int) -> dict:
    """The query parameters a route requires: an API route's, from its OpenAPI document (a
    unit is the officer's own, a year the current year, a document the first); a page's,
    from PAGE_QUERIES."""
    if not route.startswith("api/"):
        return PAGE_QUERIES[route](user) if route in PAGE_QUERIES else {}
    values = {}
    for name, kind in api_required_queries().get(_shape(route), []):
        if name in ("unit", "unit_id"):
            values[name] = user.unit_id
        elif name.endswith("year"):
            values[name] = year
        elif name == "document" and kind == "integer":
            from targets.models import SourceDocument

            values[name] = SourceDocument.objects.order_by("pk").values_list("pk", flat=True)[0]
        else:
            raise Unfillable(f"{route}: the sweep does not know the query parameter {name}")
    return values


def _shape(route: str) -> str:
    """A route with its parameters blanked: `units/{}/children`."""
    from bench.routes import PARAM

    return PARAM.sub("{}", route.removeprefix("api/v1/").strip("/"))


@functools.cache
def api_required_queries() -> dict[str, list[tuple[str, str]]]:
    """The required query parameters of each GET operation of the API (name, type), by the
    shape of its path."""
    from api.urls import api

    required = {}
    for path, operations in api.get_openapi_schema(path_prefix="")["paths"].items():
        get = operations.get("get") or {}
        required[_shape(path)] = [
            (p["name"], p.get("schema", {}).get("type", ""))
            for p in get.get("parameters", [])
            if p["in"] == "query" and p.get("required")
        ]
    return required


def _target_in_force(user) -> dict:
    from lib.dates import today
    from targets.selectors import targets_for
    from units.selectors import version_on

    node = version_on(user.unit, today())
    targets = targets_for(node, today()) if node is not None else []
    return {"target": targets[0].code} if targets else {}


# Pages that answer 404 unless a query parameter names what they show.
PAGE_QUERIES = {
    "targets/explain/": _target_in_force,
    "imports/template/": lambda user: {"kind": "people"},
}


# --- the objects the generator does not make ----------------------------------------------


def ensure_objects(users: dict, day: dt.date) -> list[str]:
    """Once per level, in the officer's own unit, what the routes' ids need and the national
    generator does not make (see the module docstring). Returns what was added."""
    from django.db import transaction

    added = []
    for level, user in users.items():
        with transaction.atomic():
            made = _level_objects(user, day)
        added += [f"{level}: {what}" for what in made]
    return added


def _level_objects(user, day: dt.date) -> list[str]:
    from accounts.scope import scoped
    from people.models import Person
    from training.models import Topic

    unit = user.unit
    people = list(scoped(Person.objects.all(), user).order_by("pk")[:3])
    topic = Topic.objects.order_by("rank", "pk").first()
    made = []
    training_class = _add_class(user, unit, people, topic, day)
    if training_class is not None:
        made.append(f"class {training_class.code}")
    made += _add_plan_link(user, unit, topic, day)
    made += _add_survey(user, unit, topic, day)
    made += _add_spending(user, unit, day)
    made += _add_pool(user, unit, people, day)
    made += _add_evaluation(user, unit, day)
    made += _add_inspection(user, unit, day)
    made += _add_course(user, unit, people, topic)
    made += _add_jobs(user, unit, people, day)
    return made


def _class_code(unit) -> str:
    return f"SWEEP-{unit.pk}"


def _add_class(user, unit, people, topic, day: dt.date):
    """A class of the unit that ran this year, with a lecturer and its participants passed,
    their certificates numbered."""
    from accounts.access import SYSTEM
    from training import services, sessions
    from training.models import TrainingClass

    if TrainingClass.objects.filter(code=_class_code(unit)).exists() or not people:
        return None
    start = max(day - dt.timedelta(days=20), day.replace(month=1, day=1))
    training_class = services.class_create(
        user=user,
        organiser=unit,
        topics=[topic],
        code=_class_code(unit),
        name=f"Tập huấn nghiệp vụ công tác công đoàn ({unit.code})",
        start_date=start,
        end_date=min(start + dt.timedelta(days=2), day),
        hours=24,
        capacity=30,
    )
    lecturer = services.lecturer_save(
        user=SYSTEM, person=people[-1], kind="part_time", topics=[topic]
    )
    services.class_lecturer_add(
        user=SYSTEM, training_class=training_class, lecturer=lecturer, hours=8
    )
    # A session, for the routes of a class's sessions and of check-in (issue 24 §4).
    sessions.session_save(
        user=SYSTEM,
        training_class=training_class,
        date=start,
        starts_at=dt.time(8, 0),
        ends_at=dt.time(11, 30),
        venue=unit.name[:255],
        lecturer=lecturer,
    )
    services.class_set_status(user=SYSTEM, training_class=training_class, status="open")
    for person in people[:2]:
        enrolment, _warnings = services.enrolment_nominate(
            user=user, training_class=training_class, person=person
        )
        services.enrolment_accept(user=SYSTEM, enrolment=enrolment)
    services.class_set_status(user=SYSTEM, training_class=training_class, status="running")
    for enrolment in training_class.enrolments.all():
        services.results_record(
            user=SYSTEM, enrolment=enrolment, attendance_percent=100, score=9, passed=True
        )
    services.class_set_status(user=SYSTEM, training_class=training_class, status="closed")
    for record in training_class.records.all():
        services.certificate_issue(user=SYSTEM, record=record)
    return training_class


def _add_plan_link(user, unit, topic, day: dt.date) -> list[str]:
    """The unit's plan of the class's year (the generated one, or a new one with a line),
    and the class counted against its first line."""
    from decimal import Decimal

    from planning import services
    from planning.models import ClassLink, Plan
    from training.models import TrainingClass

    training_class = TrainingClass.objects.filter(code=_class_code(unit)).first()
    if training_class is None or ClassLink.objects.filter(training_class=training_class).exists():
        return []
    year = training_class.start_date.year
    plan = Plan.objects.filter(unit=unit, year=year).first()
    made = []
    if plan is None:
        plan = services.plan_create(user=user, unit=unit, year=year)
        made.append(f"plan {year}")
    line = plan.lines.order_by("pk").first()
    if line is None:
        line = services.line_save(
            user=user,
            plan=plan,
            name="Tập huấn nghiệp vụ cho cán bộ công đoàn chuyên trách",
            topic=topic,
            target_group="full_time",
            classes=1,
            trainees=30,
            budget=Decimal(30_000_000),
        )
    services.class_link(user=user, line=line, training_class=training_class)
    return [*made, "class counted against a plan line"]


def _add_survey(user, unit, topic, day: dt.date) -> list[str]:
    """A needs survey for next year, answered by the first unit below (if any)."""
    from planning import services
    from planning.models import Survey
    from units.models import Unit

    title = f"Khảo sát nhu cầu đào tạo năm {day.year + 1}"
    if Survey.objects.filter(unit=unit, title=title).exists():
        return []
    survey = services.survey_open(
        user=user,
        unit=unit,
        year=day.year + 1,
        title=title,
        deadline=day + dt.timedelta(days=60),
        topics=[topic],
    )
    below = Unit.objects.filter(parent=unit, dissolved_on__isnull=True).order_by("pk").first()
    if below is not None:
        services.answer_save(user=user, survey=survey, unit=below, needs={(topic, "full_time"): 3})
    return ["needs survey"]


def _add_spending(user, unit, day: dt.date) -> list[str]:
    """This year's spending, which the budget pages compare the plan's costs with."""
    from decimal import Decimal

    from planning import services
    from planning.models import Spending

    if Spending.objects.filter(unit=unit, year=day.year).exists():
        return []
    services.spending_save(
        user=user,
        unit=unit,
        year=day.year,
        operating_total=Decimal(2_500_000_000 // (unit.depth + 1)),
        other_training=Decimal(120_000_000 // (unit.depth + 1)),
    )
    return ["spending"]


def _add_pool(user, unit, people, day: dt.date) -> list[str]:
    """A succession pool for the unit's vice-chair in its current term, with this year's
    review (not yet published) and a candidate entered in it."""
    from accounts.access import SYSTEM
    from cadrework import services
    from cadrework.models import Pool
    from units.models import Term
    from units.services import term_create

    if Pool.objects.filter(unit=unit).exists() or not people:
        return []
    term = (
        Term.objects.filter(unit=unit, start_date__lte=day, end_date__gte=day)
        .order_by("-start_date")
        .first()
    ) or term_create(
        user=SYSTEM,
        unit=unit,
        name=f"{day.year}-{day.year + 5}",
        start_date=day.replace(month=1, day=1),
        end_date=dt.date(day.year + 5, 5, 31),
    )
    pool = services.pool_create(user=user, unit=unit, term=term, post="vice_chair")
    review = services.review_open(user=user, pool=pool, year=day.year, held_on=day)
    services.entry_add(
        user=user,
        pool=pool,
        person=people[-1],
        reason="Có năng lực, được tập thể tín nhiệm",
        on=day,
        review=review,
    )
    return ["succession pool, review and candidate"]


def _add_evaluation(user, unit, day: dt.date) -> list[str]:
    """A published evaluation of last year in the unit's subtree, unless it has one (the
    generator evaluates every chair and vice-chair)."""
    from accounts.access import SYSTEM
    from accounts.scope import scoped
    from cadrework import evaluations
    from cadrework.models import Evaluation
    from lib.tree import under
    from people.models import Position, active_on

    if scoped(Evaluation.objects.all(), user).exists():
        return []
    year = day.year - 1
    position = (
        Position.objects.filter(active_on(evaluations.year_end(year)), under(unit, "unit"))
        .order_by("pk")
        .first()
    )
    if position is None:
        return []
    evaluation = evaluations.evaluation_save(
        user=SYSTEM,
        person=position.person,
        year=year,
        rating="good",
        votes_excellent=3,
        votes_good=12,
        votes_completed=2,
        self_assessment="Hoàn thành tốt các nhiệm vụ được giao trong năm.",
    )
    evaluations.evaluation_publish(user=SYSTEM, evaluation=evaluation)
    return [f"evaluation {year}"]


def _add_inspection(user, unit, day: dt.date) -> list[str]:
    """An inspection of cadre work with a follow-up: of the first unit below, or — for a unit
    with none below — of the unit itself by the unit above."""
    from accounts.access import SYSTEM
    from cadrework import inspections
    from cadrework.models import Inspection
    from units.models import Unit

    below = Unit.objects.filter(parent=unit, dissolved_on__isnull=True).order_by("pk").first()
    if below is None and unit.parent is None:
        return []
    inspector, inspected, inspecting = (
        (user, below, None) if below is not None else (SYSTEM, unit, unit.parent)
    )
    if Inspection.objects.filter(inspected=inspected).exists():
        return []
    inspections.inspection_create(
        user=inspector,
        inspected=inspected,
        inspecting=inspecting,
        held_on=day - dt.timedelta(days=30),
        areas=["training"],
        findings="Công tác đào tạo, bồi dưỡng cán bộ cơ bản đúng kế hoạch.",
        follow_ups=[
            {"action": "Bổ sung danh sách quy hoạch", "deadline": day + dt.timedelta(days=60)}
        ],
    )
    return [f"inspection of {inspected.code}"]


def _add_course(user, unit, people, topic) -> list[str]:
    """A published online course (a text lesson, a quiz of one question) assigned to the
    unit's first person, who enrolled and started the quiz."""
    from elearning import quizzes, services
    from elearning.models import Assignment, Course, CourseEnrolment, QuizAttempt

    code = _class_code(unit)
    if Course.objects.filter(code=code).exists() or not people:
        return []
    course = services.course_save(
        user=user,
        organiser=unit,
        code=code,
        title=f"Nghiệp vụ công tác công đoàn trực tuyến ({unit.code})",
        hours=8,
        topics=[topic],
    )
    module = services.module_save(user=user, course=course, title="Bài 1. Tổ chức công đoàn")
    services.lesson_save(
        user=user,
        module=module,
        title="Tài liệu",
        kind="text",
        body="<p>Điều lệ Công đoàn Việt Nam.</p>",
    )
    quiz = services.lesson_save(
        user=user, module=module, title="Kiểm tra", kind="quiz", question_count=1
    )
    quizzes.question_save(
        user=user,
        course=course,
        text="Công đoàn cơ sở do ai thành lập?",
        multiple=False,
        choices=[("Đoàn viên và người lao động", True), ("Người sử dụng lao động", False)],
    )
    services.course_publish(user=user, course=course)
    Assignment.objects.create(course=course, person=people[0])
    enrolment = CourseEnrolment.objects.create(course=course, person=people[0])
    QuizAttempt.objects.create(enrolment=enrolment, lesson=quiz)
    return ["online course, assignment, enrolment and attempt"]


def _add_jobs(user, unit, people, day: dt.date) -> list[str]:
    """An import of one person (checked, not committed), a built structure report, and last
    year's implementation report (filed with its figures when last year's snapshot is there,
    else as the probe files it)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from imports.models import ImportJob
    from imports.services import job_create
    from reports.models import ReportJob
    from reports.services import report_job_run
    from reports.tasks import report_job_create

    made = []
    if people and not ImportJob.objects.filter(unit=unit, filename="sweep.csv").exists():
        person = people[0]
        text = (
            "Họ và tên,Giới tính,Mã đơn vị,Số CCCD\n"
            f"{person.full_name},{'Nữ' if person.gender == 'female' else 'Nam'},"
            f"{person.unit.code},{person.citizen_id or ''}\n"
        )
        upload = SimpleUploadedFile("sweep.csv", text.encode("utf-8"))
        job_create(user=user, kind="people", upload=upload)
        made.append("import")
    if not ReportJob.objects.filter(unit=unit, kind="structure").exists():
        job = report_job_create(
            user=user, unit=unit, kind="structure", fmt="xlsx", params={"on": day.isoformat()}
        )
        report_job_run(job.pk)
        made.append("structure report")
    return made + _add_filing(user, unit, day)


def _add_filing(user, unit, day: dt.date) -> list[str]:
    from django.core.exceptions import ValidationError
    from django.utils import timezone

    from reports.filing import report_file
    from reports.models import ImplementationReport
    from targets.models import SourceDocument

    if ImplementationReport.objects.filter(unit=unit).exists():
        return []
    document = SourceDocument.objects.order_by("pk").first()
    try:
        report_file(user=user, unit=unit, year=day.year - 1, document=document)
    except ValidationError:  # no snapshot of last year's end (a test's small tree)
        ImplementationReport.objects.create(
            unit=unit,
            year=day.year - 1,
            document=document,
            status="submitted",
            filed_by=user,
            filed_at=timezone.now(),
        )
    return ["implementation report"]


# --- timing -------------------------------------------------------------------------------


def officers() -> dict:
    from accounts.models import User
    from bench.national import ADMIN, PROVINCE_OFFICER, ensure_grassroots_officer

    return {
        "national": User.objects.get(username=ADMIN),
        "province": User.objects.get(username=PROVINCE_OFFICER),
        "grassroots": ensure_grassroots_officer(),
    }


def logged_in(user):
    """A test client logged in as `user` (its session verified by a second factor when the
    user needs one, or has confirmed a device: its pages then ask for the code too) and the
    headers of a fresh API token."""
    from django.test import Client

    from accounts.models import ApiToken
    from accounts.testing import verify_client_session
    from accounts.twofactor import has_device

    client = Client()
    client.force_login(user)
    if user.two_factor_required or has_device(user):
        verify_client_session(client, user)
    ApiToken.objects.filter(user=user).delete()
    return client, {"HTTP_AUTHORIZATION": f"Bearer {ApiToken.issue(user)}"}


def fetch(client, url: str, headers: dict):
    response = client.get(url, **headers)
    if getattr(response, "streaming", False):  # a download: read it all, as a browser would
        b"".join(response.streaming_content)
    return response


def measure(client, url: str, headers: dict, runs: int, unit_id: int) -> Timing:
    """One warm-up, the median of `runs`, then one run whose queries are counted. A page that
    wants a `unit` (400 or 422 without it) is asked for the officer's own."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    response = fetch(client, url, headers)
    if response.status_code in (400, 422) and "?" not in url:
        url = f"{url}?unit={unit_id}"
        response = fetch(client, url, headers)
    status = response.status_code
    if status in NOT_TIMED:
        return Timing(url, status)
    if status >= 400:
        text = response.content.decode("utf-8", "replace")[:300].replace("\n", " ")
        raise RuntimeError(f"answered {status}: {text}")
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        fetch(client, url, headers)
        samples.append((time.perf_counter() - started) * 1000)
    with CaptureQueriesContext(connection) as captured:
        fetch(client, url, headers)
    queries = list(captured.captured_queries)
    slowest = max(queries, key=lambda q: float(q["time"]), default=None)
    return Timing(
        url,
        status,
        statistics.median(samples),
        len(queries),
        float(slowest["time"]) * 1000 if slowest else 0.0,
        " ".join(slowest["sql"].split())[:SQL_CHARS] if slowest else "",
    )


def sweep(users: dict, runs: int, year: int, only: str | None = None) -> tuple[dict, list[str]]:
    """{route: {level: Timing}} and the failures (route, level, why)."""
    sessions = {level: logged_in(user) for level, user in users.items()}
    results: dict[str, dict] = {}
    failures = []
    for route in sweep_routes():
        if only and not re.search(only, route):
            continue
        results[route] = {}
        for level, user in users.items():
            client, api_headers = sessions[level]
            headers = api_headers if route.startswith("api/") else {}
            try:
                url = route_url(route, user, year)
                timing = measure(client, url, headers, runs, user.unit_id)
            except Exception as exc:  # noqa: BLE001 — every failure is listed, none stops the sweep
                failures.append(f"`/{route}` as {level}: {type(exc).__name__}: {exc}"[:500])
                continue
            results[route][level] = timing
            shown = NOT_TIMED.get(timing.status) or f"{timing.median_ms:,.1f} ms"
            print(f"{shown:>12} {level:<10} {timing.url}", file=sys.stderr)
    return results, failures


def baseline(runs: int) -> float:
    from django.test import Client

    client = Client()
    fetch(client, "/login/", {})
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        fetch(client, "/login/", {})
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples)


# --- the database -------------------------------------------------------------------------


def data_size() -> str:
    from cadrework.models import Evaluation
    from planning.models import Plan, PlanLine

    return (
        f"{run_bench.data_size()}, {Evaluation.objects.count():,} evaluations, "
        f"{Plan.objects.count():,} plans ({PlanLine.objects.count():,} lines)"
    )


def _cell(timing: Timing | None, base: float, goal: int) -> str:
    if timing is None:
        return "**failed**"
    if timing.median_ms is None:
        return NOT_TIMED[timing.status]
    ms = f"{timing.median_ms:,.1f}"
    if timing.median_ms > goal:
        ms = f"**{ms}**"
    redirect = "↪ " if 300 <= timing.status < 400 else ""
    ratio = timing.median_ms / base
    shown = f"{ratio:.1f}" if ratio < 10 else f"{ratio:,.0f}"
    return f"{redirect}{ms} ({timing.queries}) ×{shown}"


def _slowest(by_level: dict) -> float:
    return max((t.median_ms for t in by_level.values() if t.median_ms is not None), default=-1)


def report(run: dict) -> str:
    from django.db import connection

    results, base, vendor = run["results"], run["baseline"], connection.vendor
    goal = GOAL_MS.get(vendor, GOAL_MS["postgresql"])
    timed = [t for r in results.values() for t in r.values() if t.median_ms is not None]
    over = [t for t in timed if t.median_ms > goal]
    lines = [
        f"## Sweep: every GET route × level on {vendor} ({dt.date.today():%d/%m/%Y})",
        "",
        "`bench/sweep_bench.py` (see its docstring): every route of the URL configuration "
        "(admin/, i18n/ and logout/ aside) as the national administrator, Hà Nội's training "
        "officer and the training officer of a grassroots union of Hà Nội.",
        "",
        f"- Machine: {run_bench.machine()}",
        f"- Data: {data_size()} — `generate_national --people {run['people']:,}`, "
        + (
            f"generated in {run['generated_in']:.0f} s by this run"
            if run["generated_in"] is not None
            else "generated by an earlier run"
        ),
        f"- Method: Django test client, `force_login` (a bearer token for api/); one warm-up, "
        f"then the median of {run['runs']} runs; queries and the slowest statement from one "
        f"more run. Cells: median ms (queries) × the baseline; ↪ a redirect; **bold** over the "
        f"{vendor} goal of {goal} ms; 403/404: the level may not see it; POST only: 405.",
        f"- Baseline (login page, anonymous): {base:.1f} ms",
        f"- Load average (1, 5, 15 min): {_load(run['load_start'])} at the start, "
        f"{_load(run['load_end'])} at the end; the sweep took {run['took']:.0f} s",
        f"- {len(results)} routes, {len(timed)} route × level timed, {len(over)} over "
        f"{goal} ms; {len(run['failures'])} could not be timed",
        "",
        "| route | national ms (queries) | province ms (queries) | grassroots ms (queries) |",
        "|---|---:|---:|---:|",
    ]
    order = sorted(results, key=lambda r: (-_slowest(results[r]), r))
    for route in order:
        cells = [_cell(results[route].get(level), base, goal) for level in LEVELS]
        lines.append(f"| `/{route}` | {' | '.join(cells)} |")
    return "\n".join(lines + _slowest_sql(results) + _failures(run["failures"])) + "\n"


def _load(values: tuple) -> str:
    return ", ".join(f"{v:.2f}" for v in values)


def _slowest_sql(results: dict) -> list[str]:
    timings = [
        (t.median_ms, route, level, t)
        for route, by_level in results.items()
        for level, t in by_level.items()
        if t.median_ms is not None
    ]
    lines = ["", f"### The slowest statement of the {SLOWEST_SQL} slowest route × level", ""]
    for n, (ms, _route, level, t) in enumerate(sorted(timings, reverse=True)[:SLOWEST_SQL], 1):
        sql = t.slowest_sql.replace("`", "'")
        slowest = f"slowest {t.slowest_ms:,.1f} ms: `{sql}`" if sql else "no query"
        lines.append(f"{n}. `{t.url}` as {level} — {ms:,.1f} ms, {t.queries} queries; {slowest}")
    return lines


def _failures(failures: list[str]) -> list[str]:
    if not failures:
        return ["", "Every route answered every level: nothing failed."]
    return ["", "### Could not be timed", "", *[f"- {f}" for f in failures]]


def ensure_retention(day: dt.date) -> None:
    """Today's stored retention figures (cadrework.retention_store), as the daily job keeps
    them: the retention pages and API read them for the default question."""
    from cadrework import retention_store
    from cadrework.models import RetentionStore

    if RetentionStore.objects.filter(
        as_of=day, status=RetentionStore.Status.DONE, changed_at__isnull=True
    ).exists():
        return
    started = time.monotonic()
    retention_store.build(day)
    print(
        f"retention figures of {day} computed in {time.monotonic() - started:.0f} s",
        file=sys.stderr,
    )


def ensure_counts(day: dt.date) -> None:
    """Today's stored counts of the unit tree (units.counts_store), as the daily job keeps
    them: the national officer's tree, unit page and API read them."""
    from units import counts_store
    from units.models import CountStore

    if CountStore.objects.filter(
        as_of=day, status=CountStore.Status.DONE, changed_at__isnull=True
    ).exists():
        return
    started = time.monotonic()
    counts_store.build(day)
    print(
        f"unit tree counts of {day} computed in {time.monotonic() - started:.0f} s",
        file=sys.stderr,
    )


def ensure_evaluations() -> None:
    """The stored evaluation figures of the top of the tree (cadrework.evaluation_store), as
    the daily job keeps them: the national and provincial evaluations pages read them."""
    from cadrework import evaluation_store
    from cadrework.models import EvaluationStore

    if EvaluationStore.objects.filter(
        status=EvaluationStore.Status.DONE, changed_at__isnull=True
    ).exists():
        return
    started = time.monotonic()
    evaluation_store.build()
    print(f"evaluation figures computed in {time.monotonic() - started:.0f} s", file=sys.stderr)


def ensure_training_stores(day: dt.date) -> None:
    """Today's stored figures of "trained in basic union work" (training.basic_store) and of
    the new cadres not yet trained (planning.new_cadres_store), as the daily jobs keep them:
    the statistics page, the new cadres' page and their API read them."""
    from planning import new_cadres_store
    from planning.models import NewCadreStore
    from training import basic_store
    from training.models import BasicTrainingStore

    for name, model, store in (
        ("basic training figures", BasicTrainingStore, basic_store),
        ("new cadres", NewCadreStore, new_cadres_store),
    ):
        if model.objects.filter(
            as_of=day, status=model.Status.DONE, changed_at__isnull=True
        ).exists():
            continue
        started = time.monotonic()
        store.build(day)
        print(f"{name} of {day} computed in {time.monotonic() - started:.0f} s", file=sys.stderr)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--people",
        type=int,
        default=None,
        help="Default: 50,000 on SQLite, 1,000,000 on PostgreSQL (the two goals' sizes).",
    )
    parser.add_argument("--grassroots", type=int, default=None, help="Default: people / 7.")
    parser.add_argument("--runs", type=int, default=5, help="Timed runs per route and level.")
    parser.add_argument("--regenerate", action="store_true", help="Generate the data again.")
    parser.add_argument(
        "--only",
        default=None,
        help="Time only the routes matching this regular expression, and write nothing "
        "(to look again at a few routes after a change).",
    )
    args = parser.parse_args()
    url = os.environ["DATABASE_URL"]
    people = args.people or (1_000_000 if url.startswith("postgres") else 50_000)
    grassroots = args.grassroots or max(1, people // 7)
    run_bench.create_database(url)

    import django

    django.setup()
    from django.db import connection
    from django.utils import translation

    from bench.sections import ensure_snapshots, write_section
    from lib.dates import today

    translation.activate("vi")
    generated_in = run_bench.ensure_data(people, grassroots, args.regenerate)
    users = officers()
    day = today()
    ensure_snapshots(day)
    for line in ensure_objects(users, day):
        print(f"added: {line}", file=sys.stderr)
    ensure_retention(day)
    ensure_counts(day)
    ensure_training_stores(day)
    ensure_evaluations()
    load_start, started = os.getloadavg(), time.monotonic()
    base = baseline(args.runs)
    results, failures = sweep(users, args.runs, day.year, args.only)
    if args.only:
        sys.exit(1 if failures else 0)
    run = {
        "results": results,
        "failures": failures,
        "baseline": base,
        "runs": args.runs,
        "people": people,
        "generated_in": generated_in,
        "took": time.monotonic() - started,
        "load_start": load_start,
        "load_end": os.getloadavg(),
    }
    text = report(run)
    write_section(text, name=f"sweep-{connection.vendor}")
    print(text)
    if failures:
        print(f"\n{len(failures)} route × level could not be timed:", file=sys.stderr)
        print("\n".join(failures), file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
