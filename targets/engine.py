"""The evaluation of person-based targets, as of any day, in the database.

For a target and a day the population is the positions held that day which pass every filter
of the target, inside the issuing unit's subtree as it stood that day — one position per
person (the lowest id), so a person with two qualifying posts counts once, at one unit. Each
is annotated `met` (a qualifying record in the window up to the day, or the qualification)
and `overdue` (not met and the window's deadline passed). Unit figures group that by the
position's unit; a subtree's figures are its units' figures added up along the tree of the
day. Every entry point (pages, API, snapshots, incremental updates) goes through here.
"""

import copy
import datetime as dt
from dataclasses import dataclass

from django.db.models import (
    BooleanField,
    Count,
    DateField,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    prefetch_related_objects,
)
from django.db.models.functions import Coalesce, Greatest, Least
from django.utils.translation import gettext_lazy

from lib.compiled import STAND_IN, compiled
from lib.dates import today
from lib.periods import ended_before, overlaps_q, started_before, started_within, valid_on
from people.models import Person, Position, StartReason
from standards.models import TitleStandard
from standards.rules import required_topics, standard_id_on
from targets.models import PERSON_KINDS, Revision, Target, TargetKind, WindowKind
from targets.windows import ONE_DAY, AddMonths, due_after, overdue_cutoff
from training.models import TrainingRecord
from units.models import Term, UnitVersion, member_count_subquery
from units.places import duty_unit, placed_under

# This process's copy of the targets in force per day, with the definitions token it was read
# under: reading them takes six queries and most of the time of a small page, and they only
# change when someone edits a target (which changes the token, see Revision).
_KEPT: dict[dt.date, tuple[str, list[Target]]] = {}


def person_targets(day: dt.date) -> list[Target]:
    """Targets evaluated per person that are in force on `day`, their filters prefetched.

    Read once per definitions token; each call gets copies of its own (an issuing unit read
    through `scope_unit` is then read fresh, not kept). Each carries `definitions_token`, the
    token they were read under (None: not kept), for what is kept alongside them."""
    token = Revision.current(Revision.DEFINITIONS)
    kept = _KEPT.get(day)
    if token is None or kept is None or kept[0] != token:
        targets = list(
            Target.objects.in_force_on(day)
            .filter(kind__in=PERSON_KINDS)
            .select_related("responsible_level", "document")
            .prefetch_related("roles", "levels", "unit_kinds", "topics", "programmes")
        )
        if token is None:
            for target in targets:
                target.definitions_token = None
            return targets
        if len(_KEPT) >= 16:  # a few days at a time: today, the charts' year-ends
            _KEPT.clear()
        kept = _KEPT[day] = (token, targets)
    return [_copy(target, token) for target in kept[1]]


def _copy(target: Target, token: str) -> Target:
    """A copy whose caches are its own: a `roles.add()` or a prefetch on it drops or fills
    its prefetched filters, not the kept target's (copying a model instance already gives
    it its own `_state.fields_cache`; the related objects themselves stay shared)."""
    mine = copy.copy(target)
    if "_prefetched_objects_cache" in target.__dict__:
        mine._prefetched_objects_cache = dict(target._prefetched_objects_cache)
    mine.definitions_token = token
    return mine


def related_ids(related) -> list[int]:
    return [obj.pk for obj in related.all()]


def _scope_path(target: Target, day: dt.date) -> str | None:
    """Path of the issuing unit on `day`; "" for the whole system; None if it did not exist."""
    if target.scope_unit_id is None:
        return ""
    version = UnitVersion.objects.on(day).filter(unit_id=target.scope_unit_id).first()
    return version.path if version else None


