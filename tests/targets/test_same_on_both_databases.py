"""The engine gives identical figures on SQLite and PostgreSQL for the same data.

The demo is deterministic, so its figures on chosen days are kept in a JSON file written by
one database and compared by the suite on both (`.ci/run` runs it on SQLite, then on
PostgreSQL). Set UPDATE_TARGET_FIGURES=1 to rewrite the file after a deliberate change of the
demo or of the rules, and say why in the commit."""

import datetime as dt
import json
import os
from pathlib import Path

from people.models import Person
from targets import snapshots
from targets.engine import person_obligations
from targets.models import TargetFigure

FILE = Path(__file__).with_name("demo_figures.json")
DAYS = [dt.date(2020, 12, 31), dt.date(2024, 6, 30), dt.date(2025, 12, 31)]


def figures_of(day: dt.date) -> dict:
    snapshot = snapshots.compute(day)
    rows = (
        TargetFigure.objects.filter(snapshot=snapshot)
        .order_by("target__code", "unit__code")
        .values_list(
            "target__code",
            "unit__code",
            "own_eligible",
            "own_met",
            "own_overdue",
            "own_late",
            "eligible",
            "met",
            "overdue",
            "late",
        )
    )
    return {f"{code} {unit}": list(values) for code, unit, *values in rows}


def obligations_of(day: dt.date) -> dict:
    people = (
        Person.objects.filter(positions__role__code="chair", citizen_id__isnull=False)
        .order_by("citizen_id")
        .distinct()[:20]
    )
    return {
        p.citizen_id: [
            (o.target.code, o.status, str(o.due_on), o.record.title if o.record else None)
            for o in person_obligations(p, day)
        ]
        for p in people
    }


def test_the_demo_figures_are_the_same_on_every_database(demo_data):
    found = {
        day.isoformat(): {"units": figures_of(day), "people": obligations_of(day)} for day in DAYS
    }
    found = json.loads(json.dumps(found))  # tuples as lists, like the file
    if os.environ.get("UPDATE_TARGET_FIGURES"):
        FILE.write_text(json.dumps(found, ensure_ascii=False, indent=0, sort_keys=True))
    expected = json.loads(FILE.read_text())
    for day in expected:
        assert found[day]["units"] == expected[day]["units"], day
        assert found[day]["people"] == expected[day]["people"], day
    # Not a vacuous comparison: the demo has people in the populations and some met.
    assert sum(v[4] for v in expected["2025-12-31"]["units"].values()) > 100
    assert sum(v[4] for v in expected["2025-12-31"]["units"].values()) > 10
