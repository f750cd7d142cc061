"""What each role may do with each kind of data: the access matrix, written once as data.

Scope (accounts.scope) says *where* a user may look: their unit's subtree. This module says
*what* they may look at there. A user may read an object when both agree: the object is in
their subtree (or is their own) and their role's level for its kind of data allows it.

    NONE   nothing of that kind;
    OWN    only what is about the user's own person (their profile, their published
           evaluations, their enrolments, their personal data, their learning);
    READ   the whole subtree's, read only;
    WRITE  the whole subtree's, read and change.

Every route of the site and of the API belongs to one kind of data (`ROUTES`); a route for
one's own things says so (`OWN` routes: the view then shows only what is the user's own).
`AccessMiddleware` (pages) and `api.auth.TokenAuth` (the API) refuse a route before its view
runs when the role's level is below what the route needs; the reads that mix kinds (the
evaluations and pools on a profile, the full citizen ID and contacts in an export or through
the API) ask `may()` themselves. The matrix is shown in docs/access.md (a test keeps the page
and this table the same) and walked by the scope probe, role by role.
"""

from enum import IntEnum

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.models import UserRole
from accounts.scope import in_scope


class Data(models.TextChoices):
    """Kinds of data, named after the glossary (/work/shared/spec/domain.md)."""

    UNITS = "units", _("Units, terms and the hierarchy")
    PEOPLE = "people", _("Cadres and the posts they hold (citizen IDs masked)")
    PERSONAL_DATA = "personal_data", _("Full personal data: citizen ID, phone, e-mail, address")
    TOPICS = "topics", _("Topics and framework programmes")
    CLASSES = "classes", _("Classes, enrolments, results and certificates")
    LECTURERS = "lecturers", _("Lecturers")
    TARGETS = "targets", _("Targets, chairs to train and the training-needs list")
    PLANNING = "planning", _("Annual plans, budgets and spending, needs surveys, member growth")
    EVALUATIONS = "evaluations", _("Cadre evaluations")
    POOLS = "pools", _("Succession pools and their reviews")
    RETENTION = "retention", _("Retention after training")
    INSPECTIONS = "inspections", _("Inspections of cadre work and their follow-ups")
    ELEARNING = "elearning", _("Online courses (managing them)")
    LEARNING = "learning", _("Online learning (one's own)")
    REPORTS = "reports", _("Reports")
    IMPORTS = "imports", _("Imports from spreadsheets")
    LOGS = "logs", _("Change history and the access log of personal data")


class Level(IntEnum):
    NONE = 0
    OWN = 1
    READ = 2
    WRITE = 3

    @property
    def label(self) -> str:
        return str(LEVEL_LABELS[self])


LEVEL_LABELS = {
    Level.NONE: _("no access"),
    Level.OWN: _("own only"),
    Level.READ: _("read"),
    Level.WRITE: _("read and change"),
}

NONE, OWN, READ, WRITE = Level.NONE, Level.OWN, Level.READ, Level.WRITE


def _row(default: Level, **levels: Level) -> dict[Data, Level]:
    row = {kind: default for kind in Data}
    row.update({Data(name.lower()): level for name, level in levels.items()})
    return row


# The matrix. A kind a role does not name gets the row's default.
ACCESS: dict[UserRole, dict[Data, Level]] = {
    # Everything in the subtree; alone to read the logs.
    UserRole.SYSTEM_ADMIN: _row(WRITE, LOGS=READ),
    # The organisation department: everything in the subtree, the logs aside.
    UserRole.TRAINING_OFFICER: _row(WRITE, LOGS=NONE),
    # A part-time lecturer: the classes and what is taught in them, the lecturers; about
    # people, only themselves.
    UserRole.LECTURER: _row(
        NONE,
        UNITS=READ,
        TOPICS=READ,
        CLASSES=OWN,  # the classes they teach (training.selectors.classes_visible_to)
        LECTURERS=READ,
        ELEARNING=READ,
        PEOPLE=OWN,
        PERSONAL_DATA=OWN,
        EVALUATIONS=OWN,
        POOLS=OWN,
        LEARNING=OWN,
    ),
    # An inspector of cadre work (kiểm tra): what an inspection needs — the units, who holds
    # which post (citizen IDs masked), training, targets, plans, retention, inspections,
    # reports — but no one's evaluation, no succession pool and no full personal data.
    UserRole.INSPECTOR: _row(
        READ,
        PERSONAL_DATA=OWN,
        EVALUATIONS=OWN,
        POOLS=OWN,
        LEARNING=OWN,
        IMPORTS=NONE,
        LOGS=NONE,
    ),
    # A cadre on self-service: their own profile, data, evaluations, classes and learning.
    UserRole.CADRE: _row(
        NONE,
        PEOPLE=OWN,
        PERSONAL_DATA=OWN,
        CLASSES=OWN,
        TARGETS=OWN,
        EVALUATIONS=OWN,
        POOLS=OWN,
        LEARNING=OWN,
    ),
}


