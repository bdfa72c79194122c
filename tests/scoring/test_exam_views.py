"""The exam through the real views: start, test page, autosave, submit, result, my attempts."""

import datetime
import re
import threading

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from contests.models import Contest
from scoring.models import Attempt
from tests.factories import RegistrationFactory, contest_with_bank
from tests.scoring import exam_support as support
from tests.scoring.exam_support import (
    Person,
    correct_answers,
    form_answers,
    gate_fill,
    grade,
    queued_attempt_ids,
)

clean_cache_and_broker = support.clean_cache_and_broker
exam = support.exam
registration = support.registration
user = support.user
person = support.person

pytestmark = [pytest.mark.django_db, pytest.mark.sqlite]

SECOND = datetime.timedelta(seconds=1)


def start(person, exam) -> Attempt:
    response = person.start(exam.slug)
    assert response.status_code == 302
    attempt = Attempt.objects.get()
    assert response["Location"] == reverse("scoring:take", args=[attempt.pk])
    return attempt


def text(response) -> str:
    return response.content.decode()


def radio_values(html: str) -> list[tuple[str, str]]:
    return re.findall(r'type="radio" name="q(\d+)" value="(\d+)"', html)


def checked(html: str) -> dict[str, int]:
    return {
        q: int(o) for q, o in re.findall(r'type="radio" name="q(\d+)" value="(\d+)" checked', html)
    }


def move_deadline(attempt, delta):
    """Time travel: put the attempt's deadline `delta` from now."""
    Attempt.objects.filter(pk=attempt.pk).update(deadline=timezone.now() + delta)
    attempt.refresh_from_db()


# --- The whole flow -------------------------------------------------------------------------


def test_whole_flow(exam, person):
    page = person.get(reverse("scoring:start", args=[exam.slug]))
    assert page.status_code == 200
    assert "Bắt đầu làm bài" in text(page)
    assert "Thời gian làm bài: 20 phút" in text(page)

    attempt = start(person, exam)
    page = person.get(reverse("scoring:take", args=[attempt.pk]))
    html = text(page)
    assert page.status_code == 200
    # Every question with its options in the stored order; nothing of the key.
    assert radio_values(html) == [(str(i["q"]), str(o)) for i in attempt.items for o in i["o"]]
    assert "is_correct" not in html and "correct" not in html.lower().replace("corrected", "")
    assert "Có bao nhiêu người trả lời đúng tất cả các câu hỏi?" in html
    assert 'id="answered">0</span>/10' in html
    assert 'data-remaining="1199"' in html or 'data-remaining="1200"' in html

    answers = correct_answers(attempt, wrong=2)
    first_q = next(iter(answers))
    saved = person.post_json(
        reverse("scoring:autosave", args=[attempt.pk]),
        {"answers": {first_q: answers[first_q]}, "prediction": "1500"},
    )
    assert saved.status_code == 200
    assert saved.json()["ok"] is True
    assert saved.json()["answered"] == 1
    assert saved.json()["total"] == 10

    done = person.post(
        reverse("scoring:submit", args=[attempt.pk]),
        {**form_answers(answers), "prediction": "1500"},
    )
    assert done.status_code == 302
    assert done["Location"] == reverse("scoring:result", args=[attempt.pk])
    pending = person.get(done["Location"])
    assert "Đã nộp bài — đang chấm" in text(pending)
    # No meta refresh (issue 22): result.js asks result_status; a plain link reloads.
    assert 'http-equiv="refresh"' not in text(pending)
    assert reverse("scoring:result_status", args=[attempt.pk]) in text(pending)
    row = Attempt.objects.get(pk=attempt.pk)
    assert row.status == "submitted"
    assert row.answers == answers
    assert row.prediction == 1500

    grade([attempt.pk])
    result = text(person.get(done["Location"]))
    assert 'id="correct-count">8/10<' in result
    assert "Số lần thi còn lại" in result
    assert '<dd class="col-5 col-sm-8">2</dd>' in result
    assert "Đã nộp bài — đang chấm" not in result
    # Default policy: score only... after the contest: no key now.
    assert "Đáp án" not in result

    mine = text(person.get(reverse("scoring:my_attempts")))
    assert exam.title in mine
    assert "8/10 câu đúng" in mine


