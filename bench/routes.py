"""The site's routes, read from the URL configuration itself (Django's patterns and the JSON
API's routes under api/v1/): the scope probe (tests/test_scope_probe.py) and the sweep
benchmark (bench/sweep_bench.py) walk the same list, so a new route is probed and timed
without anyone adding it anywhere. Needs Django set up (it imports the models)."""

import re

from django.urls import URLPattern, URLResolver, get_resolver

from cadrework.models import Evaluation, FollowUp, Inspection, Pool, PoolReview
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
from people.models import Person, Position
from planning.models import ClassLink, Plan, PlanLine, Survey
from reports.models import ImplementationReport, ReportJob
from targets.models import Target
from training.models import ClassSession, Enrolment, Lecturer, TrainingClass, TrainingRecord
from units.models import Unit

# Admin is for system administrators only (every admin route is walked by the probe, and must
# send anyone else to the admin's login); i18n only switches language; certificate
# verification is public by design and shows only what a certificate shows
# (tests/training/test_certificates.py); a calendar feed is reached by its secret token, not
# an id, and shows only its owner's calendar (tests/calendars/test_feed.py); SCORM content
# answers on its own host only, to an attempt's signed key (tests/elearning/test_scorm.py).
SKIPPED_PREFIXES = ("admin/", "i18n/", "verify/", "calendar/feed/", "elearning/scorm/")
# A route's parameters: Django's <conv:name> or <name>, the API's {name}.
PARAM = re.compile(r"<(?:(?P<conv>[^>:]+):)?(?P<name>[^>]+)>|\{(?P<ninja>[^}]+)\}")


def all_routes(skipped: tuple = SKIPPED_PREFIXES) -> list[str]:
    """Every URL pattern as its route text (`units/<int:pk>/`, `api/v1/units/<unit_id>`), in
    the resolver's order, but those under the `skipped` prefixes. An API path serving several
    methods is listed once per method, as the API registers it."""
    routes: list[str] = []

    def walk(patterns, prefix):
        for p in patterns:
            route = prefix + str(p.pattern)
            if isinstance(p, URLResolver):
                walk(p.url_patterns, route)
            elif isinstance(p, URLPattern):
                routes.append(route.lstrip("^").rstrip("$"))

    walk(get_resolver().url_patterns, "")
    return [r for r in routes if not r.startswith(skipped)]


def model_for(route: str):
    """Which kind of object a route's id names: the probe must know every route."""
    if route.startswith(("imports/", "api/v1/imports/")):
        return ImportJob
    if route.startswith("api/v1/implementation-reports/"):
        return ImplementationReport
    if route.startswith(("elearning/attempts/", "api/v1/attempts/")):
        return QuizAttempt
    if route.startswith("api/v1/learning/enrolments/"):
        return CourseEnrolment
    if route.startswith(("elearning/learn/courses/", "elearning/courses/", "api/v1/courses/")):
        return Course
    if route.startswith(("elearning/learn/lessons/", "elearning/lessons/", "api/v1/lessons/")):
        return Lesson
    if route.startswith("elearning/modules/"):
        return Module
    if route.startswith("elearning/questions/"):
        return Question
    if route.startswith("elearning/assignments/"):
        return Assignment
    if "follow-ups/<int:pk>" in route or route.startswith("api/v1/follow-ups/"):
        return FollowUp
    if route.startswith(("cadrework/inspections/", "api/v1/inspections/")):
        return Inspection
    if route.startswith(("cadrework/evaluations/", "api/v1/evaluations/", "audit/evaluations/")):
        return Evaluation
    if route.startswith(("cadrework/pools/", "api/v1/pools/")):
        return Pool
    if route.startswith(("cadrework/reviews/", "api/v1/pool-reviews/")):
        return PoolReview
    if route.startswith(("planning/plans/", "api/v1/plans/", "audit/plans/")):
        return Plan
    if route.startswith("planning/lines/"):
        return PlanLine
    if route.startswith("planning/links/"):
        return ClassLink
    if route.startswith(("planning/surveys/", "api/v1/surveys/")):
        return Survey
    if route.startswith(("reports/jobs/", "api/v1/reports/")):
        return ReportJob
    if route.startswith(("targets/<int:pk>", "audit/targets/")):  # adopting, history
        return Target
    if route.startswith("training/checkin/"):  # a session's QR code
        return ClassSession
    if "person_pk" in route or route.startswith(("people/<int:pk>/", "privacy/people/")):
        return Person
    if "classes" in route:
        return TrainingClass
    if "lecturers" in route:
        return Lecturer
    if "enrolments" in route:
        return Enrolment
    if "records" in route:
        return TrainingRecord
    if "positions" in route:
        return Position
    if "people" in route or route.startswith("me"):
        return Person
    if "unit" in route or "terms" in route:
        return Unit
    raise AssertionError(f"The scope probe does not know what {route!r} is about: add it here")
