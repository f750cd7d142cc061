import secrets

from django.db import migrations, models


def first_token(apps, schema_editor):
    # With a row, processes may keep the targets in memory (see Revision).
    apps.get_model("targets", "Revision").objects.create(name="definitions",
                                                         token=secrets.token_hex(16))


class Migration(migrations.Migration):

    dependencies = [
        ("targets", "0002_builtin_targets"),
    ]

    operations = [
        migrations.CreateModel(
            name="Revision",
            fields=[
                ("name", models.CharField(max_length=40, primary_key=True, serialize=False)),
                ("token", models.CharField(max_length=32)),
            ],
        ),
        migrations.RunPython(first_token, migrations.RunPython.noop),
    ]