def test_resume_after_reload_same_order_answers_and_time(exam, person):
    attempt = start(person, exam)
    url = reverse("scoring:take", args=[attempt.pk])
    before = radio_values(text(person.get(url)))
    answers = dict(list(correct_answers(attempt).items())[:3])
    person.post_json(
        reverse("scoring:autosave", args=[attempt.pk]), {"answers": answers, "prediction": 42}
    )
    move_deadline(attempt, datetime.timedelta(minutes=7, seconds=30))

    # Reload, and "another device": a new client for the same person.
    for client in (person, Person(attempt.registration.participant.user)):
        html = text(client.get(url))
        assert radio_values(html) == before
        assert checked(html) == {q: o for q, o in answers.items()}
        assert 'id="answered">3</span>/10' in html
        assert 'value="42"' in html
        remaining = int(re.search(r'data-remaining="(\d+)"', html).group(1))
        assert 448 <= remaining <= 450
    # Pressing "start" again lands on the same attempt.
    again = person.start(exam.slug)
    assert again["Location"] == url
    assert Attempt.objects.count() == 1


def test_second_submit_shows_the_same_result(exam, person):
    attempt = start(person, exam)
    url = reverse("scoring:submit", args=[attempt.pk])
    first = person.post(url, form_answers(correct_answers(attempt)))
    second = person.post(url, {})
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"] == reverse("scoring:result", args=[attempt.pk])
    assert Attempt.objects.get().answers == correct_answers(attempt)


def test_deadline_passed_page_closes_the_attempt(exam, person):
    attempt = start(person, exam)
    q = attempt.items[0]
    person.post_json(
        reverse("scoring:autosave", args=[attempt.pk]), {"answers": {q["q"]: q["o"][0]}}
    )
    move_deadline(attempt, -61 * SECOND)
    page = person.get(reverse("scoring:take", args=[attempt.pk]))
    assert page["Location"] == reverse("scoring:result", args=[attempt.pk])
    row = Attempt.objects.get()
    assert row.status == "submitted"
    assert row.finished_at == row.deadline
    assert row.answers == {str(q["q"]): q["o"][0]}
    follow = text(person.get(page["Location"]))
    assert "Đã hết thời gian làm bài. Bài thi đã được nộp." in follow


def test_submit_within_grace_is_accepted_and_capped(exam, person):
    attempt = start(person, exam)
    move_deadline(attempt, -30 * SECOND)
    answers = correct_answers(attempt)
    response = person.post(reverse("scoring:submit", args=[attempt.pk]), form_answers(answers))
    assert response.status_code == 302
    row = Attempt.objects.get()
    assert row.answers == answers
    assert row.finished_at == row.deadline
    assert row.submitted_at > row.deadline


def test_submit_after_grace_keeps_what_was_saved(exam, person):
    attempt = start(person, exam)
    q = attempt.items[0]
    person.post_json(
        reverse("scoring:autosave", args=[attempt.pk]), {"answers": {q["q"]: q["o"][1]}}
    )
    move_deadline(attempt, -90 * SECOND)
    response = person.post(
        reverse("scoring:submit", args=[attempt.pk]), form_answers(correct_answers(attempt))
    )
    assert response.status_code == 302
    row = Attempt.objects.get()
    assert row.status == "submitted"
    assert row.answers == {str(q["q"]): q["o"][1]}
    assert row.finished_at == row.deadline
    page = text(person.get(response["Location"]))
    assert (
        "Bài thi được nộp sau khi hết giờ: chỉ các câu trả lời đã lưu trước thời hạn được tính."
        in page
    )


def test_attempts_exhausted_page(exam, person):
    for _ in range(3):
        attempt = start(person, exam) if not Attempt.objects.exists() else None
        if attempt is None:
            response = person.start(exam.slug)
            attempt = Attempt.objects.get(pk=int(response["Location"].strip("/").split("/")[-1]))
        person.post(reverse("scoring:submit", args=[attempt.pk]), {})
    response = person.start(exam.slug)
    assert response.status_code == 403
    assert "Bạn đã dùng hết số lần thi được phép." in text(response)
    assert Attempt.objects.count() == 3


def test_window_closed_page(exam, person):
    Contest.objects.filter(pk=exam.pk).update(closes_at=timezone.now() - SECOND)
    response = person.start(exam.slug)
    assert response.status_code == 403
    assert "Cuộc thi đã kết thúc, không thể bắt đầu bài thi mới." in text(response)
    assert not Attempt.objects.exists()


def test_start_without_registration_goes_to_join(exam, tree):
    other = contest_with_bank(owner=tree["C"], root=tree["C"])
    user = RegistrationFactory(contest=exam, unit=tree["A-1"]).participant.user
    person = Person(user)
    response = person.start(other.slug)
    assert response.status_code == 302
    try:
        expected = reverse("participants:join", args=[other.slug])
    except Exception:
        expected = reverse("participants:my_contests")
    assert response["Location"] == expected
    assert not Attempt.objects.exists()


