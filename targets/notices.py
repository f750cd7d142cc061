"""Who is told of training they owe (issue 24 §1): an obligation entering its last 30 days,
and one whose deadline has just passed, to the person (through their own account) and, as one
list per unit in the daily digest, to the officers of the unit where they hold the post.

Each obligation is told once on the way in and once when it falls overdue, not every day:
a run tells those whose due day crossed a threshold since the previous run (the scheduler
passes when that was). The statuses and due days are the engine's — the same as the needs
list and the person's own page show."""

import datetime as dt
from collections import defaultdict

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy

from notifications.selectors import accounts_of, officers_of
from notifications.services import announce
from schedule.registry import Job, register
from targets.engine import due_on, evaluated, person_targets

WARNING_DAYS = 30
# A worker stopped for weeks does not, once back, tell deadlines long gone by.
LONGEST_CATCH_UP = dt.timedelta(days=WARNING_DAYS)


def _day(day: dt.date) -> str:
    return f"{day:%d/%m/%Y}"


def crossing(day: dt.date, since: dt.date):
    """The due days told on `day` when the previous run was on `since`: those entering the
    30-day warning — (since + 30, day + 30] — and those fallen overdue — [since, day)."""
    warning = (since + dt.timedelta(days=WARNING_DAYS), day + dt.timedelta(days=WARNING_DAYS))
    return lambda due: (warning[0] < due <= warning[1] and due >= day) or since <= due < day


def falling_due(day: dt.date, since: dt.date) -> list[dict]:
    """Every obligation not met on `day` whose due day crossed a threshold since `since`:
    {person_id, unit_id, name, target, due, overdue}. Reads each target's unmet population
    once (no per-person query)."""
    told = crossing(day, since)
    found = []
    for target in person_targets(day):
        unmet = evaluated(target, day).filter(met=False).select_related("person", "term")
        for position in unmet.iterator(chunk_size=2000):
            due = due_on(target, position, day)
            if due is not None and told(due):
                found.append(
                    {
                        "person_id": position.person_id,
                        "unit_id": position.unit_id,
                        "name": position.person.full_name,
                        "target": f"{target.code} — {target.name}",
                        "due": _day(due),
                        "overdue": due < day,
                    }
                )
    return found


def tell_falling_due(previous: dt.datetime | None, now: dt.datetime) -> str:
    """The scheduled job: tell the people and their units' officers (see the module)."""
    day = timezone.localdate(now)
    since = timezone.localdate(previous) if previous else day - dt.timedelta(days=1)
    since = max(since, day - LONGEST_CATCH_UP)
    if since >= day:
        return "0"
    items = falling_due(day, since)
    by_person, by_unit = defaultdict(list), defaultdict(list)
    for item in items:
        by_person[item["person_id"]].append(item)
        by_unit[item["unit_id"]].append(item)
    accounts = defaultdict(list)
    for account in accounts_of(by_person):
        accounts[account.person_id].append(account)
    for person_id, owed in by_person.items():
        if accounts[person_id]:
            announce(
                recipients=accounts[person_id],
                kind="obligations_due",
                url=reverse("my_profile"),
                items=[{k: i[k] for k in ("target", "due", "overdue")} for i in owed],
            )
    officers = defaultdict(list)
    for officer in officers_of(by_unit):
        officers[officer.unit_id].append(officer)
    for unit_id, owed in by_unit.items():
        if officers[unit_id]:
            announce(
                recipients=officers[unit_id],
                kind="obligations_due_unit",
                url=reverse("targets:needs"),
                unit=officers[unit_id][0].unit.name,
                items=[{k: i[k] for k in ("name", "target", "due", "overdue")} for i in owed],
            )
    return f"{len(items)} / {len(by_person)} / {len(by_unit)}"


def register_jobs() -> None:
    register(
        Job(
            code="targets.falling_due",
            label=gettext_lazy("Tell people and officers of training falling due or overdue"),
            every=dt.timedelta(days=1),
            at=dt.time(6, 0),
            run=tell_falling_due,
        )
    )