def _candidates(target: Target, day: dt.date, path: str) -> QuerySet:
    """Positions held on `day` that pass the target's filters (several per person possible)."""
    placed = placed_under(path, day)
    if levels := related_ids(target.levels):
        placed &= Q(unit__versions__kind__level__in=levels)
    if kinds := related_ids(target.unit_kinds):
        placed &= Q(unit__versions__kind__in=kinds)
    qs = Position.objects.active_on(day).filter(placed)
    if roles := related_ids(target.roles):
        qs = qs.filter(role__in=roles)
    if target.key_leaders_only:
        qs = qs.filter(role__is_key_leader=True)
    if target.full_time is True:
        qs = qs.filter(full_time=True)
    elif target.full_time is False:
        # A part-time cadre is a person none of whose posts that day is full-time: a
        # full-time cadre who also holds a part-time seat is counted once, as full-time.
        full_time_post = Position.objects.active_on(day).filter(
            person=OuterRef("person_id"), full_time=True
        )
        qs = qs.filter(full_time=False).exclude(Exists(full_time_post))
    if target.sector:
        qs = qs.filter(unit__sector=target.sector)
    if target.first_time_on_committee:
        qs = qs.filter(first_time_on_committee=True)
    if target.newly_elected:
        qs = qs.filter(_newly_in_key_post())
    if target.new_to_full_time:
        # Newly added full-time staff (004: "cán bộ công đoàn chuyên trách mới bổ sung"): a
        # full-time post that is the person's first; one re-elected to the post they held, or
        # moving from another full-time post, is not new.
        earlier = Position.objects.filter(person=OuterRef("person_id"), full_time=True).filter(
            started_before(OuterRef("start_date"))
        )
        qs = qs.filter(full_time=True).exclude(Exists(earlier))
    if target.position_started_from or target.position_started_to:
        qs = qs.filter(started_within(target.position_started_from, target.position_started_to))
    if target.kind == TargetKind.TITLE_STANDARD:
        # Judged against the standard of the title held (role × level): a title the union
        # has issued no standard for is not judged (explained beside the figure).
        qs = qs.annotate(standard_id=standard_id_on(day)).filter(standard_id__isnull=False)
    if target.min_members is not None or target.max_members is not None:
        qs = qs.annotate(members=member_count_subquery(day, "unit_id"))
        if target.min_members is not None:
            qs = qs.filter(members__gte=target.min_members)
        if target.max_members is not None:
            qs = qs.filter(members__lt=target.max_members)
    return qs


def _newly_in_key_post() -> Q:
    """003 §I.2.1 "cán bộ lãnh đạo chủ chốt … mới được bầu": a key-leader post taken in that
    union, elected or designated (the units formed in 2025 had designated leaders), by someone
    who held no key-leader post there in the previous term nor earlier in this one. A chair
    re-elected, a vice-chair promoted to chair, a post carried over by a merger: not new. A
    post that began before its term (carried across a congress) is not new in that term."""
    previous_term_start = Subquery(
        Term.objects.filter(unit=OuterRef("unit_id"))
        .filter(started_before(OuterRef(OuterRef("term__start_date"))))
        .order_by("-start_date")
        .values("start_date")[:1]
    )
    held_before = (
        Position.objects.filter(
            person=OuterRef("person_id"), unit=OuterRef("unit_id"), role__is_key_leader=True
        )
        .filter(started_before(OuterRef("start_date")))
        # Held on some day since the previous term began (any time, when none is recorded).
        .filter(overlaps_q(Coalesce(previous_term_start, Value(dt.date.min)), None))
    )
    within_term = Q(term__isnull=True) | ~started_before(F("term__start_date"))
    return (
        Q(start_reason__in=[StartReason.ELECTED, StartReason.APPOINTED])
        & within_term
        & ~Exists(held_before)
    )


def _anchor(target: Target, day: dt.date):
    """Expression for the day the window opens, per position: its deadline counts from it."""
    window = target.window
    if window == WindowKind.TERM:
        return Coalesce(F("term__start_date"), F("start_date"))
    if window == WindowKind.YEARS_FROM_TERM_START:
        # "Kết thúc năm thứ hai của mỗi nhiệm kỳ": from the term's start — or, for someone
        # who takes the post later in the term, from the day they take it.
        return Greatest(Coalesce(F("term__start_date"), F("start_date")), F("start_date"))
    if window == WindowKind.MONTHS_FROM_POSITION_START:
        return F("start_date")
    if window == WindowKind.YEARLY:
        return Value(dt.date(day.year, 1, 1), output_field=DateField())
    # Fixed date: from the stated start, or any time.
    return Value(target.window_start, output_field=DateField())


def _window_from(target: Target, day: dt.date):
    """Expression for the first day a record counts, per position: the window's opening (for
    a term window, the term's start), or earlier where the target lets records made up to
    N months before taking the post count (003: a general course just before the election)."""
    if target.window in (WindowKind.TERM, WindowKind.YEARS_FROM_TERM_START):
        start = Coalesce(F("term__start_date"), F("start_date"))
    else:
        start = _anchor(target, day)
    if target.records_before_post_months and target.window != WindowKind.FIXED_DATE:
        return Least(start, AddMonths(F("start_date"), -target.records_before_post_months))
    return start


