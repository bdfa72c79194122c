"""The configurable tie-break chain (issue 15): each key decides alone when every other key
ties — in the pure rule, in the database order of the ranking selectors, in the SQL order of
the publication's window functions — and says why in Vietnamese; `chain_for` leads the overall
ranking with the cumulative rule's key; rankings and publications per round and per category;
the lookup explains a place by the chain it was published with."""

import datetime

import pytest
from django.core.cache import cache
from django.db import connection

from contests.models import Category, Contest, Round
from contests.rules.tie_breaks import CumulativeRule, TieBreak
from participants.models import Registration
from scoring.models import Attempt, PublishedRank, Result, ResultsSnapshot
from scoring.rules import ranking
from scoring.rules.ranking import RankRow
from scoring.selectors.public_results import results_lookup
from scoring.selectors.results import rank_row, ranking_for, results_in_scope, results_ranked
from scoring.services.grading import attempts_grade
from scoring.services.prizes import results_publish
from scoring.services.published_ranks import published_ranks_fill
from tests.conftest import make_organiser
from tests.scoring.grading_data import (
    T0,
    bank_contest,
    contest_close,
    contest_questions,
    make_attempt,
    register,
)

S = datetime.timedelta(seconds=1)

# Equal on every key: each case below changes one key of `ahead` or `behind`.
BASE = {
    "correct_count": 10,
    "prediction_error": 5,
    "duration_ms": 100_000,
    "finished_at": T0,
    "graded_attempts": 2,
    "perfect_attempts": 1,
    "first_started_at": T0 - 600 * S,
    "rounds_correct_total": 30,
    "perfect_rounds": 1,
}

# key: (ahead's values, behind's values, what the explanation says after "vì ").
CASES = {
    "most_correct": (
        {"correct_count": 11},
        {},
        "trả lời đúng nhiều câu hơn (11 câu so với 10 câu)",
    ),
    "closest_prediction": (
        {"prediction_error": 3},
        {"prediction_error": None},
        "có trả lời câu hỏi dự đoán (sai số 3)",
    ),
    "shortest_duration": (
        {"duration_ms": 99_500},
        {},
        "thời gian làm bài ngắn hơn (1:39,500 so với 1:40,000)",
    ),
    "earliest_finish": ({}, {"finished_at": T0 + S}, "nộp bài sớm hơn"),
    "fewer_attempts": (
        {"graded_attempts": 1},
        {"graded_attempts": 3},
        "thi ít lần hơn (1 lần so với 3 lần)",
    ),
    "more_perfect_attempts": (
        {"perfect_attempts": 2},
        {},
        "có nhiều bài đạt điểm tuyệt đối hơn (2 bài so với 1 bài)",
    ),
    "earliest_registration": ({}, {}, "đăng ký dự thi trước (mã đăng ký"),
    "earliest_start": (
        {},
        {"first_started_at": None},
        "bắt đầu làm bài lần đầu sớm hơn",
    ),
    "round_sum": (
        {"rounds_correct_total": 31},
        {},
        "có tổng số câu đúng các tuần/vòng cao hơn (31 so với 30)",
    ),
    "perfect_rounds": (
        {"perfect_rounds": 2},
        {},
        "có nhiều tuần/vòng đạt điểm tuyệt đối hơn (2 so với 1)",
    ),
}


def test_every_key_has_a_case_and_a_label():
    assert set(CASES) == set(ranking.KEYS) | set(ranking.CUMULATIVE_KEYS)
    assert set(ranking.KEYS) == set(TieBreak.values)
    assert set(ranking.CUMULATIVE_KEYS) == set(CumulativeRule.values) - {"best_attempt"}
    for name, key in {**ranking.KEYS, **ranking.CUMULATIVE_KEYS}.items():
        choices = TieBreak if name in TieBreak.values else CumulativeRule
        assert key.name == name
        assert key.label == str(choices(name).label)


def _chain(key: str) -> tuple[str, ...]:
    """Every other organiser key first (all tied), then `key`: only `key` can decide."""
    others = [k for k in TieBreak.values if k not in (key, "earliest_registration")]
    if key in ranking.CUMULATIVE_KEYS:
        return (key, *others)
    return (*others, key)


