"""How many may hold a post in one unit at once (a chair: one), and one open period per post.

A unit got three chairs at once (an import, "Thêm chức vụ" and the one it had) and nothing
warned (issue 19). The rules are checked by people.services.check_post_free; the database
holds what it can without a table lock: no person holds the same post in the same unit twice
with no end date. Rows already in that state are not refused by the migration: the older of
two open periods ends the day before the newer one starts (the person held the post without a
break, now recorded once), and each change is printed for the officers to check."""

import datetime as dt

from django.db import migrations, models

# One holder at a time: the union's chair, the inspection committee's chair, and a union
# group's leader. Vice-chairs, members and staff are several (no limit).
SOLE_POSTS = ("chair", "inspection_chair", "group_leader")


def seed(apps, schema_editor):
    """Also run by the tests after a flush (tests/conftest.py REFERENCE_SEEDS)."""
    Role = apps.get_model("people", "Role")
    Role.objects.filter(code__in=SOLE_POSTS, max_holders__isnull=True).update(max_holders=1)


def end_duplicate_open_posts(apps, schema_editor):
    Position = apps.get_model("people", "Position")
    doubled = (
        Position.objects.filter(end_date__isnull=True)
        .values("person_id", "unit_id", "role_id")
        .annotate(n=models.Count("id"))
        .filter(n__gt=1)
    )
    for post in doubled:
        held = list(
            Position.objects.filter(
                end_date__isnull=True,
                person_id=post["person_id"],
                unit_id=post["unit_id"],
                role_id=post["role_id"],
            ).order_by("-start_date", "-id")
        )
        newer = held[0]
        for older in held[1:]:
            # Same start day: the older row is ended on its first day (the check constraint
            # wants an end on or after the start).
            last = max(older.start_date, newer.start_date - dt.timedelta(days=1))
            older.end_date, older.end_reason = last, "reorganised"
            older.save(update_fields=["end_date", "end_reason"])
            print(
                f"\n  people.Position {older.pk}: person {older.person_id} held role "
                f"{older.role_id} in unit {older.unit_id} twice with no end date; "
                f"ended on {last:%d/%m/%Y} (position {newer.pk} carries on)."
            )
            newer = older


class Migration(migrations.Migration):
    dependencies = [("people", "0004_one_line_names_and_codes")]

    operations = [
        migrations.AddField(
            model_name="role",
            name="max_holders",
            field=models.PositiveSmallIntegerField(
                blank=True,
                help_text="How many people may hold this post in one unit at the same time; "
                "empty: no limit.",
                null=True,
                verbose_name="holders at once",
            ),
        ),
        migrations.AddConstraint(
            model_name="role",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("max_holders__isnull", True), ("max_holders__gte", 1), _connector="OR"
                ),
                name="role_max_holders_positive",
            ),
        ),
        migrations.RunPython(seed, migrations.RunPython.noop),
        migrations.RunPython(end_duplicate_open_posts, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="position",
            constraint=models.UniqueConstraint(
                condition=models.Q(("end_date__isnull", True)),
                fields=("person", "unit", "role"),
                name="position_one_open_per_post",
                violation_error_message="This person already holds this post in this unit, "
                "with no end date.",
            ),
        ),
    ]