def _window_end(target: Target, day: dt.date):
    """(lookup, expression): how a record's date must compare with the window's end to meet
    the target — training after the deadline is late, it does not meet it (§9). None when the
    day asked already bounds it (yearly; fixed dates are judged on their deadline)."""
    window = target.window
    if window == WindowKind.TERM:
        return "lte", Coalesce(F("term__end_date"), Value(day, output_field=DateField()))
    if window == WindowKind.YEARS_FROM_TERM_START:
        return "lt", AddMonths(F("anchor"), 12 * target.window_count)
    if window == WindowKind.MONTHS_FROM_POSITION_START:
        return "lt", AddMonths(F("start_date"), target.window_count)
    return None


def _due_from_q(target: Target, day: dt.date) -> Q | bool:
    """Only the obligations falling due on or after `target.obligations_due_from` (a target
    applies from the day its resolution took effect, not to deadlines already past then)."""
    first = target.obligations_due_from
    if first is None:
        return True
    window = target.window
    if window == WindowKind.TERM:
        return Q(term__isnull=True) | ~ended_before(first, prefix="term__")
    if window == WindowKind.YEARS_FROM_TERM_START:
        return ~Q(anchor__lte=overdue_cutoff(first, 12 * target.window_count))
    if window == WindowKind.MONTHS_FROM_POSITION_START:
        return ~started_within(None, overdue_cutoff(first, target.window_count))
    if window == WindowKind.YEARLY:
        return dt.date(day.year, 12, 31) >= first
    return target.deadline is None or target.deadline >= first


def _overdue(target: Target, day: dt.date) -> Q | bool:
    """When the window has closed on `day` (a Q per position, or the same for everyone).

    A personal deadline (a term, N years or months from an anchor) is still open on its last
    day. A calendar period — a year ("hằng năm"), a fixed date ("đến năm 2023") — is read at
    the end of a day that has passed: asked on 31/12/2024 once that day is over, the year 2024
    has closed and whoever was not trained in it missed it (not "at risk" forever)."""
    window = target.window
    over = day < today()  # the day asked has ended
    if window == WindowKind.TERM:
        return ended_before(day, prefix="term__")
    if window == WindowKind.FIXED_DATE:
        return day > target.deadline or (over and day == target.deadline)
    if window == WindowKind.YEARS_FROM_TERM_START:
        return Q(anchor__lte=overdue_cutoff(day, 12 * target.window_count))
    if window == WindowKind.MONTHS_FROM_POSITION_START:
        return started_within(None, overdue_cutoff(day, target.window_count))
    # Yearly: due by 31/12, and a new window opens on 1 January.
    return over and (day.month, day.day) == (12, 31)


WITHIN, UNBOUNDED, AFTER = "within", "unbounded", "after"
# Kinds met by training records, which can come after the deadline ("đạt muộn").
TRAINED_KINDS = {TargetKind.TRAINING, TargetKind.TITLE_STANDARD}


def _window_records(
    target: Target, day: dt.date, part: str = WITHIN, *, any_organiser: bool = False, depth=1
) -> QuerySet:
    """Valid records of the outer position's person, long enough, not expired on the day
    asked, from the window's opening up to that day: those `WITHIN` its end, any
    (`UNBOUNDED`), or those `AFTER` it — training after the deadline is late, it does not
    meet the target (§9). Where only the
    level responsible's own classes count (T-003-4), those of the outer row's `duty_unit_id`
    — unless `any_organiser` (training by others, shown beside). `depth`: how many queries
    out the position is (2 from inside a subquery on its standard's topics)."""

    def outer(name: str):
        ref = OuterRef(name)
        for _ in range(depth - 1):
            ref = OuterRef(ref)
        return ref

    # Training that has expired by the day asked no longer counts (issue 24 §5): on its last
    # valid day it does, the day after it does not. The day is in the compiled SQL's key.
    records = TrainingRecord.objects.filter(
        valid_on(day),
        person=outer("person_id"),
        valid=True,
        completed_on__lte=day,
        hours__gte=target.min_hours,
    )
    if target.organised_by_responsible and not any_organiser:
        # Organised (or co-organised) by that unit, or by a school it owns: a class's record
        # carries its organiser; a record entered without one is nobody's duty done.
        duty = outer("duty_unit_id")
        records = records.filter(
            Q(organiser_id=duty)
            | Q(training_class__co_organisers=duty)
            | Q(institution__owner=duty)
            | Q(training_class__partners__owner=duty)
        )
    if _bounded_below(target):
        records = records.filter(completed_on__gte=outer("window_from"))
    if part == UNBOUNDED:
        return records
    if target.window == WindowKind.FIXED_DATE:
        # Judged on its deadline (Target.judged_on): `day` bounds the records within.
        return records.filter(completed_on__gt=target.deadline) if part == AFTER else records
    end = _window_end(target, day)
    if end is None:  # yearly: the day asked lies in its window
        return records.none() if part == AFTER else records
    lookup, _ = end
    if part == AFTER:
        lookup = "gt" if lookup == "lte" else "gte"
    return records.filter(**{f"completed_on__{lookup}": outer("window_end")})


