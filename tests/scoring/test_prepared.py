"""Tests drawn ahead for a scheduled session (scoring.services.prepared) and claimed at start
(scoring.services.attempts.attempt_start): the same test, once, never counted unclaimed, and
not used when the bank changed."""

import datetime
import threading

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from contests.models import Contest, PrizeStructure, PrizeTier, Question
from participants.models import Registration
from scoring.models import Attempt, ExamSession, PreparedAttempt
from scoring.services.attempts import attempt_start, attempt_submit
from scoring.services.draw import draw_plans_forget
from scoring.services.grading import attempts_grade
from scoring.services.prepared import (
    exam_session_prepare,
    exam_sessions_prepare_due,
    prepared_attempts_discard,
)
from tests.conftest import make_organiser
from tests.factories import RegistrationFactory, contest_with_bank
from tests.learning.test_practice_isolation import everything_counted
from tests.scoring import exam_support as support
from tests.scoring.exam_support import correct_answers

clean_cache_and_broker = support.clean_cache_and_broker

pytestmark = pytest.mark.django_db

HOUR = datetime.timedelta(hours=1)


def session_for(contest, unit, *, starts_at=None) -> ExamSession:
    starts_at = starts_at or timezone.now() + HOUR
    return ExamSession.objects.create(
        contest=contest, unit=unit, name="Ca 1", starts_at=starts_at, ends_at=starts_at + HOUR
    )


def ready_items(registration) -> list:
    return PreparedAttempt.objects.get(registration=registration).items


def test_prepared_test_is_claimed_as_drawn_once_per_eligible_person(tree):
    contest = contest_with_bank(
        owner=tree["C"], root=tree["C"], shuffle_options=True, attempts_allowed=2
    )
    a1, a2, b1 = (RegistrationFactory(contest=contest, unit=tree[u]) for u in ("A-1", "A-2", "B-1"))
    used_up = RegistrationFactory(contest=contest, unit=tree["A-1"])
    no_consent = RegistrationFactory(contest=contest, unit=tree["A-2"])
    Registration.objects.filter(pk=no_consent.pk).update(consent_participation=False)
    earlier = attempt_start(registration=a2)
    attempt_submit(attempt=earlier)
    for _ in range(2):
        attempt_submit(attempt=attempt_start(registration=used_up))

    session = session_for(contest, tree["A"])
    assert exam_session_prepare(session=session) == 2  # district A: a1 and a2 only
    session.refresh_from_db()
    assert session.prepared_count == 2 and session.prepared_at is not None
    assert set(PreparedAttempt.objects.values_list("registration_id", flat=True)) == {
        a1.pk,
        a2.pk,
    }
    # The person's second attempt, drawn from the questions they have not seen yet.
    ready = PreparedAttempt.objects.get(registration=a2)
    assert ready.number == 2
    earlier_questions = {item["q"] for item in earlier.items}
    assert not earlier_questions & {item["q"] for item in ready.items}
    # Drawn versions are used at once: an edit makes a new version (and a new fingerprint).
    drawn = {item["q"] for item in ready_items(a1)}
    assert set(Question.objects.filter(id__in=drawn).values_list("used", flat=True)) == {True}

    expected = ready_items(a1)
    attempt = attempt_start(registration=a1)
    assert attempt.items == expected  # the same questions, the same option order
    assert attempt.number == 1 and attempt.question_count == 10
    assert attempt.deadline == attempt.started_at + datetime.timedelta(minutes=20)
    assert not PreparedAttempt.objects.filter(registration=a1).exists()
    # Claiming again (a second click, a reload): the same open attempt, nothing drawn.
    assert attempt_start(registration=a1).pk == attempt.pk
    assert Attempt.objects.filter(registration=a1).count() == 1
    second = attempt_start(registration=a2)
    assert second.number == 2 and second.items == ready.items
    # Without a ready test (another district): a live draw, as before.
    assert attempt_start(registration=b1).question_count == 10


def test_two_tabs_claiming_at_once_make_one_attempt_with_the_ready_test(transactional_db, tree):
    contest = contest_with_bank(owner=tree["C"], root=tree["C"], shuffle_options=True)
    registration = RegistrationFactory(contest=contest, unit=tree["A-1"])
    exam_session_prepare(session=session_for(contest, tree["A"]))
    expected = ready_items(registration)
    barrier = threading.Barrier(4)
    results, errors = [], []

    def tab():
        try:
            barrier.wait()
            reg = Registration.objects.select_related("contest").get(pk=registration.pk)
            results.append(attempt_start(registration=reg))
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=tab) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len({a.pk for a in results}) == 1
    assert Attempt.objects.get(registration=registration).items == expected
    assert not PreparedAttempt.objects.exists()


def test_a_changed_bank_makes_the_ready_tests_invalid(tree):
    contest = contest_with_bank(owner=tree["C"], root=tree["C"])
    first, second = (RegistrationFactory(contest=contest, unit=tree["A-1"]) for _ in range(2))
    exam_session_prepare(session=session_for(contest, tree["A"]))
    retired = ready_items(first)[0]["q"]
    Question.objects.filter(pk=retired).update(is_active=False)
    draw_plans_forget()  # as when the process's plan expires (PLAN_CACHE_TIMEOUT)

    attempt = attempt_start(registration=first)
    assert retired not in {item["q"] for item in attempt.items}  # drawn live
    assert not PreparedAttempt.objects.filter(registration=first).exists()  # discarded
    # Prepared again, the tests fit the bank as it is now and are claimed.
    session = ExamSession.objects.get()
    assert exam_session_prepare(session=session) == 2  # `first`: the next attempt, #2
    expected = ready_items(second)
    assert retired not in {item["q"] for item in expected}
    assert attempt_start(registration=second).items == expected


