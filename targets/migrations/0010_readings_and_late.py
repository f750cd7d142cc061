"""T-003-1 read as 003 writes it, and late training kept apart from met (issue 20, §2 and §9).

003 §I.2.1: "Kết thúc năm thứ hai của mỗi nhiệm kỳ có 100% cán bộ lãnh đạo chủ chốt công đoàn
cấp tỉnh, cấp huyện mới được bầu được bồi dưỡng kiến thức tổng quát về tổ chức và hoạt động
công đoàn." The resolution was adopted on 12/12/2020: deadlines that fell before it are not its
obligations. A general course in the 12 months before taking the post counts. Both are settings
of the target (a union may read them otherwise); the engine reads "newly elected" and the
deadline of someone who takes the post later in the term (2 years from taking it).
"""

import datetime as dt
import secrets



from django.db import migrations, models


def seed(apps, schema_editor):
    """Idempotent (the suite runs it again after a test empties the tables)."""
    Target = apps.get_model("targets", "Target")
    Revision = apps.get_model("targets", "Revision")
    target = Target.objects.filter(code="T-003-1", builtin=True).first()
    if target is None or target.obligations_due_from is not None:
        return
    target.records_before_post_months = 12
    target.obligations_due_from = dt.date(2020, 12, 12)
    target.save(update_fields=["records_before_post_months", "obligations_due_from"])
    Revision.objects.update_or_create(name="definitions", defaults={"token": secrets.token_hex(16)})


class Migration(migrations.Migration):

    dependencies = [
        ('targets', '0009_all_topics'),
    ]

    operations = [
        migrations.AddField(
            model_name='target',
            name='obligations_due_from',
            field=models.DateField(blank=True, help_text='Only obligations whose deadline falls on or after this day count (usually the day the resolution took effect). Empty: all.', null=True, verbose_name='obligations falling due from'),
        ),
        migrations.AddField(
            model_name='target',
            name='records_before_post_months',
            field=models.PositiveSmallIntegerField(blank=True, help_text='A record made up to this many months before the person took the post counts (e.g. a general course attended just before the election). Empty: none.', null=True, verbose_name='records before taking the post count (months)'),
        ),
        migrations.AddField(
            model_name='targetfigure',
            name='late',
            field=models.PositiveIntegerField(default=0),
        ),
        migrations.AddField(
            model_name='targetfigure',
            name='own_late',
            field=models.PositiveIntegerField(default=0),
        ),
        migrations.RunPython(seed, migrations.RunPython.noop),
    ]
