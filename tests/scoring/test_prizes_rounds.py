"""Prizes per round and overall (issue 15), on PostgreSQL through the real grading: a week's
prizes rank that week's results, quotas per category, caps, one prize per round or per
contest, overall prizes excluding round winners, collective formulas in a round."""

import datetime

import pytest

from contests.models import Category, Contest, PrizeStructure, PrizeTier, Round
from scoring.models import Attempt, ResultsSnapshot
from scoring.selectors.prizes import (
    collective_standings,
    prizes_allocate,
    round_prize_list,
    round_winner_ids,
    structure_entrants,
)
from scoring.services.grading import attempts_grade
from tests.scoring.grading_data import T0, bank_contest, contest_questions, make_attempt, register

pytestmark = pytest.mark.django_db

IND, COL = PrizeTier.Kind.INDIVIDUAL, PrizeTier.Kind.COLLECTIVE
WEEK = datetime.timedelta(days=7)
CONTEST_WIDE = PrizeStructure.OnePrizePer.CONTEST

# person: (category, ward, round 1 (correct, seconds) or None, round 2 (correct, seconds) or None)
PEOPLE = {
    0: ("cb", "A-1", (10, 100), (10, 90)),
    1: ("cb", "A-1", (10, 110), (8, 60)),
    2: ("cb", "A-1", (9, 50), (9, 70)),
    3: ("hs", "B-1", (10, 120), (10, 80)),
    4: ("hs", "B-1", (9, 60), (7, 60)),
    5: ("hs", "B-1", (8, 60), (10, 100)),
    6: ("cb", "A-2", None, (10, 95)),
}


@pytest.fixture
def weekly(tree):
    """A two-week contest with two categories (officials "cb", pupils "hs") and seven people
    (PEOPLE), graded. Both weeks are over."""
    contest = bank_contest(tree, questions=10)
    rounds = {
        n: Round.objects.create(
            contest=contest,
            number=n,
            title=f"Tuần {n}",
            opens_at=T0 + (n - 1) * WEEK,
            closes_at=T0 + n * WEEK,
        )
        for n in (1, 2)
    }
    categories = {
        "cb": Category.objects.create(contest=contest, name="Cán bộ, công chức", order=1),
        "hs": Category.objects.create(contest=contest, name="Học sinh, sinh viên", order=2),
    }
    questions = contest_questions(contest)
    people = {}
    for i, (category, ward, *weeks) in PEOPLE.items():
        people[i] = register(
            contest, tree[ward], category=categories[category], participant__full_name=f"P{i}"
        )
        for n, week in enumerate(weeks, start=1):
            if week is not None:
                correct, seconds = week
                make_attempt(
                    people[i],
                    questions,
                    correct=correct,
                    seconds=seconds,
                    start=rounds[n].opens_at + datetime.timedelta(hours=1),
                    round=rounds[n],
                )
    attempts_grade(attempt_ids=Attempt.objects.values_list("id", flat=True))
    return contest, rounds, categories, people


def structure(contest, title, prizes, **kwargs):
    """A structure with individual tiers [(name, count)] (100,000 each)."""
    created = PrizeStructure.objects.create(contest=contest, title=title, **kwargs)
    for order, (name, count) in enumerate(prizes, start=1):
        PrizeTier.objects.create(
            structure=created, kind=IND, rank_order=order, name=name, count=count, amount=100_000
        )
    return created


def winners(allocation, title=None):
    return [
        (r["structure"], r["tier"], r["winner_name"])
        for r in allocation.rows
        if r["kind"] == IND and (title is None or r["structure"] == title)
    ]


def freeze(contest, round_, allocation):
    """A published snapshot of the round straight from an allocation (publication itself is
    tested in test_round_publication.py)."""
    latest = ResultsSnapshot.objects.filter(contest=contest, round=round_).count()
    return ResultsSnapshot.objects.create(
        contest=contest, round=round_, version=latest + 1, prizes=allocation.rows, budget={}
    )


