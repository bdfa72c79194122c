"""A weekly contest on the shared `tree` for the reports of rounds and categories: two rounds,
two categories, people in both, one person without a category, known rankings.

Who did what (correct answers out of 10; every attempt lasts 300 s):
- Trần Thị Lan (C-D-1, officials): week 1 10 (perfect, 1/9 09:00), week 2 8;
- Lê Văn Hùng (A-1, citizens): week 1 7, week 2 10 (perfect);
- Phạm Minh An (A-1, no category): week 1 10 (perfect, 1/9 10:00), then 6 (1/9 11:00);
- Ngô Thị Hoa (B-1, citizens): week 2 5;
- Vũ Thị Mai (A-2, citizens): registered, never took part.

Overall by the sum of each week's best (CumulativeRule.ROUND_SUM): Lan 18, Hùng 17, An 10,
Hoa 5. Week 1: Lan, An (same score, Lan finished first), Hùng. Week 2: Hùng, Lan, Hoa."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from contests.models import Category, Round
from scoring.models import Attempt
from scoring.rules.score import score_for
from scoring.services.grading import results_recompute
from tests.factories import ContestFactory, RegistrationFactory

VN = datetime.timezone(datetime.timedelta(hours=7))


def at(day: int, hour: int) -> datetime.datetime:
    return datetime.datetime(2023, 9, day, hour, 0, tzinfo=VN)


def attempt_in(registration, round_, number, correct, finished, *, questions=10):
    """A graded attempt of `round_` written directly, then the person's result rows rewritten
    as grading does."""
    Attempt.objects.create(
        registration=registration,
        contest=registration.contest,
        round=round_,
        number=number,
        status="graded",
        items=[],
        answers={},
        started_at=finished - datetime.timedelta(minutes=5),
        deadline=finished + datetime.timedelta(minutes=15),
        finished_at=finished,
        question_count=questions,
        correct_count=correct,
        score=score_for(correct=correct, total=questions),
        duration_ms=300_000,
        all_correct=correct == questions,
        graded_at=finished + datetime.timedelta(seconds=2),
    )
    results_recompute(registration_ids=[registration.pk])


def person(contest, unit, *, block, category, name, age_group="18+"):
    return RegistrationFactory(
        contest=contest,
        unit=unit,
        block=block,
        category=category,
        age_group=age_group,
        age_on_reference=33,
        participant__full_name=name,
    )


@pytest.fixture
def weekly(tree):
    """The weekly contest (see the module docstring): a namespace with the contest, its rounds,
    categories and registrations by first name."""
    contest = ContestFactory(
        owner_unit=tree["C"],
        participation_root=tree["C"],
        opens_at=at(1, 0),
        closes_at=at(30, 0),
        cumulative_rule="round_sum",
    )
    week1 = Round.objects.create(
        contest=contest, number=1, title="Tuần 1", opens_at=at(1, 0), closes_at=at(8, 0)
    )
    week2 = Round.objects.create(
        contest=contest, number=2, title="Tuần 2", opens_at=at(8, 0), closes_at=at(15, 0)
    )
    officials = Category.objects.create(contest=contest, name="Cán bộ, công chức", order=1)
    citizens = Category.objects.create(contest=contest, name="Người dân", order=2)
    officials.blocks.add(tree["C-D"])
    D, Q = tree["C-D"], tree["C-Q"]
    lan = person(contest, tree["C-D-1"], block=D, category=officials, name="Trần Thị Lan")
    hung = person(contest, tree["A-1"], block=Q, category=citizens, name="Lê Văn Hùng")
    an = person(contest, tree["A-1"], block=Q, category=None, name="Phạm Minh An")
    hoa = person(contest, tree["B-1"], block=Q, category=citizens, name="Ngô Thị Hoa")
    mai = person(contest, tree["A-2"], block=Q, category=citizens, name="Vũ Thị Mai")
    attempt_in(lan, week1, 1, 10, at(1, 9))
    attempt_in(lan, week2, 1, 8, at(9, 9))
    attempt_in(hung, week1, 1, 7, at(2, 9))
    attempt_in(hung, week2, 1, 10, at(9, 10))
    attempt_in(an, week1, 1, 10, at(1, 10))
    attempt_in(an, week1, 2, 6, at(1, 11))
    attempt_in(hoa, week2, 1, 5, at(10, 9))

    class World:
        pass

    world = World()
    world.contest = contest
    world.week1, world.week2 = week1, week2
    world.officials, world.citizens = officials, citizens
    world.lan, world.hung, world.an, world.hoa, world.mai = lan, hung, an, hoa, mai
    world.now = timezone.now()
    return world