def _rows(key: str, ids: tuple[int, int]) -> tuple[RankRow, RankRow]:
    """(ahead, behind). The registration order, which ends every chain, favours `behind`
    (its id is the smaller) except for the registration key itself."""
    ahead_values, behind_values, _reason = CASES[key]
    small, big = sorted(ids)
    ahead_id, behind_id = (small, big) if key == "earliest_registration" else (big, small)
    ahead = RankRow(registration_id=ahead_id, **{**BASE, **ahead_values})
    behind = RankRow(registration_id=behind_id, **{**BASE, **behind_values})
    return ahead, behind


@pytest.mark.parametrize("key", sorted(CASES))
def test_each_key_decides_alone_in_the_pure_rule(key):
    ahead, behind = _rows(key, (1, 2))
    chain = _chain(key)
    assert ranking.rank([behind, ahead], chain) == [(1, ahead), (2, behind)]
    assert ranking.rank([ahead, behind], chain) == [(1, ahead), (2, behind)]
    text = ranking.explain(behind, ahead, chain)
    assert CASES[key][2] in text
    assert text.startswith(f"Người dự thi #{ahead.registration_id} xếp trên")
    # The keys before it are said as tied ("cùng …"); a cumulative key leads, so decides first.
    assert (": cùng " in text) == (key not in ranking.CUMULATIVE_KEYS)
    label = ranking.CUMULATIVE_KEYS.get(key) or ranking.KEYS[key]
    assert ranking.rule_lines(chain)[chain.index(key)].startswith(label.label)


@pytest.fixture
def pair(tree):
    """Two people with graded results in one contest; their result columns are set by each
    test (the grading of those columns is tested in test_grading)."""
    contest = bank_contest(tree, questions=5, slug="xep-hang-chuoi")
    questions = contest_questions(contest)
    people = [register(contest, tree["A-1"]) for _ in range(2)]
    for registration in people:
        make_attempt(registration, questions, correct=3)
    attempts_grade(attempt_ids=Attempt.objects.values_list("id", flat=True))
    return contest, people


def _set(contest, key):
    """Give the contest `key`'s chain and the two results `key`'s values."""
    chain = _chain(key)
    if key in ranking.CUMULATIVE_KEYS:
        contest.cumulative_rule, contest.tie_break_chain = key, list(chain[1:])
    else:
        contest.cumulative_rule, contest.tie_break_chain = "best_attempt", list(chain)
    contest.save(update_fields=["cumulative_rule", "tie_break_chain"])
    assert ranking.chain_for(contest) == chain
    ids = tuple(Registration.objects.filter(contest=contest).values_list("id", flat=True))
    ahead, behind = _rows(key, ids)
    for row in (ahead, behind):
        values = {name: getattr(row, name) for name in BASE}
        Result.objects.filter(registration_id=row.registration_id, round=None).update(**values)
    return chain, ahead, behind


@pytest.mark.django_db
@pytest.mark.parametrize("key", sorted(CASES))
def test_each_key_decides_alone_in_the_database(pair, key):
    contest, _people = pair
    chain, ahead, behind = _set(contest, key)
    expected = [ahead.registration_id, behind.registration_id]
    # The selectors (ORM order)...
    assert list(results_in_scope(contest=contest).values_list("registration_id", flat=True)) == (
        expected
    )
    table = ranking_for(contest=contest)
    assert [(e.rank, e.registration_id) for e in table.entries] == [
        (1, expected[0]),
        (2, expected[1]),
    ]
    assert table.entries[0].row() == ahead
    # ...the publication's SQL order...
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT r.registration_id FROM {Result._meta.db_table} r "  # noqa: S608
            "WHERE r.contest_id = %s AND r.round_id IS NULL "
            f"ORDER BY {ranking.order_by_sql('r', chain)}",
            [contest.pk],
        )
        assert [row[0] for row in cursor.fetchall()] == expected
    # ...and the rows read back from the database explain the same way.
    rows = {r.registration_id: rank_row(r) for r in Result.objects.filter(contest=contest)}
    assert rows[ahead.registration_id] == ahead
    assert CASES[key][2] in ranking.explain(rows[expected[1]], rows[expected[0]], chain)


