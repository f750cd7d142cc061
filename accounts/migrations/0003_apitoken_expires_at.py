"""API tokens expire (settings.API_TOKEN_DAYS after they are issued).

Tokens issued before had no end. Each gets its own: API_TOKEN_DAYS after it was issued, but
never sooner than GRACE_DAYS after this upgrade, so that a program using an old token is not
cut off on the day of the upgrade without warning (docs/deployment.md tells the operators).
"""

import datetime as dt

from django.conf import settings
from django.db import migrations, models
from django.db.models import F
from django.utils import timezone

GRACE_DAYS = 30


def give_tokens_an_end(apps, schema_editor):
    ApiToken = apps.get_model("accounts", "ApiToken")
    lifetime = dt.timedelta(days=settings.API_TOKEN_DAYS)
    earliest_end = timezone.now() + dt.timedelta(days=min(GRACE_DAYS, settings.API_TOKEN_DAYS))
    tokens = ApiToken.objects.filter(expires_at__isnull=True)
    tokens.filter(created_at__lt=earliest_end - lifetime).update(expires_at=earliest_end)
    tokens.filter(expires_at__isnull=True).update(expires_at=F("created_at") + lifetime)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="apitoken",
            name="expires_at",
            field=models.DateTimeField(null=True),
        ),
        migrations.RunPython(give_tokens_an_end, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="apitoken",
            name="expires_at",
            field=models.DateTimeField(),
        ),
    ]
