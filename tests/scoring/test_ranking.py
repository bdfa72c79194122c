"""The ranking rule (pure), its explanations, and the ranking selectors."""

import datetime

import pytest

from contests.models import ExcludedPerson
from contests.rules.tie_breaks import TieBreak
from participants.models import Registration
from scoring.models import Attempt, Result
from scoring.rules import ranking
from scoring.rules.ranking import RankRow, explain, rank
from scoring.selectors.results import ranking_for, results_in_scope
from scoring.services.disqualification import registration_disqualify
from scoring.services.grading import attempts_grade
from tests.conftest import make_organiser
from tests.scoring.grading_data import T0, bank_contest, contest_questions, make_attempt, register

S = datetime.timedelta(seconds=1)


def row(rid, correct, error, ms, finished_s=0):
    return RankRow(
        registration_id=rid,
        correct_count=correct,
        prediction_error=error,
        duration_ms=ms,
        finished_at=T0 + finished_s * S,
    )


# Each pair differs first in one key; the first row of each pair is ahead.
TIES = [
    ("correct", row(9, 20, 500, 900_000, 900), row(1, 19, 0, 1_000, 0)),
    ("prediction", row(9, 18, 3, 900_000, 900), row(1, 18, 4, 1_000, 0)),
    ("no prediction last", row(9, 18, 1_000_000, 900_000, 900), row(1, 18, None, 1_000, 0)),
    ("duration", row(9, 18, 3, 299_999, 900), row(1, 18, 3, 300_000, 0)),
    ("finish", row(9, 18, 3, 300_000, 10), row(1, 18, 3, 300_000, 11)),
    ("registration id", row(1, 18, None, 300_000, 10), row(2, 18, None, 300_000, 10)),
]


@pytest.mark.parametrize(("key", "ahead", "behind"), TIES, ids=[t[0] for t in TIES])
def test_each_key_decides_in_order(key, ahead, behind):
    assert rank([behind, ahead]) == [(1, ahead), (2, behind)]
    assert rank([ahead, behind]) == [(1, ahead), (2, behind)]


def test_a_table_of_crafted_ties():
    rows = [
        row(7, 18, None, 200_000, 5),
        row(3, 20, 10, 600_000, 3),
        row(5, 18, 2, 200_000, 9),
        row(4, 18, 2, 200_000, 8),
        row(8, 18, 2, 199_000, 50),
        row(6, 18, 2, 200_000, 8),
        row(2, 20, 10, 600_000, 3),
        row(1, 17, 0, 1, 0),
    ]
    assert [(r, x.registration_id) for r, x in rank(rows)] == [
        (1, 2),  # 20 correct, tied with 3 on every key but the id
        (2, 3),
        (3, 8),  # 18, error 2, fastest
        (4, 4),  # 18, error 2, 200 s, finished at +8 s, id 4 before 6
        (5, 6),
        (6, 5),  # finished at +9 s
        (7, 7),  # no prediction
        (8, 1),  # 17 correct
    ]


@pytest.mark.parametrize(
    ("key", "text"),
    [
        (
            "correct",
            "Người dự thi #9 xếp trên Người dự thi #1 vì trả lời đúng nhiều câu hơn "
            "(20 câu so với 19 câu).",
        ),
        (
            "prediction",
            "Người dự thi #9 xếp trên Người dự thi #1: cùng số câu đúng (18), dự đoán gần đáp án "
            "hơn (sai số 3 so với 4).",
        ),
        (
            "no prediction last",
            "Người dự thi #9 xếp trên Người dự thi #1: cùng số câu đúng (18), Người dự thi #9 có "
            "trả lời câu hỏi dự đoán (sai số 1000000), Người dự thi #1 không trả lời câu hỏi "
            "dự đoán.",
        ),
        (
            "duration",
            "Người dự thi #9 xếp trên Người dự thi #1: cùng số câu đúng (18) và sai số dự đoán "
            "(3), thời gian làm bài ngắn hơn (4:59,999 so với 5:00,000).",
        ),
        (
            "finish",
            "Người dự thi #9 xếp trên Người dự thi #1: cùng số câu đúng (18), sai số dự đoán (3) "
            "và thời gian làm bài (5:00,000), nộp bài sớm hơn (15:00:10,000 01/09/2026 so với "
            "15:00:11,000 01/09/2026).",
        ),
        (
            "registration id",
            "Người dự thi #1 xếp trên Người dự thi #2: bằng nhau ở mọi tiêu chí, thứ tự cuối "
            "cùng theo mã đăng ký dự thi (đăng ký trước xếp trên).",
        ),
    ],
)
def test_explain_names_the_deciding_key_whatever_the_argument_order(key, text):
    _key, ahead, behind = next(t for t in TIES if t[0] == key)
    assert explain(ahead, behind) == text
    assert explain(behind, ahead) == text