def test_chain_for_leads_the_overall_ranking_with_the_cumulative_key():
    contest = Contest(
        tie_break_chain=["fewer_attempts", "most_correct"], cumulative_rule="round_sum"
    )
    assert ranking.chain_for(contest) == ("round_sum", "fewer_attempts", "most_correct")
    assert ranking.chain_for(contest, round=Round()) == ("fewer_attempts", "most_correct")
    contest.cumulative_rule = "best_attempt"
    assert ranking.chain_for(contest) == ("fewer_attempts", "most_correct")
    # A chain that could not be saved (unknown key, duplicate) ranks by the default chain.
    for bad in (["nope"], ["most_correct", "most_correct"], "most_correct"):
        contest.tie_break_chain = bad
        assert ranking.chain_for(contest) == ranking.DEFAULT_CHAIN


def test_rule_lines_end_with_the_registration_order():
    lines = ranking.rule_lines(ranking.DEFAULT_CHAIN)
    assert lines[0] == "Nhiều câu trả lời đúng hơn"
    assert lines[1].startswith("Dự đoán gần đáp án hơn (người không trả lời")
    assert lines[-1] == "Nếu vẫn bằng nhau ở mọi tiêu chí: người đăng ký dự thi trước xếp trên"
    assert len(lines) == len(ranking.DEFAULT_CHAIN) + 1
    # Registration order named in the chain: it is the last line, no repetition.
    lines = ranking.rule_lines(("fewer_attempts", "earliest_registration"))
    assert lines == [
        "Số lần thi ít hơn (đếm mọi bài đã nộp và được chấm)",
        "Đăng ký dự thi sớm hơn (theo thứ tự hệ thống ghi nhận đăng ký)",
    ]


# --- Rounds, the cumulative ranking, categories ------------------------------------------------


@pytest.fixture
def weekly(tree):
    """Two weeks of 5 questions. An: week 1 perfect and fast, week 2 nothing right (best 5,
    total 5, 1 perfect week). Bình: 4 and 4 (best 4, total 8, none perfect). Chi: 5 and 5,
    slower (best 5, total 10, 2 perfect weeks). So the three overall rules rank them three
    ways. Chi and Bình are pupils (a category), An an official."""
    contest = bank_contest(tree, questions=5, slug="hang-tuan")
    questions = contest_questions(contest)
    weeks = [
        Round.objects.create(
            contest=contest,
            number=n,
            title=f"Tuần {n}",
            opens_at=T0 + (n - 1) * datetime.timedelta(days=7),
            closes_at=T0 + n * datetime.timedelta(days=7),
        )
        for n in (1, 2)
    ]
    pupils = Category.objects.create(contest=contest, name="Học sinh, sinh viên", order=2)
    officials = Category.objects.create(contest=contest, name="Cán bộ, công chức", order=1)
    plan = {
        "An": (officials, [(5, 90), (0, 60)]),
        "Bình": (pupils, [(4, 200), (4, 200)]),
        "Chi": (pupils, [(5, 300), (5, 300)]),
    }
    people = {}
    for name, (category, attempts) in plan.items():
        registration = register(
            contest, tree["A-1"], category=category, participant__full_name=name
        )
        for week, (correct, seconds) in zip(weeks, attempts, strict=True):
            make_attempt(
                registration,
                questions,
                correct=correct,
                seconds=seconds,
                round=week,
                start=week.opens_at,
            )
        people[name] = registration
    attempts_grade(attempt_ids=Attempt.objects.values_list("id", flat=True))
    return contest, weeks, people, {"pupils": pupils, "officials": officials}


