"""A unit version's valid_to becomes its last day (inclusive), the convention of every dated
thing (lib.periods); it was the first day of the next version (exclusive)."""

import datetime as dt

from django.db import migrations, models


def _shift(apps, days: int) -> None:
    UnitVersion = apps.get_model("units", "UnitVersion")
    batch = []
    for version in UnitVersion.objects.filter(valid_to__isnull=False).only("pk", "valid_to"):
        version.valid_to += dt.timedelta(days=days)
        batch.append(version)
        if len(batch) >= 2000:
            UnitVersion.objects.bulk_update(batch, ["valid_to"])
            batch = []
    UnitVersion.objects.bulk_update(batch, ["valid_to"])


def to_last_day(apps, schema_editor):
    _shift(apps, -1)


def to_next_first_day(apps, schema_editor):
    _shift(apps, 1)


class Migration(migrations.Migration):
    dependencies = [
        ("units", "0005_one_line_names_and_codes"),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="unitversion",
            name="unitversion_period_positive",
        ),
        migrations.RunPython(to_last_day, to_next_first_day),
        migrations.AddConstraint(
            model_name="unitversion",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("valid_to__isnull", True),
                    ("valid_from__isnull", True),
                    ("valid_to__gte", models.F("valid_from")),
                    _connector="OR",
                ),
                name="unitversion_period_positive",
            ),
        ),
    ]
