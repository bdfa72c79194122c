"""scoring.services.attempts: start (draw), autosave, submit — called directly."""

import datetime
import math
import threading
import time

import pytest
from django.core.cache import cache
from django.db import connection
from django.utils import timezone

from contests.models import BlueprintItem, ExcludedPerson, Option, Question, Round
from contests.refusals import Refused
from scoring.models import Attempt, Disqualification
from scoring.services import grading, queueing
from scoring.services.attempts import (
    attempt_autosave,
    attempt_start,
    attempt_submit,
)
from scoring.services.gate import start_admit
from scoring.tasks import grade_attempt
from tests.factories import QuestionFactory, RegistrationFactory, TopicFactory, contest_with_bank
from tests.scoring import exam_support as support
from tests.scoring.exam_support import queued_attempt_ids

# Fixtures (pytest finds them as module attributes).
clean_cache_and_broker = support.clean_cache_and_broker
exam = support.exam
registration = support.registration

pytestmark = pytest.mark.django_db

MINUTE = datetime.timedelta(minutes=1)


def refused(code, fn, **kwargs):
    with pytest.raises(Refused) as info:
        fn(**kwargs)
    assert info.value.code == code
    return str(info.value.message)


# --- Start and draw ---------------------------------------------------------------------------


def test_start_draws_per_blueprint_and_stores_order_and_deadline(exam, registration):
    now = timezone.now()
    attempt = attempt_start(registration=registration, now=now)

    assert attempt.status == "open"
    assert attempt.number == 1
    assert attempt.question_count == 10
    assert attempt.deadline == now + 20 * MINUTE
    assert attempt.started_at == now
    assert attempt.answers == {}
    ids = [item["q"] for item in attempt.items]
    assert len(set(ids)) == 10
    by_topic = {}
    for q in Question.objects.filter(id__in=ids):
        by_topic[q.topic.name] = by_topic.get(q.topic.name, 0) + 1
    assert by_topic == {"Chủ đề 1": 5, "Chủ đề 2": 5}
    for item in attempt.items:  # not shuffled: position order
        assert item["o"] == list(
            Option.objects.filter(question_id=item["q"])
            .order_by("position")
            .values_list("id", flat=True)
        )
    assert set(Question.objects.filter(used=True).values_list("id", flat=True)) == set(ids)
    # Nothing about the key is stored on the attempt.
    assert set(attempt.items[0]) == {"q", "o"}


def test_start_shuffles_options_when_the_contest_says_so(tree):
    contest = contest_with_bank(
        owner=tree["C"],
        root=tree["C"],
        topics=1,
        per_topic=30,
        draw_per_topic=30,
        shuffle_options=True,
    )
    registration = RegistrationFactory(contest=contest, unit=tree["A-1"])
    attempt = attempt_start(registration=registration)
    orders = []
    for item in attempt.items:
        positions = dict(Option.objects.filter(question_id=item["q"]).values_list("id", "position"))
        assert sorted(item["o"]) == sorted(positions)
        orders.append([positions[o] for o in item["o"]])
    # 30 questions of 4 options all left in position order: (1/24)^30 — it did shuffle.
    assert any(order != [1, 2, 3, 4] for order in orders)


def test_start_returns_the_open_attempt_instead_of_drawing_again(exam, registration):
    first = attempt_start(registration=registration)
    again = attempt_start(registration=registration)
    assert again.pk == first.pk
    assert again.items == first.items
    assert Attempt.objects.count() == 1


def test_a_second_attempt_prefers_questions_not_seen(exam, registration):
    first = attempt_start(registration=registration)
    attempt_submit(attempt=first)
    second = attempt_start(registration=registration)
    assert second.number == 2
    seen = {i["q"] for i in first.items}
    assert not seen & {i["q"] for i in second.items}  # 10 unseen per topic: none repeated
    attempt_submit(attempt=second)
    third = attempt_start(registration=registration)
    # Only 20 questions: the third attempt must reuse, but never within itself.
    assert len({i["q"] for i in third.items}) == 10


def test_deadline_is_capped_at_the_contest_close(exam, registration):
    now = timezone.now()
    exam.closes_at = now + 5 * MINUTE
    exam.save(update_fields=["closes_at"])
    registration.contest = exam
    attempt = attempt_start(registration=registration, now=now)
    assert attempt.deadline == exam.closes_at


