from django.db import models


class BareRow(models.Model):
    """The bare insert: one JSON row, like an attempt's answers."""

    data = models.JSONField()

    class Meta:
        app_label = "bench_baseline"

    def __str__(self) -> str:
        return str(self.pk)
