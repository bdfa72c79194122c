"""The draw agrees with the publish check: whenever `blueprint_problems` finds the bank
sufficient, every draw succeeds (items with a difficulty are drawn before "any" items)."""

import pytest

from contests.models import BlueprintItem, Question
from contests.services.contests import blueprint_problems
from scoring.services.draw import draw_plan, draw_plans_forget, questions_draw
from tests.factories import ContestFactory, QuestionFactory, TopicFactory

pytestmark = pytest.mark.django_db

EASY, HARD = Question.Difficulty.EASY, Question.Difficulty.HARD


@pytest.fixture
def tight(tree):
    """Topic T has 2 easy questions and 1 hard one; the blueprint asks for 1 question of any
    difficulty (listed first) and 1 hard one: just enough, if the hard one is kept for the
    hard item."""
    draw_plans_forget()
    contest = ContestFactory(owner_unit=tree["C"], participation_root=tree["C"])
    topic = TopicFactory(contest=contest, name="T")
    easy = QuestionFactory.create_batch(2, topic=topic, difficulty=EASY)
    hard = QuestionFactory(topic=topic, difficulty=HARD)
    BlueprintItem.objects.create(contest=contest, topic=topic, count=1)
    BlueprintItem.objects.create(contest=contest, topic=topic, difficulty=HARD, count=1)
    yield contest, [q.pk for q in easy], hard.pk
    draw_plans_forget()


def test_the_publish_check_finds_the_bank_sufficient(tight):
    contest, _easy, _hard = tight
    assert blueprint_problems(contest=contest) == []


def test_an_any_item_cannot_take_the_question_a_hard_item_needs(tight):
    """A person who has seen both easy questions: the "any" item prefers unseen questions, so
    drawn first (the old order) it took the only hard question and the hard item failed."""
    contest, easy, hard = tight
    plan = draw_plan(contest=contest)
    drawn = questions_draw(plan=plan, round=None, seen=set(easy))
    # Blueprint order: the "any" item's question, then the hard one.
    assert drawn[1] == hard
    assert drawn[0] in easy


def test_every_draw_succeeds_when_the_check_passes(tight):
    contest, easy, hard = tight
    plan = draw_plan(contest=contest)
    for _i in range(50):
        drawn = questions_draw(plan=plan, round=None, seen=set())
        assert drawn[1] == hard and drawn[0] in easy


def test_a_question_the_check_does_not_count_is_never_drawn(tight):
    """A question left with no correct option (an import in progress, an edit) is neither
    counted by the publish check nor drawn."""
    contest, easy, hard = tight
    broken = QuestionFactory(topic=Question.objects.get(pk=hard).topic, difficulty=HARD)
    broken.options.update(is_correct=False)
    plan = draw_plan(contest=contest)
    pooled = {q for questions in plan["pool"].values() for q, _difficulty in questions}
    assert pooled == {*easy, hard}
    for _i in range(20):
        assert broken.pk not in questions_draw(plan=plan, round=None, seen=set())
