"""Retention after training (report `000`): of the people trained in a period, how many left
union work — a post ended (rotated, transferred, left) with no other union post after it —
within 6, 12 and 24 months, and how many moved to another union post.

Definitions (the pages, the API and the exports all read them from here):

* **The trained people** of a unit for a period [start, end]: distinct people with a valid
  training record completed in [start, end] — optionally narrowed to a programme (or to
  records without one), a topic, an organiser unit (or records without one, training done
  elsewhere). A person trained several times counts once, from their **first** record in
  the period (ties on the same day: the record entered first). That record is the anchor:
  its completion day is "the completion day" below.
* **Where they are counted**: in the subtree of the unit of a post (a `Position`) they held
  on the completion day (start ≤ day ≤ end, end inclusive). Units are placed as they stand
  now (their current path, as the scope does). People who held **no post** that day are not
  counted anywhere — retention is about cadres, not about members trained. Someone holding
  posts in two units below counts under each of them, once in the unit above.
* **Left within N months**: a post they held on the completion day, in the subtree counted,
  ended with the reason rotated, transferred or left, with end date ≤ completion day +
  N calendar months, and they held no other union post (in any unit) after it within the
  window — none still held the day after, none taken up by its end: they left union work (000:
  "được điều động, luân chuyển công tác khác"). Those who did **moved within the union**:
  counted apart, never as a loss. Months are
  calendar months clamped to the month's end (`targets.windows.add_months`: 31/08 + 6 months
  = 28/02 or 29/02); a move exactly N months after counts within N. Retirement, the end of a
  term and a reorganisation are not leaving.
* **Known windows**: the N-month window of a person is known once completion + N months ≤
  the as-of day (today by default). Each window counts only the trained people whose window
  is known (`Window.known`); the percentage is left / known. A window with nobody known is
  shown as "not yet known"; one known for part of the trained people says of how many.
* **Groups**: by programme, by topic (a record with several topics counts under each), by
  organiser; each group is its own cohort (a person's first record *in that group*). Per
  unit: the units directly below the chosen unit, and the unit itself (posts held in it).
  The trend: one cohort per calendar year of completion (first record in that year), for the
  last `TREND_YEARS` years up to the as-of day (the period does not apply; the narrowing
  does).

The list behind a figure shows each person once, with the post that makes them count (the
one left first within the window, else the highest held that day). It names people whose post
was in the subtree even when their own unit is now elsewhere (someone transferred away): that
is the point of the list; their profile is linked only when it is in the user's scope.

Every figure is a grouped aggregate in the database (one query per table, `Count(distinct,
filter=…)` over the anchor records joined to the posts held that day); the list behind a
figure is read a page at a time (`PeopleList`): the page's records found first, then only
they get their post (correlated subqueries), whatever the number of people.
"""

import datetime as dt
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any