def test_round_window_blueprint_attempts_and_deadline(exam, registration):
    now = timezone.now()
    week1 = Round.objects.create(
        contest=exam,
        number=1,
        title="Tuần 1",
        opens_at=now - 60 * MINUTE,
        closes_at=now + 10 * MINUTE,
        attempts_allowed=1,
    )
    Round.objects.create(
        contest=exam,
        number=2,
        title="Tuần 2",
        opens_at=now + 10 * MINUTE,
        closes_at=now + 60 * MINUTE,
    )
    topic = TopicFactory(contest=exam, name="Chủ đề tuần 1")
    QuestionFactory.create_batch(3, topic=topic)
    BlueprintItem.objects.create(contest=exam, round=week1, topic=topic, count=3)

    attempt = attempt_start(registration=registration, now=now)
    assert attempt.round == week1
    assert attempt.deadline == week1.closes_at  # 10 minutes left in the round, not 20
    assert attempt.question_count == 3  # the round's own blueprint
    assert set(
        Question.objects.filter(id__in=[i["q"] for i in attempt.items]).values_list(
            "topic__name", flat=True
        )
    ) == {"Chủ đề tuần 1"}
    attempt_submit(attempt=attempt, now=now)
    assert refused("exhausted", attempt_start, registration=registration, now=now) == (
        "Bạn đã dùng hết số lần thi được phép."
    )
    # Week 2: its own count (the contest's 3), the contest-wide blueprint.
    later = now + 11 * MINUTE
    second = attempt_start(registration=registration, now=later)
    assert second.round.number == 2
    assert second.number == 1
    assert second.question_count == 10
    # Between rounds: no round open.
    Round.objects.filter(number=2).update(opens_at=now + 30 * MINUTE)
    attempt_submit(attempt=second, now=later)
    assert refused("no_round", attempt_start, registration=registration, now=later) == (
        "Hiện không có vòng thi nào đang mở."
    )


def test_attempts_exhausted_and_unlimited(exam, registration):
    for _ in range(3):
        attempt_submit(attempt=attempt_start(registration=registration))
    message = refused("exhausted", attempt_start, registration=registration)
    assert message == "Bạn đã dùng hết số lần thi được phép."
    assert Attempt.objects.count() == 3

    exam.attempts_allowed = 0
    exam.save(update_fields=["attempts_allowed"])
    registration.refresh_from_db()
    assert attempt_start(registration=registration).number == 4


def test_window_closed_not_open_and_draft(exam, registration):
    now = timezone.now()
    assert (
        refused("contest_closed", attempt_start, registration=registration, now=exam.closes_at)
        == "Cuộc thi đã kết thúc, không thể bắt đầu bài thi mới."
    )
    assert (
        refused(
            "contest_not_open", attempt_start, registration=registration, now=exam.opens_at - MINUTE
        )
        == "Cuộc thi chưa đến thời gian làm bài."
    )
    exam.status = "draft"
    exam.save(update_fields=["status"])
    refused("contest_not_open", attempt_start, registration=registration, now=now)
    assert Attempt.objects.count() == 0


def test_consent_is_required(exam, registration):
    registration.consent_participation = False
    assert refused("no_consent", attempt_start, registration=registration) == (
        "Đăng ký dự thi của bạn chưa hoàn tất: thiếu xác nhận đồng ý tham gia."
    )
    registration.consent_participation = True
    registration.age_on_reference = 15
    assert refused("no_guardian", attempt_start, registration=registration) == (
        "Người dự thi dưới 16 tuổi cần có sự đồng ý của cha, mẹ hoặc người giám hộ."
    )


def test_disqualified_or_excluded_after_registering_may_not_start_nor_resume(exam, registration):
    running = attempt_start(registration=registration)
    excluded = ExcludedPerson.objects.create(
        contest=exam, document_number=registration.document_number, reason="Giám khảo"
    )
    assert refused("excluded", attempt_start, registration=registration) == (
        "Số giấy tờ của bạn thuộc danh sách không được dự thi cuộc thi này (thành viên Ban Tổ "
        "chức, Ban Giám khảo…)."
    )
    excluded.delete()
    disqualification = Disqualification.objects.create(
        registration=registration, contest=exam, reason_code="cheating"
    )
    assert refused("disqualified", attempt_start, registration=registration) == (
        "Bạn đã bị truất quyền dự thi cuộc thi này. Vui lòng liên hệ Ban Tổ chức."
    )
    # Revoked: the running attempt is resumed again.
    disqualification.revoked_at = timezone.now()
    disqualification.save(update_fields=["revoked_at"])
    assert attempt_start(registration=registration).pk == running.pk
    assert Attempt.objects.count() == 1


