"""Prize allocation on a crafted district with Thanh Xuân's structure, and publishing."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from contests.models import Contest, ContestChange, ExcludedPerson, PrizeStructure, PrizeTier, Unit
from contests.services.units import unit_add
from participants.models import Registration
from scoring.models import Attempt, ResultsSnapshot
from scoring.selectors import results as results_selectors
from scoring.selectors.prizes import prize_list, prizes_allocate
from scoring.services.disqualification import registration_disqualify
from scoring.services.grading import attempts_grade
from scoring.services.prizes import results_publish
from tests.conftest import make_organiser
from tests.scoring.grading_data import (
    bank_contest,
    contest_close,
    contest_questions,
    make_attempt,
    register,
)

pytestmark = pytest.mark.django_db

IND, COL = PrizeTier.Kind.INDIVIDUAL, PrizeTier.Kind.COLLECTIVE
# Thanh Xuân district plan (seeds/001): individual 2/4/10/15, collective 1/2/3.
THANH_XUAN = [
    (IND, 1, "Giải Nhất", 2, 3_000_000),
    (IND, 2, "Giải Nhì", 4, 1_500_000),
    (IND, 3, "Giải Ba", 10, 1_000_000),
    (IND, 4, "Giải Khuyến khích", 15, 500_000),
    (COL, 1, "Giải Nhất", 1, 5_000_000),
    (COL, 2, "Giải Nhì", 2, 3_500_000),
    (COL, 3, "Giải Ba", 3, 2_500_000),
]
# ward code: (headcount, people by rank index)
WARDS = {
    "TX-1": (100, [0, 1, *range(3, 13)]),
    "TX-2": (10, [13, 14, 15]),
    "TX-3": (50, [16, 17, 18, 19, 20]),
    "TX-4": (20, [21, 22, 23, 24]),
    "TX-5": (None, [25, 26, 27, 28, 29]),
    "TX-6": (1000, [2, 30, 31, 32, 33]),
}


@pytest.fixture
def district(tree):
    """Thanh Xuân with six wards and 34 residents ranked 0…33 (all 20/20, person i took
    100 + i seconds); person 0 is excluded, person 1 disqualified; one resident of district A
    ranks below them all. The city awards one prize of 10 million."""
    tx = unit_add(
        code="TX",
        name="Quận Thanh Xuân",
        kind=Unit.Kind.DISTRICT,
        parent=tree["C-Q"],
        headcount=1180,
    )
    wards = {
        code: unit_add(
            code=code, name=f"Phường {code}", kind=Unit.Kind.WARD, parent=tx, headcount=h
        )
        for code, (h, _people) in WARDS.items()
    }
    contest = bank_contest(tree, questions=20, collective_rule=Contest.CollectiveRule.RATE)
    questions = contest_questions(contest)
    ward_of = {i: code for code, (_h, people) in WARDS.items() for i in people}
    people = {}
    for i in range(34):
        people[i] = register(contest, wards[ward_of[i]], participant__full_name=f"Người {i:02d}")
        make_attempt(people[i], questions, correct=20, seconds=100 + i)
    outsider = register(contest, tree["A-1"], participant__full_name="Người quận A")
    make_attempt(outsider, questions, correct=19, seconds=10)
    attempts_grade(attempt_ids=Attempt.objects.values_list("id", flat=True))

    city = PrizeStructure.objects.create(contest=contest, title="Giải thành phố")
    PrizeTier.objects.create(
        structure=city, kind=IND, rank_order=1, name="Giải Đặc biệt", count=1, amount=10_000_000
    )
    structure = PrizeStructure.objects.create(
        contest=contest, unit=tx, title="Giải quận Thanh Xuân", collective_unit_kind=Unit.Kind.WARD
    )
    for kind, order, name, count, amount in THANH_XUAN:
        PrizeTier.objects.create(
            structure=structure, kind=kind, rank_order=order, name=name, count=count, amount=amount
        )
    ExcludedPerson.objects.create(
        contest=contest, document_number=people[0].document_number, reason="Ban tổ chức"
    )
    root = make_organiser(None, "root", superuser=True)
    registration_disqualify(registration=people[1], reason_code="cheating", user=root)
    return contest, people, root


def winners(rows, structure, kind=IND):
    return [
        (r["tier"], r["winner_name"] if kind == IND else r["unit_code"], r["amount"])
        for r in rows
        if r["structure"] == structure and r["kind"] == kind
    ]


def test_thanh_xuan_individual_prizes(district):
    contest, people, _root = district
    allocation = prizes_allocate(contest=contest)

    assert winners(allocation.rows, "Giải thành phố") == [("Giải Đặc biệt", "Người 02", 10_000_000)]
    expected = (
        [("Giải Nhất", f"Người {i:02d}", 3_000_000) for i in (3, 4)]
        + [("Giải Nhì", f"Người {i:02d}", 1_500_000) for i in range(5, 9)]
        + [("Giải Ba", f"Người {i:02d}", 1_000_000) for i in range(9, 19)]
        + [("Giải Khuyến khích", f"Người {i:02d}", 500_000) for i in range(19, 34)]
    )
    assert winners(allocation.rows, "Giải quận Thanh Xuân") == expected
    # One prize per person per structure; nobody excluded or disqualified.
    ids = [r["registration_id"] for r in allocation.rows if r["kind"] == IND]
    assert len(ids) == len(set(ids)) == 32
    assert people[0].pk not in ids and people[1].pk not in ids
    first = allocation.rows[1]
    assert first == {
        "structure": "Giải quận Thanh Xuân",
        "structure_id": first["structure_id"],
        "unit_scope": "Quận Thanh Xuân",
        "category": "",
        "kind": "individual",
        "tier": "Giải Nhất",
        "rank_order": 1,
        "position": 1,
        "amount": 3_000_000,
        "winner_name": "Người 03",
        "registration_id": people[3].pk,
        "unit_code": "TX-1",
        "unit_name": "Phường TX-1",
        "public_name": "Người 03",
        "score": "100.00",
        "correct_count": 20,
        "duration_ms": 103_000,
        "basis": "mc",
        "essay_mark": None,
        "participants": None,
        "headcount": None,
        "winners": None,
    }
    collective = next(r for r in allocation.rows if r["kind"] == COL)
    assert (collective["unit_code"], collective["participants"], collective["headcount"]) == (
        "TX-2",
        3,
        10,
    )


def test_a_city_winner_may_also_take_a_district_prize_when_the_contest_says_so(district):
    contest, _people, _root = district
    Contest.objects.filter(pk=contest.pk).update(winner_may_take_unit_prize=True)
    contest.refresh_from_db()
    rows = winners(prizes_allocate(contest=contest).rows, "Giải quận Thanh Xuân")
    assert rows[:2] == [("Giải Nhất", "Người 02", 3_000_000), ("Giải Nhất", "Người 03", 3_000_000)]
    assert rows[-1] == ("Giải Khuyến khích", "Người 32", 500_000)
    assert len(rows) == 31


def test_collective_by_participation_rate_with_headcounts(district):
    contest, _people, _root = district
    rows = winners(prizes_allocate(contest=contest).rows, "Giải quận Thanh Xuân", kind=COL)
    # Rates: TX-2 3/10, TX-4 4/20, TX-1 10/100 (excluded and disqualified not counted) and
    # TX-3 5/50 tied — more participants first —, TX-6 5/1000; TX-5 has no headcount.
    assert rows == [
        ("Giải Nhất", "TX-2", 5_000_000),
        ("Giải Nhì", "TX-4", 3_500_000),
        ("Giải Nhì", "TX-1", 3_500_000),
        ("Giải Ba", "TX-3", 2_500_000),
        ("Giải Ba", "TX-6", 2_500_000),
    ]


@pytest.mark.parametrize(
    ("rule", "order"),
    [
        # 10; then 5, 5, 5 by rate (TX-5 none: 0); then 4; 3.
        ("participants", ["TX-1", "TX-3", "TX-6", "TX-5", "TX-4", "TX-2"]),
        # Every mean is 100: most participants, then unit code.
        ("mean_score", ["TX-1", "TX-3", "TX-5", "TX-6", "TX-4", "TX-2"]),
    ],
)
def test_collective_by_other_rules(district, rule, order):
    contest, _people, _root = district
    Contest.objects.filter(pk=contest.pk).update(collective_rule=rule)
    contest.refresh_from_db()
    rows = winners(prizes_allocate(contest=contest).rows, "Giải quận Thanh Xuân", kind=COL)
    assert [code for _tier, code, _amount in rows] == order


def test_budget_total(district):
    contest, _people, _root = district
    allocation = prizes_allocate(contest=contest)
    by_structure = {
        b["structure"]: (b["planned"], b["used"], b["awarded"]) for b in allocation.budget
    }
    assert by_structure == {
        "Giải thành phố": (10_000_000, 10_000_000, 1),
        # 2×3.0 + 4×1.5 + 10×1.0 + 15×0.5 = 29.5 million; 5.0 + 2×3.5 + 3×2.5 = 19.5 million.
        # Used: 29.5 + 5.0 + 2×3.5 + 2×2.5 = 46.5 million (one third collective prize unused).
        "Giải quận Thanh Xuân": (49_000_000, 46_500_000, 36),
    }
    assert (allocation.total_planned, allocation.total_used) == (59_000_000, 56_500_000)


def test_minor_shown_by_name_only_with_both_consents(district):
    contest, people, _root = district
    Registration.objects.filter(pk=people[3].pk).update(age_on_reference=15)
    rows = prizes_allocate(contest=contest).rows
    assert rows[1]["winner_name"] == f"Người dự thi #{people[3].pk}"
    Registration.objects.filter(pk=people[3].pk).update(guardian_consent=True)
    assert prizes_allocate(contest=contest).rows[1]["winner_name"] == "Người 03"


def test_the_ranking_read_in_small_pages_gives_the_same_prizes(district, monkeypatch):
    """The ranking is read in LIMIT/OFFSET pages (no server-side cursor): pages of 3 rows, with
    excluded and disqualified people skipped across page ends, give the same list."""
    contest, _people, _root = district
    whole = prizes_allocate(contest=contest).rows
    monkeypatch.setattr(results_selectors, "PAGE", 3)
    assert prizes_allocate(contest=contest).rows == whole


def test_allocation_is_reproducible(district):
    contest, _people, _root = district
    assert prizes_allocate(contest=contest).rows == prizes_allocate(contest=contest).rows


def test_publishing_freezes_the_prize_list(district):
    contest, people, root = district
    with pytest.raises(ValidationError) as refused:
        results_publish(contest=contest, user=root)
    assert refused.value.messages == ["Cuộc thi chưa kết thúc: chưa thể công bố kết quả."]
    assert ResultsSnapshot.objects.count() == 0

    contest_close(contest, prediction_actual=34)
    with pytest.raises(PermissionDenied):
        results_publish(contest=contest, user=make_organiser(Unit.objects.get(code="B"), "b"))
    assert ResultsSnapshot.objects.count() == 0

    live = prizes_allocate(contest=contest).rows
    snapshot = results_publish(contest=contest, user=root)
    contest.refresh_from_db()
    assert contest.status == Contest.Status.RESULTS_PUBLISHED
    assert (snapshot.version, snapshot.prizes) == (1, live)
    assert snapshot.budget["used"] == 56_500_000
    # Publishing "for the first time" again (a double click) makes no second version.
    with pytest.raises(ValidationError):
        results_publish(contest=contest, user=root)

    # A later disqualification changes the live allocation, not the published list.
    registration_disqualify(registration=people[3], reason_code="duplicate", user=root)
    assert prizes_allocate(contest=contest).rows != live
    assert prize_list(contest=contest) == live

    second = results_publish(contest=contest, user=root, replaces=1)
    assert second.version == 2
    assert prize_list(contest=contest)[1]["winner_name"] == "Người 04"
    change = ContestChange.objects.get(what="results_published")
    assert (change.before, change.after) == ({"version": 1}, {"version": 2})
    # A stale page (it showed version 1) cannot make a third version by accident.
    with pytest.raises(ValidationError):
        results_publish(contest=contest, user=root, replaces=1)
    assert ResultsSnapshot.objects.count() == 2


def test_prize_list_without_a_snapshot_is_a_fresh_allocation(district):
    contest, _people, _root = district
    assert prize_list(contest=contest) == prizes_allocate(contest=contest).rows
