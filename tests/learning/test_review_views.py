"""'Ôn lại câu sai' through the real views: nothing of the key before the contest's review policy
allows it (including a direct address of a review question of a not-yet-reviewable attempt),
then the missed questions one at a time with the key, explanation and legal reference, and the
mastery per topic."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from contests.models import Contest, Option, Question
from learning.models import PracticeAttempt
from scoring.models import Attempt
from scoring.services.attempts import attempt_start, attempt_submit
from scoring.services.grading import attempts_grade
from tests.factories import RegistrationFactory, contest_with_bank
from tests.scoring import exam_support as support
from tests.scoring.exam_support import Person, correct_answers

clean_cache_and_broker = support.clean_cache_and_broker

pytestmark = pytest.mark.django_db


@pytest.fixture
def contest(tree):
    return contest_with_bank(
        owner=tree["C"],
        root=tree["C"],
        review_content=Contest.ReviewContent.EXPLANATIONS,
        review_timing=Contest.ReviewTiming.AFTER_CONTEST,
    )


@pytest.fixture
def registration(contest, tree):
    return RegistrationFactory(contest=contest, unit=tree["A-1"])


@pytest.fixture
def person(registration):
    return Person(registration.participant.user)


def graded_attempt(registration, *, wrong: int) -> Attempt:
    attempt = attempt_start(registration=registration)
    attempt_submit(attempt=attempt, answers=correct_answers(attempt, wrong=wrong))
    attempts_grade(attempt_ids=[attempt.pk])
    attempt.refresh_from_db()
    assert attempt.status == "graded"
    assert attempt.correct_count == attempt.question_count - wrong
    return attempt


def close(contest):
    now = timezone.now()
    Contest.objects.filter(pk=contest.pk).update(
        opens_at=now - datetime.timedelta(days=10), closes_at=now - datetime.timedelta(hours=1)
    )


def text(response) -> str:
    return response.content.decode()


def key_shown(html: str) -> bool:
    return "(đáp án đúng)" in html or "Căn cứ:" in html or "Giải thích." in html


def take_url(contest, review, number=None):
    url = reverse("learning:review_take", args=[contest.slug, review.pk])
    return f"{url}?cau={number}" if number else url


def test_nothing_before_the_policy_allows(contest, registration, person):
    attempt = graded_attempt(registration, wrong=3)
    home = person.get(reverse("learning:review", args=[contest.slug]))
    assert home.status_code == 200
    assert "Chưa đến thời gian xem đáp án theo thể lệ cuộc thi" in text(home)
    assert 'id="review-start"' not in text(home)
    started = person.post(reverse("learning:review", args=[contest.slug]))
    assert started.status_code == 403
    assert re.search(r'id="refusal">([^<]*)<', text(started)).group(1) == (
        "Chưa đến thời gian xem đáp án theo thể lệ cuộc thi, nên chưa thể ôn lại câu sai. "
        "Vui lòng quay lại sau."
    )
    assert PracticeAttempt.objects.count() == 0
    # No link on the result page nor on the contest page yet.
    result = text(person.get(reverse("scoring:result", args=[attempt.pk])))
    assert "Ôn lại câu sai" not in result
    page = text(person.get(reverse("contests:contest_detail", args=[contest.slug])))
    assert "Ôn lại câu sai" not in page

    # A review of this attempt's questions reached by its address (made by hand: the
    # service never makes one) shows no key, and refuses an answer without writing it.
    missed = attempt.items[-1]
    review = PracticeAttempt.objects.create(
        participant=registration.participant,
        contest=contest,
        kind="review",
        items=[missed],
        answers={},
        started_at=timezone.now(),
        question_count=1,
    )
    page = person.get(take_url(contest, review, 1))
    assert page.status_code == 403 and not key_shown(text(page))
    assert "Chưa đến thời gian xem đáp án theo thể lệ cuộc thi." in text(page)
    posted = person.post(take_url(contest, review), {"cau": "1", f"q{missed['q']}": missed["o"][0]})
    assert posted.status_code == 403 and not key_shown(text(posted))
    review.refresh_from_db()
    assert review.answers == {} and review.status == "open"
    # Even with an answer already stored, the key stays hidden.
    PracticeAttempt.objects.filter(pk=review.pk).update(answers={str(missed["q"]): missed["o"][0]})
    page = person.get(take_url(contest, review, 1))
    assert page.status_code == 403 and not key_shown(text(page))


def test_score_only_contest_never_reviews(contest, registration, person):
    Contest.objects.filter(pk=contest.pk).update(review_content=Contest.ReviewContent.SCORE)
    graded_attempt(registration, wrong=2)
    close(contest)
    assert person.post(reverse("learning:review", args=[contest.slug])).status_code == 403
    assert PracticeAttempt.objects.count() == 0


def test_review_missed_questions_one_at_a_time(contest, registration, person):
    attempt = graded_attempt(registration, wrong=3)
    close(contest)
    missed_items = attempt.items[-3:]

    result = text(person.get(reverse("scoring:result", args=[attempt.pk])))
    assert f'href="{reverse("learning:review", args=[contest.slug])}"' in result
    home = text(person.get(reverse("learning:review", args=[contest.slug])))
    assert "Bạn có 3 câu trả lời sai; đã ôn đúng 0 câu." in home
    # Mastery per topic: the test drew 5 + 5 and the last 3 (topic 2) were wrong.
    rows = re.findall(r"<tr><td>(Chủ đề \d)</td>\s*<td[^>]*>(\d+)%", home)
    assert rows == [("Chủ đề 1", "100"), ("Chủ đề 2", "40")]

    started = person.post(reverse("learning:review", args=[contest.slug]))
    review = PracticeAttempt.objects.get(kind="review")
    assert started["Location"] == take_url(contest, review)
    assert review.items == missed_items and review.deadline is None

    first = person.get(take_url(contest, review))
    assert first.status_code == 200 and not key_shown(text(first))
    q = missed_items[0]["q"]
    question = Question.objects.get(pk=q)
    assert question.text in text(first)
    right = Option.objects.get(question_id=q, is_correct=True)
    wrong = next(o for o in missed_items[0]["o"] if o != right.pk)

    answered = person.post(take_url(contest, review), {"cau": "1", f"q{q}": wrong})
    assert answered["Location"] == take_url(contest, review, 1)
    feedback = text(person.get(take_url(contest, review, 1)))
    assert "Chưa đúng." in feedback
    assert f"✔ {right.text} <em>(đáp án đúng)</em>" in feedback
    assert question.explanation in feedback
    assert f"Căn cứ: {question.legal_reference}" in feedback
    # The first answer stands.
    person.post(take_url(contest, review), {"cau": "1", f"q{q}": right.pk})
    review.refresh_from_db()
    assert review.answers == {str(q): wrong}

    # A bad answer: the question again with the message, nothing written.
    q2 = missed_items[1]["q"]
    bad = person.post(take_url(contest, review), {"cau": "2", f"q{q2}": "999999999"})
    assert bad.status_code == 400 and "Vui lòng chọn một phương án trả lời." in text(bad)
    assert not key_shown(text(bad))
    for number, item in enumerate(missed_items[1:], start=2):
        correct = Option.objects.get(question_id=item["q"], is_correct=True).pk
        person.post(take_url(contest, review), {"cau": str(number), f"q{item['q']}": correct})
    review.refresh_from_db()
    assert review.status == "submitted" and review.correct_count == 2
    done = text(person.get(take_url(contest, review, 3)))
    assert "Đã xong lượt ôn tập: 2/3 câu đúng." in done and "Đúng rồi!" in done

    # Mastery counts the two answered right; the next review asks only the one left.
    home = text(person.get(reverse("learning:review", args=[contest.slug])))
    assert "Bạn có 3 câu trả lời sai; đã ôn đúng 2 câu." in home
    person.post(reverse("learning:review", args=[contest.slug]))
    again = PracticeAttempt.objects.get(kind="review", status="open")
    assert again.items == missed_items[:1]
    # Reviews are never attempts: the contest's figures have one attempt still.
    assert Attempt.objects.count() == 1


def test_a_stricter_policy_hides_an_open_review(contest, registration, person):
    graded_attempt(registration, wrong=2)
    close(contest)
    person.post(reverse("learning:review", args=[contest.slug]))
    review = PracticeAttempt.objects.get(kind="review")
    item = review.items[0]
    person.post(take_url(contest, review), {"cau": "1", f"q{item['q']}": item["o"][0]})
    assert key_shown(text(person.get(take_url(contest, review, 1))))
    Contest.objects.filter(pk=contest.pk).update(review_content=Contest.ReviewContent.SCORE)
    page = person.get(take_url(contest, review, 1))
    assert page.status_code == 403 and not key_shown(text(page))


def test_answers_only_policy_shows_no_explanation(contest, registration, person):
    Contest.objects.filter(pk=contest.pk).update(review_content=Contest.ReviewContent.ANSWERS)
    graded_attempt(registration, wrong=1)
    close(contest)
    person.post(reverse("learning:review", args=[contest.slug]))
    review = PracticeAttempt.objects.get(kind="review")
    item = review.items[0]
    person.post(take_url(contest, review), {"cau": "1", f"q{item['q']}": item["o"][0]})
    html = text(person.get(take_url(contest, review, 1)))
    assert "(đáp án đúng)" in html
    assert "Căn cứ:" not in html and "Giải thích." not in html


def test_nothing_missed_and_another_persons_review(contest, registration, person, tree):
    graded_attempt(registration, wrong=0)
    close(contest)
    refused = person.post(reverse("learning:review", args=[contest.slug]))
    assert refused.status_code == 403
    assert "Bạn không có câu sai nào để ôn lại. Chúc mừng bạn!" in text(refused)

    other = RegistrationFactory(contest=contest, unit=tree["A-1"])
    graded_attempt(other, wrong=2)
    Person(other.participant.user).post(reverse("learning:review", args=[contest.slug]))
    theirs = PracticeAttempt.objects.get(participant=other.participant)
    assert person.get(take_url(contest, theirs, 1)).status_code == 404
    assert person.post(take_url(contest, theirs), {"cau": "1"}).status_code == 404
    end = reverse("learning:review_end", args=[contest.slug, theirs.pk])
    assert person.post(end).status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == "open"


@pytest.mark.parametrize("value", ["abc", "0", "99", "-1", "9999999999999999999999"])
def test_hostile_question_numbers(contest, registration, person, value):
    graded_attempt(registration, wrong=2)
    close(contest)
    person.post(reverse("learning:review", args=[contest.slug]))
    review = PracticeAttempt.objects.get(kind="review")
    page = person.get(take_url(contest, review) + f"?cau={value}")
    assert page.status_code in (400, 404)
    assert "Số câu hỏi không hợp lệ." in text(page)
    posted = person.post(take_url(contest, review), {"cau": value})
    assert posted.status_code in (400, 404)
    review.refresh_from_db()
    assert review.answers == {}
