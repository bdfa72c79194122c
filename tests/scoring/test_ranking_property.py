"""Property (hypothesis), on PostgreSQL: for random tie-break chains, cumulative rules and result
rows full of ties, the database order of the ranking selector (`results_ranked`, ORM
`ranking.order_by`) and the publication's window functions (`published_ranks_fill`,
`ranking.order_by_sql`: overall and per age group) both equal the pure rule `ranking.rank`."""

import datetime
import itertools

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from contests.models import Contest
from contests.rules.tie_breaks import CumulativeRule, TieBreak
from scoring.models import Attempt, PublishedRank, Result, ResultsSnapshot
from scoring.rules import ranking
from scoring.selectors.results import rank_row, results_ranked
from scoring.services.grading import attempts_grade
from scoring.services.published_ranks import published_ranks_fill
from tests.scoring.grading_data import T0, bank_contest, contest_questions, make_attempt, register

PEOPLE = 12
S = datetime.timedelta(seconds=1)
_versions = itertools.count(1)

FIELDS = [
    "correct_count",
    "prediction_error",
    "duration_ms",
    "finished_at",
    "graded_attempts",
    "perfect_attempts",
    "first_started_at",
    "rounds_correct_total",
    "perfect_rounds",
]
# Small domains, so that most keys tie for many rows and later keys get to decide.
row_values = st.fixed_dictionaries(
    {  # the keys: FIELDS
        "correct_count": st.integers(0, 3),
        "prediction_error": st.none() | st.integers(0, 2),
        "duration_ms": st.sampled_from([1_000, 1_001, 2_000]),
        "finished_at": st.sampled_from([T0, T0 + S, T0 + datetime.timedelta(microseconds=1)]),
        "graded_attempts": st.integers(1, 3),
        "perfect_attempts": st.integers(0, 2),
        "first_started_at": st.none() | st.sampled_from([T0 - S, T0 - 2 * S]),
        "rounds_correct_total": st.integers(0, 3),
        "perfect_rounds": st.integers(0, 2),
    }
)


def _savable(chain: list[str]) -> list[str]:
    """What the contest form lets an organiser save: nothing after the registration order."""
    if "earliest_registration" in chain:
        return chain[: chain.index("earliest_registration") + 1]
    return chain


chains = st.lists(st.sampled_from(TieBreak.values), unique=True, max_size=len(TieBreak)).map(
    _savable
)


@pytest.fixture
def contest(tree):
    contest = bank_contest(tree, questions=3, slug="xep-hang-ngau-nhien")
    questions = contest_questions(contest)
    for i in range(PEOPLE):
        extra = {"age_on_reference": 15, "age_group": "u18", "guardian_consent": True}
        registration = register(
            contest, tree["A-1" if i % 2 else "B-1"], **(extra if i % 3 else {})
        )
        make_attempt(registration, questions, correct=1)
    attempts_grade(attempt_ids=Attempt.objects.values_list("id", flat=True))
    return contest


@pytest.mark.django_db
@settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    chain=chains,
    cumulative=st.sampled_from(CumulativeRule.values),
    values=st.lists(row_values, min_size=PEOPLE, max_size=PEOPLE),
)
def test_database_and_publication_order_equal_the_pure_order(contest, chain, cumulative, values):
    Contest.objects.filter(pk=contest.pk).update(tie_break_chain=chain, cumulative_rule=cumulative)
    contest.refresh_from_db()
    effective = ranking.chain_for(contest)
    lead = (cumulative,) if cumulative != "best_attempt" else ()
    assert effective == (*lead, *(chain or ranking.DEFAULT_CHAIN))

    results = list(Result.objects.filter(contest=contest, round=None).order_by("pk"))
    for result, row in zip(results, values, strict=True):
        for name, value in row.items():
            setattr(result, name, value)
    Result.objects.bulk_update(results, FIELDS)
    rows = [rank_row(r) for r in Result.objects.filter(contest=contest, round=None)]
    pure = [row.registration_id for _rank, row in ranking.rank(rows, effective)]

    database = list(results_ranked(contest=contest).values_list("registration_id", flat=True))
    assert database == pure

    snapshot = ResultsSnapshot.objects.create(
        contest=contest, version=next(_versions), prizes=[], budget={}
    )
    published_ranks_fill(snapshot=snapshot)
    ranks = PublishedRank.objects.filter(snapshot=snapshot)
    assert [r.registration_id for r in ranks.order_by("overall_rank")] == pure
    assert snapshot.rank_totals["chain"] == list(effective)
    groups = {r.registration_id: r.age_group for r in ranks}
    for group in set(groups.values()):
        in_group = [i for i in pure if groups[i] == group]
        by_age = ranks.filter(age_group=group).order_by("age_rank")
        assert [r.registration_id for r in by_age] == in_group
    # The published key columns read back as the same rows (what the lookup explains with).
    by_id = lambda row: row.registration_id  # noqa: E731
    assert sorted((rank_row(r) for r in ranks), key=by_id) == sorted(rows, key=by_id)
