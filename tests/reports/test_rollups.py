import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from contests.models import Round, Unit
from reports import selectors
from reports.models import RollupState, UnitRollup
from reports.services.rollups import rollups_recompute, rollups_refresh
from scoring.models import Attempt, Result
from scoring.rules.score import score_for
from scoring.services.disqualification import registration_disqualify
from scoring.services.grading import attempts_grade, results_recompute

from .conftest import VN, direct_counts, make_attempt, register

FIGS = ("registrants", "participants", "attempts", "perfect_attempts")

# Also on SQLite (`make test`'s second pass): the embedded default `make demo` runs on.
pytestmark = pytest.mark.sqlite


def assert_equal_to_direct(contest, round_=None):
    """Every unit's subtree figures, by block and by age group, the days (participants, new
    participants, attempts, perfect attempts), the score distribution and the score sums equal
    a direct count on the raw attempts: of the whole contest, or of one round (whose block and
    age rows carry no registrants: compared on the other figures)."""
    round_key = selectors.round_key_of(round_)
    direct = direct_counts(contest, round_id=round_.pk if round_ else None)
    figs = FIGS if round_ is None else FIGS[1:]
    root = contest.participation_root
    units = Unit.objects.filter(path__startswith=root.path)
    codes = dict(Unit.objects.values_list("id", "code"))
    assert units.count() > 1
    for unit in units:
        totals = selectors.totals(contest=contest, unit=unit, round_key=round_key)
        expected = direct["unit"].get(unit.path) or dict.fromkeys(FIGS, 0)
        assert {k: totals[k] for k in FIGS} == expected, unit.code
        blocks = {
            b["code"]: {k: b[k] for k in figs}
            for b in selectors.by_block(contest=contest, unit=unit, round_key=round_key)
            if b[figs[0]]
        }
        assert blocks == {
            codes[block_id]: {k: v[k] for k in figs}
            for block_id, v in direct["block"][unit.path].items()
            if v[figs[0]]
        }
        ages = {
            a["age_group"]: {k: a[k] for k in figs}
            for a in selectors.by_age_group(contest=contest, unit=unit, round_key=round_key)
            if a[figs[0]]
        }
        assert ages == {
            k: {f: v[f] for f in figs} for k, v in direct["age"][unit.path].items() if v[figs[0]]
        }
        days = {
            d.pop("day"): d
            for d in selectors.daily(contest=contest, unit=unit, round_key=round_key)
        }
        assert days == {day: dict(v) for day, v in direct["days"][unit.path].items()}
        scores = {
            s["correct_count"]: s["participants"]
            for s in selectors.score_distribution(contest=contest, unit=unit, round_key=round_key)
        }
        assert scores == dict(direct["scores"][unit.path])
        sum_rollup = sum(
            (
                r.best_score_sum
                for r in UnitRollup.objects.filter(
                    contest=contest, own=False, unit=unit, round_key=round_key
                )
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
    # Best scores (out of 100) 100, 100, 100, 50, 60: mean 82.
    assert selectors.totals(contest=small_contest, unit=city)["mean_best_score"] == 82.0
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
        correct_count=10,
        all_correct=True,
        score=score_for(correct=10, total=10),
        graded_at=now,
    )
    # As the regrade does, in the same transaction: the persons' result rows are rewritten.
    results_recompute(
        registration_ids=Attempt.objects.filter(id__in=regraded).values_list(
            "registration_id", flat=True
        )
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
    results_recompute(registration_ids=[reg.pk])
    rollups_recompute(contest=small_contest)
    whole = selectors.totals(contest=small_contest, unit=tree["C"])
    week = selectors.totals(
        contest=small_contest, unit=tree["C"], round_key=selectors.round_key_of(round1)
    )
    assert (whole["participants"], whole["attempts"], whole["perfect_attempts"]) == (6, 10, 4)
    assert (week["registrants"], week["participants"], week["attempts"]) == (6, 1, 1)
    assert_equal_to_direct(small_contest)
    assert_equal_to_direct(small_contest, round1)


def test_rounds_and_attempts_outside_rounds_equal_direct_counts(small_contest):
    """Two rounds: a person in both, one in one round only and with an attempt outside any
    round, on several local days; refresh and recompute agree with the direct counts."""
    rounds = [
        Round.objects.create(
            contest=small_contest,
            number=n,
            title=f"Tuần {n}",
            opens_at=small_contest.opens_at + datetime.timedelta(days=7 * (n - 1)),
            closes_at=small_contest.opens_at + datetime.timedelta(days=7 * n),
        )
        for n in (1, 2)
    ]
    rollups_recompute(contest=small_contest)
    RollupState.objects.filter(contest=small_contest).update(
        graded_watermark=timezone.now() - datetime.timedelta(minutes=1)
    )
    lan = small_contest.registrations.get(participant__full_name="Trần Thị Lan")
    mai = small_contest.registrations.get(participant__full_name="Vũ Thị Mai")
    plan = [
        (lan, 3, 10, datetime.datetime(2023, 9, 3, 23, 59, tzinfo=VN), rounds[0]),
        (lan, 4, 4, datetime.datetime(2023, 9, 4, 0, 1, tzinfo=VN), rounds[0]),
        (lan, 5, 10, datetime.datetime(2023, 9, 9, 7, 0, tzinfo=VN), rounds[1]),
        (mai, 1, 7, datetime.datetime(2023, 9, 9, 7, 0, tzinfo=VN), rounds[1]),
        (mai, 2, 10, datetime.datetime(2023, 9, 10, 7, 0, tzinfo=VN), None),
    ]
    for registration, number, correct, finished, round_ in plan:
        attempt = make_attempt(registration, number, correct, finished=finished)
        Attempt.objects.filter(pk=attempt.pk).update(round=round_, graded_at=timezone.now())
        results_recompute(registration_ids=[registration.pk])
    assert rollups_refresh(contest=small_contest)["mode"] == "refresh"
    for round_ in (None, *rounds):
        assert_equal_to_direct(small_contest, round_)
    before = [selectors.contest_figures(contest=small_contest, round_=r) for r in rounds]
    rollups_recompute(contest=small_contest)
    assert [selectors.contest_figures(contest=small_contest, round_=r) for r in rounds] == before
    for round_ in (None, *rounds):
        assert_equal_to_direct(small_contest, round_)


def test_regrade_of_a_persons_only_graded_attempt_through_grading(small_contest, tree):
    """Ngô Thị Hoa has one graded attempt (5 correct) and one submitted: the graded one is
    regraded by the grading service (to 0: no answer stored) and the submitted one graded;
    the refresh then equals the direct count, and so does the recomputation."""
    rollups_recompute(contest=small_contest)
    RollupState.objects.filter(contest=small_contest).update(
        graded_watermark=timezone.now() - datetime.timedelta(minutes=1)
    )
    hoa = small_contest.registrations.get(participant__full_name="Ngô Thị Hoa")
    graded = Attempt.objects.get(registration=hoa, status="graded")
    submitted = Attempt.objects.get(registration=hoa, status="submitted")
    assert attempts_grade(attempt_ids=[graded.pk], regrade=True) == 1
    assert rollups_refresh(contest=small_contest)["mode"] == "refresh"
    assert_equal_to_direct(small_contest)
    assert selectors.score_distribution(contest=small_contest, unit=tree["A"]) == [
        {"correct_count": 0, "participants": 1},
        {"correct_count": 10, "participants": 2},
    ]
    assert attempts_grade(attempt_ids=[submitted.pk]) == 1
    assert rollups_refresh(contest=small_contest)["mode"] == "refresh"
    assert_equal_to_direct(small_contest)
    assert selectors.totals(contest=small_contest, unit=tree["C"])["attempts"] == 10
    rollups_recompute(contest=small_contest)
    assert_equal_to_direct(small_contest)


def test_a_disqualified_person_is_still_counted(small_contest, organisers, tree):
    """Disqualification takes a person out of rankings and prizes, not out of the figures
    (participation is what the reports count)."""
    hung = small_contest.registrations.get(participant__full_name="Lê Văn Hùng")
    registration_disqualify(registration=hung, reason_code="cheating", user=organisers["root"])
    rollups_recompute(contest=small_contest)
    assert selectors.totals(contest=small_contest, unit=tree["C"])["participants"] == 5
    assert_equal_to_direct(small_contest)


def test_generated_result_rows_are_what_grading_writes(generated):
    """The simulator writes the result rows' summaries itself (COPY): recomputing them from
    the attempts changes nothing."""
    contest, _report = generated
    ids = list(contest.registrations.values_list("id", flat=True))
    assert Result.objects.filter(contest=contest).count() == 1000
    assert results_recompute(registration_ids=ids) == 0