def test_a_bank_smaller_than_the_blueprint_is_refused_clearly(exam, registration):
    BlueprintItem.objects.filter(contest=exam).update(count=11)
    assert refused("bank", attempt_start, registration=registration) == (
        "Ngân hàng câu hỏi chưa đủ câu hỏi theo cấu trúc đề. Vui lòng báo Ban Tổ chức cuộc thi."
    )
    assert Attempt.objects.count() == 0
    assert not Question.objects.filter(used=True).exists()


def test_an_expired_open_attempt_is_finished_before_a_new_start(exam, registration):
    now = timezone.now()
    old = attempt_start(registration=registration, now=now - 30 * MINUTE)
    new = attempt_start(registration=registration, now=now)
    old.refresh_from_db()
    assert old.status == "submitted"
    assert old.finished_at == old.deadline
    assert new.number == 2


@pytest.mark.django_db(transaction=True)
def test_concurrent_starts_make_one_attempt(tree):
    contest = contest_with_bank(owner=tree["C"], root=tree["C"])
    registration = RegistrationFactory(contest=contest, unit=tree["A-1"])
    barrier = threading.Barrier(8)
    results, errors = [], []

    def go():
        try:
            barrier.wait()
            from participants.models import Registration

            reg = Registration.objects.select_related("contest").get(pk=registration.pk)
            results.append(attempt_start(registration=reg).pk)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=go) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len(set(results)) == 1
    assert Attempt.objects.filter(registration=registration).count() == 1


# --- Autosave ---------------------------------------------------------------------------------


def test_autosave_stores_merges_and_is_idempotent(exam, registration):
    attempt = attempt_start(registration=registration)
    q1, q2 = attempt.items[0], attempt.items[1]
    attempt_autosave(attempt=attempt, answers={str(q1["q"]): q1["o"][1]}, prediction="1234")
    attempt_autosave(attempt=attempt, answers={str(q1["q"]): q1["o"][1]}, prediction="1234")
    attempt_autosave(attempt=attempt, answers={q2["q"]: str(q2["o"][0])})
    attempt_autosave(attempt=attempt, answers={}, prediction="52.812")  # thousands dots
    attempt.refresh_from_db()
    assert attempt.answers == {str(q1["q"]): q1["o"][1], str(q2["q"]): q2["o"][0]}
    assert attempt.prediction == 52812


def test_autosave_refuses_foreign_questions_and_options(exam, registration):
    attempt = attempt_start(registration=registration)
    drawn = {i["q"] for i in attempt.items}
    other = Question.objects.exclude(id__in=drawn).first()
    q1, q2 = attempt.items[0], attempt.items[1]
    assert refused(
        "unknown_question",
        attempt_autosave,
        attempt=attempt,
        answers={str(other.pk): other.options.first().pk},
    ) == ("Câu hỏi không thuộc bài thi này.")
    assert (
        refused("bad_option", attempt_autosave, attempt=attempt, answers={str(q1["q"]): q2["o"][0]})
        == "Phương án trả lời không hợp lệ."
    )
    refused("bad_option", attempt_autosave, attempt=attempt, answers={str(q1["q"]): "abc"})
    refused("bad_request", attempt_autosave, attempt=attempt, answers=["x"])
    assert (
        refused("bad_prediction", attempt_autosave, attempt=attempt, answers={}, prediction="-5")
        == "Câu trả lời dự đoán phải là một số nguyên không âm."
    )
    attempt.refresh_from_db()
    assert attempt.answers == {}
    assert attempt.prediction is None


def test_autosave_after_submission_or_after_grace_is_refused(exam, registration):
    now = timezone.now()
    attempt = attempt_start(registration=registration, now=now)
    q = attempt.items[0]
    answer = {str(q["q"]): q["o"][0]}
    # Within the grace: accepted.
    attempt_autosave(attempt=attempt, answers=answer, now=attempt.deadline + 59 * MINUTE / 60)
    message = refused(
        "expired",
        attempt_autosave,
        attempt=attempt,
        answers=answer,
        now=attempt.deadline + 61 * MINUTE / 60,
    )
    assert message == "Đã hết thời gian làm bài, câu trả lời không được lưu."
    attempt_submit(attempt=attempt, now=now)
    stale = Attempt.objects.get(pk=attempt.pk)
    assert refused("submitted", attempt_autosave, attempt=stale, answers=answer, now=now) == (
        "Bài thi đã được nộp, không thể thay đổi câu trả lời."
    )
    # A stale copy still saying "open" is refused by the conditional UPDATE.
    stale.status = "open"
    refused("submitted", attempt_autosave, attempt=stale, answers={}, now=now)


