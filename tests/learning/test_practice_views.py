"""Practice ("Thi thử") through the real views: start, the exam page, autosave, resume, submit,
result with the key; refusals with their Vietnamese messages; another person's practice."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from contests.models import Option, Question
from learning.models import PracticeAttempt
from scoring.models import Attempt
from tests.factories import ParticipantFactory
from tests.learning.practice_support import practice_contest, practice_ids
from tests.scoring import exam_support as support
from tests.scoring.exam_support import Person

clean_cache_and_broker = support.clean_cache_and_broker

pytestmark = pytest.mark.django_db


@pytest.fixture
def contest(tree):
    return practice_contest(tree)


@pytest.fixture
def citizen():
    """A citizen account not registered for the contest (practice needs no registration)."""
    return Person(ParticipantFactory().user)


def text(response) -> str:
    return response.content.decode()


def start(person, contest) -> PracticeAttempt:
    response = person.post(reverse("learning:practice", args=[contest.slug]))
    assert response.status_code == 302, text(response)
    attempt = PracticeAttempt.objects.get(status="open")
    assert response["Location"] == reverse(
        "learning:practice_take", args=[contest.slug, attempt.pk]
    )
    return attempt


def urls(contest, attempt) -> dict[str, str]:
    args = [contest.slug, attempt.pk]
    return {
        name: reverse(f"learning:practice_{name}", args=args)
        for name in ("take", "autosave", "submit", "result")
    }


def key_of(attempt) -> dict[str, int]:
    return {
        str(q): o
        for q, o in Option.objects.filter(
            question_id__in=[i["q"] for i in attempt.items], is_correct=True
        ).values_list("question_id", "id")
    }


def test_whole_practice_flow(contest, citizen):
    home = citizen.get(reverse("learning:practice", args=[contest.slug]))
    assert home.status_code == 200
    assert "THI THỬ — không tính điểm, không xếp hạng" in text(home)
    assert "Bắt đầu thi thử" in text(home)

    attempt = start(citizen, contest)
    assert attempt.kind == "practice"
    assert attempt.question_count == 5 and len(attempt.items) == 5
    # Only the practice pool is drawn; the deadline is the contest's time limit.
    assert {i["q"] for i in attempt.items} <= practice_ids(contest)
    assert attempt.deadline - attempt.started_at == datetime.timedelta(minutes=20)
    # Drawn versions are used: never edited in place, so the result shows what was seen.
    assert all(
        Question.objects.filter(id__in=[i["q"] for i in attempt.items]).values_list(
            "used", flat=True
        )
    )

    u = urls(contest, attempt)
    page = citizen.get(u["take"])
    html = text(page)
    assert page.status_code == 200
    # The real test's page and script, with practice's addresses, marked as practice.
    assert "THI THỬ — không tính điểm, không xếp hạng" in html
    assert 'id="bar-badge">THI THỬ<' in html
    assert f'action="{u["submit"]}"' in html and f'data-autosave-url="{u["autosave"]}"' in html
    assert "js/attempt.js" in html
    radios = re.findall(r'type="radio" name="q(\d+)" value="(\d+)"', html)
    assert radios == [(str(i["q"]), str(o)) for i in attempt.items for o in i["o"]]
    assert "Giải thích thi thử" not in html and "Căn cứ" not in html  # no key before submit

    key = key_of(attempt)
    first, second = (str(i["q"]) for i in attempt.items[:2])
    wrong = next(o for o in attempt.items[1]["o"] if o != key[second])
    saved = citizen.post_json(u["autosave"], {"answers": {first: key[first], second: wrong}})
    assert saved.status_code == 200
    body = saved.json()
    assert body["ok"] is True and body["answered"] == 2 and body["total"] == 5
    assert 1190 <= body["remaining"] <= 1200

    # Reload: the answers are there (resume), and a second start returns the same test.
    again = citizen.get(u["take"])
    checked = re.findall(r'name="q(\d+)" value="(\d+)" checked', text(again))
    assert sorted(checked) == sorted([(first, str(key[first])), (second, str(wrong))])
    assert start(citizen, contest).pk == attempt.pk

    third = str(attempt.items[2]["q"])
    done = citizen.post(u["submit"], {f"q{third}": key[third]})
    assert done.status_code == 302 and done["Location"] == u["result"]
    attempt.refresh_from_db()
    assert attempt.status == "submitted" and attempt.correct_count == 2
    assert attempt.answers == {first: key[first], second: wrong, third: key[third]}

    result = citizen.get(u["result"])
    html = text(result)
    assert result.status_code == 200
    assert "THI THỬ — không tính điểm, không xếp hạng" in html
    assert '<dd class="col-5 col-sm-8" id="correct-count">2/5</dd>' in html
    for item in attempt.items:
        question = Question.objects.get(pk=item["q"])
        assert question.text in html
        assert question.explanation in html
        assert f"Căn cứ: {question.legal_reference}" in html
    # A second submit changes nothing and lands on the same result.
    twice = citizen.post(u["submit"], {f"q{first}": attempt.items[0]["o"][-1]})
    assert twice.status_code == 302 and twice["Location"] == u["result"]
    attempt.refresh_from_db()
    assert attempt.correct_count == 2 and attempt.answers[first] == key[first]
    # After submit, autosave is refused with the reason and the result's address.
    late = citizen.post_json(u["autosave"], {"answers": {first: attempt.items[0]["o"][-1]}})
    assert late.status_code == 409
    assert late.json() == {
        "ok": False,
        "code": "submitted",
        "error": "Bài thi đã được nộp, không thể thay đổi câu trả lời.",
        "result_url": u["result"],
    }
    # The take page sends a submitted test to its result; no real attempt was made.
    assert citizen.get(u["take"])["Location"] == u["result"]
    assert Attempt.objects.count() == 0


def test_practice_is_unlimited_and_listed(contest, citizen):
    for _ in range(3):
        attempt = start(citizen, contest)
        citizen.post(urls(contest, attempt)["submit"])
    assert PracticeAttempt.objects.filter(status="submitted").count() == 3
    home = text(citizen.get(reverse("learning:practice", args=[contest.slug])))
    assert home.count("0/5 câu đúng") == 3


def test_autosave_refuses_bad_input_and_changes_nothing(contest, citizen):
    attempt = start(citizen, contest)
    u = urls(contest, attempt)
    q = str(attempt.items[0]["q"])
    other = Option.objects.exclude(question_id=attempt.items[0]["q"]).first()
    cases = [
        ({"answers": {q: other.pk}}, "Phương án trả lời không hợp lệ."),
        ({"answers": {"999999": 1}}, "Câu hỏi không thuộc bài thi này."),
        ({"answers": {q: "١"}}, "Phương án trả lời không hợp lệ."),
        ({"answers": [1, 2]}, "Dữ liệu gửi lên không hợp lệ."),
    ]
    for body, message in cases:
        response = citizen.post_json(u["autosave"], body)
        assert response.status_code == 400, body
        assert response.json()["error"] == message
    bad_json = citizen.client.post(
        u["autosave"], b"{not json", content_type="application/json", HTTP_X_CSRFTOKEN=citizen.token
    )
    assert bad_json.status_code == 400 and bad_json.json()["ok"] is False
    # The no-JS form post: the page again with the message, 400.
    form = citizen.post(u["autosave"], {f"q{q}": other.pk})
    assert form.status_code == 400
    assert "Phương án trả lời không hợp lệ." in text(form)
    attempt.refresh_from_db()
    assert attempt.answers == {}


def test_late_submit_keeps_only_what_was_saved(contest, citizen):
    attempt = start(citizen, contest)
    u = urls(contest, attempt)
    key = key_of(attempt)
    first, second = (str(i["q"]) for i in attempt.items[:2])
    citizen.post_json(u["autosave"], {"answers": {first: key[first]}})
    PracticeAttempt.objects.filter(pk=attempt.pk).update(
        deadline=timezone.now() - datetime.timedelta(minutes=5)
    )
    citizen.post(u["submit"], {f"q{second}": key[second]})
    attempt.refresh_from_db()
    assert attempt.status == "submitted"
    assert attempt.answers == {first: key[first]} and attempt.correct_count == 1
    assert attempt.finished_at == attempt.deadline


def test_expired_practice_is_closed_on_the_next_start(contest, citizen):
    attempt = start(citizen, contest)
    PracticeAttempt.objects.filter(pk=attempt.pk).update(
        deadline=timezone.now() - datetime.timedelta(minutes=5)
    )
    response = citizen.post(reverse("learning:practice", args=[contest.slug]))
    assert response.status_code == 302
    attempt.refresh_from_db()
    assert attempt.status == "submitted"
    assert PracticeAttempt.objects.filter(status="open").exclude(pk=attempt.pk).count() == 1


def refused(person, contest):
    response = person.post(reverse("learning:practice", args=[contest.slug]))
    assert response.status_code == 403
    return re.search(r'id="refusal">([^<]*)<', text(response)).group(1)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"practice_mode": "off"}, "Cuộc thi này không mở phần thi thử."),
        ({"practice_mode": "before"}, "Phần thi thử chỉ mở trước khi cuộc thi bắt đầu."),
        ("closed", "Cuộc thi đã kết thúc, phần thi thử đã đóng."),
        ("no_pool", "Cuộc thi chưa có câu hỏi thi thử. Vui lòng quay lại sau."),
    ],
)
def test_refusals(contest, citizen, change, message):
    if change == "closed":
        now = timezone.now()
        change = {
            "opens_at": now - datetime.timedelta(days=10),
            "closes_at": now - datetime.timedelta(days=1),
            "status": "closed",
        }
    elif change == "no_pool":
        Question.objects.filter(contest=contest).exclude(pool="contest").update(is_active=False)
        change = {}
    type(contest).objects.filter(pk=contest.pk).update(**change)
    assert refused(citizen, contest) == message
    assert PracticeAttempt.objects.count() == 0


def test_staff_without_a_citizen_account_is_refused(contest, organisers):
    person = Person(organisers["city"])
    assert refused(person, contest) == (
        "Chỉ tài khoản thí sinh mới làm bài thi thử được. Vui lòng đăng nhập bằng tài khoản "
        "thí sinh."
    )


def test_draft_contest_and_anonymous(contest, citizen, client):
    type(contest).objects.filter(pk=contest.pk).update(status="draft")
    assert citizen.get(reverse("learning:practice", args=[contest.slug])).status_code == 404
    response = client.get(reverse("learning:practice", args=[contest.slug]))
    assert response.status_code == 302 and "/thi-sinh/dang-nhap/" in response["Location"]


def test_another_persons_practice_is_a_404(contest, citizen, tree):
    attempt = start(citizen, contest)
    other = Person(ParticipantFactory().user)
    u = urls(contest, attempt)
    q = str(attempt.items[0]["q"])
    assert other.get(u["take"]).status_code == 404
    assert other.get(u["result"]).status_code == 404
    assert (
        other.post_json(u["autosave"], {"answers": {q: attempt.items[0]["o"][0]}}).status_code
        == 404
    )
    assert other.post(u["submit"]).status_code == 404
    # Nor under another contest's address.
    elsewhere = practice_contest(tree)
    wrong_slug = reverse("learning:practice_take", args=[elsewhere.slug, attempt.pk])
    assert citizen.get(wrong_slug).status_code == 404
    attempt.refresh_from_db()
    assert attempt.status == "open" and attempt.answers == {}


def test_result_hides_the_key_of_a_question_moved_back_to_the_contest_pool(contest, citizen):
    attempt = start(citizen, contest)
    u = urls(contest, attempt)
    citizen.post(u["submit"])
    moved = Question.objects.get(pk=attempt.items[0]["q"])
    Question.objects.filter(pk=moved.pk).update(pool="contest")
    html = text(citizen.get(u["result"]))
    assert moved.text in html
    assert moved.explanation not in html
    assert "Đáp án câu này được công bố theo thể lệ cuộc thi." in html
    assert html.count("Căn cứ:") == 4


def test_contest_page_and_result_links(contest, citizen, tree):
    page = text(citizen.get(reverse("contests:contest_detail", args=[contest.slug])))
    assert f'href="{reverse("learning:practice", args=[contest.slug])}"' in page
    # Review: not while the contest's policy shows only the score.
    assert "Ôn lại câu sai" not in page
    type(contest).objects.filter(pk=contest.pk).update(practice_mode="off")
    from django.core.cache import cache

    cache.clear()
    page = text(citizen.get(reverse("contests:contest_detail", args=[contest.slug])))
    assert "learning-links" not in page


def test_organiser_admin_sees_practice_of_their_subtree_only(contest, organisers, tree, client):
    resident = ParticipantFactory(residence_unit=tree["A-1"])
    person = Person(resident.user)
    attempt = start(person, contest)
    changelist = reverse("admin:learning_practiceattempt_changelist")
    change = reverse("admin:learning_practiceattempt_change", args=[attempt.pk])
    for who, visible in [("a", True), ("b", False), ("city", True), ("root", True)]:
        client.force_login(organisers[who])
        listing = client.get(changelist)
        assert listing.status_code == 200
        assert (f"/{attempt.pk}/change/" in text(listing)) is visible, who
        assert client.get(change).status_code == (200 if visible else 404), who
    # District A does not own the city's contest: no drawn questions or answers shown.
    client.force_login(organisers["a"])
    assert "field-items" not in text(client.get(change))
    client.force_login(organisers["city"])
    assert "field-items" in text(client.get(change))
