"""Tests drawn ahead for a scheduled session ("Ca thi"), as Moodle 5.0 pre-creates quiz
attempts before a timed start (mod/quiz `precreateperiod`): when a school or an office makes
everyone press "Bắt đầu" at 9:00, each start claims a ready test (one DELETE … RETURNING and
the attempt's INSERT) instead of drawing one.

Guarantees:
- the same test a live start would draw: the same draw plan, the same rule
  (`draw.questions_draw`, `contests.rules.draw.draw`, with the person's earlier questions as
  `seen`), the same option shuffling (`draw.items_for`); the attempt number and the round
  are those the start will have, and nobody whose attempts are used up gets one;
- nothing counts a ready test: it lives in its own table (`PreparedAttempt`), which no
  roll-up, ranking, export or prize reads, until the start turns it into an attempt;
- a ready test that no longer fits (the bank or the blueprint changed: the plan's fingerprint
  differs; another round; another attempt number) is discarded by the claim, which draws;
- what is left unclaimed after the session's end is deleted (`prepared_attempts_discard`).
Preparing is idempotent: run again, it draws each person's test afresh and replaces the old.
"""

import datetime

from django.db import transaction

from contest_site import clock
from contests.models import Question
from participants.models import Registration
from scoring.models import Attempt, ExamSession, PreparedAttempt
from scoring.selectors.attempts import attempts_allowed, question_contents_from_db
from scoring.services.draw import current_round, draw_plan, items_for, questions_draw

# Registrations read, drawn and written per batch.
BATCH = 1000
# Beat prepares the sessions that start within this long (and are not prepared yet).
PREPARE_AHEAD = datetime.timedelta(hours=1)


def exam_session_prepare(*, session: ExamSession, now: datetime.datetime | None = None) -> int:
    """Draw a test for every consenting registration of the session's contest in the
    session's unit subtree who may still start one in the round open at the session's start.
    Returns how many tests are ready. The drawn versions are marked used at once (a used
    version is never edited in place, so an edit shows in the fingerprint)."""
    now = now or clock.now()
    contest = session.contest
    plan = draw_plan(contest=contest, fresh=True)
    _has_rounds, round = current_round(contest=contest, now=session.starts_at)
    allowed = attempts_allowed(contest=contest, round=round)
    round_id = round.pk if round is not None else None
    pool_ids = [q for questions in plan["pool"].values() for q, _d in questions]
    contents = question_contents_from_db(question_ids=pool_ids)
    registrations = Registration.objects.filter(
        contest=contest,
        unit__path__startswith=session.unit.path,
        consent_participation=True,
    ).order_by("pk")
    ready = 0
    last = 0
    while True:
        batch = list(registrations.filter(pk__gt=last).values_list("pk", flat=True)[:BATCH])
        if not batch:
            break
        last = batch[-1]
        ready += _prepare_batch(
            session=session,
            registration_ids=batch,
            plan=plan,
            round_id=round_id,
            round=round,
            allowed=allowed,
            contents=contents,
        )
    ExamSession.objects.filter(pk=session.pk).update(prepared_at=now, prepared_count=ready)
    session.prepared_at, session.prepared_count = now, ready
    return ready


def _prepare_batch(*, session, registration_ids, plan, round_id, round, allowed, contents) -> int:
    seen: dict[int, set[int]] = {r: set() for r in registration_ids}
    used: dict[int, int] = dict.fromkeys(registration_ids, 0)
    last_number: dict[int, int] = dict.fromkeys(registration_ids, 0)
    for registration_id, attempt_round, number, items in Attempt.objects.filter(
        registration_id__in=registration_ids
    ).values_list("registration_id", "round_id", "number", "items"):
        seen[registration_id].update(item["q"] for item in items)
        if attempt_round == round_id:
            used[registration_id] += 1
            last_number[registration_id] = max(last_number[registration_id], number)
    rows = []
    drawn: set[int] = set()
    for registration_id in registration_ids:
        if allowed and used[registration_id] >= allowed:
            continue
        question_ids = questions_draw(plan=plan, round=round, seen=seen[registration_id])
        drawn.update(question_ids)
        rows.append(
            PreparedAttempt(
                session=session,
                registration_id=registration_id,
                round_id=round_id,
                number=last_number[registration_id] + 1,
                items=items_for(
                    question_ids=question_ids,
                    contents=contents,
                    shuffle=session.contest.shuffle_options,
                ),
                fingerprint=plan["fingerprint"],
                expires_at=session.ends_at,
            )
        )
    with transaction.atomic():
        not_yet_used = drawn - plan["used"]
        if not_yet_used:
            Question.objects.filter(id__in=not_yet_used, used=False).update(used=True)
            plan["used"] |= not_yet_used
        # One ready test per person: a new draw replaces the one of an earlier preparation.
        PreparedAttempt.objects.bulk_create(
            rows,
            update_conflicts=True,
            unique_fields=["registration"],
            update_fields=["session", "round", "number", "items", "fingerprint", "expires_at"],
        )
    return len(rows)


def exam_sessions_prepare_due(*, now: datetime.datetime | None = None) -> int:
    """Prepare the sessions that start within PREPARE_AHEAD and were never prepared (beat);
    returns how many sessions were prepared."""
    now = now or clock.now()
    due = ExamSession.objects.filter(
        prepared_at__isnull=True, starts_at__lte=now + PREPARE_AHEAD, ends_at__gt=now
    ).select_related("contest", "unit")
    count = 0
    for session in due:
        exam_session_prepare(session=session, now=now)
        count += 1
    return count


def prepared_attempts_discard(*, now: datetime.datetime | None = None) -> int:
    """Delete the ready tests nobody claimed before their session ended; returns how many."""
    now = now or clock.now()
    deleted, _detail = PreparedAttempt.objects.filter(expires_at__lte=now).delete()
    return deleted