# --- Submit -----------------------------------------------------------------------------------


def test_submit_once_then_same_result(exam, registration):
    now = timezone.now()
    attempt = attempt_start(registration=registration, now=now)
    q = attempt.items[0]
    done, created = attempt_submit(
        attempt=attempt, answers={str(q["q"]): q["o"][2]}, prediction=77, now=now + MINUTE
    )
    assert created is True
    assert done.status == "submitted"
    again, created_again = attempt_submit(
        attempt=Attempt.objects.get(pk=attempt.pk), answers={}, now=now + 2 * MINUTE
    )
    assert created_again is False
    row = Attempt.objects.get(pk=attempt.pk)
    assert row.answers == {str(q["q"]): q["o"][2]}
    assert row.prediction == 77
    assert row.finished_at == now + MINUTE
    assert row.submitted_at == now + MINUTE


def test_submit_within_grace_is_accepted_and_capped(exam, registration):
    attempt = attempt_start(registration=registration)
    q = attempt.items[0]
    late = attempt.deadline + datetime.timedelta(seconds=45)
    done, created = attempt_submit(attempt=attempt, answers={str(q["q"]): q["o"][0]}, now=late)
    row = Attempt.objects.get(pk=attempt.pk)
    assert created
    assert row.answers == {str(q["q"]): q["o"][0]}
    assert row.finished_at == attempt.deadline
    assert row.submitted_at == late


def test_submit_after_grace_keeps_only_what_was_saved(exam, registration):
    attempt = attempt_start(registration=registration)
    q1, q2 = attempt.items[0], attempt.items[1]
    attempt_autosave(attempt=attempt, answers={str(q1["q"]): q1["o"][0]}, prediction=5)
    late = attempt.deadline + datetime.timedelta(seconds=61)
    attempt_submit(
        attempt=attempt,
        answers={str(q1["q"]): q1["o"][3], str(q2["q"]): q2["o"][1]},
        prediction=9,
        now=late,
    )
    row = Attempt.objects.get(pk=attempt.pk)
    assert row.status == "submitted"
    assert row.answers == {str(q1["q"]): q1["o"][0]}
    assert row.prediction == 5
    assert row.finished_at == attempt.deadline


def test_submit_with_a_foreign_answer_changes_nothing(exam, registration):
    attempt = attempt_start(registration=registration)
    with pytest.raises(Refused):
        attempt_submit(attempt=attempt, answers={"999999999": 1})
    assert Attempt.objects.get(pk=attempt.pk).status == "open"


@pytest.mark.django_db(transaction=True)
def test_submit_publishes_grading_after_commit(tree):
    contest = contest_with_bank(owner=tree["C"], root=tree["C"])
    registration = RegistrationFactory(contest=contest, unit=tree["A-1"])
    attempt = attempt_start(registration=registration)
    assert queued_attempt_ids() == []
    attempt_submit(attempt=attempt)
    assert queued_attempt_ids() == [attempt.pk]


def _submitted(tree, count):
    contest = contest_with_bank(owner=tree["C"], root=tree["C"])
    attempts = [
        attempt_start(registration=RegistrationFactory(contest=contest, unit=tree["A-1"]))
        for _ in range(count)
    ]
    return attempts


@pytest.mark.django_db(transaction=True)
def test_submissions_ring_for_one_task_until_it_reads_the_backlog(tree):
    first, second, third = _submitted(tree, 3)
    attempt_submit(attempt=first)
    attempt_submit(attempt=second)
    assert queued_attempt_ids() == [first.pk]  # the second found a task waiting
    # Delayed by GRADING_DELAY_SECONDS, so that the submissions of that second go together.
    (message,) = support.grading_queue()
    assert message["eta"] is not None
    # The doorbell expires by itself: a lost task must not silence grading for good.
    client = cache._cache.get_client(None, write=False)
    ttl = client.ttl(cache.make_and_validate_key(queueing.DOORBELL_KEY))
    assert 0 < ttl <= queueing.DOORBELL_SECONDS

    # The task: clears the doorbell, then grades its own attempt and the waiting one.
    assert grading.attempt_grade_with_backlog(attempt_id=first.pk) == 2
    assert set(Attempt.objects.values_list("status", flat=True)) == {"graded", "open"}
    attempt_submit(attempt=third)
    assert queued_attempt_ids() == [first.pk, third.pk]  # no task waiting: it rang again