def test_a_weeks_prizes_rank_that_weeks_results_per_category(weekly):
    contest, rounds, cat, _people = weekly
    structure(contest, "T1 cán bộ", [("Nhất", 1), ("Nhì", 1)], round=rounds[1], category=cat["cb"])
    structure(
        contest, "T1 học sinh", [("Nhất", 1), ("Nhì", 1)], round=rounds[1], category=cat["hs"]
    )
    structure(contest, "T2 cán bộ", [("Nhất", 2)], round=rounds[2], category=cat["cb"])
    structure(contest, "Giải chung", [("Đặc biệt", 1)])

    week1 = prizes_allocate(contest=contest, round=rounds[1])
    assert winners(week1) == [
        ("T1 cán bộ", "Nhất", "P0"),
        ("T1 cán bộ", "Nhì", "P1"),
        ("T1 học sinh", "Nhất", "P3"),
        ("T1 học sinh", "Nhì", "P4"),
    ]
    assert week1.rows[0]["category"] == "Cán bộ, công chức"
    assert [(b["structure"], b["category"], b["awarded"]) for b in week1.budget] == [
        ("T1 cán bộ", "Cán bộ, công chức", 2),
        ("T1 học sinh", "Học sinh, sinh viên", 2),
    ]
    # Week 2 ranks week 2's results (P0 10/90 s, P6 10/95 s), not the overall ones.
    assert winners(prizes_allocate(contest=contest, round=rounds[2])) == [
        ("T2 cán bộ", "Nhất", "P0"),
        ("T2 cán bộ", "Nhất", "P6"),
    ]
    # The overall structure ranks the contest-level results (best attempt: P3's 10 in 80 s).
    assert winners(prizes_allocate(contest=contest)) == [("Giải chung", "Đặc biệt", "P3")]
    # Until published, the round's prize list is a fresh allocation.
    assert [r["winner_name"] for r in round_prize_list(contest=contest, round=rounds[1])] == [
        "P0",
        "P1",
        "P3",
        "P4",
    ]


def test_the_overall_prizes_follow_the_cumulative_rule(weekly):
    contest, _rounds, _cat, _people = weekly
    structure(contest, "Giải chung", [("Nhất", 3)])
    # Sum of each week's best: P0 20, P3 20, then P1/P2/P5 18 (their best attempts decide:
    # P1 10 in 110 s, P5 10 in 100 s, P2 9).
    Contest.objects.filter(pk=contest.pk).update(cumulative_rule="round_sum")
    contest.refresh_from_db()
    assert [w[2] for w in winners(prizes_allocate(contest=contest))] == ["P3", "P0", "P5"]


def test_one_prize_per_contest_skips_published_winners_of_earlier_weeks(weekly):
    contest, rounds, cat, people = weekly
    structure(contest, "T1 cán bộ", [("Nhất", 2)], round=rounds[1], category=cat["cb"])
    structure(contest, "T1 học sinh", [("Nhất", 2)], round=rounds[1], category=cat["hs"])
    structure(
        contest,
        "T2 cán bộ",
        [("Nhất", 2)],
        round=rounds[2],
        category=cat["cb"],
        one_prize_per=CONTEST_WIDE,
    )
    structure(contest, "T2 học sinh", [("Nhất", 2)], round=rounds[2], category=cat["hs"])

    # Nothing published yet: week 2 skips nobody.
    assert [w[2] for w in winners(prizes_allocate(contest=contest, round=rounds[2]))] == [
        "P0",
        "P6",
        "P3",
        "P5",
    ]
    freeze(contest, rounds[1], prizes_allocate(contest=contest, round=rounds[1]))
    assert round_winner_ids(contest=contest) == {
        p.pk for i, p in people.items() if i in (0, 1, 3, 4)
    }
    # Week 1's winners P0 and P1 are skipped by the "one per contest" structure only; pupils
    # may win again (one prize per week).
    assert [w[2] for w in winners(prizes_allocate(contest=contest, round=rounds[2]))] == [
        "P6",
        "P2",
        "P3",
        "P5",
    ]
    # A later week's prizes never bar an earlier week's: week 1 again gives the same list.
    freeze(contest, rounds[2], prizes_allocate(contest=contest, round=rounds[2]))
    assert [w[2] for w in winners(prizes_allocate(contest=contest, round=rounds[1]))] == [
        "P0",
        "P1",
        "P3",
        "P4",
    ]


