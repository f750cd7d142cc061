"""A class's audience, and for the classes already held, the audience read off who attended:
the category most of its accepted participants were in on its first day (a full-time post,
only part-time posts, no post); a class nobody attended stays "cadres and members"."""

from collections import Counter, defaultdict

from django.db import migrations, models
from django.db.models import Exists, OuterRef

from lib.periods import in_force_q


def audience_from_attendees(apps, schema_editor):
    TrainingClass = apps.get_model("training", "TrainingClass")
    Enrolment = apps.get_model("training", "Enrolment")
    Position = apps.get_model("people", "Position")

    def held(**extra):
        # A post held on the class's first day.
        day = OuterRef("training_class__start_date")
        return Exists(Position.objects.filter(in_force_q(day), person=OuterRef("person"), **extra))

    counts = defaultdict(Counter)
    rows = (
        Enrolment.objects.filter(status="accepted")
        .annotate(full=held(full_time=True), cadre=held())
        .values_list("training_class_id", "full", "cadre")
        .iterator(chunk_size=5000)
    )
    for class_id, full, cadre in rows:
        counts[class_id]["full_time" if full else "part_time" if cadre else "member"] += 1
    by_audience = defaultdict(list)
    order = ("full_time", "part_time", "member")
    for class_id, counter in counts.items():
        best = max(order, key=lambda c: (counter[c], -order.index(c)))
        by_audience[best].append(class_id)
    for audience, ids in by_audience.items():
        for start in range(0, len(ids), 500):
            TrainingClass.objects.filter(pk__in=ids[start : start + 500]).update(audience=audience)


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0001_initial"),
        ("training", "0007_institution_owner"),
    ]

    operations = [
        migrations.AddField(
            model_name="trainingclass",
            name="audience",
            field=models.CharField(
                choices=[
                    ("full_time", "Full-time union cadres"),
                    ("part_time", "Part-time union cadres"),
                    ("member", "Members and workers"),
                    ("mixed", "Cadres and members"),
                ],
                default="mixed",
                max_length=10,
                verbose_name="audience",
            ),
        ),
        migrations.RunPython(audience_from_attendees, migrations.RunPython.noop),
    ]
