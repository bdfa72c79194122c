"""The ranks frozen with a results snapshot: one row per ranked person, filled at publication
by one INSERT … SELECT with window functions (scoring.services.published_ranks), so the results
lookup reads a person's overall, district and age-group rank by primary key instead of
ranking the contest at every lookup. The ranking key columns are kept so the lookup can
explain a place against the neighbours (by overall rank) as they were published."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from contests.models import Unit

from .grading import ResultsSnapshot


class PublishedRank(models.Model):
    # No index of its own: the unique constraints below start with it.
    snapshot = models.ForeignKey(
        ResultsSnapshot, on_delete=models.CASCADE, related_name="ranks", db_index=False
    )
    # Not a foreign key: a city's publication inserts 1.5 million rows, and a snapshot is
    # immutable (the registration is never deleted while a snapshot names it).
    registration_id = models.BigIntegerField()
    # The district as `public_results.district_of` says at publication (null: none); the
    # constraint is left out for the same reason, and a unit outlives its results.
    district = models.ForeignKey(
        Unit,
        null=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        related_name="+",
    )
    age_group = models.CharField(max_length=20, blank=True)
    overall_rank = models.PositiveIntegerField()
    district_rank = models.PositiveIntegerField(null=True)
    age_rank = models.PositiveIntegerField()
    # The ranking keys at publication (scoring.rules.ranking.RankRow), for the explanation.
    correct_count = models.IntegerField()
    prediction_error = models.BigIntegerField(null=True)
    duration_ms = models.IntegerField()
    finished_at = models.DateTimeField()
    # The keys only some chains use (contests.rules.tie_breaks); kept whatever the chain, so
    # the row explains itself by the chain kept on the snapshot (rank_totals["chain"]).
    graded_attempts = models.PositiveIntegerField(default=0)
    perfect_attempts = models.PositiveIntegerField(default=0)
    first_started_at = models.DateTimeField(null=True)
    rounds_correct_total = models.PositiveIntegerField(default=0)
    perfect_rounds = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("thứ hạng đã công bố")
        verbose_name_plural = pgettext_lazy("plural", "thứ hạng đã công bố")
        constraints = [
            models.UniqueConstraint(
                fields=["snapshot", "registration_id"], name="published_rank_person_unique"
            ),
            models.UniqueConstraint(
                fields=["snapshot", "overall_rank"], name="published_rank_overall_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.snapshot_id}: #{self.registration_id} hạng {self.overall_rank}"
