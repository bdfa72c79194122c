"""The prediction question's true value, computed from the data when a round or the contest
closes, and each result's distance to it (the second ranking key)."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Count, F, Q
from django.db.models.functions import Abs
from django.utils import timezone

from contests.models import Contest, Round
from scoring.models import Attempt, Result
from scoring.rules.prediction_question import prediction_question

Target = Contest.PredictionTarget


def prediction_actual_count(*, contest: Contest, round: Round | None = None) -> int:  # noqa: A002
    """The true value of the question's target (`prediction_question`: a round's own, else the
    contest's) over the finished attempts of the contest (or of one round), in one query:

    - perfect_participants: distinct registrations with an attempt with every answer correct;
    - perfect_attempts: attempts with every answer correct;
    - participants: distinct registrations with a finished (submitted or graded) attempt;
    - attempts: finished attempts."""
    attempts = Attempt.objects.filter(contest=contest).exclude(status=Attempt.Status.OPEN)
    if round is not None:
        attempts = attempts.filter(round=round)
    perfect = Q(status=Attempt.Status.GRADED, all_correct=True)
    counts = attempts.aggregate(
        perfect_participants=Count("registration_id", filter=perfect, distinct=True),
        perfect_attempts=Count("id", filter=perfect),
        participants=Count("registration_id", distinct=True),
        attempts=Count("id"),
    )
    return int(counts[prediction_question(contest, round).target])


def prediction_actual_compute(*, contest: Contest, round: Round | None = None) -> int:  # noqa: A002
    """Store the true value on the contest (round None) or the round, and set every result of
    that scope's `prediction_error = |prediction − actual|` (NULL where the person made no
    prediction) with one UPDATE. Safe to run again: it recomputes both from the rows."""
    actual = prediction_actual_count(contest=contest, round=round)
    with transaction.atomic():
        if round is None:
            Contest.objects.filter(pk=contest.pk).update(prediction_actual=actual)
            contest.prediction_actual = actual
            results = Result.objects.filter(contest=contest, round__isnull=True)
        else:
            Round.objects.filter(pk=round.pk).update(prediction_actual=actual)
            round.prediction_actual = actual
            results = Result.objects.filter(round=round)
        results.update(prediction_error=Abs(F("prediction") - actual))
    return actual


def predictions_compute_due(*, now=None) -> int:
    """For beat: compute the true value of every closed contest and round that has none yet,
    once no attempt of it is still open or waiting for grading (so the count is final).
    Returns how many values were computed; idempotent."""
    now = now or timezone.now()
    unfinished = [Attempt.Status.OPEN, Attempt.Status.SUBMITTED]
    computed = 0
    for round_ in Round.objects.filter(closes_at__lte=now, prediction_actual__isnull=True):
        if not Attempt.objects.filter(round=round_, status__in=unfinished).exists():
            prediction_actual_compute(contest=round_.contest, round=round_)
            computed += 1
    for contest in Contest.objects.filter(closes_at__lte=now, prediction_actual__isnull=True):
        if not Attempt.objects.filter(contest=contest, status__in=unfinished).exists():
            prediction_actual_compute(contest=contest)
            computed += 1
    return computed