def test_unclaimed_ready_tests_are_discarded_after_the_session(tree):
    contest = contest_with_bank(owner=tree["C"], root=tree["C"])
    registration = RegistrationFactory(contest=contest, unit=tree["A-1"])
    now = timezone.now()
    session = session_for(contest, tree["A"], starts_at=now + 30 * datetime.timedelta(minutes=1))
    # Beat: a session within the hour, never prepared, is prepared once.
    assert exam_sessions_prepare_due(now=now) == 1
    assert exam_sessions_prepare_due(now=now) == 0
    assert PreparedAttempt.objects.count() == 1
    assert prepared_attempts_discard(now=session.ends_at - datetime.timedelta(seconds=1)) == 0
    # After the end, a start does not take it (a live draw), and the sweep deletes it.
    late = session.ends_at + datetime.timedelta(seconds=1)
    Contest.objects.filter(pk=contest.pk).update(closes_at=late + HOUR)
    registration.contest.refresh_from_db()
    expected = ready_items(registration)
    assert attempt_start(registration=registration, now=late).items != expected
    assert prepared_attempts_discard(now=session.ends_at) == 1
    assert not PreparedAttempt.objects.exists()


def test_ready_tests_change_no_figure_ranking_export_or_prize(tree):
    contest = contest_with_bank(owner=tree["C"], root=tree["C"])
    structure = PrizeStructure.objects.create(contest=contest, title="Giải cấp thành phố")
    PrizeTier.objects.create(
        structure=structure, kind="individual", rank_order=1, name="Giải Nhất", count=1, amount=1
    )
    taken = [RegistrationFactory(contest=contest, unit=tree[c]) for c in ("A-1", "A-2", "B-1")]
    for wrong, registration in enumerate(taken):
        attempt = attempt_start(registration=registration)
        attempt_submit(attempt=attempt, answers=correct_answers(attempt, wrong=wrong + 1))
    attempts_grade(attempt_ids=list(Attempt.objects.values_list("id", flat=True)))
    # Registered, never started: only a ready test (and one more for those who took part).
    RegistrationFactory(contest=contest, unit=tree["A-1"])
    before = everything_counted(contest, tree["C"])
    assert before["totals"]["participants"] == 3

    assert exam_session_prepare(session=session_for(contest, tree["C"])) == 4
    after = everything_counted(contest, tree["C"])
    for name in before:
        assert after[name] == before[name], name


def test_admin_prepares_a_session_of_its_own_subtree(tree, client):
    contest = contest_with_bank(owner=tree["C"], root=tree["C"])
    RegistrationFactory(contest=contest, unit=tree["A-1"])
    RegistrationFactory(contest=contest, unit=tree["B-1"])
    own, other = session_for(contest, tree["A"]), session_for(contest, tree["B"])
    client.force_login(make_organiser(tree["A"], "district_a"))
    url = reverse("admin:scoring_examsession_changelist")
    page = client.get(url)
    assert "Chuẩn bị trước đề thi" in page.content.decode()
    assert list(page.context["cl"].result_list) == [own]
    response = client.post(
        url,
        {"action": "prepare_selected", "_selected_action": [own.pk, other.pk]},
        follow=True,
    )
    assert "Đã rút trước 1 đề thi." in response.content.decode()
    assert list(PreparedAttempt.objects.values_list("session_id", flat=True)) == [own.pk]


def test_a_claimed_start_is_one_statement_after_the_checks(tree, django_assert_num_queries):
    contest = contest_with_bank(owner=tree["C"], root=tree["C"])
    first, second = (RegistrationFactory(contest=contest, unit=tree["A-1"]) for _ in range(2))
    exam_session_prepare(session=session_for(contest, tree["A"]))
    attempt_start(registration=first)  # the draw plan is read and kept
    # Previous attempts, rounds, standing, then the claim: DELETE … RETURNING feeding the
    # INSERT (one statement; the savepoint pair only because the test runs in a transaction).
    with django_assert_num_queries(6):
        attempt = attempt_start(registration=second)
    assert Attempt.objects.get(pk=attempt.pk).items == attempt.items


@pytest.mark.sqlite
def test_a_start_at_a_local_time_claims_the_ready_test(tree):
    """`now` in Vietnam's zone (UTC+7): the claim compares it as the ORM would, on SQLite
    too, where a raw aware time was compared as text with the stored UTC and missed."""
    contest = contest_with_bank(owner=tree["C"], root=tree["C"])
    registration = RegistrationFactory(contest=contest, unit=tree["A-1"])
    assert exam_session_prepare(session=session_for(contest, tree["A"])) == 1
    expected = ready_items(registration)
    local = datetime.timezone(datetime.timedelta(hours=7))
    attempt = attempt_start(registration=registration, now=timezone.now().astimezone(local))
    assert attempt.items == expected
    assert not PreparedAttempt.objects.exists()
