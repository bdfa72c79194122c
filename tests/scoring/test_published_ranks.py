"""The ranks frozen at publication (scoring.models.PublishedRank): equal to the pure rule
`ranking.rank()` on the same rows — overall, per district (`district_of`), per age group —
without the disqualified and excluded people; a new version gets its own rows; the SQL order
of the window functions is `ranking.order_by()`'s; the lookup reads them in a pinned number of
queries. Marked sqlite: the publication's INSERT … SELECT runs on the embedded demo's SQLite
too."""

import datetime
import random
from collections import defaultdict

import pytest
from django.core.cache import cache
from django.db import connection

from contests.models import ExcludedPerson
from participants.models import Registration
from scoring.models import Attempt, PublishedRank, Result
from scoring.rules import ranking
from scoring.rules.ranking import RankRow
from scoring.selectors.public_results import district_of, results_lookup
from scoring.services.disqualification import registration_disqualify
from scoring.services.grading import attempts_grade
from scoring.services.prizes import results_publish
from tests.conftest import make_organiser
from tests.scoring.grading_data import (
    T0,
    bank_contest,
    contest_close,
    contest_questions,
    make_attempt,
    register,
)

pytestmark = [pytest.mark.sqlite, pytest.mark.django_db]

UNITS = ("A-1", "A-2", "B-1", "C-D-1")


@pytest.fixture(autouse=True)
def _clean_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def contest_with_ties(tree):
    """24 people over two districts' wards and a department, two age groups, results crafted
    to tie on every key in turn (no prediction, equal errors, durations and finishes)."""
    contest = bank_contest(tree, questions=5, slug="xep-hang-cong-bo")
    questions = contest_questions(contest)
    rng = random.Random(14)
    people = []
    for i in range(24):
        code = UNITS[i % len(UNITS)]
        extra = {"block": tree["C-D"]} if code == "C-D-1" else {}
        if i % 3 == 0:
            extra |= {"age_on_reference": 15, "age_group": "u18", "guardian_consent": True}
        registration = register(contest, tree[code], **extra)
        make_attempt(registration, questions, correct=3)
        people.append(registration)
    attempts_grade(attempt_ids=Attempt.objects.values_list("id", flat=True))
    contest_close(contest, prediction_actual=3)
    for registration in people:
        Result.objects.filter(registration=registration).update(
            correct_count=rng.choice([3, 4]),
            prediction_error=rng.choice([None, 0, 2]),
            duration_ms=rng.choice([100_000, 100_500]),
            finished_at=T0 + datetime.timedelta(seconds=rng.choice([0, 1])),
        )
    return contest, people, make_organiser(None, "root", superuser=True)


def _expected(contest, apart: set[int]):
    """{registration id: (overall, district rank, age rank)} by the pure rule."""
    registrations = {r.pk: r for r in Registration.objects.filter(contest=contest)}
    rows = [
        RankRow(
            r.registration_id, r.correct_count, r.prediction_error, r.duration_ms, r.finished_at
        )
        for r in Result.objects.filter(contest=contest, round=None)
        if r.registration_id not in apart
    ]
    expected = {row.registration_id: [position, None, None] for position, row in ranking.rank(rows)}
    districts, ages = defaultdict(list), defaultdict(list)
    for row in rows:
        registration = registrations[row.registration_id]
        district = district_of(registration.unit, block_id=registration.block_id)
        if district is not None:
            districts[district.pk].append(row)
        ages[registration.age_group].append(row)
    for groups, index in ((districts, 1), (ages, 2)):
        for group in groups.values():
            for position, row in ranking.rank(group):
                expected[row.registration_id][index] = position
    return {rid: tuple(ranks) for rid, ranks in expected.items()}


def _published(snapshot):
    return {
        p.registration_id: (p.overall_rank, p.district_rank, p.age_rank)
        for p in PublishedRank.objects.filter(snapshot=snapshot)
    }


def test_published_ranks_are_the_rule_and_each_version_has_its_own(contest_with_ties):
    contest, people, root = contest_with_ties
    first = results_publish(contest=contest, user=root)
    assert _published(first) == _expected(contest, apart=set())
    assert len(_published(first)) == 24
    assert first.rank_totals["overall"] == 24
    assert sum(first.rank_totals["districts"].values()) == 24  # A, B and the department
    assert first.rank_totals["age_groups"]["u18"] == 8
    # A disqualification and an exclusion, then a new version: left out of its ranks only.
    registration_disqualify(registration=people[0], reason_code="cheating", user=root)
    ExcludedPerson.objects.create(contest=contest, document_number=people[5].document_number)
    second = results_publish(contest=contest, user=root, replaces=1)
    apart = {people[0].pk, people[5].pk}
    assert _published(second) == _expected(contest, apart=apart)
    assert not apart & set(_published(second))
    assert second.rank_totals["overall"] == 22
    assert len(_published(first)) == 24  # version 1 keeps what it published


def test_nobody_in_a_district(tree):
    """People registered at the city itself have no district: no district rank, no total (an
    empty mapping of districts joins as an empty row source)."""
    contest = bank_contest(tree, questions=5, slug="khong-quan")
    questions = contest_questions(contest)
    for seconds in (100, 90):
        make_attempt(register(contest, tree["C"]), questions, correct=3, seconds=seconds)
    attempts_grade(attempt_ids=Attempt.objects.values_list("id", flat=True))
    contest_close(contest, prediction_actual=3)
    snapshot = results_publish(contest=contest, user=make_organiser(None, "root", superuser=True))
    assert sorted(_published(snapshot).values()) == [(1, None, 1), (2, None, 2)]
    assert snapshot.rank_totals["districts"] == {}


def test_the_sql_order_is_the_rule(contest_with_ties):
    contest, _people, _root = contest_with_ties
    table = Result._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT r.id FROM {table} r WHERE r.contest_id = %s AND r.round_id IS NULL "  # noqa: S608
            f"ORDER BY {ranking.order_by_sql('r')}",
            [contest.pk],
        )
        by_sql = [row[0] for row in cursor.fetchall()]
    by_orm = list(
        Result.objects.filter(contest=contest, round=None)
        .order_by(*ranking.order_by())
        .values_list("pk", flat=True)
    )
    assert by_sql == by_orm


def test_the_lookup_reads_the_published_ranks(contest_with_ties, django_assert_num_queries):
    contest, people, root = contest_with_ties
    snapshot = results_publish(contest=contest, user=root)
    registration = Registration.objects.select_related("contest", "participant", "unit").get(
        pk=people[6].pk
    )
    results_lookup(registration=registration, own=True)  # warm the winners' cache
    published = PublishedRank.objects.get(snapshot=snapshot, registration_id=registration.pk)
    # The result, the set-apart check, the person's published row, the two neighbours.
    with django_assert_num_queries(4):
        lookup = results_lookup(registration=registration, own=True)
    assert [(s.rank, s.total) for s in lookup.standings] == [
        (published.overall_rank, 24),
        (published.district_rank, snapshot.rank_totals["districts"][str(published.district_id)]),
        (published.age_rank, 8),  # u18: one in three
    ]
    assert lookup.standings[1].scope == "Quận B"
    # Ranks are those published: a later change of results moves nothing until a new version.
    Result.objects.filter(contest=contest).update(correct_count=0)
    Result.objects.filter(registration=registration).update(correct_count=5)
    again = results_lookup(registration=registration, own=True)
    assert [s.rank for s in again.standings] == [s.rank for s in lookup.standings]
