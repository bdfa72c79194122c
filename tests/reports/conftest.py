"""Fixtures for reports: a small hand-made contest on the shared `tree`, a generated contest,
and a direct count over the raw rows (the oracle the roll-ups must equal)."""

from __future__ import annotations

import datetime
from collections import defaultdict
from decimal import Decimal

import pytest
from django.utils import timezone

from contests.models import Unit
from devdata.services.simulation import contest_simulate
from participants.models import Registration
from scoring.models import Attempt
from scoring.rules.score import score_for
from scoring.services.grading import results_recompute
from tests.factories import ContestFactory, RegistrationFactory

VN = datetime.timezone(datetime.timedelta(hours=7))


def make_attempt(registration, number, correct, *, questions=10, finished=None, status="graded"):
    """An attempt written directly; a graded one then has its person's result rows rewritten,
    as grading does (the roll-ups count the result rows)."""
    finished = finished or timezone.now()
    graded = status == "graded"
    attempt = Attempt.objects.create(
        registration=registration,
        contest=registration.contest,
        number=number,
        status=status,
        items=[],
        answers={},
        started_at=finished - datetime.timedelta(minutes=5),
        deadline=finished + datetime.timedelta(minutes=15),
        finished_at=finished,
        question_count=questions,
        correct_count=correct if graded else None,
        score=score_for(correct=correct, total=questions) if graded else None,
        duration_ms=300_000,
        all_correct=graded and correct == questions,
        graded_at=finished + datetime.timedelta(seconds=2) if graded else None,
    )
    if graded:
        results_recompute(registration_ids=[registration.pk])
    return attempt


def register(contest, unit, *, block, age_group="18+", **participant):
    return RegistrationFactory(
        contest=contest,
        unit=unit,
        block=block,
        age_group=age_group,
        age_on_reference=16 if age_group == "u18" else 33,
        **{f"participant__{k}": v for k, v in participant.items()},
    )


@pytest.fixture
def small_contest(tree):
    """On the shared tree: 6 registrations, 5 participants, 9 graded attempts (3 perfect),
    one submitted-but-ungraded attempt that no figure counts."""
    contest = ContestFactory(
        owner_unit=tree["C"],
        participation_root=tree["C"],
        opens_at=datetime.datetime(2023, 9, 1, 0, 0, tzinfo=VN),
        closes_at=datetime.datetime(2023, 9, 30, 0, 0, tzinfo=VN),
    )
    day1 = datetime.datetime(2023, 9, 1, 9, 0, tzinfo=VN)
    day2 = datetime.datetime(2023, 9, 2, 23, 30, tzinfo=VN)  # 16:30 UTC: still 2/9 locally
    D, Q = tree["C-D"], tree["C-Q"]
    r1 = register(contest, tree["C-D-1"], block=D, full_name="Trần Thị Lan")
    r2 = register(contest, tree["A-1"], block=Q, full_name="Lê Văn Hùng")
    r3 = register(contest, tree["A-1"], block=Q, age_group="u18", full_name="Phạm Minh An")
    r4 = register(contest, tree["A-2"], block=Q, full_name="Ngô Thị Hoa")
    r5 = register(contest, tree["B-1"], block=Q, full_name="Đỗ Văn Nam")
    register(contest, tree["B-1"], block=Q, full_name="Vũ Thị Mai")  # never submits
    make_attempt(r1, 1, 10, finished=day1)
    make_attempt(r1, 2, 8, finished=day2)
    make_attempt(r2, 1, 7, finished=day1)
    make_attempt(r2, 2, 10, finished=day2)
    make_attempt(r3, 1, 10, finished=day1)
    make_attempt(r3, 2, 9, finished=day2)
    make_attempt(r4, 1, 5, finished=day2)
    make_attempt(r5, 1, 6, finished=day1)
    make_attempt(r5, 2, 6, finished=day1)
    make_attempt(r4, 2, 0, status="submitted", finished=day2)
    return contest


@pytest.fixture
def generated(db):
    """A generated contest: a Hà Nội-shaped tree (city, 2 blocks, 68 departments, 30
    districts, their wards), 1,200 registrants, 1,000 participants, 3,000 graded attempts."""
    report = contest_simulate(
        slug="sinh-du-lieu", participants=1000, attempts=3000, registrants=1200, seed=3
    )
    from contests.models import Contest

    return Contest.objects.get(slug="sinh-du-lieu"), report


def direct_counts(contest, round_id=None) -> dict:
    """Figures counted directly on the raw rows, in Python, for every unit of the contest's
    tree (subtree totals) and per block / age group at every unit: of the whole contest, or
    of one round's attempts when `round_id` is given (registrants stay the contest's)."""
    root = contest.participation_root
    units = dict(Unit.objects.filter(path__startswith=root.path).values_list("id", "path"))
    regs = {
        r[0]: r
        for r in Registration.objects.filter(contest=contest).values_list(
            "id", "unit_id", "block_id", "age_group"
        )
    }
    per_reg = defaultdict(
        lambda: {"n": 0, "p": 0, "best": None, "correct": 0, "days": defaultdict(lambda: [0, 0])}
    )
    attempts = Attempt.objects.filter(contest=contest, status="graded")
    if round_id is not None:
        attempts = attempts.filter(round_id=round_id)
    for reg_id, all_correct, score, correct, finished in attempts.values_list(
        "registration_id", "all_correct", "score", "correct_count", "finished_at"
    ):
        d = per_reg[reg_id]
        d["n"] += 1
        d["p"] += int(all_correct)
        d["best"] = score if d["best"] is None else max(d["best"], score)
        d["correct"] = max(d["correct"], correct)
        day = d["days"][finished.astimezone(VN).date()]
        day[0] += 1
        day[1] += int(all_correct)

    def empty():
        return {"registrants": 0, "participants": 0, "attempts": 0, "perfect_attempts": 0}

    def empty_day():
        return {"participants": 0, "new_participants": 0, "attempts": 0, "perfect_attempts": 0}

    out = {
        "unit": defaultdict(empty),
        "block": defaultdict(lambda: defaultdict(empty)),
        "age": defaultdict(lambda: defaultdict(empty)),
        "days": defaultdict(lambda: defaultdict(empty_day)),
        "scores": defaultdict(lambda: defaultdict(int)),
        "score_sum": defaultdict(Decimal),
    }
    for reg_id, unit_id, block_id, age in regs.values():
        path = units[unit_id]
        d = per_reg.get(reg_id)
        for end in range(len(root.path), len(path) + 1, Unit.steplen):
            code_path = path[:end]
            targets = [
                out["unit"][code_path],
                out["block"][code_path][block_id],
                out["age"][code_path][age],
            ]
            for t in targets:
                t["registrants"] += 1
                if d:
                    t["participants"] += 1
                    t["attempts"] += d["n"]
                    t["perfect_attempts"] += d["p"]
            if d:
                out["score_sum"][code_path] += d["best"]
                out["scores"][code_path][d["correct"]] += 1
                first = min(d["days"])
                for day, (n, p) in d["days"].items():
                    t = out["days"][code_path][day]
                    t["participants"] += 1
                    t["new_participants"] += int(day == first)
                    t["attempts"] += n
                    t["perfect_attempts"] += p
    return out
