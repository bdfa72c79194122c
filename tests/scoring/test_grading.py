"""Grading from stored answers and results recomputed from attempts (services, no Celery)."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from contests.models import Option, Round
from scoring.models import Attempt, Result
from scoring.services.grading import attempts_grade
from tests.scoring.grading_data import T0, bank_contest, contest_questions, make_attempt, register

pytestmark = pytest.mark.django_db


@pytest.fixture
def contest(tree):
    return bank_contest(tree, questions=20)


@pytest.fixture
def questions(contest):
    return contest_questions(contest)


@pytest.mark.sqlite  # the Python path of the embedded demo, too
def test_grades_from_stored_answers(contest, questions, tree):
    registration = register(contest, tree["A-1"])
    attempt = make_attempt(registration, questions, correct=15, seconds=312.5)

    assert attempts_grade(attempt_ids=[attempt.pk]) == 1

    attempt.refresh_from_db()
    assert attempt.status == Attempt.Status.GRADED
    assert attempt.correct_count == 15
    assert attempt.score == Decimal("75.00")
    assert attempt.duration_ms == 312_500
    assert attempt.all_correct is False
    assert attempt.graded_at is not None
    result = Result.objects.get(registration=registration, round=None)
    assert result.best_attempt_id == attempt.pk
    assert (result.correct_count, result.score, result.duration_ms) == (
        15,
        Decimal("75.00"),
        312_500,
    )
    assert result.finished_at == attempt.finished_at


def test_all_correct_and_score_rounding(tree):
    contest = bank_contest(tree, questions=19)
    questions = contest_questions(contest)
    perfect = make_attempt(register(contest, tree["A-1"]), questions, correct=19)
    two_thirds = make_attempt(register(contest, tree["A-1"]), questions, correct=13)

    assert attempts_grade(attempt_ids=[perfect.pk, two_thirds.pk]) == 2

    perfect.refresh_from_db()
    two_thirds.refresh_from_db()
    assert (perfect.correct_count, perfect.score, perfect.all_correct) == (
        19,
        Decimal("100.00"),
        True,
    )
    # 100 × 13 / 19 = 68.421… → 68.42
    assert (two_thirds.score, two_thirds.all_correct) == (Decimal("68.42"), False)


def test_duration_is_capped_at_the_deadline(contest, questions, tree):
    # Accepted within the grace, 40 s after the 20-minute deadline: counts as 20:00.
    late = make_attempt(register(contest, tree["A-1"]), questions, correct=10, seconds=1240)
    attempts_grade(attempt_ids=[late.pk])
    late.refresh_from_db()
    assert late.duration_ms == 1_200_000


def test_grading_twice_writes_once_and_gives_the_same_rows(contest, questions, tree):
    registration = register(contest, tree["A-1"])
    attempt = make_attempt(registration, questions, correct=12, seconds=100)
    assert attempts_grade(attempt_ids=[attempt.pk]) == 1
    first = Attempt.objects.values().get(pk=attempt.pk)
    result = Result.objects.values().get(registration=registration)

    assert attempts_grade(attempt_ids=[attempt.pk, attempt.pk]) == 0

    assert Attempt.objects.values().get(pk=attempt.pk) == first
    assert Result.objects.values().get(registration=registration) == result
    assert Result.objects.count() == 1


def test_open_and_missing_attempts_are_left_alone(contest, questions, tree):
    open_attempt = make_attempt(
        register(contest, tree["A-1"]), questions, correct=20, status=Attempt.Status.OPEN
    )
    assert attempts_grade(attempt_ids=[open_attempt.pk, 999_999_999]) == 0
    assert attempts_grade(attempt_ids=[]) == 0
    open_attempt.refresh_from_db()
    assert open_attempt.status == Attempt.Status.OPEN
    assert open_attempt.correct_count is None
    assert Result.objects.count() == 0


@pytest.mark.sqlite  # the Python path of the embedded demo, too
def test_bad_answers_count_as_wrong(contest, questions, tree):
    attempt = make_attempt(register(contest, tree["A-1"]), questions, correct=20)
    q0, q1, q2, q3 = (q for q, _o, _r, _w in questions[:4])
    other_question_right = questions[5][2]
    attempt.answers = {
        **attempt.answers,
        str(q0): "not a number",
        str(q1): None,
        str(q2): other_question_right,  # the right option of another question
    }
    del attempt.answers[str(q3)]  # unanswered
    attempt.save(update_fields=["answers"])

    attempts_grade(attempt_ids=[attempt.pk])
    attempt.refresh_from_db()
    assert attempt.correct_count == 16


@pytest.mark.sqlite  # the Python path of the embedded demo, too
def test_several_correct_options(contest, questions, tree):
    q, opts, right, _wrong = questions[0]
    Option.objects.filter(pk=opts[1]).update(is_correct=True)
    single = make_attempt(register(contest, tree["A-1"]), questions, correct=20)
    exact_set = make_attempt(register(contest, tree["A-1"]), questions, correct=20)
    partial_set = make_attempt(register(contest, tree["A-1"]), questions, correct=20)
    exact_set.answers[str(q)] = [opts[1], right]
    exact_set.save(update_fields=["answers"])
    partial_set.answers[str(q)] = [right]
    partial_set.save(update_fields=["answers"])

    attempts_grade(attempt_ids=[single.pk, exact_set.pk, partial_set.pk])

    counts = dict(Attempt.objects.values_list("id", "correct_count"))
    # A single answer among the correct options counts; a list must be the exact set.
    assert counts == {single.pk: 20, exact_set.pk: 20, partial_set.pk: 19}


def test_best_attempt_most_correct_then_shortest_then_earliest(contest, questions, tree):
    registration = register(contest, tree["A-1"])
    make_attempt(registration, questions, correct=15, seconds=100)
    slow = make_attempt(registration, questions, correct=17, seconds=500)
    fast_late = make_attempt(
        registration, questions, correct=17, seconds=450, start=T0 + datetime.timedelta(hours=2)
    )
    fast_early = make_attempt(registration, questions, correct=17, seconds=450, prediction=42)
    ids = list(Attempt.objects.values_list("id", flat=True))

    attempts_grade(attempt_ids=ids[:2])
    assert Result.objects.get(registration=registration).best_attempt_id == slow.pk

    attempts_grade(attempt_ids=ids)
    result = Result.objects.get(registration=registration)
    assert result.best_attempt_id == fast_early.pk
    assert (result.correct_count, result.duration_ms, result.prediction) == (17, 450_000, 42)
    assert fast_late.pk != result.best_attempt_id


@pytest.mark.sqlite  # the Python path of the embedded demo, too
def test_results_per_round_and_for_the_contest(contest, questions, tree):
    week1 = Round.objects.create(
        contest=contest,
        number=1,
        title="Tuần 1",
        opens_at=T0,
        closes_at=T0 + datetime.timedelta(days=7),
    )
    week2 = Round.objects.create(
        contest=contest,
        number=2,
        title="Tuần 2",
        opens_at=T0 + datetime.timedelta(days=7),
        closes_at=T0 + datetime.timedelta(days=14),
    )
    registration = register(contest, tree["A-1"])
    a1 = make_attempt(registration, questions, correct=18, seconds=600, round=week1)
    a2 = make_attempt(registration, questions, correct=16, seconds=60, round=week2)
    a3 = make_attempt(registration, questions, correct=16, seconds=50, round=week2)

    attempts_grade(attempt_ids=[a1.pk, a2.pk, a3.pk])

    best = dict(Result.objects.values_list("round_id", "best_attempt_id"))
    assert best == {None: a1.pk, week1.pk: a1.pk, week2.pk: a3.pk}


@pytest.mark.parametrize(
    ("in_sql", "queries"),
    [
        # savepoint, lock the owners, grade and write the result rows, release
        (True, 4),
        # savepoint, lock the owners, attempts, key, update, graded attempts, contest,
        # results, insert, release
        (False, 10),
    ],
)
def test_a_batch_costs_a_fixed_number_of_queries(contest, questions, tree, in_sql, queries):
    small = [
        make_attempt(register(contest, tree["A-1"]), questions, correct=5).pk for _ in range(2)
    ]
    big = [make_attempt(register(contest, tree["B-1"]), questions, correct=9).pk for _ in range(25)]
    with CaptureQueriesContext(connection) as two:
        attempts_grade(attempt_ids=small, in_sql=in_sql)
    with CaptureQueriesContext(connection) as many:
        attempts_grade(attempt_ids=big, in_sql=in_sql)
    assert len(two.captured_queries) == len(many.captured_queries)
    assert len(many.captured_queries) == queries
    assert Result.objects.count() == 27


def test_regrade_recomputes_graded_attempts_from_the_current_key(contest, questions, tree):
    registration = register(contest, tree["A-1"])
    attempt = make_attempt(registration, questions, correct=19, seconds=100)
    attempts_grade(attempt_ids=[attempt.pk])
    q, opts, right, wrong = questions[19]  # answered wrong with `wrong`
    Option.objects.filter(question_id=q).update(is_correct=False)
    Option.objects.filter(pk=wrong).update(is_correct=True)

    assert attempts_grade(attempt_ids=[attempt.pk]) == 0  # not a regrade: nothing changes
    assert Result.objects.get(registration=registration).correct_count == 19

    assert attempts_grade(attempt_ids=[attempt.pk], regrade=True) == 1
    attempt.refresh_from_db()
    assert (attempt.correct_count, attempt.all_correct) == (20, True)
    assert Result.objects.get(registration=registration).correct_count == 20


def test_a_single_attempt_task_takes_the_waiting_backlog_along(contest, questions, tree):
    """Under a submit rush one task per submission is queued; the first grades the waiting
    ones too (oldest first, at most BACKLOG_BATCH), the later ones find theirs graded."""
    from scoring.services import grading
    from scoring.tasks import grade_attempt

    attempts = [
        make_attempt(register(contest, tree["A-1"]), questions, correct=10 + i, seconds=100 + i)
        for i in range(5)
    ]
    still_open = make_attempt(
        register(contest, tree["A-1"]), questions, correct=20, status=Attempt.Status.OPEN
    )
    assert grading.attempt_grade_with_backlog(attempt_id=attempts[4].pk, limit=2) == 3
    statuses = dict(Attempt.objects.values_list("id", "status"))
    # Its own attempt and the two oldest waiting ones.
    assert [statuses[a.pk] for a in attempts] == [
        "graded",
        "graded",
        "submitted",
        "submitted",
        "graded",
    ]

    assert grade_attempt(attempts[2].pk) == 2  # the task: its own and the last waiting one
    assert grade_attempt(attempts[3].pk) == 0  # already graded: nothing written twice
    assert Attempt.objects.filter(status=Attempt.Status.GRADED).count() == 5
    assert sorted(
        Attempt.objects.values_list("correct_count", flat=True).exclude(pk=still_open.pk)
    ) == [10, 11, 12, 13, 14]
    assert Attempt.objects.get(pk=still_open.pk).status == Attempt.Status.OPEN
    assert Result.objects.count() == 5


@pytest.mark.django_db(transaction=True)
def test_backlog_claimed_by_another_worker_is_left_to_it(tree):
    """Two workers never grade the same backlog: attempts another transaction has claimed
    (here: locked by a thread standing for the other worker) are skipped, without waiting."""
    import threading

    from django.db import connections, transaction

    from scoring.services import grading

    contest = bank_contest(tree, questions=20)
    questions = contest_questions(contest)
    attempts = [
        make_attempt(register(contest, tree["A-1"]), questions, correct=10, seconds=100 + i)
        for i in range(4)
    ]
    claimed, release = threading.Event(), threading.Event()

    def other_worker():
        with transaction.atomic():
            ids = [attempts[0].pk, attempts[3].pk]  # the oldest, and the task's own attempt
            list(Attempt.objects.filter(id__in=ids).select_for_update().values_list("id"))
            claimed.set()
            release.wait(30)
        connections.close_all()

    thread = threading.Thread(target=other_worker)
    thread.start()
    try:
        assert claimed.wait(30)
        assert grading.attempt_grade_with_backlog(attempt_id=attempts[3].pk) == 2
    finally:
        release.set()
        thread.join(30)
    statuses = dict(Attempt.objects.values_list("id", "status"))
    assert [statuses[a.pk] for a in attempts] == ["submitted", "graded", "graded", "submitted"]


def test_results_summarise_the_scopes_attempts_per_local_day(contest, questions, tree):
    """The result rows count the scope's graded attempts, those with every answer correct,
    and both per Asia/Ho_Chi_Minh day (17:00 UTC is already the next day there): what the
    report roll-ups count instead of the attempts."""
    week1, week2 = (
        Round.objects.create(
            contest=contest,
            number=n,
            title=f"Tuần {n}",
            opens_at=T0 + datetime.timedelta(days=7 * (n - 1)),
            closes_at=T0 + datetime.timedelta(days=7 * n),
        )
        for n in (1, 2)
    )
    registration = register(contest, tree["A-1"])
    late = datetime.datetime(2026, 9, 8, 16, 50, tzinfo=datetime.UTC)  # + 600 s: 00:00 on 9/9
    attempts = [
        make_attempt(registration, questions, correct=20, seconds=600, round=week1),
        make_attempt(registration, questions, correct=16, seconds=600, start=late, round=week2),
        make_attempt(registration, questions, correct=20, start=T0 + datetime.timedelta(hours=1)),
        make_attempt(registration, questions, correct=3, status=Attempt.Status.OPEN),
    ]
    attempts_grade(attempt_ids=[a.pk for a in attempts])

    rows = {
        r["round_id"]: r
        for r in Result.objects.values(
            "round_id",
            "graded_attempts",
            "perfect_attempts",
            "days",
            "day_attempts",
            "day_perfect_attempts",
        )
    }
    sept = datetime.date(2026, 9, 1), datetime.date(2026, 9, 9)
    assert rows[None] == {
        "round_id": None,
        "graded_attempts": 3,
        "perfect_attempts": 2,
        "days": list(sept),
        "day_attempts": [2, 1],
        "day_perfect_attempts": [2, 0],
    }
    assert {k: v for k, v in rows[week1.pk].items() if k != "round_id"} == {
        "graded_attempts": 1,
        "perfect_attempts": 1,
        "days": [sept[0]],
        "day_attempts": [1],
        "day_perfect_attempts": [1],
    }
    assert {k: v for k, v in rows[week2.pk].items() if k != "round_id"} == {
        "graded_attempts": 1,
        "perfect_attempts": 0,
        "days": [sept[1]],
        "day_attempts": [1],
        "day_perfect_attempts": [0],
    }

    # A regrade that takes the perfect score away is counted at once (and the best changes).
    q, _opts, right, _wrong = questions[0]
    Option.objects.filter(pk=right).update(is_correct=False)
    attempts_grade(attempt_ids=[attempts[0].pk, attempts[2].pk], regrade=True)
    contest_row = Result.objects.get(registration=registration, round=None)
    assert (contest_row.perfect_attempts, contest_row.day_perfect_attempts) == (0, [0, 0])
    assert (contest_row.graded_attempts, contest_row.correct_count) == (3, 19)


def test_backfill_migration_gives_what_grading_writes(contest, questions, tree):
    """Migration 0004 fills the summary of result rows written before it (here: blanked)
    exactly as results_recompute would."""
    from importlib import import_module
    from types import SimpleNamespace

    from django.apps import apps

    from scoring.services.grading import results_recompute

    week1 = Round.objects.create(
        contest=contest,
        number=1,
        title="Tuần 1",
        opens_at=T0,
        closes_at=T0 + datetime.timedelta(days=7),
    )
    people = [register(contest, tree["A-1"]), register(contest, tree["B-1"])]
    attempts = [
        make_attempt(people[0], questions, correct=20, round=week1),
        make_attempt(people[0], questions, correct=5, start=T0 + datetime.timedelta(hours=17)),
        make_attempt(people[1], questions, correct=20, start=T0 + datetime.timedelta(days=2)),
        make_attempt(people[1], questions, correct=20, start=T0 + datetime.timedelta(days=2)),
    ]
    attempts_grade(attempt_ids=[a.pk for a in attempts])
    written = list(Result.objects.order_by("id").values())
    Result.objects.update(
        graded_attempts=0, perfect_attempts=0, days=[], day_attempts=[], day_perfect_attempts=[]
    )

    migration = import_module("scoring.migrations.0004_result_rollup_summary")
    # What RunPython uses of the schema editor (SQLite's cannot open inside a test's atomic).
    editor = SimpleNamespace(
        connection=connection,
        quote_name=connection.ops.quote_name,
        execute=lambda sql: connection.cursor().execute(sql),
    )
    migration.backfill(apps, editor)

    assert list(Result.objects.order_by("id").values()) == written
    assert results_recompute(registration_ids=[p.pk for p in people]) == 0