def _bounded_below(target: Target) -> bool:
    """Whether records count only from the window's opening. A title standard is a state
    (standards.rules): the training it requires counts whenever it was done; a fixed date
    with no stated start counts any earlier training."""
    if target.kind == TargetKind.TITLE_STANDARD:
        return False
    return not (target.window == WindowKind.FIXED_DATE and not target.window_start)


def qualifying_records(
    target: Target, day: dt.date, part: str = WITHIN, *, any_organiser: bool = False
) -> QuerySet:
    """Records of the outer position's person that meet the target on `day` (`AFTER`: that
    would have, had they been made by the deadline), earliest first (for a target of every
    topic, those in any of them: the first shown as its record)."""
    records = _window_records(target, day, part, any_organiser=any_organiser)
    if target.kind == TargetKind.TITLE_STANDARD:
        # The training the title's standard requires (as far as the target reads it), the
        # latest first: the one that completed the standard, or the late one after it.
        required = required_topics(
            OuterRef(OuterRef("standard_id")), related_ids(target.topics)
        ).values("topic_id")
        return records.filter(topics__in=required).order_by("-completed_on", "-pk")
    topics, programmes = related_ids(target.topics), related_ids(target.programmes)
    if topics or programmes:
        records = records.filter(Q(topics__in=topics) | Q(programme__in=programmes))
    return records.order_by("completed_on", "pk")


def _met(target: Target, day: dt.date, part: str = WITHIN):
    """Met by the records of `part` (`UNBOUNDED`: as if the window had no end)."""
    if target.kind == TargetKind.QUALIFICATION:
        q = Q()
        if target.min_education is not None:
            q &= Q(person__education_level__gte=target.min_education)
        if target.min_political_theory is not None:
            q &= Q(person__political_theory__gte=target.min_political_theory)
        return q
    if target.kind == TargetKind.TITLE_STANDARD:
        return _meets_standard(target, day, part)
    if target.all_topics and (topics := related_ids(target.topics)):
        # Every topic, each by some record (001: bargaining; supervising the law; OSH;
        # democracy at the workplace — four contents, not one of them).
        met = Q()
        for topic in topics:
            met &= Exists(_window_records(target, day, part).filter(topics=topic))
        return met
    return Exists(qualifying_records(target, day, part))


def _meets_standard(target: Target, day: dt.date, part: str) -> Q:
    """The parts of the title's standard (the row's `standard_id`) the target reads: the
    levels of education and political theory it asks, and every topic it requires (those
    among the target's own topics, when it names some), each by a record of `part`."""
    q = Q()
    if target.standard_education:
        q &= Q(std_education__isnull=True) | Q(person__education_level__gte=F("std_education"))
    if target.standard_political_theory:
        q &= Q(std_theory__isnull=True) | Q(person__political_theory__gte=F("std_theory"))
    if target.standard_topics:
        records = _window_records(target, day, part, depth=2).filter(topics=OuterRef("topic_id"))
        lacking = required_topics(topics=related_ids(target.topics)).filter(~Exists(records))
        q &= ~Exists(lacking)
    return q


