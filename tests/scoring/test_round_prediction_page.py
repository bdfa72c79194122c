"""The test page asks the prediction question its attempt is ranked on: a round's own question
(Round.prediction_text) in that round, else the contest's (scoring.rules.prediction_question)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from contests.models import Round
from scoring.models import Attempt
from tests.scoring import exam_support as support

clean_cache_and_broker = support.clean_cache_and_broker
exam = support.exam
registration = support.registration
user = support.user
person = support.person

pytestmark = [pytest.mark.django_db]

CONTEST_QUESTION = "Cả cuộc thi có bao nhiêu người trả lời đúng tất cả?"
WEEK_QUESTION = "Tuần 1 có bao nhiêu người trả lời đúng tất cả?"


def _week(exam, *, question: str) -> Round:
    now = timezone.now()
    return Round.objects.create(
        contest=exam,
        number=1,
        title="Tuần 1",
        opens_at=now - datetime.timedelta(hours=1),
        closes_at=now + datetime.timedelta(days=1),
        prediction_text=question,
    )


def _test_page(person, exam) -> str:
    response = person.start(exam.slug)
    assert response.status_code == 302
    attempt = Attempt.objects.get()
    page = person.get(reverse("scoring:take", args=[attempt.pk]))
    assert page.status_code == 200
    return page.content.decode()


@pytest.mark.parametrize(
    ("contest_question", "week_question", "asked", "not_asked"),
    [
        (CONTEST_QUESTION, WEEK_QUESTION, WEEK_QUESTION, CONTEST_QUESTION),
        ("", WEEK_QUESTION, WEEK_QUESTION, CONTEST_QUESTION),
        (CONTEST_QUESTION, "", CONTEST_QUESTION, WEEK_QUESTION),
    ],
)
def test_the_rounds_own_question_is_asked(
    exam, person, contest_question, week_question, asked, not_asked
):
    exam.prediction_text = contest_question
    exam.save(update_fields=["prediction_text"])
    _week(exam, question=week_question)
    html = _test_page(person, exam)
    assert asked in html
    assert not_asked not in html
    assert 'name="prediction"' in html


def test_no_question_no_field(exam, person):
    exam.prediction_text = ""
    exam.save(update_fields=["prediction_text"])
    _week(exam, question="")
    assert 'name="prediction"' not in _test_page(person, exam)
