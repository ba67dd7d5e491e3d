import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("appraisals", "0002_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="ImportBatch",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("facts", "facts"),
                            ("dictionary", "indicator dictionary"),
                            ("roster", "organisation and roster"),
                        ],
                        max_length=20,
                        verbose_name="kind",
                    ),
                ),
                ("file_name", models.CharField(max_length=255, verbose_name="file name")),
                (
                    "sha256",
                    models.CharField(
                        db_index=True, max_length=64, verbose_name="SHA-256 of the file"
                    ),
                ),
                ("rows", models.PositiveIntegerField(default=0, verbose_name="rows read")),
                ("added", models.PositiveIntegerField(default=0, verbose_name="added")),
                ("changed", models.PositiveIntegerField(default=0, verbose_name="changed")),
                ("unchanged", models.PositiveIntegerField(default=0, verbose_name="unchanged")),
                (
                    "imported_at",
                    models.DateTimeField(auto_now_add=True, verbose_name="imported at"),
                ),
                (
                    "actor",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="imported by",
                    ),
                ),
                (
                    "cycle",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="appraisals.cycle",
                        verbose_name="cycle",
                    ),
                ),
            ],
            options={
                "verbose_name": "import",
                "verbose_name_plural": "imports",
                "ordering": ["-imported_at", "-pk"],
            },
        ),
    ]
