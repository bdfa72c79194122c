# Hand-written (task B2, item statistics): what a run keeps so the next one can continue from it.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("learning", "0002_b_item_stats_groups"),
    ]

    operations = [
        migrations.AddField(
            model_name="itemstatsrun",
            name="incremental",
            field=models.BooleanField(default=False, verbose_name="tính tiếp từ lần trước"),
        ),
        migrations.AddField(
            model_name="itemstatsrun",
            name="graded_until",
            field=models.DateTimeField(
                blank=True, null=True, verbose_name="đã tính các bài chấm đến"
            ),
        ),
        migrations.AddField(
            model_name="itemstatsrun",
            name="counted_id_sum",
            field=models.BigIntegerField(default=0),
        ),
        migrations.AddField(
            model_name="itemstatsrun",
            name="counted_correct_sum",
            field=models.BigIntegerField(default=0),
        ),
        migrations.AddField(
            model_name="itemstatsrun",
            name="key_fingerprint",
            field=models.CharField(blank=True, default="", max_length=64),
        ),
        migrations.AddField(
            model_name="itemstatsrun",
            name="counts",
            field=models.JSONField(blank=True, default=dict),
        ),
    ]
