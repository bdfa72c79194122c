"""The demo shows practice and the review of missed questions: practice on for the Hà Nội demo
contest with its practice questions, the demo citizen's finished practice test, and a review
of the question they missed in the finished provisional contest."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from contests.models import Contest, Question
from devdata.services.demo import DEMO_SLUG, seed_demo_contest, seed_units_and_accounts
from devdata.services.demo_citizen import seed_demo_participant
from devdata.services.demo_practice import PRACTICE_QUESTIONS, seed_practice_demo
from devdata.services.demo_results import PROVISIONAL_SLUG, seed_finished_contests
from learning.models import PracticeAttempt
from learning.selectors.review import review_summary
from participants.models import Participant, Registration
from scoring.services.attempts import attempt_start

pytestmark = [pytest.mark.sqlite, pytest.mark.django_db]


def test_demo_practice_and_review():
    seed_units_and_accounts()
    seed_demo_contest()
    seed_demo_participant()
    seed_finished_contests()
    first = seed_practice_demo()
    again = seed_practice_demo()  # idempotent
    assert first[0] == (
        f"  thi thử: /cuoc-thi/{DEMO_SLUG}/thi-thu/ — 15 câu hỏi thi thử (15 câu mới), "
        "10 câu mỗi lần"
    )
    assert again[0].endswith("(0 câu mới), 10 câu mỗi lần")
    assert first[1] == again[1] == "  thí sinh mẫu đã thi thử 1 lần: 7/10 câu đúng"

    contest = Contest.objects.get(slug=DEMO_SLUG)
    assert (contest.practice_mode, contest.practice_question_count) == ("before_during", 10)
    practice = Question.objects.filter(contest=contest, pool="practice")
    assert practice.count() == len(PRACTICE_QUESTIONS) == 15
    assert all(q.explanation and q.legal_reference for q in practice)
    participant = Participant.objects.get(document_number="001087123456")
    assert PracticeAttempt.objects.filter(participant=participant, status="submitted").count() == 1

    # The real test of the demo contest still draws from its own bank only.
    registration = Registration.objects.get(participant=participant, contest=contest)
    attempt = attempt_start(registration=registration)
    assert not set(practice.values_list("id", flat=True)) & {i["q"] for i in attempt.items}

    finished = Contest.objects.get(slug=PROVISIONAL_SLUG)
    summary = review_summary(participant=participant, contest=finished, now=timezone.now())
    assert summary.reviewable == 1 and len(summary.missed) == 1

    client = Client()
    client.force_login(participant.user)
    page = client.get(reverse("learning:review", args=[PROVISIONAL_SLUG]))
    assert "Bạn có 1 câu trả lời sai; đã ôn đúng 0 câu." in page.content.decode()
    home = client.get(reverse("learning:practice", args=[DEMO_SLUG])).content.decode()
    assert "7/10 câu đúng" in home and "Bắt đầu thi thử" in home
