from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("appraisals", "0003_cycle_steps"),
    ]

    operations = [
        migrations.AddField(
            model_name="result",
            name="wording",
            field=models.JSONField(
                blank=True,
                default=dict,
                help_text=(
                    "the traces, adjustment names and errors of the result in other languages"
                    " than the engine's English, by language (zh: Chinese)"
                ),
                verbose_name="wording",
            ),
        ),
    ]