def test_explain_same_person():
    a = row(1, 1, 1, 1)
    assert explain(a, a) == "Đây là cùng một người dự thi."


def test_explain_tied_without_predictions():
    a, b = row(4, 18, None, 300_000, 10), row(2, 18, None, 299_000, 10)
    assert explain(a, b) == (
        "Người dự thi #2 xếp trên Người dự thi #4: cùng số câu đúng (18) và sai số dự đoán "
        "(không dự đoán), thời gian làm bài ngắn hơn (4:59,000 so với 5:00,000)."
    )


# A chain is a tuple of key names from the registry (issue 15 lets a contest choose one).
FASTEST_FIRST = ("shortest_duration", "most_correct")


def test_a_chain_from_the_registry_orders_and_explains_by_its_own_keys():
    slow, fast, fast_worse = row(1, 20, 0, 300_000), row(2, 18, 0, 200_000), row(3, 17, 0, 200_000)
    assert [x.registration_id for _r, x in rank([slow, fast_worse, fast], FASTEST_FIRST)] == [
        2,
        3,
        1,
    ]
    assert [x.registration_id for _r, x in rank([slow, fast_worse, fast])] == [1, 2, 3]
    assert explain(slow, fast, FASTEST_FIRST) == (
        "Người dự thi #2 xếp trên Người dự thi #1 vì thời gian làm bài ngắn hơn "
        "(3:20,000 so với 5:00,000)."
    )
    assert explain(fast_worse, fast, FASTEST_FIRST) == (
        "Người dự thi #2 xếp trên Người dự thi #3: cùng thời gian làm bài (3:20,000), trả lời "
        "đúng nhiều câu hơn (18 câu so với 17 câu)."
    )
    assert ranking.sort_key(fast, FASTEST_FIRST) == (200_000, -18, 2)


def test_the_registry_and_the_default_chain():
    # The registry implements exactly the vocabulary organisers choose from.
    assert set(ranking.KEYS) == set(TieBreak.values)
    assert ranking.DEFAULT_CHAIN == (
        "most_correct",
        "closest_prediction",
        "shortest_duration",
        "earliest_finish",
    )
    assert [str(o) for o in ranking.order_by(FASTEST_FIRST)] == [
        "OrderBy(F(duration_ms), descending=False)",
        "OrderBy(F(correct_count), descending=True)",
        "OrderBy(F(registration_id), descending=False)",
    ]


# --- Selectors --------------------------------------------------------------------------------


@pytest.fixture
def ranked(tree):
    """Seven people in districts A and B with known keys; the contest's answer is 10."""
    contest = bank_contest(tree, questions=10, prediction_actual=10)
    questions = contest_questions(contest)
    specs = {
        # name: (unit, correct, prediction, seconds, age group)
        "an": ("A-1", 10, 10, 300, "18+"),
        "binh": ("B-1", 10, 12, 200, "18+"),
        "chi": ("A-2", 10, 12, 250, "u18"),
        "dung": ("A-1", 9, 10, 100, "u18"),
        "em": ("B-1", 9, None, 100, "18+"),
        "giang": ("A", 8, 10, 100, "18+"),
        "hoa": ("B-1", 7, 10, 100, "u18"),
    }
    people = {}
    for name, (unit, correct, prediction, seconds, group) in specs.items():
        registration = register(
            contest,
            tree[unit],
            age_group=group,
            age_on_reference=30 if group == "18+" else 16,
            participant__full_name=name.capitalize(),
        )
        make_attempt(
            registration, questions, correct=correct, seconds=seconds, prediction=prediction
        )
        people[name] = registration
    attempts_grade(attempt_ids=Attempt.objects.values_list("id", flat=True))
    return contest, people