from django.db.models import (
    Count,
    DateField,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce, ExtractDay, ExtractMonth, ExtractYear, Substr
from django.db.models.lookups import LessThanOrEqual
from django.utils.translation import gettext as _

from accounts.scope import scope_ancestor_paths, scope_path
from lib.periods import ended_before
from people.models import EndReason, Person, Position, active_on
from targets.windows import add_months, overdue_cutoff
from training.models import Programme, Topic, TrainingRecord
from units.models import PATH_WIDTH, Unit
from units.places import under

WINDOWS = (6, 12, 24)
LEFT_REASONS = (EndReason.ROTATED, EndReason.TRANSFERRED, EndReason.LEFT)
GROUPINGS = ("programme", "topic", "organiser")
TREND_YEARS = 8
DEFAULT_MONTHS = 36  # the default period: the last 3 years
NONE = "none"  # narrowing to records without a programme / without an organiser
TopicLink = TrainingRecord.topics.through


@dataclass(frozen=True)
class Cohort:
    """The question: people trained in [start, end] counted in `unit`'s subtree, as of a day.

    `programme` and `organiser` may be `NONE` (records without one); `direct` counts only the
    posts held in the unit itself, not below it."""

    unit: Unit
    start: dt.date
    end: dt.date
    as_of: dt.date
    programme: Programme | str | None = None
    topic: Topic | None = None
    organiser: Unit | str | None = None
    direct: bool = False

    def narrowed(self, **changes) -> "Cohort":
        return replace(self, **changes)


def default_period(as_of: dt.date) -> tuple[dt.date, dt.date]:
    """The last 3 years up to the as-of day."""
    return add_months(as_of, -DEFAULT_MONTHS) + dt.timedelta(days=1), as_of


def months_after(start: dt.date, end: dt.date) -> int:
    """Whole calendar months from `start` to `end` (clamped like `add_months`): a move exactly
    6 months after is 6, one day earlier is 5."""
    months = (end.year - start.year) * 12 + end.month - start.month
    while months > 0 and add_months(start, months) > end:
        months -= 1
    return months


# --- the figures --------------------------------------------------------------------------


@dataclass
class Window:
    months: int
    trained: int
    known: int  # trained people whose window had closed on the as-of day
    left: int  # of those, people who left union work within the window
    moved: int = 0  # of those, people who left a post for another union post

    @property
    def is_known(self) -> bool:
        return self.known > 0

    @property
    def complete(self) -> bool:
        """Known for every trained person (not only part of them)."""
        return self.known == self.trained

    @property
    def percent(self) -> Decimal | None:
        if not self.known:
            return None
        return (Decimal(100 * self.left) / self.known).quantize(Decimal("0.1"))


@dataclass
class Figures:
    trained: int = 0
    windows: list[Window] = field(default_factory=list)

    @classmethod
    def from_row(cls, row: dict | None) -> "Figures":
        row = row or {}
        trained = row.get("trained") or 0
        return cls(
            trained,
            [
                Window(
                    n,
                    trained,
                    row.get(f"known_{n}") or 0,
                    row.get(f"left_{n}") or 0,
                    row.get(f"moved_{n}") or 0,
                )
                for n in WINDOWS
            ],
        )

    def window(self, months: int) -> Window:
        return next(w for w in self.windows if w.months == months)


@dataclass
class Row:
    """One line of a table: its key (an id, a year, None for "without"), its label, its
    figures, and the query parameters that narrow the list behind it."""

    key: Any
    label: str
    figures: Figures
    params: dict[str, str]
    obj: Any = None  # the programme, topic, unit… the row is about, when there is one


def _record_q(c: Cohort, rec: str = "") -> Q:
    """Valid records of the cohort's period and narrowing (`rec`: the path to the record)."""
    q = Q(
        **{
            f"{rec}valid": True,
            f"{rec}completed_on__gte": c.start,
            f"{rec}completed_on__lte": c.end,
        }
    )
    for name, value in (("programme", c.programme), ("organiser", c.organiser)):
        if isinstance(value, str):
            q &= Q(**{f"{rec}{name}__isnull": True})
        elif value is not None:
            q &= Q(**{f"{rec}{name}": value})
    if c.topic is not None:
        q &= Q(
            **{f"{rec}pk__in": TopicLink.objects.filter(topic=c.topic).values("trainingrecord_id")}
        )
    return q


def _same_key(field_name: str) -> tuple[Coalesce, Coalesce]:
    """A nullable key compared so that "none" equals "none"."""
    return (
        Coalesce(field_name, Value(0), output_field=IntegerField()),
        Coalesce(OuterRef(field_name), Value(0), output_field=IntegerField()),
    )


def _anchors(c: Cohort, bucket: str | None = None) -> tuple[QuerySet, str]:
    """Each person's first record in the period (per bucket: programme, topic, organiser or
    year), as a queryset and the path from its rows to the record. Grouped by topic, rows are
    the records' topic links, so a record counts under each of its topics."""
    if bucket == "topic":
        model, rec = TopicLink, "trainingrecord__"
    else:
        model, rec = TrainingRecord, ""
    earlier = model.objects.filter(_record_q(c, rec)).filter(
        Q(**{f"{rec}completed_on__lt": OuterRef(f"{rec}completed_on")})
        | Q(
            **{
                f"{rec}completed_on": OuterRef(f"{rec}completed_on"),
                f"{rec}pk__lt": OuterRef(f"{rec}pk"),
            }
        ),
        **{f"{rec}person": OuterRef(f"{rec}person")},
    )
    if bucket == "topic":
        earlier = earlier.filter(topic=OuterRef("topic"))
    elif bucket in ("programme", "organiser"):
        inner, outer = _same_key(f"{bucket}_id")
        earlier = earlier.alias(_key=inner).filter(_key=outer)
    elif bucket == "year":
        earlier = earlier.alias(_year=ExtractYear("completed_on")).filter(
            _year=ExtractYear(OuterRef("completed_on"))
        )
    # Only people who held a post in the subtree at some time can count there (_counted asks
    # for one on the completion day): narrowing to them first spares a union's or a
    # province's cohort the first-record test of every record in the country.
    held = Position.objects.filter(_in_unit(c, "unit")).values("person_id")
    anchors = model.objects.filter(_record_q(c, rec), **{f"{rec}person__in": held})
    return anchors.filter(~Exists(earlier)), rec


def _in_unit(c: Cohort, field: str) -> Q:
    """Rows whose unit (through `field`) is the cohort's unit, or in its subtree."""
    return Q(**{field: c.unit}) if c.direct else under(c.unit, field)


def _post_q(c: Cohort, post: str, day) -> Q:
    """A post (`post`: path to the position) held on `day` in the cohort's unit (subtree)."""
    return _in_unit(c, f"{post}unit") & active_on(day, post)


def _month_key(expression) -> Any:
    """year·1200 + month·100 + day: adding N months to a date is adding N·100 to its key, and
    comparing keys compares dates, so `end ≤ completion + N months` (clamped to the month's
    end) is `key(end) ≤ key(completion) + 100·N`."""
    return ExtractYear(expression) * 1200 + ExtractMonth(expression) * 100 + ExtractDay(expression)


def _by_window_end(day, completed_key, months: int) -> Q:
    """`day` falls on or before the completion day + `months` calendar months (the window's
    last day); `completed_key` is the completion day's `_month_key`. The one place the
    retention window is cut: posts left, posts taken up, the lists behind the figures."""
    return Q(LessThanOrEqual(_month_key(day), completed_key + Value(100 * months)))


def _left_q(post: str, completed, months: int) -> Q:
    """The post ended by leaving (rotated, transferred, left) within `months` of `completed`."""
    return Q(**{f"{post}end_reason__in": LEFT_REASONS}) & _by_window_end(
        F(f"{post}end_date"), _month_key(completed), months
    )


def _stays_q(post: str, completed_key, months: int) -> Q:
    """After the post ended, its holder held another union post (any unit) within the window
    — one still held the day after, or taken up by the window's end: they moved within the
    union (or came back to it) rather than leaving union work. `completed_key` is the
    `_month_key` of the completion day, from the query this one is nested in."""
    after = ExpressionWrapper(
        OuterRef(f"{post}end_date") + dt.timedelta(days=1), output_field=DateField()
    )
    other = (
        Position.objects.filter(person=OuterRef(f"{post}person"))
        .exclude(pk=OuterRef(f"{post}id"))
        .filter(~ended_before(after))  # still held after the post ended (open ones too)
        .filter(_by_window_end(F("start_date"), completed_key, months))  # taken up by then
    )
    return Q(Exists(other))


def _known_q(c: Cohort, rec: str, months: int) -> Q:
    """Completed early enough for the window to have closed on the as-of day."""
    return Q(**{f"{rec}completed_on__lte": overdue_cutoff(c.as_of, months)})


def _counted(c: Cohort, bucket: str | None = None) -> tuple[QuerySet, dict, str]:
    """The anchor records joined to the posts held on their day in the subtree, and the
    aggregates of a `Figures` over them (all in one join: the filters share it)."""
    rows, rec = _anchors(c, bucket)
    post = f"{rec}person__positions__"
    rows = rows.filter(_post_q(c, post, F(f"{rec}completed_on")))
    person = f"{rec}person"
    aggregates = {"trained": Count(person, distinct=True)}
    for n in WINDOWS:
        known = _known_q(c, rec, n)
        aggregates[f"known_{n}"] = Count(person, distinct=True, filter=known)
        ended = known & _left_q(post, F(f"{rec}completed_on"), n)
        stays = _stays_q(post, _month_key(OuterRef(f"{rec}completed_on")), n)
        aggregates[f"left_{n}"] = Count(person, distinct=True, filter=ended & ~stays)
        aggregates[f"moved_{n}"] = Count(person, distinct=True, filter=ended & stays)
    return rows, aggregates, post


def totals(c: Cohort) -> Figures:
    """The cohort's figures (one query)."""
    rows, aggregates, _post = _counted(c)
    return Figures.from_row(rows.order_by().aggregate(**aggregates))


def _grouped(rows: QuerySet, aggregates: dict, key) -> dict[Any, Figures]:
    rows = rows.order_by().annotate(_group=key).values("_group").annotate(**aggregates)
    return {row["_group"]: Figures.from_row(row) for row in rows}


def by_group(c: Cohort, by: str) -> list[Row]:
    """Figures per programme, topic or organiser (two queries: figures, then labels)."""
    if by not in GROUPINGS:
        raise ValueError(by)
    rows, aggregates, _post = _counted(c, by)
    return group_rows(by, _grouped(rows, aggregates, F(by if by == "topic" else f"{by}_id")))


def group_rows(by: str, figures: dict[Any, Figures]) -> list[Row]:
    """The rows of the groups (key: the programme's, topic's or organiser's id, None for
    "without"), labelled and sorted: computed here or read from the store."""
    model = {"programme": Programme, "topic": Topic, "organiser": Unit}[by]
    objects = model.objects.in_bulk([k for k in figures if k is not None])
    none_label = {
        "programme": _("No programme"),
        "topic": _("No topic"),
        "organiser": _("No organiser (training elsewhere)"),
    }[by]
    out = []
    for key, f in figures.items():
        obj = objects.get(key)
        param = obj.code if by == "topic" and obj is not None else str(key) if key else NONE
        out.append(Row(key, str(obj) if obj is not None else none_label, f, {by: param}, obj))
    if by == "topic":
        out.sort(key=lambda r: (objects[r.key].rank if r.key in objects else 10**6, r.label))
    else:
        out.sort(key=lambda r: (r.key is None, r.label))
    return out


def by_unit(c: Cohort) -> list[Row]:
    """Figures per unit directly below the cohort's unit (and the unit itself, for the posts
    held in it): two queries. Units dissolved since show when they have figures."""
    rows, aggregates, post = _counted(c)
    width = len(c.unit.path) + PATH_WIDTH
    return unit_rows(c, _grouped(rows, aggregates, Substr(f"{post}unit__path", 1, width)))


def unit_rows(c: Cohort, figures: dict[str, Figures]) -> list[Row]:
    """The rows of the units directly below (figures keyed by the unit's path; the cohort's
    unit's own path for the posts held in it): computed here or read from the store."""
    children = (
        Unit.objects.filter(parent=c.unit)
        .filter(Q(dissolved_on__isnull=True) | Q(path__in=list(figures)))
        .order_by("code")
    )
    out = []
    if c.unit.path in figures:
        out.append(
            Row(
                c.unit.pk,
                _("%(name)s (the unit itself)") % {"name": c.unit.name},
                figures[c.unit.path],
                {"unit": str(c.unit.pk), "direct": "1"},
                c.unit,
            )
        )
    for child in children:
        out.append(
            Row(
                child.pk,
                child.name,
                figures.get(child.path, Figures.from_row(None)),
                {"unit": str(child.pk)},
                child,
            )
        )
    return out


def trend_years(c: Cohort) -> list[int]:
    """The last `TREND_YEARS` calendar years up to the as-of day's."""
    last = c.as_of.year
    return list(range(last - TREND_YEARS + 1, last + 1))


def trend_cohort(c: Cohort) -> Cohort:
    """The trend's question: every trend year's completions (each year its own cohort)."""
    years = trend_years(c)
    return c.narrowed(start=dt.date(years[0], 1, 1), end=dt.date(years[-1], 12, 31))


def trend(c: Cohort) -> list[Row]:
    """Figures per year of completion, each year its own cohort (one query)."""
    rows, aggregates, _post = _counted(trend_cohort(c), "year")
    return trend_rows(c, _grouped(rows, aggregates, ExtractYear("completed_on")))


def trend_rows(c: Cohort, figures: dict[int, Figures]) -> list[Row]:
    return [
        Row(
            year,
            str(year),
            figures.get(year, Figures.from_row(None)),
            {"from": f"01/01/{year}", "to": f"31/12/{year}"},
        )
        for year in trend_years(c)
    ]


# --- the list behind a figure -------------------------------------------------------------


def _listed(c: Cohort, months: int | None, moved: bool) -> tuple[QuerySet, QuerySet]:
    """The anchor records behind a figure (one a person) and the posts that put each there
    (correlated to the record: the first is the one shown)."""
    rows, _rec = _anchors(c)
    rows = _keyed(rows)
    posts = Position.objects.filter(
        _post_q(c, "", OuterRef("completed_on")), person=OuterRef("person")
    )
    if months is None:
        posts = posts.order_by("role__rank", "start_date", "pk")
    else:
        rows = rows.filter(_known_q(c, "", months))
        posts = posts.filter(end_reason__in=LEFT_REASONS).filter(
            _by_window_end(F("end_date"), OuterRef("_completed_key"), months)
        )
        stays = _stays_q("", OuterRef(OuterRef("_completed_key")), months)
        posts = posts.filter(stays if moved else ~stays)
        posts = posts.order_by("end_date", "pk")
    return rows.filter(Exists(posts)), posts


def _keyed(rows: QuerySet) -> QuerySet:
    """Records with the key of their completion day, which their posts' windows read."""
    return rows.alias(_completed_key=_month_key(F("completed_on")))


LIST_ORDER = ("person__sort_key", "person_id", "pk")


def people(c: Cohort, months: int | None = None, moved: bool = False) -> QuerySet:
    """The people behind a figure: the trained people (`months` None), or those who left
    union work within `months` among those whose window is known (`moved`: those who left a
    post for another union post instead). One row per person, the anchor
    record annotated with the post: the one left first within the window, else the highest
    post held that day. One query (correlated subqueries), sorted by name."""
    rows, posts = _listed(c, months, moved)
    return _with_post(rows, posts).order_by(*LIST_ORDER)


def _with_post(rows: QuerySet, posts: QuerySet) -> QuerySet:
    def first(name: str) -> Subquery:
        return Subquery(posts.values(name)[:1])

    return rows.annotate(
        post_id=first("pk"),
        post_role=first("role__name"),
        post_role_en=first("role__name_en"),
        post_unit_code=first("unit__code"),
        post_unit_name=first("unit__name"),
        post_start=first("start_date"),
        post_end=first("end_date"),
        post_end_reason=first("end_reason"),
    ).select_related("person__unit", "programme", "organiser")


class PeopleList:
    """`people` read a page at a time, for a paginator (the page's and the API's): the
    page's anchor records found first, by id, then only those rows annotated with their
    post (the correlated lookups run for the page, not for every person of the list).

    Two ways to find a page, the same rows in the same order (by name): from the records
    (every anchor of the list found, then sorted: cheap when the list is short), or from
    the people in name order (the `sort_key` index), each asked whether they are on the
    list, until the page is full: cheap when the list holds a good share of everybody (a
    national or provincial list), whose sort would otherwise read every anchor. The second
    is chosen when it asks fewer people than the list has rows. `count`: the list's length
    when known (the stored figures), else counted once."""

    def __init__(self, c: Cohort, months: int | None = None, moved: bool = False, count=None):
        self.rows, self.posts = _listed(c, months, moved)
        self._count = count

    def count(self) -> int:
        if self._count is None:
            self._count = self.rows.order_by().count()
        return self._count

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index: slice) -> list[TrainingRecord]:
        if not isinstance(index, slice) or index.step is not None:
            raise TypeError("PeopleList is read by slices")
        start, stop = index.start or 0, index.stop
        if stop is None or stop <= start or start >= self.count():
            return []
        if self._by_person(start, stop):
            anchor = self.rows.filter(person=OuterRef("pk"))
            ids = (
                Person.objects.filter(Exists(anchor))
                .order_by("sort_key", "pk")
                .values_list(Subquery(anchor.values("pk")[:1]), flat=True)
            )
        else:
            ids = self.rows.order_by(*LIST_ORDER).values_list("pk", flat=True)
        # The page's records by id alone: they are on the list already, and asking again
        # (the subtree's people) would have the database read them all first.
        found = _keyed(TrainingRecord.objects.filter(pk__in=list(ids[start:stop])))
        return list(_with_post(found, self.posts).order_by(*LIST_ORDER))

    def _by_person(self, start: int, stop: int) -> bool:
        """Whether walking the people in name order asks fewer of them than the list has
        rows (the highest person id standing for how many people there are)."""
        count = self.count()
        if not count:
            return False
        people = Person.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        return stop * people <= count * count


