"""Organisers set practice in admin: the contest's practice mode and size, and each question's
pool ("Dùng cho"); a pool change alone never makes a new version of a used question."""

import pytest
from django.urls import reverse

from contests.models import Contest, Question
from tests.contests.helpers import form_fields
from tests.factories import ContestFactory, QuestionFactory, TopicFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def question(tree):
    contest = ContestFactory(owner_unit=tree["A"], participation_root=tree["A"])
    topic = TopicFactory(contest=contest, name="Luật Giao thông đường bộ")
    return QuestionFactory(topic=topic, text="Người đi xe máy phải đội mũ bảo hiểm khi nào?")


def test_pool_change_of_a_used_question_is_applied_in_place(question, organisers, client):
    Question.objects.filter(pk=question.pk).update(used=True)
    client.force_login(organisers["a"])
    url = reverse("admin:contests_question_change", args=[question.pk])
    page = client.get(url)
    assert "Đáp án, giải thích và căn cứ pháp lý".lower() in page.content.decode().lower()
    data = form_fields(page, "question_form")
    assert data["pool"] == "contest"
    data["pool"] = "both"
    assert client.post(url, data).status_code == 302
    question.refresh_from_db()
    assert (question.pool, question.version, question.is_active) == ("both", 1, True)
    assert not Question.objects.filter(replaces=question).exists()
    # A content edit makes the new version, which keeps the pool.
    data = form_fields(client.get(url), "question_form")
    data["text"] = "Người điều khiển xe mô tô phải đội mũ bảo hiểm khi nào?"
    assert client.post(url, data).status_code == 302
    new = Question.objects.get(replaces=question)
    assert (new.pool, new.version) == ("both", 2)


def test_add_a_practice_only_question(question, organisers, client):
    client.force_login(organisers["a"])
    url = reverse("admin:contests_question_add")
    data = form_fields(client.get(url), "question_form")
    data.update(
        {
            "contest": question.contest_id,
            "topic": question.topic_id,
            "text": "Nồng độ cồn cho phép khi lái xe là bao nhiêu?",
            "difficulty": "1",
            "pool": "practice",
            "options-0-text": "Không được có nồng độ cồn",
            "options-0-is_correct": "on",
            "options-1-text": "Dưới 50 mg/100 ml máu",
        }
    )
    assert client.post(url, data).status_code == 302
    assert Question.objects.get(text__startswith="Nồng độ cồn").pool == "practice"


def test_contest_admin_sets_practice(question, organisers, client):
    client.force_login(organisers["a"])
    url = reverse("admin:contests_contest_change", args=[question.contest_id])
    page = client.get(url)
    html = page.content.decode()
    assert 'name="practice_mode"' in html and 'name="practice_question_count"' in html
    data = form_fields(page, "contest_form")
    data["practice_mode"] = "before_during"
    data["practice_question_count"] = "15"
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    contest = Contest.objects.get(pk=question.contest_id)
    assert (contest.practice_mode, contest.practice_question_count) == ("before_during", 15)
