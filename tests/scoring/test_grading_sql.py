"""Property (hypothesis), on PostgreSQL: grading in SQL (`scoring.services.grading_sql`) gives
the same attempts and result rows as the Python path that applies the pure rules
(`attempts_grade(..., in_sql=False)`), for random batches full of what grading must get
right: unanswered questions, option ids out of range or of another question, answers that are
not option ids (true, 1.5, " 12", "١", lists, nested lists), a question with two correct
options, one with none, one removed after the draw, question counts that differ from the
items, late submissions, open and already graded attempts, regrades, rounds, local days,
predictions, ties on every best-attempt key, a stale result row, duplicate and unknown ids in
the batch, and the same batch graded twice.

Each example grades the same rows both ways, each inside a savepoint rolled back afterwards,
and compares every column (and which rows were written: `graded_at`, `updated_at`)."""

import datetime

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from contests.models import Contest, Option, Question, Round
from scoring.models import Attempt, Result
from scoring.services.grading import attempts_grade, results_recompute
from tests.scoring.grading_data import T0, bank_contest, register

PEOPLE = 3
MISSING_QUESTION = 10**12  # drawn, then gone: no such question version

ANSWERS = [
    "right",
    "wrong",
    "other_question",
    "missing",
    "null",
    "string",
    "spaced",
    "float",
    "half",
    "true",
    "negative",
    "too_big",
    "largest_id",
    "text",
    "arabic",
    "key_list",
    "key_list_shuffled",
    "one_in_list",
    "list_with_junk",
    "empty_list",
    "string_list",
    "nested_list",
    "object",
]


def answer_value(kind: str, *, options: list[int], key: list[int], other: int):
    right = key[0] if key else options[0]
    wrong = next(o for o in options if o not in key)
    return {
        "right": right,
        "wrong": wrong,
        "other_question": other,
        "null": None,
        "string": str(right),
        "spaced": f" {right}",
        "float": float(right),
        "half": right + 0.5,
        "true": True,
        "negative": -right,
        "too_big": 10**18,
        "largest_id": 10**18 - 1,
        "text": "abc",
        "arabic": "١",
        "key_list": sorted(key),
        "key_list_shuffled": [*reversed(key), *key],
        "one_in_list": [right],
        "list_with_junk": [*key, "x"],
        "empty_list": [],
        "string_list": [str(o) for o in key],
        "nested_list": [[right]],
        "object": {"id": right},
    }[kind]


attempt_specs = st.fixed_dictionaries(
    {
        "person": st.integers(0, PEOPLE - 1),
        "round": st.sampled_from([None, None, 0, 1]),
        "status": st.sampled_from(["submitted", "submitted", "submitted", "graded", "open"]),
        # Indexes into the world's drawable questions (the last one: removed after the draw).
        "drawn": st.lists(st.integers(0, 6), max_size=6, unique=True),
        "answers": st.lists(st.sampled_from(ANSWERS), min_size=7, max_size=7),
        "seconds": st.sampled_from([0, 1.5, 300, 300.0005, 1199.9999, 1200, 1260.25]),
        # 17:00 UTC is the next day in Vietnam: attempts on one and two local days.
        "start": st.sampled_from([0, 0, 16 * 3600 + 1800, 86400]),
        "question_count": st.sampled_from([None, None, 0, 9]),
        "prediction": st.none() | st.integers(0, 3),
        "old_correct": st.integers(0, 6),
    }
)


@pytest.fixture
def world(tree):
    """A contest with two rounds, three people and seven drawable questions: four with one
    correct option, one with two, one with none, and one removed after the draw."""
    contest = bank_contest(tree, questions=6, slug="cham-bang-sql")
    questions = list(Question.objects.filter(contest=contest).order_by("id"))
    options = {
        q.id: list(Option.objects.filter(question=q).order_by("id").values_list("id", flat=True))
        for q in questions
    }
    Option.objects.filter(question=questions[4], id=options[questions[4].id][1]).update(
        is_correct=True
    )
    Option.objects.filter(question=questions[5]).update(is_correct=False)
    rounds = [
        Round.objects.create(
            contest=contest,
            number=n + 1,
            title=f"Tuần {n + 1}",
            opens_at=T0 + datetime.timedelta(days=7 * n),
            closes_at=T0 + datetime.timedelta(days=7 * (n + 1)),
        )
        for n in range(2)
    ]
    key = {
        q: list(
            Option.objects.filter(question_id=q, is_correct=True)
            .order_by("id")
            .values_list("id", flat=True)
        )
        for q in options
    }
    gone = [10**12 + 1, 10**12 + 2, 10**12 + 3]
    drawable = [(q.id, options[q.id], key[q.id]) for q in questions] + [
        (MISSING_QUESTION, gone, [gone[0]])  # what its key was before it was removed
    ]
    people = [register(contest, tree["A-1" if i % 2 else "B-1"]) for i in range(PEOPLE)]
    return {"contest": contest, "rounds": rounds, "drawable": drawable, "people": people}