def test_only_the_latest_version_of_a_week_counts(weekly):
    contest, rounds, cat, people = weekly
    structure(contest, "T1", [("Nhất", 1)], round=rounds[1])
    structure(contest, "T2", [("Nhất", 1)], round=rounds[2], one_prize_per=CONTEST_WIDE)
    first = prizes_allocate(contest=contest, round=rounds[1])
    freeze(contest, rounds[1], first)
    assert winners(first) == [("T1", "Nhất", "P0")]
    # Version 2 of week 1 gives the prize to P3 instead (a regrade, say). Week 2's order is
    # P3 (10 in 80 s), P0 (10 in 90 s): only the latest version's winner is skipped.
    second = [{**first.rows[0], "registration_id": people[3].pk, "winner_name": "P3"}]
    ResultsSnapshot.objects.create(
        contest=contest, round=rounds[1], version=2, prizes=second, budget={}
    )
    assert round_winner_ids(contest=contest) == {people[3].pk}
    assert winners(prizes_allocate(contest=contest, round=rounds[2])) == [("T2", "Nhất", "P0")]


def test_one_prize_per_week_among_the_weeks_contest_level_structures(weekly):
    contest, rounds, _cat, _people = weekly
    structure(contest, "Giải tuần", [("Nhất", 1)], round=rounds[1])
    structure(contest, "Giải phụ tuần", [("Nhì", 2)], round=rounds[1])
    # Week 1: P0 (10, 100 s), P1 (10, 110 s), P3 (10, 120 s).
    assert winners(prizes_allocate(contest=contest, round=rounds[1])) == [
        ("Giải tuần", "Nhất", "P0"),
        ("Giải phụ tuần", "Nhì", "P1"),
        ("Giải phụ tuần", "Nhì", "P3"),
    ]


def test_unit_prizes_of_a_week_follow_winner_may_take_unit_prize(weekly, tree):
    contest, rounds, _cat, _people = weekly
    structure(contest, "Tuần 1 thành phố", [("Nhất", 1)], round=rounds[1])
    structure(contest, "Tuần 1 quận A", [("Nhất", 1)], round=rounds[1], unit=tree["A"])
    assert winners(prizes_allocate(contest=contest, round=rounds[1])) == [
        ("Tuần 1 thành phố", "Nhất", "P0"),
        ("Tuần 1 quận A", "Nhất", "P1"),
    ]
    Contest.objects.filter(pk=contest.pk).update(winner_may_take_unit_prize=True)
    contest.refresh_from_db()
    assert winners(prizes_allocate(contest=contest, round=rounds[1])) == [
        ("Tuần 1 thành phố", "Nhất", "P0"),
        ("Tuần 1 quận A", "Nhất", "P0"),
    ]


@pytest.mark.parametrize(
    ("cap", "expected"),
    [
        (None, ["P3", "P4", "P5"]),
        (100, ["P3", "P4", "P5"]),
        (67, ["P3", "P4"]),  # ⌊2.01⌋ of 3 entrants
        (50, ["P3"]),  # ⌊1.5⌋
        (33, []),  # ⌊0.99⌋
    ],
)
def test_cap_as_a_share_of_the_structures_entrants(weekly, cap, expected):
    contest, rounds, cat, _people = weekly
    capped = structure(
        contest,
        "T1 học sinh",
        [("Nhất", 1), ("Nhì", 5)],
        round=rounds[1],
        category=cat["hs"],
        cap_percent=cap,
    )
    assert structure_entrants(contest=contest, structure=capped, apart=set()) == 3
    allocation = prizes_allocate(contest=contest, round=rounds[1])
    assert [w[2] for w in winners(allocation)] == expected
    assert allocation.budget[0]["awarded"] == len(expected)


