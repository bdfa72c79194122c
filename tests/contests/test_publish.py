"""Status transitions and their checks; changes after publishing are audited."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from contests.models import BlueprintItem, Contest, ContestChange, Question, Round
from contests.services.contests import (
    blueprint_problems,
    contest_close,
    contest_publish,
    results_publish_problems,
)
from scoring.models import ResultsSnapshot
from scoring.services.prizes import results_publish
from tests.contests.helpers import form_fields
from tests.factories import ContestFactory, QuestionFactory, TopicFactory


@pytest.fixture
def draft(tree):
    """A draft with two topics: "Định danh điện tử" (3 easy, 2 hard) and "Giải thưởng" (4),
    blueprint 5 + 4."""
    contest = ContestFactory(
        owner_unit=tree["C"], participation_root=tree["C"], status=Contest.Status.DRAFT
    )
    eid = TopicFactory(contest=contest, name="Định danh điện tử")
    prizes = TopicFactory(contest=contest, name="Giải thưởng")
    QuestionFactory.create_batch(3, topic=eid, difficulty=Question.Difficulty.EASY)
    QuestionFactory.create_batch(2, topic=eid, difficulty=Question.Difficulty.HARD)
    QuestionFactory.create_batch(4, topic=prizes)
    BlueprintItem.objects.create(contest=contest, topic=eid, count=5)
    BlueprintItem.objects.create(contest=contest, topic=prizes, count=4)
    return contest


def test_publish_satisfiable(draft, organisers):
    contest_publish(contest=draft, user=organisers["city"])
    draft.refresh_from_db()
    assert draft.status == Contest.Status.PUBLISHED
    change = ContestChange.objects.get(contest=draft, what="status")
    assert (change.before, change.after) == ({"status": "draft"}, {"status": "published"})
    assert change.user == organisers["city"]


def test_publish_refused_when_the_bank_is_short(draft, organisers):
    BlueprintItem.objects.filter(topic__name="Giải thưởng").update(count=6)
    eid = draft.topics.get(name="Định danh điện tử")
    BlueprintItem.objects.create(
        contest=draft, topic=eid, difficulty=Question.Difficulty.EASY, count=4
    )
    with pytest.raises(ValidationError) as error:
        contest_publish(contest=draft, user=organisers["city"])
    assert error.value.messages == [
        "Chủ đề “Định danh điện tử”, độ khó Dễ: cấu trúc đề cần 4 câu nhưng ngân hàng chỉ có "
        "3 câu đang dùng.",
        "Chủ đề “Định danh điện tử”: cấu trúc đề cần 9 câu nhưng ngân hàng chỉ có 5 câu đang dùng.",
        "Chủ đề “Giải thưởng”: cấu trúc đề cần 6 câu nhưng ngân hàng chỉ có 4 câu đang dùng.",
    ]
    draft.refresh_from_db()
    assert draft.status == Contest.Status.DRAFT
    assert not ContestChange.objects.filter(contest=draft).exists()


def test_inactive_and_broken_questions_do_not_count(draft):
    question = draft.questions.filter(topic__name="Giải thưởng").first()
    question.options.update(is_correct=False)  # no correct option: cannot be drawn
    assert blueprint_problems(contest=draft) == [
        "Chủ đề “Giải thưởng”: cấu trúc đề cần 4 câu nhưng ngân hàng chỉ có 3 câu đang dùng."
    ]


def test_publish_refused_without_blueprint(tree, organisers):
    contest = ContestFactory(
        owner_unit=tree["C"], participation_root=tree["C"], status=Contest.Status.DRAFT
    )
    with pytest.raises(ValidationError) as error:
        contest_publish(contest=contest, user=organisers["city"])
    assert error.value.messages == [
        "Chưa có cấu trúc đề: hãy thêm ít nhất một dòng (chủ đề, số câu)."
    ]


def test_publish_through_admin_shows_the_exact_message(draft, organisers):
    BlueprintItem.objects.filter(topic__name="Giải thưởng").update(count=6)
    client = Client(enforce_csrf_checks=True)
    client.force_login(organisers["city"])
    change_url = reverse("admin:contests_contest_change", args=[draft.pk])
    page = client.get(change_url)
    assert "Công bố cuộc thi" in page.content.decode()
    token = form_fields(page, "transition-form")["csrfmiddlewaretoken"]
    url = reverse("admin:contests_contest_transition", args=[draft.pk, "cong-bo"])
    assert client.post(url).status_code == 403  # CSRF enforced
    response = client.post(url, {"csrfmiddlewaretoken": token}, follow=True)
    assert response.redirect_chain == [(change_url, 302)]
    messages = [str(m) for m in response.context["messages"]]
    assert messages == [
        f"{draft.title}: Chủ đề “Giải thưởng”: cấu trúc đề cần 6 câu nhưng ngân hàng chỉ có "
        "4 câu đang dùng."
    ]
    draft.refresh_from_db()
    assert draft.status == Contest.Status.DRAFT

    BlueprintItem.objects.filter(topic__name="Giải thưởng").update(count=4)
    response = client.post(url, {"csrfmiddlewaretoken": token}, follow=True)
    assert [str(m) for m in response.context["messages"]] == [
        f"Đã công bố cuộc thi “{draft.title}”."
    ]
    draft.refresh_from_db()
    assert draft.status == Contest.Status.PUBLISHED


def test_transition_get_is_refused(draft, organisers, client):
    client.force_login(organisers["city"])
    url = reverse("admin:contests_contest_transition", args=[draft.pk, "cong-bo"])
    assert client.get(url).status_code == 405


def test_close_only_after_the_close_time(draft, organisers):
    contest_publish(contest=draft, user=organisers["city"])
    with pytest.raises(ValidationError) as error:
        contest_close(contest=draft, user=organisers["city"])
    assert error.value.messages[0].startswith("Cuộc thi chưa hết thời gian dự thi (kết thúc lúc ")
    later = draft.closes_at + datetime.timedelta(seconds=1)
    contest_close(contest=draft, user=organisers["city"], now=later)
    draft.refresh_from_db()
    assert draft.status == Contest.Status.CLOSED


def test_publish_results_needs_the_prediction_answer(draft, organisers):
    """Results are published through scoring's service (the one path: checks, snapshot and
    status together); the checks are contests' `results_publish_problems`."""
    Contest.objects.filter(pk=draft.pk).update(
        status=Contest.Status.CLOSED,
        closes_at=timezone.now() - datetime.timedelta(hours=1),
        opens_at=timezone.now() - datetime.timedelta(days=3),
    )
    draft.refresh_from_db()
    assert results_publish_problems(contest=draft) == [
        "Chưa nhập đáp án câu hỏi dự đoán (dùng để xếp hạng)."
    ]
    with pytest.raises(ValidationError) as error:
        results_publish(contest=draft, user=organisers["city"])
    assert error.value.messages == ["Chưa nhập đáp án câu hỏi dự đoán (dùng để xếp hạng)."]
    assert not ResultsSnapshot.objects.exists()
    Contest.objects.filter(pk=draft.pk).update(prediction_actual=52812)
    draft.refresh_from_db()
    assert results_publish_problems(contest=draft) == []
    results_publish(contest=draft, user=organisers["city"])
    draft.refresh_from_db()
    assert draft.status == Contest.Status.RESULTS_PUBLISHED
    assert ResultsSnapshot.objects.get(contest=draft).version == 1