def test_anonymous_is_sent_to_login(exam):
    response = Client().post(reverse("scoring:start", args=[exam.slug]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("participants:login"))


def test_autosave_and_submit_without_a_session_go_to_login(exam, person):
    attempt = start(person, exam)
    anonymous = Client()
    for name in ("scoring:autosave", "scoring:submit"):
        response = anonymous.post(reverse(name, args=[attempt.pk]))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("participants:login"))
    assert Attempt.objects.get().status == "open"


def test_a_session_from_before_a_password_change_cannot_submit(exam, person, user):
    """Submit and autosave check the session against the user's row joined to the attempt:
    a changed password ends the old session there too (as `get_user` does everywhere)."""
    attempt = start(person, exam)
    q = attempt.items[0]
    user.set_password("a-new-password-2026")
    user.save()
    saved = person.post_json(
        reverse("scoring:autosave", args=[attempt.pk]), {"answers": {q["q"]: q["o"][0]}}
    )
    submitted = person.post(reverse("scoring:submit", args=[attempt.pk]), {})
    for response in (saved, submitted):
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("participants:login"))
    row = Attempt.objects.get()
    assert (row.status, row.answers) == ("open", {})


@pytest.mark.parametrize("name", ["scoring:autosave", "scoring:submit", "scoring:take"])
def test_an_attempt_id_beyond_bigint_is_404_not_500(exam, person, name):
    start(person, exam)
    url = reverse(name, args=[10**20])
    response = person.get(url) if name == "scoring:take" else person.post(url, {})
    assert response.status_code == 404
    assert Attempt.objects.get().status == "open"


def test_a_deactivated_person_cannot_submit(exam, person, user):
    attempt = start(person, exam)
    user.is_active = False
    user.save(update_fields=["is_active"])
    response = person.post(reverse("scoring:submit", args=[attempt.pk]), {})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("participants:login"))
    assert Attempt.objects.get().status == "open"


# --- Abuse ------------------------------------------------------------------------------------


def test_another_persons_attempt_is_404(exam, person, tree):
    attempt = start(person, exam)
    intruder = Person(RegistrationFactory(contest=exam, unit=tree["B-1"]).participant.user)
    assert intruder.get(reverse("scoring:take", args=[attempt.pk])).status_code == 404
    assert intruder.get(reverse("scoring:result", args=[attempt.pk])).status_code == 404
    q = attempt.items[0]
    saved = intruder.post_json(
        reverse("scoring:autosave", args=[attempt.pk]), {"answers": {q["q"]: q["o"][0]}}
    )
    assert saved.status_code == 404
    assert intruder.post(reverse("scoring:submit", args=[attempt.pk]), {}).status_code == 404
    row = Attempt.objects.get()
    assert row.status == "open"
    assert row.answers == {}


def test_csrf_is_enforced(exam, person):
    attempt = start(person, exam)
    q = attempt.items[0]
    raw = person.client
    no_token = raw.post(
        reverse("scoring:autosave", args=[attempt.pk]),
        f'{{"answers": {{"{q["q"]}": {q["o"][0]}}}}}',
        content_type="application/json",
    )
    assert no_token.status_code == 403
    assert raw.post(reverse("scoring:submit", args=[attempt.pk]), {}).status_code == 403
    assert raw.post(reverse("scoring:start", args=[exam.slug]), {}).status_code == 403
    row = Attempt.objects.get()
    assert row.status == "open"
    assert row.answers == {}


def test_autosave_refusals_are_clear_and_change_nothing(exam, person):
    attempt = start(person, exam)
    url = reverse("scoring:autosave", args=[attempt.pk])
    q1, q2 = attempt.items[0], attempt.items[1]
    foreign = person.post_json(url, {"answers": {"999999999": 1}})
    assert foreign.status_code == 400
    assert foreign.json()["error"] == "Câu hỏi không thuộc bài thi này."
    wrong = person.post_json(url, {"answers": {q1["q"]: q2["o"][0]}})
    assert wrong.status_code == 400
    assert wrong.json()["error"] == "Phương án trả lời không hợp lệ."
    garbage = person.client.post(
        url, "{not json", content_type="application/json", HTTP_X_CSRFTOKEN=person.token
    )
    assert garbage.status_code == 400
    assert garbage.json()["error"] == "Dữ liệu gửi lên không hợp lệ."
    assert Attempt.objects.get().answers == {}

    # The no-JS "save" button: a form post, back to the page with a message.
    saved = person.post(url, {f"q{q1['q']}": q1["o"][2]})
    assert saved["Location"] == reverse("scoring:take", args=[attempt.pk])
    assert "Đã lưu câu trả lời." in text(person.get(saved["Location"]))
    bad_form = person.post(url, {"q999999999": 1})
    assert bad_form.status_code == 400
    assert "Câu hỏi không thuộc bài thi này." in text(bad_form)

    person.post(reverse("scoring:submit", args=[attempt.pk]), {})
    late = person.post_json(url, {"answers": {q2["q"]: q2["o"][0]}})
    assert late.status_code == 409
    assert late.json()["error"] == "Bài thi đã được nộp, không thể thay đổi câu trả lời."
    assert late.json()["result_url"] == reverse("scoring:result", args=[attempt.pk])
    assert Attempt.objects.get().answers == {str(q1["q"]): q1["o"][2]}