def test_overall_prizes_may_exclude_round_winners(weekly):
    contest, rounds, cat, _people = weekly
    structure(contest, "T1", [("Nhất", 2)], round=rounds[1], category=cat["cb"])
    structure(contest, "T1 hs", [("Nhất", 2)], round=rounds[1], category=cat["hs"])
    structure(contest, "T2", [("Nhất", 2)], round=rounds[2], category=cat["cb"])
    structure(contest, "T2 hs", [("Nhất", 2)], round=rounds[2], category=cat["hs"])
    overall = structure(contest, "Giải chung", [("Nhất", 2)], excludes_round_winners=True)
    # Overall order (best attempt): P3, P0, P6, P5, P1, P2, P4.
    assert [w[2] for w in winners(prizes_allocate(contest=contest))] == ["P3", "P0"]
    freeze(contest, rounds[1], prizes_allocate(contest=contest, round=rounds[1]))
    assert [w[2] for w in winners(prizes_allocate(contest=contest))] == ["P6", "P5"]
    freeze(contest, rounds[2], prizes_allocate(contest=contest, round=rounds[2]))
    # Week 1: P0, P1, P3, P4; week 2: P0, P6 (officials), P3, P5 (pupils): P2 is left.
    assert [w[2] for w in winners(prizes_allocate(contest=contest))] == ["P2"]
    # Without the flag the overall ranking is awarded as it is.
    PrizeStructure.objects.filter(pk=overall.pk).update(excludes_round_winners=False)
    assert [w[2] for w in winners(prizes_allocate(contest=contest))] == ["P3", "P0"]


def test_disqualified_people_win_nothing_in_any_week(weekly):
    from scoring.services.disqualification import registration_disqualify
    from tests.conftest import make_organiser

    contest, rounds, _cat, people = weekly
    structure(contest, "T1", [("Nhất", 2)], round=rounds[1])
    root = make_organiser(None, "root", superuser=True)
    registration_disqualify(registration=people[0], reason_code="cheating", user=root)
    assert [w[2] for w in winners(prizes_allocate(contest=contest, round=rounds[1]))] == [
        "P1",
        "P3",
    ]


def _collective(contest, rounds, tree, rule, **params):
    Contest.objects.filter(pk=contest.pk).update(collective_rule=rule, **params)
    contest.refresh_from_db()
    weekly_prizes = structure(contest, "T1", [("Nhất", 3)], round=rounds[1])
    PrizeTier.objects.create(
        structure=weekly_prizes, kind=COL, rank_order=1, name="Tập thể", count=3, amount=1
    )
    PrizeStructure.objects.filter(pk=weekly_prizes.pk).update(collective_unit_kind="ward")
    weekly_prizes.refresh_from_db()
    return weekly_prizes


def test_collective_winner_points_count_the_weeks_winners(weekly, tree):
    contest, rounds, _cat, _people = weekly
    _collective(contest, rounds, tree, "winner_points", collective_points_per_winner=5)
    allocation = prizes_allocate(contest=contest, round=rounds[1])
    # Week 1's winners: P0, P1, P3 (B-1). A-2's P6 did not take part in week 1.
    collective = [
        (r["unit_code"], r["winners"], r["participants"])
        for r in allocation.rows
        if r["kind"] == COL
    ]
    assert collective == [("A-1", 2, 3), ("B-1", 1, 3)]


def test_collective_precondition_and_composite_in_a_week(weekly, tree):
    contest, rounds, _cat, _people = weekly
    # 3 of 200 (1.5 %), B-1: 3 of 500 (0.6 %): a 1 % minimum leaves A-1 alone.
    prizes = _collective(contest, rounds, tree, "participants", collective_min_rate_percent=1)
    standings = collective_standings(contest=contest, structure=prizes, apart=set())
    assert [s.unit_code for s in standings] == ["A-1"]
    # Composite on the mean only: A-1 (100, 100, 90) ahead of B-1 (100, 90, 80).
    Contest.objects.filter(pk=contest.pk).update(
        collective_rule="composite", collective_min_rate_percent=None, collective_weight_mean=1
    )
    contest.refresh_from_db()
    standings = collective_standings(contest=contest, structure=prizes, apart=set())
    assert [s.unit_code for s in standings] == ["A-1", "B-1"]
    # The same weight on winners, counted from the allocation: B-1 has 1, A-1 has 2.
    Contest.objects.filter(pk=contest.pk).update(
        collective_weight_mean=0, collective_weight_winners=1
    )
    contest.refresh_from_db()
    paths = {1: tree["B-1"].path, 2: tree["B-1"].path, 3: tree["A-1"].path}
    standings = collective_standings(
        contest=contest, structure=prizes, apart=set(), winner_paths=paths
    )
    assert [(s.unit_code, s.winners) for s in standings] == [("B-1", 2), ("A-1", 1)]
