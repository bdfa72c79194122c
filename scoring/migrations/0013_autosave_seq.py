from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("scoring", "0012_d_labels"),
    ]

    operations = [
        migrations.AddField(
            model_name="attempt",
            name="autosave_seq",
            field=models.PositiveIntegerField(default=0, editable=False),
        ),
    ]