def test_submit_with_a_foreign_question_is_refused(exam, person):
    attempt = start(person, exam)
    response = person.post(reverse("scoring:submit", args=[attempt.pk]), {"q999999999": "1"})
    assert response.status_code == 400
    assert "Câu hỏi không thuộc bài thi này." in text(response)
    assert Attempt.objects.get().status == "open"


# --- Result page and the review policy -------------------------------------------------------


def test_review_shown_immediately_with_explanations(exam, person):
    Contest.objects.filter(pk=exam.pk).update(
        review_content="explanations", review_timing="immediately"
    )
    attempt = start(person, exam)
    person.post(
        reverse("scoring:submit", args=[attempt.pk]),
        form_answers(correct_answers(attempt, wrong=1)),
    )
    pending = text(person.get(reverse("scoring:result", args=[attempt.pk])))
    assert "Đáp án" not in pending  # not graded yet: nothing of the key
    grade([attempt.pk])
    html = text(person.get(reverse("scoring:result", args=[attempt.pk])))
    assert '<h2 class="h5">Đáp án</h2>' in html
    assert html.count("Giải thích.") == 10
    assert html.count("Căn cứ: Điều 1 Nghị định 59/2022/NĐ-CP") == 10
    assert html.count(">Đúng</span>") == 9
    assert html.count(">Sai</span>") == 1


def test_review_after_the_contest_is_announced_not_shown(exam, person):
    Contest.objects.filter(pk=exam.pk).update(review_content="answers")
    attempt = start(person, exam)
    person.post(reverse("scoring:submit", args=[attempt.pk]), {})
    grade([attempt.pk])
    html = text(person.get(reverse("scoring:result", args=[attempt.pk])))
    assert "Đáp án được công bố sau khi kết thúc cuộc thi." in html
    assert "Giải thích." not in html


# --- Mass start -------------------------------------------------------------------------------


def test_overloaded_start_gets_a_wait_page_with_a_ticket(exam, person, settings, monkeypatch):
    settings.EXAM_START_RATE = 1
    gate_fill(5)  # others hold the next five seconds' slots
    response = person.start(exam.slug)
    assert response.status_code == 503
    assert response["Retry-After"] in ("5", "6")
    # The script's delay is the server's, to the millisecond (about 5 s here).
    retry_ms = int(re.search(r'data-retry-ms="(\d+)"', text(response)).group(1))
    assert 4000 < retry_ms <= 6000
    html = text(response)
    assert "Vui lòng chờ" in html
    assert 'id="start-retry"' in html
    assert 'http-equiv="refresh"' not in html  # no meta refresh: the button, by script or hand
    assert "hãy bấm “Thử lại ngay”" in html  # what a browser without JavaScript shows
    assert f'action="{reverse("scoring:start", args=[exam.slug])}"' in html
    assert "js/attempt.js" in html
    ticket = re.search(r'name="ve" value="([^"]+)"', html).group(1)
    assert not Attempt.objects.exists()
    # Pressing "Thử lại ngay" early keeps the same place in the queue.
    again = person.post(reverse("scoring:start", args=[exam.slug]), {"ve": ticket})
    assert again.status_code == 503
    assert f'name="ve" value="{ticket}"' in text(again)
    # When the slot has come, the ticket lets the start in.
    later = timezone.now() + datetime.timedelta(seconds=7)
    monkeypatch.setattr("contest_site.clock.now", lambda: later)
    admitted = person.post(reverse("scoring:start", args=[exam.slug]), {"ve": ticket})
    assert admitted.status_code == 302
    assert Attempt.objects.count() == 1
    # Not a start URL: the gate stays out of the way (404, never a 500).
    assert person.post("/bai-thi/bat-dau/a.b/").status_code == 404


