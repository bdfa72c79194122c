import datetime
from decimal import Decimal

from django.utils import timezone

from contests.models import Round, Unit
from reports import selectors
from reports.models import RollupState, UnitRollup
from reports.services.rollups import rollups_recompute, rollups_refresh
from scoring.models import Attempt

from .conftest import VN, direct_counts, make_attempt, register

FIGS = ("registrants", "participants", "attempts", "perfect_attempts")


def assert_equal_to_direct(contest):
    """Every unit's subtree figures, by block and by age group, the days and the score sums
    equal a direct count on the raw rows."""
    direct = direct_counts(contest)
    root = contest.participation_root
    units = Unit.objects.filter(path__startswith=root.path)
    assert units.count() > 1
    for unit in units:
        totals = selectors.totals(contest=contest, unit=unit)
        expected = direct["unit"].get(unit.path) or dict.fromkeys(FIGS, 0)
        assert {k: totals[k] for k in FIGS} == expected, unit.code
        blocks = {
            b["code"]: {k: b[k] for k in FIGS}
            for b in selectors.by_block(contest=contest, unit=unit)
        }
        codes = dict(Unit.objects.values_list("id", "code"))
        assert blocks == {
            codes[block_id]: dict(v) for block_id, v in direct["block"][unit.path].items()
        }
        ages = {
            a["age_group"]: {k: a[k] for k in FIGS}
            for a in selectors.by_age_group(contest=contest, unit=unit)
            if a["registrants"]
        }
        assert ages == {k: dict(v) for k, v in direct["age"][unit.path].items()}
        days = {d["day"]: d["participants"] for d in selectors.daily(contest=contest, unit=unit)}
        assert days == dict(direct["days"][unit.path])
        sum_rollup = sum(
            (
                r.best_score_sum
                for r in UnitRollup.objects.filter(contest=contest, own=False, unit=unit)
            ),
            Decimal(0),
        )
        assert sum_rollup == direct["score_sum"].get(unit.path, Decimal(0))


def test_small_contest_exact_figures(small_contest, tree):
    rollups_recompute(contest=small_contest)
    city = tree["C"]
    assert {k: selectors.totals(contest=small_contest, unit=city)[k] for k in FIGS} == {
        "registrants": 6,
        "participants": 5,
        "attempts": 9,
        "perfect_attempts": 3,
    }
    district_a = selectors.totals(contest=small_contest, unit=tree["A"])
    assert (district_a["participants"], district_a["attempts"]) == (3, 5)
    # Best scores 10, 10, 10, 5, 6: mean 8.2.
    assert selectors.totals(contest=small_contest, unit=city)["mean_best_score"] == 8.2
    assert [
        (a["age_group"], a["participants"])
        for a in selectors.by_age_group(contest=small_contest, unit=city)
    ] == [("18+", 4), ("u18", 1)]
    assert [
        (b["code"], b["participants"], b["attempts"])
        for b in selectors.by_block(contest=small_contest, unit=city)
    ] == [("C-D", 1, 2), ("C-Q", 4, 7)]
    # 23:30 on 2/9 in Hà Nội is 16:30 UTC: counted on 2/9.
    assert [
        (d["day"], d["participants"], d["new_participants"], d["attempts"])
        for d in selectors.daily(contest=small_contest, unit=city)
    ] == [
        (datetime.date(2023, 9, 1), 4, 4, 5),
        (datetime.date(2023, 9, 2), 4, 1, 4),
    ]
    assert selectors.score_distribution(contest=small_contest, unit=city) == [
        {"correct_count": 5, "participants": 1},
        {"correct_count": 6, "participants": 1},
        {"correct_count": 10, "participants": 3},
    ]
    assert_equal_to_direct(small_contest)


def test_rates_and_children(small_contest, tree):
    rollups_recompute(contest=small_contest)
    children = selectors.units_figures(contest=small_contest, unit=tree["A"], children_only=True)
    assert [(c["code"], c["headcount"], c["participants"], c["rate"]) for c in children] == [
        ("A-1", 200, 2, 0.01),
        ("A-2", 200, 1, 0.005),
    ]
    every = selectors.units_figures(contest=small_contest, unit=tree["C"])
    assert [c["code"] for c in every] == ["C-D", "C-D-1", "C-Q", "A", "A-1", "A-2", "B", "B-1"]