@pytest.mark.django_db(transaction=True)
def test_a_full_backlog_queues_the_next_task_at_once(tree):
    attempts = _submitted(tree, 4)
    for attempt in attempts:
        attempt_submit(attempt=attempt)
    assert queued_attempt_ids() == [attempts[0].pk]

    assert grading.attempt_grade_with_backlog(attempt_id=attempts[0].pk, limit=2) == 3
    assert Attempt.objects.get(pk=attempts[3].pk).status == "submitted"
    # The next task queued at once (no delay) with its own (graded) attempt: it takes the rest
    # along.
    assert queued_attempt_ids() == [attempts[0].pk, attempts[0].pk]
    assert sorted(m["eta"] is None for m in support.grading_queue()) == [False, True]
    assert grade_attempt(attempts[0].pk) == 1
    assert set(Attempt.objects.values_list("status", flat=True)) == {"graded"}


@pytest.mark.django_db(transaction=True)
def test_submit_publishes_when_the_doorbell_cannot_be_read(tree, monkeypatch):
    (attempt,) = _submitted(tree, 1)

    def cache_down(*args, **kwargs):
        raise ConnectionError("cache unreachable")

    monkeypatch.setattr(queueing.cache, "add", cache_down)
    attempt_submit(attempt=attempt)
    assert queued_attempt_ids() == [attempt.pk]


def test_admission_gate_is_a_queue_of_slots_with_tickets(settings):
    settings.EXAM_START_RATE = 3
    now = timezone.now()
    replies = [start_admit(now=now) for _ in range(7)]
    # Three slots within the second go at once; then one slot every 1/3 s, given out in order,
    # each told to the millisecond (scoring.rules.admission), not rounded up to the second.
    assert [wait for wait, _ticket in replies] == [0, 0, 0, 1334, 1667, 2000, 2334]
    assert [bool(ticket) for _wait, ticket in replies] == [False] * 3 + [True] * 4
    ticket = replies[3][1]  # slot at now + 4/3 s
    # Back too early (the "Thử lại ngay" button): the rest of the wait, the same slot.
    assert start_admit(now=now + datetime.timedelta(seconds=0.5), ticket=ticket) == (834, ticket)
    # Back at the slot: in, without queueing again.
    assert start_admit(now=now + datetime.timedelta(seconds=1.334), ticket=ticket) == (0, "")
    # A forged ticket counts for nothing: a new slot at the end of the queue.
    wait, new_ticket = start_admit(now=now, ticket="forged:ticket")
    assert wait == 2667
    assert new_ticket and new_ticket != "forged:ticket"
    # A ticket whose slot is long past is no pass round a new queue.
    later = now + datetime.timedelta(seconds=300)
    assert [start_admit(now=later)[0] for _ in range(3)] == [0, 0, 0]
    wait, fresh = start_admit(now=later, ticket=ticket)
    assert wait == 1334 and fresh != ticket
    settings.EXAM_START_RATE = 0
    assert start_admit(now=now) == (0, "")


def test_admission_gate_lends_a_second_whose_slot_holders_do_not_come(settings):
    """The Redis script makes the decisions of `admission.gate_step`: slots taken ahead, their
    holders stuck (behind a burst's first requests), the capacity of the second goes to the
    people who do arrive; a ticket that comes back counts in its second."""
    settings.EXAM_START_RATE = 2
    second = datetime.datetime.fromtimestamp(math.floor(time.time()) + 10, tz=datetime.UTC)
    replies = [start_admit(now=second) for _ in range(8)]
    assert [wait for wait, _ticket in replies] == [0, 0, 1500, 2000, 2500, 3000, 3500, 4000]
    later = second + datetime.timedelta(seconds=2.6)
    # 0.6 of the second has passed and nobody went in: at the rate, 1.2 places are free.
    assert [start_admit(now=later)[0] for _ in range(3)] == [0, 0, 1900]
    # The holder of the slot at 1.5 s comes back: in (a ticket is honoured), and counted:
    # the next arrival in that second waits.
    assert start_admit(now=later, ticket=replies[2][1]) == (0, "")
    assert start_admit(now=later + datetime.timedelta(seconds=0.3))[0] == 2100
