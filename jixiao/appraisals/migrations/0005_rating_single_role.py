from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("appraisals", "0004_result_wording"),
    ]

    operations = [
        migrations.AddConstraint(
            model_name="rating",
            constraint=models.UniqueConstraint(
                condition=models.Q(
                    ("role__in", ("direct", "indirect", "self", "skip_level", "supervisor"))
                ),
                fields=("appraisal", "item", "role"),
                name="appraisals_rating_single_role",
            ),
        ),
    ]