def describe(row: TrainingRecord, language: str | None = None) -> dict:
    """A list row's derived values: the role's name in the language, the reason's label and
    the whole months from training to the post's end."""
    reasons = dict(EndReason.choices)
    role = row.post_role_en if language == "en" and row.post_role_en else row.post_role
    return {
        "role": role,
        "reason": str(reasons.get(row.post_end_reason, "")) if row.post_end_reason else "",
        "months": months_after(row.completed_on, row.post_end) if row.post_end else None,
    }


# --- what a user may name -----------------------------------------------------------------


def as_id(value: str | None) -> int | None:
    """A typed id, or None when it cannot be one (so a lookup never overflows the database)."""
    value = (value or "").strip()
    if value.isascii() and value.isdigit() and len(value) <= 18:
        return int(value)
    return None


def organisers_visible_to(user) -> QuerySet:
    """Units a user may narrow by as organiser: their subtree, the units above them, and any
    unit that trained someone who held a post in their subtree."""
    path = scope_path(user)
    if path is None:
        return Unit.objects.none()
    trained_here = TrainingRecord.objects.filter(
        under(path, "person__positions__unit"), organiser=OuterRef("pk")
    )
    return Unit.objects.filter(
        under(path) | Q(path__in=scope_ancestor_paths(user)) | Exists(trained_here)
    )
