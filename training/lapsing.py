"""Training about to expire (issue 24 §5: "the person is told before it lapses, and the needs
list shows who lapses in the next 90 days").

One reading of "lapsing", for the needs list (targets.selectors.lapsing) and the daily notice:
a valid record whose last valid day falls in the days asked, unless the person has renewed it
by then — another valid record of theirs, of the same programme or sharing a topic that
carries a validity, that lasts beyond it."""

import datetime as dt

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lib.periods import ended_within, outlasts
from notifications.selectors import accounts_of
from notifications.services import announce
from schedule.registry import Job, register
from training.models import Topic, TrainingRecord

NOTICE_DAYS = 30  # the person is told this many days before the last valid day
LIST_DAYS = 90  # the needs list shows what lapses within this many days
CHUNK = 1000  # records told per round of queries


def lapsing_records(first: dt.date, last: dt.date, *, on: dt.date) -> QuerySet:
    """Valid records whose last valid day lies in [first, last], not renewed by `on`."""
    renewal = (
        TrainingRecord.objects.filter(
            outlasts(OuterRef("expires_on"), end="expires_on"),
            person=OuterRef("person_id"),
            valid=True,
            completed_on__lte=on,
        )
        .exclude(pk=OuterRef("pk"))
        .filter(
            Q(programme=OuterRef("programme_id"))
            | Q(
                topics__in=Topic.objects.filter(
                    records=OuterRef(OuterRef("pk")), validity_months__isnull=False
                )
            )
        )
    )
    return TrainingRecord.objects.filter(
        ended_within(first, last, end="expires_on"), valid=True, completed_on__lte=on
    ).exclude(Exists(renewal))


def record_url(record_id: int) -> str:
    """Where the person reads the record: their own profile, at its row."""
    return f"{reverse('my_profile')}#record-{record_id}"


def tell_lapsing(previous: dt.datetime | None, now: dt.datetime) -> str:
    """The daily job: tell each person, through their own account, of their training whose
    last valid day is NOTICE_DAYS away. The scheduler passes the window (previous, now]: the
    records whose day to be told falls in it are told, so each is told once — a day the worker
    missed is caught up on the next run, and a record already past is not told. The first run
    tells whatever lapses within NOTICE_DAYS."""
    today = _local_day(now)
    last = today + dt.timedelta(days=NOTICE_DAYS)
    first = today
    if previous is not None:
        first = max(today, _local_day(previous) + dt.timedelta(days=NOTICE_DAYS + 1))
    if first > last:
        return _("Nothing to tell.")
    records = (
        lapsing_records(first, last, on=today)
        .order_by("expires_on", "pk")
        .only("pk", "title", "completed_on", "expires_on", "person_id")
    )
    told, reached = 0, set()
    batch: list[TrainingRecord] = []
    for record in records.iterator(chunk_size=CHUNK):
        batch.append(record)
        if len(batch) == CHUNK:
            told += _tell(batch, reached)
            batch = []
    told += _tell(batch, reached)
    return _("%(records)s expiring records told to %(people)s people.") % {
        "records": told,
        "people": len(reached),
    }


def _tell(batch: list[TrainingRecord], reached: set[int]) -> int:
    """One query for the accounts of a batch, then a notice per record that has one; the
    number of records told (their people added to `reached`)."""
    if not batch:
        return 0
    accounts: dict[int, list] = {}
    for user in accounts_of({r.person_id for r in batch}):
        accounts.setdefault(user.person_id, []).append(user)
    told = 0
    for record in batch:
        users = accounts.get(record.person_id)
        if not users:
            continue
        # unless_repeated: a run given the same window again does not tell it twice.
        sent = announce(
            recipients=users,
            kind="training_lapsing",
            url=record_url(record.pk),
            unless_repeated=True,
            title=record.title,
            completed=f"{record.completed_on:%d/%m/%Y}",
            expires=f"{record.expires_on:%d/%m/%Y}",
        )
        if sent:
            told += 1
            reached.add(record.person_id)
    return told


def _local_day(moment: dt.datetime) -> dt.date:
    if timezone.is_naive(moment):
        return moment.date()
    return timezone.localdate(moment)


def register_jobs() -> None:
    """The daily notice, on the scheduler (schedule.registry); from TrainingConfig.ready()."""
    register(
        Job(
            code="training.lapsing",
            label=gettext_lazy("Tell people whose training expires in 30 days"),
            every=dt.timedelta(days=1),
            at=dt.time(6, 0),
            run=tell_lapsing,
        )
    )