def evaluated(target: Target, day: dt.date, people=None) -> QuerySet:
    """The population of `target` on `day`: one position per person, with `met`/`overdue`.

    `people` (ids or a values queryset of person ids) narrows the work to those people —
    each still counted at the unit of their lowest-id qualifying post, wherever it is."""
    judged = target.judged_on(day)  # a closed fixed deadline: its own day
    path = _scope_path(target, judged)
    if path is None or not target.is_person_based:
        return _nobody()  # e.g. its issuing unit had been merged away by that day
    candidates = _candidates(target, judged, path).alias(anchor=_anchor(target, judged))
    due_from = _due_from_q(target, judged)
    if due_from is False:
        return _nobody()
    if due_from is not True:
        candidates = candidates.filter(due_from)
    if people is not None:
        candidates = candidates.filter(person_id__in=people)
    first = candidates.values("person_id").annotate(first=Min("id")).values("first")
    qs = Position.objects.filter(id__in=Subquery(first)).annotate(
        anchor=_anchor(target, judged), window_from=_window_from(target, judged)
    )
    if (end := _window_end(target, judged)) is not None:
        qs = qs.annotate(window_end=end[1])
    if target.organised_by_responsible and target.responsible_level_id:
        # 003 §III: each level "trực tiếp tổ chức" the training of its chairs.
        qs = qs.annotate(duty_unit_id=duty_unit(target.responsible_level, judged))
    if target.kind == TargetKind.TITLE_STANDARD:
        standard = TitleStandard.objects.filter(pk=OuterRef("standard_id"))
        qs = qs.annotate(
            standard_id=standard_id_on(judged),
            std_education=Subquery(standard.values("min_education")[:1]),
            std_theory=Subquery(standard.values("min_political_theory")[:1]),
        )
    qs = qs.annotate(met=_boolean(_met(target, judged)))
    if target.kind in TRAINED_KINDS and target.window != WindowKind.YEARLY:
        # Trained, but after the deadline (§9): not met; shown beside the figure.
        late = _met(target, day, UNBOUNDED)
        qs = qs.annotate(late=_boolean(Q(met=False) & (late if isinstance(late, Q) else Q(late))))
    else:
        qs = qs.annotate(late=Value(False))
    closed = _overdue(target, day)
    if closed is False:
        overdue = Value(False)
    else:
        overdue = ExpressionWrapper(
            Q(met=False) if closed is True else Q(met=False) & closed, output_field=BooleanField()
        )
    return qs.annotate(overdue=overdue)


def _nobody() -> QuerySet:
    """No one, shaped as an evaluated population (the counts and lists read its columns)."""
    no = Value(False, output_field=BooleanField())
    return Position.objects.none().annotate(met=no, late=no, overdue=no)


def _boolean(condition):
    if isinstance(condition, Q):
        return ExpressionWrapper(condition, output_field=BooleanField())
    return condition


Counts = tuple[int, int, int, int]  # eligible, met, overdue, late


def unit_counts(target: Target, day: dt.date, unit_ids=None) -> dict[int, Counts]:
    """Own figures per unit (people counted at the unit of their post), in one query."""
    if unit_ids is None:
        if (key := shape_key(target, day)) is not None:
            rows = compiled(("unit_counts", *key), lambda: _counted(evaluated(target, day)))
            return _counts_by_unit(rows.dicts())
        return _counts_by_unit(_counted(evaluated(target, day)))
    unit_ids = list(unit_ids)
    holders = Position.objects.active_on(target.judged_on(day)).filter(unit_id__in=unit_ids)
    qs = evaluated(target, day, holders.values("person_id")).filter(unit_id__in=unit_ids)
    return _counts_by_unit(_counted(qs))


def _counted(qs: QuerySet) -> QuerySet:
    return (
        qs.order_by()
        .values("unit_id")
        .annotate(
            eligible=Count("id"),
            n_met=Count("id", filter=Q(met=True)),
            n_overdue=Count("id", filter=Q(overdue=True)),
            n_late=Count("id", filter=Q(late=True)),
        )
    )


def _counts_by_unit(rows) -> dict[int, Counts]:
    return {r["unit_id"]: (r["eligible"], r["n_met"], r["n_overdue"], r["n_late"]) for r in rows}


def shape_key(target: Target, day: dt.date) -> tuple | None:
    """What the SQL of `target`'s population on `day` is built from (lib.compiled): its
    definitions (the token they were read under), the day, today (what has closed), and its
    issuing unit's path that day. None for a target not read under a token (not kept)."""
    token = getattr(target, "definitions_token", None)
    if not token:
        return None
    return (target.pk, token, day, today(), _scope_path(target, target.judged_on(day)))


# --- a person's obligations ------------------------------------------------------------


class Status:
    MET = "met"
    DUE = "due"
    OVERDUE = "overdue"
    LATE = "late"  # missed, and trained after the deadline ("đạt muộn")
    NOT_APPLICABLE = "not_applicable"