def make_attempts(world, specs) -> list[int]:
    ids, has_open = [], set()
    for number, spec in enumerate(specs, start=1):
        person = world["people"][spec["person"]]
        status = spec["status"]
        if status == "open" and spec["person"] in has_open:
            status = "submitted"  # at most one open attempt per person (a constraint)
        if status == "open":
            has_open.add(spec["person"])
        drawn = [world["drawable"][i] for i in spec["drawn"]]
        answers = {}
        for n, (q, options, key) in enumerate(drawn):
            kind = spec["answers"][n]
            if kind != "missing":
                other = world["drawable"][(spec["drawn"][n] + 1) % 6][1][0]
                answers[str(q)] = answer_value(kind, options=options, key=key, other=other)
        start = T0 + datetime.timedelta(seconds=spec["start"])
        old = spec["old_correct"]
        graded = status == "graded"
        attempt = Attempt.objects.create(
            registration=person,
            contest=world["contest"],
            round=world["rounds"][spec["round"]] if spec["round"] is not None else None,
            number=number,
            status=status,
            items=[{"q": q, "o": options} for q, options, _key in drawn],
            answers=answers,
            prediction=spec["prediction"],
            started_at=start,
            deadline=start + datetime.timedelta(minutes=20),
            finished_at=start + datetime.timedelta(seconds=spec["seconds"]),
            submitted_at=start,
            question_count=len(drawn) if spec["question_count"] is None else spec["question_count"],
            # An earlier grading (before a key fix): what a plain grading keeps, a regrade redoes.
            correct_count=old if graded else None,
            score=old * 10 if graded else None,
            duration_ms=1000 * old if graded else None,
            all_correct=graded and old == 6,
            graded_at=T0 if graded else None,
        )
        ids.append(attempt.pk)
    return ids


def state():
    attempts = {
        row["id"]: row
        for row in Attempt.objects.values(
            "id", "status", "correct_count", "score", "duration_ms", "all_correct", "graded_at"
        )
    }
    results = {
        (row.pop("registration_id"), row.pop("round_id")): row for row in Result.objects.values()
    }
    for row in results.values():
        del row["id"]
    return attempts, results


def grade(*, ids, registrations, regrade, in_sql):
    """Grade the batch (with a duplicate and an unknown id), grade it again, recompute the
    results twice; return what each wrote and the rows, then roll everything back."""
    before_attempts, before_results = state()
    with transaction.atomic():
        written = attempts_grade(
            attempt_ids=[*ids, ids[0], 999_999_999], regrade=regrade, in_sql=in_sql
        )
        again = attempts_grade(attempt_ids=ids, in_sql=in_sql)
        recomputed = results_recompute(registration_ids=registrations, in_sql=in_sql)
        recomputed_again = results_recompute(registration_ids=registrations, in_sql=in_sql)
        attempts, results = state()
        transaction.set_rollback(True)
    for attempt_id, row in attempts.items():
        # graded_at is the grading's "now": compare whether it moved, not the moment.
        row["graded_at"] = row["graded_at"] != before_attempts[attempt_id]["graded_at"]
    for scope, row in results.items():
        old = before_results.get(scope)
        row["updated_at"] = old is None or row["updated_at"] != old["updated_at"]
    return written, again, recomputed, recomputed_again, attempts, results


@pytest.mark.django_db
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    specs=st.lists(attempt_specs, min_size=1, max_size=8),
    regrade=st.booleans(),
    actual=st.sampled_from([(None, None), (2, None), (1, 3)]),
    stale=st.booleans(),
)
def test_sql_grading_equals_the_pure_rules(world, specs, regrade, actual, stale):
    with transaction.atomic():
        Contest.objects.filter(pk=world["contest"].pk).update(prediction_actual=actual[0])
        Round.objects.filter(pk=world["rounds"][0].pk).update(prediction_actual=actual[1])
        ids = make_attempts(world, specs)
        registrations = [p.pk for p in world["people"]]
        if stale:
            # A row left from before (another best, another round): rewritten or deleted.
            Result.objects.create(
                registration=world["people"][specs[0]["person"]],
                contest=world["contest"],
                round=world["rounds"][1],
                best_attempt_id=ids[0],
                correct_count=1,
                score=50,
                duration_ms=5,
                finished_at=T0,
            )
        python = grade(ids=ids, registrations=registrations, regrade=regrade, in_sql=False)
        sql = grade(ids=ids, registrations=registrations, regrade=regrade, in_sql=True)
        transaction.set_rollback(True)

    assert sql[4] == python[4]  # attempts
    assert sql[5] == python[5]  # result rows
    # Attempts written, written by the same batch again, result rows written by a recompute
    # and by a second one.
    assert sql[:4] == python[:4]
    assert (python[1], python[3]) == (0, 0)