def level(user, kind: Data) -> Level:
    """The user's level for a kind of data: a superuser's is a system administrator's; an
    inactive account, or one bound to no unit, has none beyond their own."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return NONE
    role = UserRole.SYSTEM_ADMIN if user.is_superuser else user.role
    granted = ACCESS.get(role, {}).get(kind, NONE)
    if user.unit_id is None and not user.is_superuser:
        return min(granted, OWN)
    return granted


def may(user, kind: Data, wanted: Level = READ) -> bool:
    """Whether the user's role reaches `wanted` for `kind` (READ: the subtree's; OWN: at
    least their own; WRITE: change it)."""
    return level(user, kind) >= wanted


class SystemActor:
    """Who acts in a system job — the demo data, a management command, the worker — where no
    person does. It is passed explicitly (`user=SYSTEM`), so that a service never runs for
    nobody: a missing user is a programming error (`is_system` refuses it), not a way around
    every check. It is not a user: it never logs in, sees nothing through the pages, and a
    record it writes names no user."""

    is_authenticated = False
    is_active = True
    is_superuser = False
    is_staff = False
    pk = id = None
    unit = unit_id = None
    person = person_id = None
    role = None
    can_browse = can_write = False

    def get_username(self) -> str:
        return "system"

    def __repr__(self) -> str:
        return "SYSTEM"


SYSTEM = SystemActor()


def is_system(user) -> bool:
    """Whether a service runs as a system job. Every service asks it before its checks, so a
    missing user fails loudly instead of skipping them."""
    if user is None:
        raise TypeError(
            "a service needs the user who acts: pass accounts.access.SYSTEM for a system job"
        )
    return user is SYSTEM


def acts_for(user, unit) -> bool:
    """Whether the user speaks for `unit` itself — submits its plan, files its report — rather
    than for a unit above it, which may read and change its data but not send it up. A system
    job acts for every unit."""
    return is_system(user) or user.unit_id == unit.pk


def directly_above(user, unit) -> bool:
    """Whether the user's unit is the one directly above `unit`: it approves, accepts or returns
    what `unit` sends up. A system job may."""
    return is_system(user) or (unit.parent_id is not None and user.unit_id == unit.parent_id)


def recorded_user(user):
    """The user a record names as having acted (a plan's history, a reorganisation, an
    appointment): the user, or None for a system job."""
    return None if is_system(user) or not user.is_authenticated else user


def check_may_write(user, unit, kind: Data, field: str = "unit") -> None:
    """The one write check of every service (pages, API and imports all write through the
    services): the user's role may change `kind` (the matrix above) and `unit` lies in their
    subtree (accounts.scope). Refused with a message on `field`. A system job (SYSTEM) acts
    everywhere; a missing user is refused (`is_system`)."""
    if is_system(user):
        return
    if not may(user, kind, WRITE):
        raise ValidationError({field: gettext("Your role may not change this data.")})
    if unit is None or not in_scope(user, unit):
        code = unit.code if unit is not None else "—"
        raise ValidationError(
            {field: gettext("Unit %(code)s is outside your scope.") % {"code": code}}
        )


# --- routes -------------------------------------------------------------------------------

PUBLIC = None

# Each route, by the start of its pattern (the longest that matches wins), and the kind of
# data it shows; an `OWN` route also serves those whose level is OWN, and shows them only
# their own. The scope probe checks that every route is named here.
ROUTES: dict[str, tuple[Data | None, Level]] = {
    "": (PUBLIC, NONE),  # the home page: exactly "" (see route_rule)
    "login/": (PUBLIC, NONE),
    "logout/": (PUBLIC, NONE),
    "account/": (PUBLIC, NONE),  # one's own account: password, tokens, second factor
    "i18n/": (PUBLIC, NONE),
    "verify/": (PUBLIC, NONE),  # certificate verification, public by design
    "standards/": (PUBLIC, NONE),  # title standards: published to every cadre (001 §III)
    "standards/people/": (Data.PEOPLE, OWN),  # a profile's panel: what one lacks
    "me/": (Data.PEOPLE, OWN),
    # The installable app's manifest, service worker and offline page: the same for everyone.
    "manifest.webmanifest": (PUBLIC, NONE),
    "sw.js": (PUBLIC, NONE),
    "offline/": (PUBLIC, NONE),
    # One's own notifications and how they reach one: every user, each their own only.
    "notifications/": (PUBLIC, NONE),
    # One's own calendar and its feed's secret link: every user, each their own only.
    "calendar/": (PUBLIC, NONE),
    # The feed: read by calendar apps without login, like /verify/; the token is the key.
    "calendar/feed/": (PUBLIC, NONE),
    "units/": (Data.UNITS, READ),
    "people/": (Data.PEOPLE, READ),
    "training/classes/": (Data.CLASSES, OWN),  # OWN: those they teach or attend
    "training/enrolments/": (Data.CLASSES, READ),
    "training/enrolments/<int:pk>/feedback/": (Data.CLASSES, OWN),
    "training/records/<int:pk>/certificate/": (Data.CLASSES, OWN),
    "training/records/<int:pk>/certificate.pdf": (Data.CLASSES, OWN),
    "training/certificate-template/": (Data.CLASSES, READ),  # writing it: writers only
    "training/people/": (Data.CLASSES, READ),
    "training/statistics/": (Data.CLASSES, READ),
    "training/lecturers/": (Data.LECTURERS, READ),
    "training/chairs/": (Data.TARGETS, READ),
    # Issue 24 §4: a class's schedule (of the classes one may open, as the class page), its
    # sessions changed, attendance taken and the QR shown by those who may change the class;
    # a learner checks in for themselves; a profile's panel lists one's sessions to come.
    "training/classes/<int:pk>/sessions/": (Data.CLASSES, OWN),
    "training/classes/<int:pk>/sessions/new/": (Data.CLASSES, WRITE),
    "training/classes/<int:pk>/sessions/<int:session_pk>/": (Data.CLASSES, WRITE),
    "training/checkin/": (Data.CLASSES, OWN),
    "training/people/<int:person_pk>/sessions/": (Data.CLASSES, OWN),
    "targets/": (Data.TARGETS, READ),
    "targets/people/": (Data.TARGETS, OWN),
    # A target's own page (issue 23 §6): changing targets, not reading them.
    "targets/manage/": (Data.TARGETS, WRITE),
    "targets/new/": (Data.TARGETS, WRITE),
    "targets/<int:pk>/edit/": (Data.TARGETS, WRITE),
    "imports/": (Data.IMPORTS, READ),
    "reports/": (Data.REPORTS, READ),
    "planning/": (Data.PLANNING, READ),
    # A list of people still to train, as the needs list is.
    "planning/new-cadres/": (Data.TARGETS, READ),
    "cadrework/": (Data.POOLS, READ),
    "cadrework/people/": (Data.PEOPLE, OWN),  # a profile's panel: asks may() for each part
    "cadrework/evaluations/": (Data.EVALUATIONS, READ),
    "cadrework/retention/": (Data.RETENTION, READ),
    "cadrework/inspections/": (Data.INSPECTIONS, READ),
    "elearning/": (Data.ELEARNING, READ),
    "elearning/learn/": (Data.LEARNING, OWN),
    # SCORM content, answered on the content host only, to the holder of an attempt's signed
    # key (no session there): elearning/views/scorm.py.
    "elearning/scorm/": (PUBLIC, NONE),
    "elearning/learn/sync/": (Data.LEARNING, OWN),  # one's own progress made offline
    "elearning/attempts/": (Data.LEARNING, OWN),
    "elearning/lessons/<int:pk>/quiz/": (Data.LEARNING, OWN),
    # A course as a SCORM 1.2 package or a Common Cartridge (issue 25 §2): writers only, the
    # SCORM package carries the quiz bank's right answers.
    "elearning/courses/<int:pk>/export/scorm12/": (Data.ELEARNING, WRITE),
    "elearning/courses/<int:pk>/export/cc/": (Data.ELEARNING, WRITE),
    "privacy/people/": (Data.PERSONAL_DATA, READ),
    "privacy/me/": (Data.PERSONAL_DATA, OWN),
    "privacy/log/": (Data.LOGS, READ),
    "audit/": (Data.LOGS, READ),  # the log itself; an object's history: as the object
    "audit/units/": (Data.UNITS, READ),
    "audit/people/": (Data.PEOPLE, READ),
    "audit/classes/": (Data.CLASSES, READ),
    "audit/plans/": (Data.PLANNING, READ),
    "audit/evaluations/": (Data.EVALUATIONS, READ),
    "audit/targets/": (Data.TARGETS, READ),
    # The scheduled jobs' runs: the system's own log, for its administrators.
    "schedule/": (Data.LOGS, READ),
    # The API
    "api/v1/": (PUBLIC, NONE),  # exactly: the interactive documentation
    "api/v1/openapi.json": (PUBLIC, NONE),
    "api/v1/docs": (PUBLIC, NONE),
    "api/v1/auth/": (PUBLIC, NONE),
    "api/v1/me": (Data.PEOPLE, OWN),
    "api/v1/unit-kinds": (Data.UNITS, READ),
    "api/v1/units": (Data.UNITS, READ),
    "api/v1/units/<unit_id>/chairs": (Data.TARGETS, READ),
    "api/v1/units/<unit_id>/training-results": (Data.CLASSES, READ),
    "api/v1/units/<unit_id>/targets": (Data.TARGETS, READ),
    "api/v1/units/<unit_id>/plans/": (Data.PLANNING, READ),
    "api/v1/units/<unit_id>/spending/": (Data.PLANNING, READ),
    "api/v1/units/<unit_id>/member-growth": (Data.PLANNING, READ),
    "api/v1/units/<unit_id>/employers": (Data.PLANNING, READ),
    "api/v1/units/<unit_id>/new-cadres": (Data.TARGETS, READ),
    "api/v1/imports": (Data.IMPORTS, READ),
    "api/v1/reports": (Data.REPORTS, READ),
    "api/v1/units/<unit_id>/implementation": (Data.REPORTS, READ),
    "api/v1/implementation-reports": (Data.REPORTS, READ),
    "api/v1/units/<unit_id>/evaluation-figures": (Data.EVALUATIONS, READ),
    "api/v1/units/<unit_id>/retention": (Data.RETENTION, READ),
    "api/v1/roles": (Data.PEOPLE, READ),
    "api/v1/standards": (PUBLIC, NONE),  # published to every cadre, as /standards/
    "api/v1/people": (Data.PEOPLE, READ),
    "api/v1/people/<person_id>/obligations": (Data.TARGETS, OWN),
    "api/v1/people/<person_id>/evaluations": (Data.EVALUATIONS, OWN),
    "api/v1/positions": (Data.PEOPLE, READ),
    "api/v1/classes": (Data.CLASSES, OWN),
    "api/v1/enrolments/": (Data.CLASSES, READ),
    "api/v1/records": (Data.CLASSES, READ),
    "api/v1/lecturers": (Data.LECTURERS, READ),
    "api/v1/topics": (Data.TOPICS, READ),
    "api/v1/plans": (Data.PLANNING, READ),
    "api/v1/member-growth": (Data.PLANNING, READ),
    "api/v1/surveys": (Data.PLANNING, READ),
    "api/v1/pools": (Data.POOLS, READ),
    "api/v1/pool-reviews/": (Data.POOLS, READ),
    "api/v1/evaluations": (Data.EVALUATIONS, READ),
    "api/v1/evaluations/<evaluation_id>": (Data.EVALUATIONS, OWN),
    "api/v1/evaluations/<evaluation_id>/publish": (Data.EVALUATIONS, READ),
    "api/v1/inspections": (Data.INSPECTIONS, READ),
    "api/v1/follow-ups/": (Data.INSPECTIONS, READ),
    "api/v1/courses": (Data.ELEARNING, READ),
    "api/v1/courses/<course_id>/enrol": (Data.LEARNING, OWN),
    "api/v1/learning/": (Data.LEARNING, OWN),
    "api/v1/lessons/": (Data.LEARNING, OWN),
    "api/v1/attempts/": (Data.LEARNING, OWN),
}
# Routes named exactly, not by their start: they would otherwise match everything below.
EXACT = {"", "api/v1/"}


def route_rule(route: str) -> tuple[Data | None, Level]:
    """The kind of data a route shows and the least level it needs (KeyError: unknown)."""
    if route in EXACT:
        return ROUTES[route]
    best = max(
        (prefix for prefix in ROUTES if prefix not in EXACT and route.startswith(prefix)),
        key=len,
        default=None,
    )
    if best is None:
        raise KeyError(route)
    return ROUTES[best]


def may_use_route(user, route: str) -> bool:
    """Whether the user's role may reach a route at all (what they then see is the view's,
    by scope and, on OWN routes, by ownership). A route nobody has named is refused."""
    try:
        kind, needed = route_rule(route)
    except KeyError:
        return False
    return kind is PUBLIC or may(user, kind, needed)


# --- the page of the documentation ---------------------------------------------------------


def matrix_table() -> str:
    """The matrix as a Markdown table, in the active language (docs/access.md holds it in
    Vietnamese, and a test keeps the two the same)."""
    roles = list(ACCESS)
    head = [str(_("Kind of data")), *(str(role.label) for role in roles)]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for kind in Data:
        cells = [str(kind.label), *(ACCESS[role][kind].label for role in roles)]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"
