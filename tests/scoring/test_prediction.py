"""The prediction question's true value and each result's error."""

import datetime

import pytest
from django.utils import timezone

from contests.models import Contest, Round
from scoring.models import Attempt, Result
from scoring.services.grading import attempts_grade
from scoring.services.prediction import (
    prediction_actual_compute,
    prediction_actual_count,
    predictions_compute_due,
)
from tests.scoring.grading_data import T0, bank_contest, contest_questions, make_attempt, register

pytestmark = pytest.mark.django_db


@pytest.fixture
def data(tree):
    """Four people: An 2 perfect attempts, Binh 1 perfect + 1 not, Chi 1 not perfect, Dung an
    open attempt only (not a participant yet)."""
    contest = bank_contest(tree, questions=5)
    questions = contest_questions(contest)
    week = Round.objects.create(
        contest=contest,
        number=1,
        title="Tuần 1",
        opens_at=T0,
        closes_at=T0 + datetime.timedelta(days=7),
    )
    people = {n: register(contest, tree["A-1"]) for n in ("an", "binh", "chi", "dung")}
    make_attempt(people["an"], questions, correct=5, prediction=3, round=week)
    make_attempt(people["an"], questions, correct=5, prediction=7)
    make_attempt(people["binh"], questions, correct=5, prediction=1, round=week)
    make_attempt(people["binh"], questions, correct=4, prediction=100)
    make_attempt(people["chi"], questions, correct=3)
    make_attempt(people["dung"], questions, correct=5, status=Attempt.Status.OPEN)
    attempts_grade(attempt_ids=Attempt.objects.values_list("id", flat=True))
    return contest, week, people


@pytest.mark.parametrize(
    ("target", "contest_value", "round_value"),
    [
        ("perfect_participants", 2, 2),
        ("perfect_attempts", 3, 2),
        ("participants", 3, 2),
        ("attempts", 5, 2),
    ],
)
def test_true_value_per_target(data, target, contest_value, round_value):
    contest, week, _people = data
    contest.prediction_target = target
    assert prediction_actual_count(contest=contest) == contest_value
    assert prediction_actual_count(contest=contest, round=week) == round_value


def test_errors_are_set_for_the_contest_and_the_round(data):
    contest, week, people = data
    assert prediction_actual_compute(contest=contest) == 2
    contest.refresh_from_db()
    assert contest.prediction_actual == 2
    errors = dict(
        Result.objects.filter(round=None).values_list("registration_id", "prediction_error")
    )
    # The best attempt's prediction counts: An's first perfect attempt (3), Binh's perfect
    # one (1); Chi made no prediction.
    assert errors == {people["an"].pk: 1, people["binh"].pk: 1, people["chi"].pk: None}
    assert Result.objects.filter(round=week).values_list("prediction_error", flat=True).count() == 2
    assert set(Result.objects.filter(round=week).values_list("prediction_error", flat=True)) == {
        None
    }

    assert prediction_actual_compute(contest=contest, round=week) == 2
    week.refresh_from_db()
    assert week.prediction_actual == 2
    assert dict(
        Result.objects.filter(round=week).values_list("registration_id", "prediction_error")
    ) == {people["an"].pk: 1, people["binh"].pk: 1}


def test_a_result_recomputed_later_keeps_its_error(data, tree):
    contest, _week, people = data
    prediction_actual_compute(contest=contest)
    questions = contest_questions(contest)
    later = make_attempt(people["chi"], questions, correct=5, seconds=10, prediction=6)
    attempts_grade(attempt_ids=[later.pk])
    assert Result.objects.get(registration=people["chi"], round=None).prediction_error == 4


def test_due_values_wait_for_the_last_attempt(data):
    contest, week, people = data
    past = timezone.now() - datetime.timedelta(minutes=1)
    Contest.objects.filter(pk=contest.pk).update(
        opens_at=past - datetime.timedelta(days=30), closes_at=past
    )
    Round.objects.filter(pk=week.pk).update(closes_at=past)
    # Dung's attempt is still open: the contest's value waits; the round's can be computed.
    assert predictions_compute_due() == 1
    contest.refresh_from_db()
    week.refresh_from_db()
    assert (contest.prediction_actual, week.prediction_actual) == (None, 2)

    Attempt.objects.filter(registration=people["dung"]).update(
        status=Attempt.Status.SUBMITTED, finished_at=T0
    )
    assert predictions_compute_due() == 0  # submitted, not graded yet
    attempts_grade(attempt_ids=Attempt.objects.values_list("id", flat=True))
    assert predictions_compute_due() == 1
    contest.refresh_from_db()
    assert contest.prediction_actual == 3
    assert predictions_compute_due() == 0