def test_wrong_transition_is_refused(draft, organisers):
    with pytest.raises(ValidationError) as error:
        contest_close(contest=draft, user=organisers["city"])
    assert error.value.messages == [
        "Cuộc thi đang ở trạng thái “Bản nháp”, không thể chuyển trạng thái này."
    ]
    with pytest.raises(ValidationError) as error:
        results_publish(contest=draft, user=organisers["city"])
    assert error.value.messages == ["Cuộc thi chưa kết thúc: chưa thể công bố kết quả."]


def test_rule_and_prize_changes_after_publishing_are_recorded(draft, organisers, client):
    contest_publish(contest=draft, user=organisers["city"])
    client.force_login(organisers["city"])
    url = reverse("admin:contests_contest_change", args=[draft.pk])
    data = form_fields(client.get(url), "contest_form")
    data.update(
        {
            "min_age": "12",
            "rules": "<p>Thể lệ mới</p><script>alert(1)</script>",
            "prize_structures-TOTAL_FORMS": "1",
            "prize_structures-0-title": "Giải cấp Thành phố",
            "prize_structures-0-unit": "",
            "prize_structures-0-collective_unit_kind": "",
            "prize_structures-0-basis": "mc",
            "prize_structures-0-one_prize_per": "round",
        }
    )
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    draft.refresh_from_db()
    assert draft.rules == "<p>Thể lệ mới</p>"  # sanitised with nh3
    rules = ContestChange.objects.get(contest=draft, what="rules")
    assert rules.before == {"min_age": 14, "rules": ""}
    assert rules.after == {"min_age": 12, "rules": "<p>Thể lệ mới</p>"}
    assert rules.user == organisers["city"]
    prizes = ContestChange.objects.get(contest=draft, what="prizes")
    assert prizes.before == {"prizes": {}}
    assert list(prizes.after["prizes"].values()) == [[]]


def test_draft_changes_are_not_recorded(draft, organisers, client):
    client.force_login(organisers["city"])
    url = reverse("admin:contests_contest_change", args=[draft.pk])
    data = form_fields(client.get(url), "contest_form")
    data["min_age"] = "12"
    assert client.post(url, data).status_code == 302
    assert not ContestChange.objects.filter(contest=draft).exists()


def test_round_blueprints(draft):
    """A round with its own items is checked on its own; a round without items needs the
    contest-wide blueprint."""
    day = datetime.timedelta(days=1)
    week1 = Round.objects.create(
        contest=draft,
        number=1,
        title="Tuần 1",
        opens_at=draft.opens_at,
        closes_at=draft.opens_at + day,
    )
    Round.objects.create(
        contest=draft,
        number=2,
        title="Tuần 2",
        opens_at=draft.opens_at + day,
        closes_at=draft.opens_at + 2 * day,
    )
    eid = draft.topics.get(name="Định danh điện tử")
    BlueprintItem.objects.create(contest=draft, round=week1, topic=eid, count=6)
    assert blueprint_problems(contest=draft) == [
        "Vòng “Tuần 1”: Chủ đề “Định danh điện tử”: cấu trúc đề cần 6 câu nhưng ngân hàng chỉ "
        "có 5 câu đang dùng."
    ]
    BlueprintItem.objects.filter(round__isnull=True).delete()
    BlueprintItem.objects.filter(round=week1).update(count=5)
    assert blueprint_problems(contest=draft) == [
        "Vòng “Tuần 2” chưa có cấu trúc đề (và cuộc thi không có cấu trúc đề chung)."
    ]