def _names(queryset, people):
    by_id = {r.pk: name for name, r in people.items()}
    return [by_id[i] for i in queryset.values_list("registration_id", flat=True)]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("rule", "order"),
    [
        ("best_attempt", ["An", "Chi", "Bình"]),
        ("round_sum", ["Chi", "Bình", "An"]),
        ("perfect_rounds", ["Chi", "An", "Bình"]),
    ],
)
def test_the_overall_ranking_follows_the_cumulative_rule(weekly, rule, order):
    contest, weeks, people, _categories = weekly
    Contest.objects.filter(pk=contest.pk).update(cumulative_rule=rule)
    contest.refresh_from_db()
    assert _names(results_ranked(contest=contest), people) == order
    assert [e.name for e in ranking_for(contest=contest).entries] == order
    # A week ranks by the chain alone, whatever the overall rule.
    assert _names(results_ranked(contest=contest, round=weeks[0]), people) == ["An", "Chi", "Bình"]
    assert _names(results_ranked(contest=contest, round=weeks[1]), people) == ["Chi", "Bình", "An"]


@pytest.mark.django_db
def test_a_category_ranks_its_own_people(weekly):
    contest, weeks, people, categories = weekly
    pupils = categories["pupils"]
    assert _names(results_ranked(contest=contest, category=pupils), people) == ["Chi", "Bình"]
    table = ranking_for(contest=contest, round=weeks[1], category=categories["officials"])
    assert [(e.rank, e.name) for e in table.entries] == [(1, "An")]


@pytest.mark.django_db
def test_a_round_snapshot_ranks_that_round_and_keeps_its_chain(weekly):
    contest, weeks, people, _categories = weekly
    Contest.objects.filter(pk=contest.pk).update(
        cumulative_rule="round_sum", tie_break_chain=["most_correct", "earliest_start"]
    )
    contest.refresh_from_db()
    snapshot = ResultsSnapshot.objects.create(
        contest=contest, round=weeks[1], version=1, prizes=[], budget={}
    )
    published_ranks_fill(snapshot=snapshot)
    ranks = PublishedRank.objects.filter(snapshot=snapshot).order_by("overall_rank")
    by_id = {r.pk: name for name, r in people.items()}
    assert [by_id[r.registration_id] for r in ranks] == ["Chi", "Bình", "An"]
    # The week's own columns were kept (first start: that week's attempt).
    chi = ranks[0]
    assert (chi.correct_count, chi.first_started_at) == (5, weeks[1].opens_at)
    assert snapshot.rank_totals["chain"] == ["most_correct", "earliest_start"]
    overall = ResultsSnapshot.objects.create(
        contest=contest, round=None, version=1, prizes=[], budget={}
    )
    published_ranks_fill(snapshot=overall)
    ranks = PublishedRank.objects.filter(snapshot=overall).order_by("overall_rank")
    assert [by_id[r.registration_id] for r in ranks] == ["Chi", "Bình", "An"]
    assert [r.rounds_correct_total for r in ranks] == [10, 8, 5]
    assert overall.rank_totals["chain"] == ["round_sum", "most_correct", "earliest_start"]


# --- The lookup explains by the published chain -----------------------------------------------


@pytest.fixture
def _clean_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.mark.django_db
@pytest.mark.usefixtures("_clean_cache")
def test_the_lookup_explains_by_the_chain_it_was_published_with(tree):
    contest = bank_contest(
        tree, questions=5, slug="tra-cuu-chuoi", tie_break_chain=["fewer_attempts", "most_correct"]
    )
    questions = contest_questions(contest)
    once = register(contest, tree["A-1"])
    twice = register(contest, tree["A-1"])
    make_attempt(once, questions, correct=3)
    make_attempt(twice, questions, correct=5)
    make_attempt(twice, questions, correct=4)
    attempts_grade(attempt_ids=Attempt.objects.values_list("id", flat=True))
    contest_close(contest, prediction_actual=1)
    results_publish(contest=contest, user=make_organiser(None, "root", superuser=True))
    # The organiser changes the chain afterwards: what was published stays explained as ranked.
    Contest.objects.filter(pk=contest.pk).update(tie_break_chain=[])
    registration = Registration.objects.select_related("contest", "participant", "unit").get(
        pk=twice.pk
    )
    lookup = results_lookup(registration=registration, own=True)
    assert [s.rank for s in lookup.standings][0] == 2
    assert lookup.why_above == (
        "Người dự thi hạng 1 xếp trên bạn vì thi ít lần hơn (1 lần so với 2 lần)."
    )
