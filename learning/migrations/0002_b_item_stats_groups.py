# Hand-written (task B, item statistics): the run's upper/lower groups and a topic's draws.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("learning", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="itemstatsrun",
            name="upper_min",
            field=models.PositiveSmallIntegerField(
                null=True, verbose_name="nhóm cao: từ số câu đúng"
            ),
        ),
        migrations.AddField(
            model_name="itemstatsrun",
            name="lower_max",
            field=models.PositiveSmallIntegerField(
                null=True, verbose_name="nhóm thấp: đến số câu đúng"
            ),
        ),
        migrations.AddField(
            model_name="itemstatsrun",
            name="upper_attempts",
            field=models.PositiveIntegerField(default=0, verbose_name="số bài nhóm cao"),
        ),
        migrations.AddField(
            model_name="itemstatsrun",
            name="lower_attempts",
            field=models.PositiveIntegerField(default=0, verbose_name="số bài nhóm thấp"),
        ),
        migrations.AddField(
            model_name="topicunitstat",
            name="drawn",
            field=models.PositiveIntegerField(default=0),
        ),
    ]