def test_generated_contest_recompute_equals_direct_count(generated):
    contest, report = generated
    rollups_recompute(contest=contest)
    totals = selectors.totals(contest=contest, unit=contest.participation_root)
    assert {k: totals[k] for k in FIGS} == {k: report[k] for k in FIGS}
    assert report["registrants"] == 1200
    assert report["participants"] == 1000
    assert report["attempts"] == 3000
    assert {
        b["code"]: {k: b[k] for k in FIGS}
        for b in selectors.by_block(contest=contest, unit=contest.participation_root)
    } == report["by_block"]
    # Several levels: city, blocks, districts/departments, wards.
    depths = set(
        Unit.objects.filter(path__startswith=contest.participation_root.path).values_list(
            "depth", flat=True
        )
    )
    assert len(depths) == 4
    assert_equal_to_direct(contest)


def test_refresh_after_new_attempts_registrations_and_regrade(generated):
    contest, _report = generated
    rollups_recompute(contest=contest)
    state = RollupState.objects.get(contest=contest)
    # Pretend the last run was a while ago, so that what follows is "since the last run".
    RollupState.objects.filter(pk=state.pk).update(
        graded_watermark=timezone.now() - datetime.timedelta(minutes=1)
    )
    wards = list(
        Unit.objects.filter(
            path__startswith=contest.participation_root.path, kind=Unit.Kind.WARD
        ).order_by("code")[:3]
    )
    block = Unit.objects.get(kind=Unit.Kind.BLOCK, path=wards[0].path[:8])
    now = timezone.now()
    # New people in three wards, one never submits.
    new = [
        register(contest, ward, block=block, full_name=f"Mới {i}") for i, ward in enumerate(wards)
    ]
    register(contest, wards[0], block=block, full_name="Chưa thi")
    make_attempt(new[0], 1, 10, finished=now)
    make_attempt(new[1], 1, 4, finished=now)
    make_attempt(new[1], 2, 10, finished=now)
    make_attempt(new[2], 1, 3, finished=now, status="submitted")
    # A regrade: some old attempts change grade (graded_at moves forward, as a regrade does).
    regraded = list(
        Attempt.objects.filter(contest=contest, all_correct=False)
        .order_by("id")[:40]
        .values_list("id", flat=True)
    )
    Attempt.objects.filter(id__in=regraded).update(
        correct_count=10, all_correct=True, score=Decimal("10.00"), graded_at=now
    )
    result = rollups_refresh(contest=contest)
    assert result["mode"] == "refresh"
    assert_equal_to_direct(contest)
    # And the full recomputation agrees with the refreshed figures.
    before = selectors.contest_figures(contest=contest)
    rollups_recompute(contest=contest)
    assert selectors.contest_figures(contest=contest) == before


def test_refresh_first_run_is_a_recompute_and_second_is_idempotent(small_contest):
    assert rollups_refresh(contest=small_contest)["mode"] == "recompute"
    before = selectors.contest_figures(contest=small_contest)
    assert rollups_refresh(contest=small_contest)["mode"] == "refresh"
    assert selectors.contest_figures(contest=small_contest) == before


def test_rounds_have_their_own_figures(small_contest, tree):
    round1 = Round.objects.create(
        contest=small_contest,
        number=1,
        title="Tuần 1",
        opens_at=small_contest.opens_at,
        closes_at=small_contest.opens_at + datetime.timedelta(days=7),
    )
    reg = small_contest.registrations.get(participant__full_name="Vũ Thị Mai")
    attempt = make_attempt(reg, 1, 10, finished=datetime.datetime(2023, 9, 3, 8, tzinfo=VN))
    Attempt.objects.filter(pk=attempt.pk).update(round=round1)
    rollups_recompute(contest=small_contest)
    whole = selectors.totals(contest=small_contest, unit=tree["C"])
    week = selectors.totals(
        contest=small_contest, unit=tree["C"], round_key=selectors.round_key_of(round1)
    )
    assert (whole["participants"], whole["attempts"], whole["perfect_attempts"]) == (6, 10, 4)
    assert (week["registrants"], week["participants"], week["attempts"]) == (6, 1, 1)
