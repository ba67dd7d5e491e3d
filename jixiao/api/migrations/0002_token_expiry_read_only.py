"""Tokens expire and may be read-only (issue 10). A token made before this has a
year from the day it was made, as a new one does."""

import datetime
from typing import Any

from django.db import migrations, models


def one_year_from_creation(apps: Any, schema_editor: Any) -> None:
    Token = apps.get_model("api", "Token")
    for token in Token.objects.filter(expires_at__isnull=True).only("pk", "created_at"):
        Token.objects.filter(pk=token.pk).update(
            expires_at=token.created_at + datetime.timedelta(days=365)
        )


class Migration(migrations.Migration):
    dependencies = [
        ("api", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="token",
            name="read_only",
            field=models.BooleanField(
                default=False,
                help_text="reads only: every request that would change something is refused",
                verbose_name="read-only",
            ),
        ),
        migrations.AddField(
            model_name="token",
            name="expires_at",
            field=models.DateTimeField(
                null=True,
                help_text="the token stops working at this moment",
                verbose_name="expires at",
            ),
        ),
        migrations.RunPython(one_year_from_creation, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="token",
            name="expires_at",
            field=models.DateTimeField(
                help_text="the token stops working at this moment", verbose_name="expires at"
            ),
        ),
    ]