def names(table):
    return [(e.rank, e.name) for e in table.entries]


@pytest.mark.django_db
def test_contest_ranking(ranked):
    contest, _people = ranked
    table = ranking_for(contest=contest)
    assert names(table) == [
        (1, "An"),
        (2, "Binh"),
        (3, "Chi"),
        (4, "Dung"),
        (5, "Em"),
        (6, "Giang"),
        (7, "Hoa"),
    ]
    assert [e.prediction_error for e in table.entries] == [0, 2, 2, 0, None, 0, 0]
    assert table.disqualified == [] and table.excluded == []


@pytest.mark.django_db
def test_database_order_is_the_pure_rule(ranked):
    contest, _people = ranked
    rows = [
        RankRow(
            r.registration_id, r.correct_count, r.prediction_error, r.duration_ms, r.finished_at
        )
        for r in Result.objects.filter(contest=contest, round=None).order_by("?")
    ]
    database = list(results_in_scope(contest=contest).values_list("registration_id", flat=True))
    assert database == [r.registration_id for r in sorted(rows, key=ranking.sort_key)]
    # Every key's ORM expression agrees with its pure value, in any chain.
    for chain in [FASTEST_FIRST, tuple(reversed(ranking.DEFAULT_CHAIN))]:
        ordered = Result.objects.filter(contest=contest, round=None).order_by(
            *ranking.order_by(chain)
        )
        pure = sorted(rows, key=lambda r, chain=chain: ranking.sort_key(r, chain))
        assert list(ordered.values_list("registration_id", flat=True)) == [
            r.registration_id for r in pure
        ]


@pytest.mark.django_db
def test_district_and_age_group_rankings(ranked, tree):
    contest, _people = ranked
    assert names(ranking_for(contest=contest, unit=tree["A"])) == [
        (1, "An"),
        (2, "Chi"),
        (3, "Dung"),
        (4, "Giang"),
    ]
    assert names(ranking_for(contest=contest, unit=tree["B"])) == [
        (1, "Binh"),
        (2, "Em"),
        (3, "Hoa"),
    ]
    assert names(ranking_for(contest=contest, age_group="u18")) == [
        (1, "Chi"),
        (2, "Dung"),
        (3, "Hoa"),
    ]
    assert names(ranking_for(contest=contest, unit=tree["A"], age_group="u18", limit=1)) == [
        (1, "Chi")
    ]


@pytest.mark.django_db
def test_disqualified_and_excluded_are_listed_apart(ranked, tree):
    contest, people = ranked
    registration_disqualify(
        registration=people["binh"],
        reason_code="cheating",
        note="Hai tài khoản",
        user=make_organiser(None, "root", superuser=True),
    )
    ExcludedPerson.objects.create(
        contest=contest, document_number=people["an"].document_number, reason="Ban giám khảo"
    )
    table = ranking_for(contest=contest)
    assert names(table) == [(1, "Chi"), (2, "Dung"), (3, "Em"), (4, "Giang"), (5, "Hoa")]
    assert [(e.rank, e.name) for e in table.disqualified] == [(None, "Binh")]
    assert [(e.rank, e.name) for e in table.excluded] == [(None, "An")]
    district_b = ranking_for(contest=contest, unit=tree["B"])
    assert names(district_b) == [(1, "Em"), (2, "Hoa")]
    assert [e.name for e in district_b.disqualified] == ["Binh"]
    assert district_b.excluded == []


@pytest.mark.django_db
def test_names_only_with_consent(ranked):
    contest, people = ranked
    Registration.objects.filter(pk=people["an"].pk).update(consent_publish=False)
    # Chi is 16: consent enough. Under 16, the guardian's consent is needed too.
    Registration.objects.filter(pk=people["dung"].pk).update(age_on_reference=15)
    Registration.objects.filter(pk=people["hoa"].pk).update(
        age_on_reference=15, guardian_consent=True
    )
    table = ranking_for(contest=contest)
    assert names(table) == [
        (1, f"Người dự thi #{people['an'].pk}"),
        (2, "Binh"),
        (3, "Chi"),
        (4, f"Người dự thi #{people['dung'].pk}"),
        (5, "Em"),
        (6, "Giang"),
        (7, "Hoa"),
    ]