# The words of a person's standing, the same on every page, export and report.
STATUS_LABELS = {
    Status.MET: gettext_lazy("Met"),
    Status.DUE: gettext_lazy("Due"),
    Status.OVERDUE: gettext_lazy("Overdue"),
    Status.LATE: gettext_lazy("Trained late"),
}


def status_of(met: bool, late: bool, overdue: bool) -> str:
    """A person's standing on a target, the same words on every page and export."""
    if met:
        return Status.MET
    if late:
        return Status.LATE
    return Status.OVERDUE if overdue else Status.DUE


@dataclass
class Obligation:
    target: Target
    status: str
    position: Position | None = None
    record: TrainingRecord | None = None
    due_on: dt.date | None = None


def due_on(target: Target, position: Position, day: dt.date) -> dt.date | None:
    """The last day of the window for this position, as the user reads it (the same anchors
    as `_anchor` in SQL)."""
    window = target.window
    term = position.term
    if window == WindowKind.TERM:
        return term.end_date if term else None
    if window == WindowKind.YEARLY:
        return dt.date(day.year, 12, 31)
    if window == WindowKind.FIXED_DATE:
        return target.deadline
    if window == WindowKind.YEARS_FROM_TERM_START:
        anchor = max(term.start_date, position.start_date) if term else position.start_date
        return due_after(anchor, 12 * target.window_count)
    return due_after(position.start_date, target.window_count)


def with_records(qs: QuerySet, target: Target, day: dt.date) -> QuerySet:
    """The evaluated positions with `record_id` (the first record that met the target) and
    `late_record_id` (the first made after its deadline); None for a qualification."""
    if target.kind not in TRAINED_KINDS or qs.query.is_empty():  # no record to look up
        none = Value(None, output_field=IntegerField())
        return qs.annotate(record_id=none, late_record_id=none)
    return qs.annotate(
        record_id=Subquery(qualifying_records(target, target.judged_on(day)).values("pk")[:1]),
        late_record_id=Subquery(qualifying_records(target, day, AFTER).values("pk")[:1]),
    )


def shown_record_id(position, status: str) -> int | None:
    """The record to show beside a status: the one that met it, or the late one."""
    if status == Status.MET:
        return position.record_id
    return position.late_record_id if status == Status.LATE else None


def person_obligations(
    person: Person, day: dt.date, targets: list[Target] | None = None
) -> list[Obligation]:
    """Every target in force on `day` with this person's status: one query per target (its
    SQL compiled once per target and day, lib.compiled), and one per related kind."""
    found = []
    for target in targets if targets is not None else person_targets(day):
        found.append((target, _obligation_position(target, day, person)))
    positions = [position for _, position in found if position is not None]
    prefetch_related_objects(positions, "unit", "role", "term")
    records = TrainingRecord.objects.in_bulk(
        [p.record_id for p in positions if p.record_id]
        + [p.late_record_id for p in positions if p.late_record_id]
    )
    out = []
    for target, position in found:
        if position is None:
            out.append(Obligation(target, Status.NOT_APPLICABLE))
            continue
        status = status_of(position.met, position.late, position.overdue)
        record_id = shown_record_id(position, status)
        out.append(
            Obligation(
                target, status, position, records.get(record_id), due_on(target, position, day)
            )
        )
    return out


def _obligation_position(target: Target, day: dt.date, person: Person) -> Position | None:
    """The person's evaluated position for `target` (None: not concerned), with its record
    ids; `met`, `late` and `overdue` as booleans."""

    def query(people):
        return with_records(evaluated(target, day, people), target, day).order_by("pk")[:1]

    if (key := shape_key(target, day)) is None:
        return query([person.pk]).first()
    rows = compiled(("obligation", *key), lambda: query([STAND_IN]), stand_in=True)
    position = next(iter(rows.objects(Position, person.pk)), None)
    if position is not None:  # raw rows: SQLite gives 0/1 for the booleans
        position.met, position.late = bool(position.met), bool(position.late)
        position.overdue = bool(position.overdue)
    return position


__all__ = [
    "ONE_DAY",
    "Obligation",
    "STATUS_LABELS",
    "Status",
    "due_on",
    "evaluated",
    "person_obligations",
    "person_targets",
    "qualifying_records",
    "shown_record_id",
    "status_of",
    "with_records",
    "unit_counts",
]
