"""Prizes on essay marks (PrizeStructure.basis essay / combined) through scoring's allocation:
nothing before the city closes its final marking; then the final marks decide (not the district
marks, not the multiple-choice score), or the combined score by the task's mc_weight;
disqualified people never win."""

import datetime
from decimal import Decimal as D

import pytest
from django.utils import timezone

from contests.models import PrizeStructure, PrizeTier
from essays.models import Assignment, Entry, EssayTask
from essays.services.judging import marks_save, panel_assign, panel_close, panel_forward
from scoring.models import Attempt
from scoring.selectors.prizes import prizes_allocate
from scoring.services.disqualification import registration_disqualify
from scoring.services.grading import attempts_grade
from tests.conftest import make_organiser
from tests.essays import judging_support as js
from tests.scoring.grading_data import bank_contest, contest_questions, make_attempt, register

pytestmark = pytest.mark.django_db
IND = PrizeTier.Kind.INDIVIDUAL


@pytest.fixture
def pipeline(tree, organisers):
    """Four people of district A: multiple choice 10, 8, 6, 4 correct of 10 (person 0 best);
    district marks best-first 0…3, city final marks the other way round (person 3 best)."""
    contest = bank_contest(tree, questions=10)
    questions = contest_questions(contest)
    now = timezone.now()
    task = EssayTask.objects.create(
        contest=contest,
        title="Bài tự luận",
        questions="<p>Câu hỏi</p>",
        opens_at=now - datetime.timedelta(days=20),
        unit_deadline=now - datetime.timedelta(days=10),
        city_deadline=now + datetime.timedelta(days=1),
        forward_top_n=100,
    )
    task.criteria.create(order=1, name="Nội dung", max_marks=10, weight=2)
    task.criteria.create(order=2, name="Hình thức", max_marks=10, weight=1)
    people = []
    for i in range(4):
        registration = register(contest, tree["A-1" if i % 2 else "A-2"])
        make_attempt(registration, questions, correct=10 - 2 * i)
        people.append(registration)
        Entry.objects.create(
            task=task,
            registration=registration,
            code=f"BAI{i:04d}",
            text="Bài viết.",
            status=Entry.Status.SUBMITTED,
            submitted_at=now - datetime.timedelta(days=11),
            district=tree["A"],
        )
    attempts_grade(attempt_ids=Attempt.objects.values_list("id", flat=True))
    district = js.panel(task, tree["A"], [js.judge(tree["B"]), js.judge(tree["C-D-1"])])
    panel_assign(panel=district, by=organisers["a"])
    index = {e.pk: int(e.code[-1]) for e in Entry.objects.all()}
    for a in Assignment.objects.filter(panel=district):
        i = index[a.entry_id]
        marks_save(assignment=a, judge=a.judge, values=js.values(task, 10 - i, 10 - i))
    panel_forward(panel=district, by=organisers["a"])
    final = js.panel(task, tree["C"], [js.judge(tree["B-1"]), js.judge(tree["C-D-1"])], final=True)
    panel_assign(panel=final, by=organisers["city"])
    # Final totals: person i → 3 × (4 + 2i): 12, 18, 24, 30 (of 30).
    for a in Assignment.objects.filter(panel=final):
        i = index[a.entry_id]
        marks_save(assignment=a, judge=a.judge, values=js.values(task, 4 + 2 * i, 4 + 2 * i))
    return {"contest": contest, "task": task, "people": people, "final": final}


def _structure(contest, basis):
    structure = PrizeStructure.objects.create(contest=contest, title="Giải cá nhân", basis=basis)
    for order, name in enumerate(["Giải Nhất", "Giải Nhì", "Giải Ba"], start=1):
        PrizeTier.objects.create(
            structure=structure, kind=IND, rank_order=order, name=name, count=1, amount=1000
        )
    return structure


def _winners(contest):
    return [(r["registration_id"], r["score"]) for r in prizes_allocate(contest=contest).rows]


def test_essay_prizes_wait_for_the_final_marks_then_follow_them(pipeline, organisers):
    contest, people = pipeline["contest"], pipeline["people"]
    _structure(contest, PrizeStructure.Basis.ESSAY)
    assert _winners(contest) == []  # the city has not closed its marking
    panel_close(panel=pipeline["final"], by=organisers["city"])
    assert _winners(contest) == [
        (people[3].pk, "30.00"),
        (people[2].pk, "24.00"),
        (people[1].pk, "18.00"),
    ]
    root = make_organiser(None, "root_essay", superuser=True)
    registration_disqualify(registration=people[3], reason_code="cheating", user=root)
    assert [w for w, _s in _winners(contest)] == [people[2].pk, people[1].pk, people[0].pk]


def test_combined_prizes_weigh_the_multiple_choice_score(pipeline, organisers):
    contest, people, task = pipeline["contest"], pipeline["people"], pipeline["task"]
    panel_close(panel=pipeline["final"], by=organisers["city"])
    task.mc_weight = 75
    task.save()
    _structure(contest, PrizeStructure.Basis.COMBINED)
    # Essay % = final/30: 40, 60, 80, 100; MC: 100, 80, 60, 40. 25/75:
    # person 0: 10 + 75 = 85; 1: 15 + 60 = 75; 2: 20 + 45 = 65; 3: 25 + 30 = 55.
    assert _winners(contest) == [
        (people[0].pk, "85.00"),
        (people[1].pk, "75.00"),
        (people[2].pk, "65.00"),
    ]


def test_multiple_choice_structures_are_unchanged(pipeline):
    contest, people = pipeline["contest"], pipeline["people"]
    _structure(contest, PrizeStructure.Basis.MULTIPLE_CHOICE)
    assert [w for w, _s in _winners(contest)] == [people[0].pk, people[1].pk, people[2].pk]
    assert D(_winners(contest)[0][1]) == D(100)
