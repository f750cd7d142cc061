"""Yearly evaluations (đánh giá, xếp loại) — `001`: every cadre is evaluated every year, and
before a promotion or a rotation, by the collective's survey; the result is published to the
cadre and compared with equivalent posts.

Writes: `evaluation_save` (record, or correct while unpublished) and `evaluation_publish`.
Reads: `evaluations_visible_to` (the one rule of who sees what), `visible_evaluations` (a
person's, on their profile), `with_comparison` (each row's share of excellent + good votes
against its equivalent posts), `equivalents` (one evaluation's comparison), `distribution`,
`distribution_by_unit`, `by_role_and_level` and `not_evaluated` (a unit's year).

Who sees what: those whose role reads evaluations (accounts.access: officers and
administrators, not lecturers or inspectors) see the evaluations of their subtree; the person
evaluated sees their own once published — never before, whatever their role. Equivalent posts
are the evaluations of the same year and occasion, of the same role, in units of the same
level, within the approving unit's subtree — narrowed to the viewer's subtree for an officer,
and to published results only for anyone else.
"""

import datetime as dt
import operator
from dataclasses import dataclass
from decimal import Decimal
from functools import reduce

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import (
    Avg,
    Case,
    Count,
    Exists,
    F,
    FloatField,
    OuterRef,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Cast, Substr
from django.db.models.lookups import GreaterThan
from django.db.models.query import ModelIterable
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.access import OWN, READ, Data, is_system, may
from accounts.scope import scope_path
from cadrework.models import Evaluation, Notice, Occasion, Rating
from cadrework.services import check_scope
from lib.dates import today
from people.models import Person, Position, Role, active_on
from units.models import Unit, UnitLevel
from units.places import is_within, under

VOTE_FIELDS = ("votes_excellent", "votes_good", "votes_completed", "votes_not_completed")
MAX_VOTES = 100_000
FIRST_YEAR = 2000
# The ratings best first, with the vote field counting each.
RATING_VOTES = {
    Rating.EXCELLENT: "votes_excellent",
    Rating.GOOD: "votes_good",
    Rating.COMPLETED: "votes_completed",
    Rating.NOT_COMPLETED: "votes_not_completed",
}

RELATED = ("person__unit", "unit__kind__level", "role", "approved_by")


# --- figures ------------------------------------------------------------------------------


def _percent(part: int, whole: int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(100 * part) / whole).quantize(Decimal("0.1"))


def _rounded(value: float | None) -> Decimal | None:
    return None if value is None else Decimal(str(value)).quantize(Decimal("0.1"))


@dataclass
class RatingCount:
    rating: str
    label: str
    count: int
    percent: Decimal | None


@dataclass
class Distribution:
    """How many evaluations got each rating."""

    counts: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def rows(self) -> list[RatingCount]:
        return [
            RatingCount(
                value,
                str(label),
                self.counts.get(value, 0),
                _percent(self.counts.get(value, 0), self.total),
            )
            for value, label in Rating.choices
        ]

    @property
    def excellent_or_good(self) -> Decimal | None:
        """The share of evaluations rated excellent or good (%)."""
        return _percent(
            self.counts.get(Rating.EXCELLENT, 0) + self.counts.get(Rating.GOOD, 0), self.total
        )


@dataclass
class Comparison:
    """An evaluation against its equivalent posts (itself included)."""

    share: Decimal | None
    count: int
    average_share: Decimal | None
    distribution: Distribution


def _total_votes(prefix: str = ""):
    return sum((F(prefix + name) for name in VOTE_FIELDS[1:]), F(prefix + VOTE_FIELDS[0]))


def share_expression(prefix: str = ""):
    """The share of the collective's votes for excellent or good (%), NULL without votes."""
    total = _total_votes(prefix)
    top = F(prefix + "votes_excellent") + F(prefix + "votes_good")
    return Case(
        When(
            GreaterThan(total, 0),
            then=Cast(top, FloatField()) * Value(100.0) / Cast(total, FloatField()),
        ),
        default=None,
        output_field=FloatField(),
    )


def _rating_counts(prefix: str = "") -> dict:
    return {value: Count("pk", filter=Q(**{prefix + "rating": value})) for value in Rating.values}


def _distribution(row: dict) -> Distribution:
    return Distribution({value: row.get(value) or 0 for value in Rating.values})


# --- who sees what ------------------------------------------------------------------------


def _person_id(user) -> int | None:
    return getattr(user, "person_id", None) if user.is_authenticated else None


def _reads_subtree(user) -> bool:
    """Whether the user's role reads the subtree's evaluations (accounts.access): officers
    and administrators; not lecturers, inspectors or self-service cadres."""
    return user.is_authenticated and user.can_browse and may(user, Data.EVALUATIONS, READ)


def evaluations_visible_to(user) -> QuerySet:
    """Those whose role reads evaluations: their subtree's, except their own unpublished
    ones. Everybody: their own evaluations once published."""
    person_id = _person_id(user)
    own_published = (
        Q(person_id=person_id, published_at__isnull=False)
        if person_id and may(user, Data.EVALUATIONS, OWN)
        else Q(pk__in=[])
    )
    if _reads_subtree(user):
        path = scope_path(user)
        visible = under(path, "unit")
        if person_id:
            visible &= ~Q(person_id=person_id)
        return Evaluation.objects.filter(visible | own_published)
    return Evaluation.objects.filter(own_published)


def _equivalent_posts(itself) -> Q:
    """The one reading of "compared with equivalent posts" (001: "công khai kết quả và so
    sánh với chức danh tương đương"): the published evaluations of the same role, at the same
    unit level, year and occasion, within the approving unit's subtree — and the evaluation
    itself, published or not. Whoever reads it (the officer, the person, the API) reads the
    same figure, and an unpublished evaluation never enters another's comparison."""
    return Q(published_at__isnull=False) | Q(pk=itself)


@dataclass
class _Peers:
    """The equivalent posts of one evaluation: how many, the sum and number of their shares
    (NULL shares, without votes, left out of the average), their ratings."""

    count: int
    share_sum: float
    shares: int
    ratings: dict[str, int]

    @property
    def average_share(self) -> float | None:
        return self.share_sum / self.shares if self.shares else None


def _group_key(evaluation: Evaluation) -> tuple:
    return (
        evaluation.approved_by.path,
        evaluation.year,
        evaluation.occasion,
        evaluation.role_id,
        evaluation.unit.kind.level_id,
    )


def _published_in_groups(keys: set[tuple]) -> dict[tuple, _Peers]:
    """The published evaluations of each group of equivalent posts: one grouped query per
    depth of the approving units among the groups (a group's subtree is its approving unit's
    path, so its rows share that prefix of their unit's path): counted per prefix, role,
    level, year and occasion, each row read once. The subtrees are constant prefixes,
    so the unit path's index serves them (a prefix read from each row, as a correlated
    subquery would, is a scan per row: seconds on national data); and no condition per group
    and figure evaluated on every row (a page's dozen groups made that a hundred)."""
    if not keys:
        return {}
    share = share_expression()
    by_width: dict[int, set[tuple]] = {}
    for key in keys:
        by_width.setdefault(len(key[0]), set()).add(key)
    found: dict[tuple, _Peers] = {}
    for width, group in by_width.items():
        rows = (
            Evaluation.objects.filter(published_at__isnull=False)
            .filter(reduce(operator.or_, (under(path, "unit") for path in {k[0] for k in group})))
            .filter(
                year__in={k[1] for k in group},
                occasion__in={k[2] for k in group},
                role_id__in={k[3] for k in group},
                unit__kind__level__in={k[4] for k in group},
            )
            .annotate(_place=Substr("unit__path", 1, width), _level=F("unit__kind__level"))
            .order_by()
            .values("_place", "year", "occasion", "role_id", "_level")
            .annotate(n=Count("pk"), share_sum=Sum(share), shares=Count(share), **_rating_counts())
        )
        for row in rows:
            key = (row["_place"], row["year"], row["occasion"], row["role_id"], row["_level"])
            found[key] = _Peers(
                count=row["n"],
                share_sum=row["share_sum"] or 0.0,
                shares=row["shares"],
                ratings={value: row[value] for value in Rating.values},
            )
    return {
        key: found.get(key) or _Peers(0, 0.0, 0, dict.fromkeys(Rating.values, 0)) for key in keys
    }


def _share(evaluation: Evaluation) -> float | None:
    top = evaluation.votes_excellent + evaluation.votes_good
    return 100.0 * top / evaluation.votes if evaluation.votes else None


def _peers_of(evaluations: list[Evaluation]) -> dict[int, _Peers]:
    """Each evaluation's equivalent posts (`_equivalent_posts`): the published ones of
    every group among them in one query, the evaluation itself added when unpublished."""
    groups = _published_in_groups({_group_key(e) for e in evaluations})
    peers = {}
    for evaluation in evaluations:
        published = groups[_group_key(evaluation)]
        if evaluation.published_at is not None or not is_within(
            evaluation.unit, evaluation.approved_by
        ):
            peers[evaluation.pk] = published
            continue
        share = _share(evaluation)
        ratings = dict(published.ratings)
        ratings[evaluation.rating] = ratings.get(evaluation.rating, 0) + 1
        peers[evaluation.pk] = _Peers(
            count=published.count + 1,
            share_sum=published.share_sum + (share or 0.0),
            shares=published.shares + (share is not None),
            ratings=ratings,
        )
    return peers


class _ComparedIterable(ModelIterable):
    """Rows that come with their comparison: whatever slice of the queryset is read (a page,
    an API page, an export), its groups of equivalent posts are counted once for those rows."""

    def __iter__(self):
        rows = list(super().__iter__())
        peers = _peers_of(rows)
        for row in rows:
            row.peer_count = peers[row.pk].count
            row.peer_share = peers[row.pk].average_share
        yield from rows


def with_comparison(evaluations: QuerySet) -> QuerySet:
    """Each evaluation with `share` (its % of excellent + good votes), `peer_count` (its
    equivalent posts, itself included) and `peer_share` (their average share), the last two
    set as the rows are read (`_ComparedIterable`)."""
    compared = evaluations.select_related(*RELATED).annotate(share=share_expression())
    compared._iterable_class = _ComparedIterable
    return compared


def compared_in_order(ids: list[int]) -> list[Evaluation]:
    """The evaluations of these ids, in this order, `with_comparison`: a page found by its
    ids first (sorted on the two columns the order needs), then only its rows read with
    everything they show (one query, and the comparison's)."""
    found = {e.pk: e for e in with_comparison(Evaluation.objects.filter(pk__in=ids))}
    return [found[pk] for pk in ids if pk in found]


def visible_evaluations(user, person) -> QuerySet:
    """The evaluations of `person` the user may see (on the person's profile), latest first,
    each with its comparison."""
    return with_comparison(evaluations_visible_to(user).filter(person=person)).order_by(
        "-year", "-created_at", "-pk"
    )


def equivalents(evaluation: Evaluation) -> Comparison:
    """The evaluation against its equivalent posts (`_equivalent_posts`): how many, their
    average share of excellent + good votes, the distribution of their ratings — counted as
    the lists count them."""
    peers = _peers_of([evaluation])[evaluation.pk]
    return Comparison(
        share=_percent(evaluation.votes_excellent + evaluation.votes_good, evaluation.votes),
        count=peers.count,
        average_share=_rounded(peers.average_share),
        distribution=_distribution(peers.ratings),
    )


def listed_count(user, unit: Unit, year: int, occasion: str, whole: Distribution) -> int:
    """How many rows the list of the unit's year holds for the user (evaluations_visible_to,
    in the subtree), given `whole`, the subtree's distribution of that year: all of them but
    the user's own unpublished ones — for a role that reads the subtree; else counted."""
    listed = evaluations_visible_to(user).filter(in_subtree(unit), year=year, occasion=occasion)
    if not _reads_subtree(user):
        return listed.count()
    person_id = _person_id(user)
    if not person_id:
        return whole.total
    own = Evaluation.objects.filter(
        in_subtree(unit), person_id=person_id, year=year, occasion=occasion
    )
    return whole.total - own.filter(published_at__isnull=True).count()


# --- a unit's year ------------------------------------------------------------------------


def in_subtree(unit: Unit, field: str = "unit") -> Q:
    """Rows whose unit (through `field`) is in the unit's subtree, asked as "one of the
    subtree's units": the units found first by their path, then the rows by unit (an index
    on each), so that a grassroots union's page reads its own rows, not every row of the
    year joined to its unit's path."""
    return Q(**{f"{field}_id__in": Unit.objects.filter(under(unit)).values("pk")})


def in_year(unit: Unit, year: int, occasion: str = Occasion.YEARLY) -> QuerySet:
    """The evaluations of the unit's subtree for the year and occasion."""
    return Evaluation.objects.filter(in_subtree(unit), year=year, occasion=occasion)


def distribution(unit: Unit, year: int, occasion: str = Occasion.YEARLY) -> Distribution:
    """The ratings of the year in the unit's subtree (one query)."""
    return _distribution(in_year(unit, year, occasion).aggregate(**_rating_counts()))


@dataclass
class UnitRow:
    unit: Unit
    own: bool
    distribution: Distribution


def distribution_by_unit(unit: Unit, year: int, occasion: str = Occasion.YEARLY) -> list[UnitRow]:
    """The ratings of the unit's own posts, then of each unit directly below with its
    subtree (two queries)."""
    width = len(unit.path) + 8
    rows = (
        in_year(unit, year, occasion)
        .annotate(branch=Substr("unit__path", 1, width))
        .order_by()
        .values("branch", "rating")
        .annotate(n=Count("pk"))
    )
    counts: dict[str, dict[str, int]] = {}
    for row in rows:
        counts.setdefault(row["branch"], {})[row["rating"]] = row["n"]
    units = {u.path: u for u in Unit.objects.filter(path__in=counts)}
    out = [
        UnitRow(units[path], path == unit.path, _distribution(c))
        for path, c in counts.items()
        if path in units
    ]
    return sorted(out, key=lambda r: (not r.own, r.unit.code))


@dataclass
class RoleLevelRow:
    role: Role
    level: UnitLevel
    count: int
    average_share: Decimal | None
    distribution: Distribution


def by_role_and_level(unit: Unit, year: int, occasion: str = Occasion.YEARLY) -> list[RoleLevelRow]:
    """Equivalent posts side by side: per role and unit level in the unit's subtree, how
    many evaluations, their average share of excellent + good votes and their ratings
    (three queries)."""
    rows = list(
        in_year(unit, year, occasion)
        .order_by()
        .values("role", "unit__kind__level")
        .annotate(n=Count("pk"), average=Avg(share_expression()), **_rating_counts())
    )
    roles = Role.objects.in_bulk({r["role"] for r in rows})
    levels = UnitLevel.objects.in_bulk({r["unit__kind__level"] for r in rows})
    out = [
        RoleLevelRow(
            roles[r["role"]],
            levels[r["unit__kind__level"]],
            r["n"],
            _rounded(r["average"]),
            _distribution(r),
        )
        for r in rows
    ]
    return sorted(out, key=lambda r: (r.level.rank, r.role.rank, r.role.code))


def year_end(year: int) -> dt.date:
    return dt.date(year, 12, 31)


def not_evaluated(unit: Unit, year: int, units: Q | None = None) -> QuerySet:
    """Posts of the unit's subtree held at the end of the year by people without a yearly
    evaluation for it (`units`: of these units of it only)."""
    done = Evaluation.objects.filter(person=OuterRef("person"), year=year, occasion=Occasion.YEARLY)
    return (
        Position.objects.filter(active_on(year_end(year)), units or in_subtree(unit))
        .exclude(Exists(done))
        .select_related("person", "unit", "role")
        .order_by("unit__path", "role__rank", "person__sort_key", "pk")
    )


# The first batch of units `first_not_evaluated` reads (then 4 times more): a national
# tree's first 64 units hold ~500 posts, enough for a page (256: 45 ms, 64: 16 ms on 1M people).
FIRST_UNITS = 64


def first_not_evaluated(unit: Unit, year: int, n: int) -> list[Position]:
    """The first `n` posts of `not_evaluated`, in its order, read a batch of the subtree's
    units at a time in path order (the list's first key): a national page's first fifty are
    among its first units, and no longer found by sorting every post of the country."""
    units = Unit.objects.filter(under(unit)).order_by("path").values_list("pk", "path")
    found: list[Position] = []
    last, size = None, FIRST_UNITS
    while len(found) < n:
        # The next units after the last batch's (keyset on the path: the index's order).
        batch = list((units.filter(path__gt=last) if last else units)[:size])
        if not batch:
            break
        found += not_evaluated(unit, year, Q(unit_id__in=[pk for pk, _ in batch]))[: n - len(found)]
        last, size = batch[-1][1], size * 4
    return found


# --- writes -------------------------------------------------------------------------------


def _vote_errors(votes: dict) -> dict:
    errors = {}
    for name, value in votes.items():
        if isinstance(value, bool) or not isinstance(value, int):
            errors[name] = _("Enter a whole number of votes.")
        elif value < 0:
            errors[name] = _("Votes cannot be negative.")
        elif value > MAX_VOTES:
            errors[name] = _("At most %(max)s votes.") % {"max": f"{MAX_VOTES:,}".replace(",", ".")}
    return errors


def _check(year, occasion, rating, on) -> dict:
    errors = {}
    if rating not in Rating.values:
        errors["rating"] = _("Unknown rating “%(value)s”: use one of %(choices)s.") % {
            "value": rating,
            "choices": ", ".join(Rating.values),
        }
    if occasion not in Occasion.values:
        errors["occasion"] = _("Unknown occasion “%(value)s”: use one of %(choices)s.") % {
            "value": occasion,
            "choices": ", ".join(Occasion.values),
        }
    last = today().year
    if isinstance(year, bool) or not isinstance(year, int) or not FIRST_YEAR <= year <= last:
        errors["year"] = _("The year must be between %(first)s and %(last)s.") % {
            "first": FIRST_YEAR,
            "last": last,
        }
    if occasion in (Occasion.PROMOTION, Occasion.ROTATION):
        if on is None:
            errors["on"] = _("Give the day of the evaluation before the promotion or rotation.")
        elif on > today():
            errors["on"] = _("The day cannot be in the future.")
        elif "year" not in errors and on.year != year:
            errors["on"] = _("The day must fall in %(year)s.") % {"year": year}
    return errors


def post_held(person: Person, day: dt.date, user) -> Position | None:
    """The post the person holds on `day` that the user may evaluate: the highest-ranking one
    in the user's subtree (any, for a system job)."""
    posts = (
        Position.objects.filter(person=person)
        .filter(active_on(day))
        .select_related("unit__kind__level", "role")
        .order_by("role__rank", "-start_date", "pk")
    )
    if not is_system(user):
        posts = posts.filter(under(scope_path(user) or "\x00", "unit"))
    return posts.first()


@transaction.atomic
def evaluation_save(
    *,
    user,
    person: Person,
    year: int,
    occasion: str = Occasion.YEARLY,
    rating: str,
    self_assessment: str = "",
    votes_excellent: int = 0,
    votes_good: int = 0,
    votes_completed: int = 0,
    votes_not_completed: int = 0,
    on: dt.date | None = None,
    evaluation: Evaluation | None = None,
) -> Evaluation:
    """Record a cadre's evaluation (or correct one not yet published).

    The unit and role are those of the post the person holds at the end of the year (yearly)
    or on the day `on` (before a promotion or rotation), within the user's subtree; the
    user's unit approves. One yearly evaluation per person and year. Refused with the
    field's message, nothing written, when anything is wrong. `user=SYSTEM` is a system job
    (the unit above the post approves)."""
    if not is_system(user) and not user.can_write:
        raise PermissionDenied
    if evaluation is not None:
        # As stored now: another request may have published it since it was read.
        evaluation.published_at = (
            Evaluation.objects.select_for_update()
            .values_list("published_at", flat=True)
            .get(pk=evaluation.pk)
        )
        if evaluation.published_at:
            raise ValidationError(_("This evaluation is published: it cannot change."))
        if evaluation.person_id != person.pk:
            raise ValidationError({"person": _("An evaluation stays with its person.")})
    votes = {
        "votes_excellent": votes_excellent,
        "votes_good": votes_good,
        "votes_completed": votes_completed,
        "votes_not_completed": votes_not_completed,
    }
    errors = {**_check(year, occasion, rating, on), **_vote_errors(votes)}
    if errors:
        raise ValidationError(errors)
    day = year_end(year) if occasion == Occasion.YEARLY else on
    position = post_held(person, day, user)
    when = day.strftime("%d/%m/%Y")
    if position is None:
        path = scope_path(user) if not is_system(user) else ""
        if path is not None and is_within(person.unit, path):
            errors["person"] = _(
                "%(name)s holds no union post on %(day)s: there is nothing to evaluate."
            ) % {"name": person.full_name, "day": when}
        else:
            errors["person"] = _("%(name)s is outside your scope.") % {"name": person.full_name}
    elif not is_system(user) and user.person_id == person.pk:
        errors["person"] = _("You cannot record your own evaluation.")
    if occasion == Occasion.YEARLY and "person" not in errors:
        others = Evaluation.objects.filter(person=person, year=year, occasion=occasion)
        if evaluation is not None:
            others = others.exclude(pk=evaluation.pk)
        if others.exists():
            errors["year"] = _("%(name)s already has a yearly evaluation for %(year)s.") % {
                "name": person.full_name,
                "year": year,
            }
    if errors:
        raise ValidationError(errors)
    if not is_system(user):
        check_scope(user, user.unit, kind=Data.EVALUATIONS)
        approving = user.unit
    else:
        approving = position.unit.parent or position.unit
    evaluation = evaluation or Evaluation(person=person)
    evaluation.unit, evaluation.role = position.unit, position.role
    evaluation.year, evaluation.occasion, evaluation.rating = year, occasion, rating
    evaluation.self_assessment = (self_assessment or "").strip()
    for name, value in votes.items():
        setattr(evaluation, name, value)
    evaluation.approved_by = approving
    evaluation.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            evaluation.save()
    except IntegrityError:  # another request recorded the same yearly evaluation meanwhile
        raise ValidationError(
            {
                "year": _("%(name)s already has a yearly evaluation for %(year)s.")
                % {"name": person.full_name, "year": year}
            }
        ) from None
    return evaluation


@transaction.atomic
def evaluation_publish(*, user, evaluation: Evaluation) -> Evaluation:
    """Publish the result: from now on the person sees it (and is told on their profile)."""
    if not is_system(user) and not user.can_write:
        raise PermissionDenied
    given, evaluation = (
        evaluation,
        (
            Evaluation.objects.select_for_update()
            .select_related("unit", "person")
            .get(pk=evaluation.pk)
        ),
    )
    if not is_system(user):
        check_scope(user, evaluation.unit, kind=Data.EVALUATIONS)
    if evaluation.published_at:
        raise ValidationError(_("This evaluation is already published."))
    evaluation.published_at = given.published_at = timezone.now()
    evaluation.save(update_fields=["published_at"])
    Notice.objects.create(
        person=evaluation.person,
        text=_("Your evaluation (%(occasion)s, %(year)s) is published: %(rating)s.")
        % {
            "occasion": evaluation.get_occasion_display().lower(),
            "year": evaluation.year,
            "rating": evaluation.get_rating_display().lower(),
        },
    )
    return evaluation