# --- Query counts on the hot paths ---------------------------------------------------------


def test_query_counts(tree, django_assert_num_queries, django_capture_on_commit_callbacks):
    # A bank of exactly the 10 questions drawn: every draw has the same questions.
    exam = contest_with_bank(owner=tree["C"], root=tree["C"], per_topic=5)
    first, second = (
        Person(RegistrationFactory(contest=exam, unit=tree["A-1"]).participant.user)
        for _ in range(2)
    )
    # Cold caches: user, registration+contest, previous attempts, rounds, standing
    # (disqualified, excluded), blueprint, pool, scheduled sessions, option texts, savepoint,
    # insert, update "used", release (the savepoint pair is BEGIN/COMMIT in production).
    with django_capture_on_commit_callbacks(execute=True), django_assert_num_queries(13):
        assert first.start(exam.slug).status_code == 302
    # Warm (draw plan and texts cached): user, registration+contest, previous attempts,
    # rounds, standing, savepoint, insert, update "used", release.
    with django_assert_num_queries(9):
        attempt_url = second.start(exam.slug)["Location"]
    attempt = Attempt.objects.order_by("-pk").first()
    # Test page: user, attempt (+contest, round). Texts come from the cache.
    with django_assert_num_queries(2):
        assert second.get(attempt_url).status_code == 200
    q = attempt.items[0]
    # Autosave: the attempt with its person (the session checked on that row), one
    # conditional UPDATE.
    with django_assert_num_queries(2):
        saved = second.post_json(
            reverse("scoring:autosave", args=[attempt.pk]), {"answers": {q["q"]: q["o"][0]}}
        )
        assert saved.status_code == 200
    # Submit: the attempt with its person, one conditional UPDATE (open → submitted, answers
    # merged).
    with django_assert_num_queries(2):
        assert second.post(reverse("scoring:submit", args=[attempt.pk]), {}).status_code == 302


# --- Concurrency (real transactions, threads) ----------------------------------------------


def _run_threads(targets):
    barrier = threading.Barrier(len(targets))
    errors = []

    def wrap(fn):
        def run():
            try:
                barrier.wait()
                fn()
            except Exception as exc:  # pragma: no cover - reported below
                errors.append(exc)
            finally:
                connection.close()

        return run

    threads = [threading.Thread(target=wrap(fn)) for fn in targets]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []


@pytest.mark.django_db(transaction=True)
def test_twenty_concurrent_submits_make_one_submission_and_one_grading_job(tree):
    contest = contest_with_bank(owner=tree["C"], root=tree["C"])
    user = RegistrationFactory(contest=contest, unit=tree["A-1"]).participant.user
    people = [Person(user) for _ in range(20)]
    attempt = start(people[0], contest)
    answers = correct_answers(attempt)
    url = reverse("scoring:submit", args=[attempt.pk])
    replies = []

    def submit(p):
        return lambda: replies.append(p.post(url, form_answers(answers)))

    _run_threads([submit(p) for p in people])
    assert [r.status_code for r in replies] == [302] * 20
    assert {r["Location"] for r in replies} == {reverse("scoring:result", args=[attempt.pk])}
    row = Attempt.objects.get()
    assert row.status == "submitted"
    assert row.answers == answers
    assert queued_attempt_ids() == [attempt.pk]  # one job in the real broker


@pytest.mark.django_db(transaction=True)
def test_autosave_racing_submit_never_changes_a_submitted_attempt(tree):
    contest = contest_with_bank(owner=tree["C"], root=tree["C"])
    user = RegistrationFactory(contest=contest, unit=tree["A-1"]).participant.user
    people = [Person(user) for _ in range(9)]
    attempt = start(people[0], contest)
    final = correct_answers(attempt)
    other = {
        q: next(o for o in i["o"] if o != final[q])
        for q, i in ((str(i["q"]), i) for i in attempt.items)
    }
    autosave_url = reverse("scoring:autosave", args=[attempt.pk])
    statuses = []

    def autosave(p):
        return lambda: statuses.append(p.post_json(autosave_url, {"answers": other}).status_code)

    def submit():
        people[-1].post(reverse("scoring:submit", args=[attempt.pk]), form_answers(final))

    _run_threads([autosave(p) for p in people[:-1]] + [submit])
    assert set(statuses) <= {200, 409}
    row = Attempt.objects.get()
    assert row.status == "submitted"
    assert row.answers == final  # no autosave landed after the submission
    assert queued_attempt_ids() == [attempt.pk]
