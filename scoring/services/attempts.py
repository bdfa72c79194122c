"""Taking the test: start (draw), autosave, submit.

Guarantees (DESIGN.md invariants 1–4):
- one open attempt per registration (a partial unique constraint); a second start, a double
  click or a race returns the open attempt instead of drawing another;
- time is the server's: the deadline is stored at start; answers are accepted until
  deadline + GRACE and the finish time is capped at the deadline;
- exactly one submission: the open → submitted transition is a conditional UPDATE under a row
  lock, so the 2nd, 3rd... submit of an attempt changes nothing and reports `created=False`;
- answers are committed before the reply; grading is rung for after commit
  (`transaction.on_commit`, `queueing.grading_ring`) and a broker failure never fails the
  submission (the requeue sweeper publishes it later);
- nothing here sends the key: items hold question and option ids only.
"""

import contextlib
import datetime
import json
import logging
import re

from django.core.cache import cache
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils.translation import gettext_lazy as _

from contest_site import clock
from contest_site.untrusted import parse_id
from contests.models import Contest, Question, Round
from contests.refusals import Refused, raise_if_refused
from participants.models import Registration
from scoring.models import Attempt, PreparedAttempt
from scoring.rules.autosave import SEQ_MAX, batch_applies, batch_held
from scoring.rules.deadline import attempt_deadline
from scoring.rules.start import StartFacts, start_refusal
from scoring.selectors.attempts import (
    CONTENT_CACHE_TIMEOUT,
    GRACE,
    attempts_allowed,
    content_key,
    question_contents_cached,
    question_contents_from_db,
    registration_standing,
    remember_contents,
)
from scoring.services.draw import BANK, current_round, draw_plan, items_for, questions_draw
from scoring.services.queueing import grading_ring

logger = logging.getLogger(__name__)

MAX_PREDICTION = 10**12


# Who may start is `scoring.rules.start`; these are the refusals of the draw and the answers.
MESSAGES = {
    "bank": BANK,
    "busy": _("Hệ thống đang bận, vui lòng thử lại."),
    "submitted": _("Bài thi đã được nộp, không thể thay đổi câu trả lời."),
    "expired": _("Đã hết thời gian làm bài, câu trả lời không được lưu."),
    "unknown_question": _("Câu hỏi không thuộc bài thi này."),
    "bad_option": _("Phương án trả lời không hợp lệ."),
    "bad_prediction": _("Câu trả lời dự đoán phải là một số nguyên không âm."),
    "bad_request": _("Dữ liệu gửi lên không hợp lệ."),
}


def refuse(code: str) -> Refused:
    return Refused(code, MESSAGES[code])


# --- Start -----------------------------------------------------------------------------------


def _claim_sql() -> str:
    table = connection.ops.quote_name(PreparedAttempt._meta.db_table)
    return (
        f"DELETE FROM {table} WHERE registration_id = %s AND expires_at > %s "  # noqa: S608
        "RETURNING round_id, number, items, fingerprint"
    )


def _claim_insert_sql(attempt: Attempt) -> tuple[str, list]:
    """PostgreSQL: the claim and the attempt's INSERT as one statement (a DELETE … RETURNING
    in a CTE feeding INSERT … SELECT): one round trip and no BEGIN/COMMIT, where the two
    statements in a transaction took four. Every column of `attempt` (an unsaved instance:
    its defaults as the ORM would write them) except the id, `items` and `question_count`,
    which come from the ready test when it fits (round, number, fingerprint)."""
    prepared = connection.ops.quote_name(PreparedAttempt._meta.db_table)
    table = connection.ops.quote_name(Attempt._meta.db_table)
    columns, values, params = [], [], []
    for field in Attempt._meta.concrete_fields:
        if field.primary_key or field.name in ("items", "question_count"):
            continue
        columns.append(connection.ops.quote_name(field.column))
        values.append(f"%s::{field.db_type(connection)}")
        params.append(field.get_db_prep_save(field.pre_save(attempt, add=True), connection))
    sql = (
        f"WITH claimed AS (DELETE FROM {prepared} "  # noqa: S608 (names from the models)
        "WHERE registration_id = %s AND expires_at > %s "
        "RETURNING round_id, number, items, fingerprint) "
        f"INSERT INTO {table} ({', '.join(columns)}, items, question_count) "
        f"SELECT {', '.join(values)}, items, jsonb_array_length(items) FROM claimed "
        "WHERE claimed.round_id IS NOT DISTINCT FROM %s AND claimed.number = %s "
        "AND claimed.fingerprint = %s RETURNING id, items"
    )
    claim = [attempt.registration_id, attempt.started_at]
    return sql, [*claim, *params, attempt.round_id, attempt.number]


def _prepared_start(
    *,
    registration: Registration,
    round: Round | None,
    number: int,
    fingerprint: str,
    now: datetime.datetime,
    fields: dict,
) -> Attempt | None:
    """The start as a claim of the person's pre-drawn test (`scoring.services.prepared`): the
    ready test's DELETE … RETURNING and the attempt's INSERT, atomically (one statement on
    PostgreSQL). None when there is no ready test, or when it no longer fits (another round,
    another attempt number, a changed draw plan): such a test is gone with the DELETE and the
    caller draws. Two tabs: the second DELETE waits for the first claim's commit, finds
    nothing and falls back to the draw, whose INSERT meets the one-open-attempt constraint and
    returns the first tab's attempt; a claim that meets it is undone with its statement."""
    if connection.vendor == "postgresql":
        attempt = Attempt(number=number, items=[], **fields)
        sql, params = _claim_insert_sql(attempt)
        try:
            # In autocommit the statement is its own transaction; inside a caller's
            # transaction a savepoint keeps a lost race from breaking it.
            guard = transaction.atomic() if connection.in_atomic_block else contextlib.nullcontext()
            with guard, connection.cursor() as cursor:
                cursor.execute(sql, [*params, fingerprint])
                row = cursor.fetchone()
        except IntegrityError:
            return _open_attempt_of(registration)
        if row is None:
            return None
        # Django reads jsonb as text on a raw cursor (the field decodes it; here, json).
        attempt.pk, attempt.items = row[0], json.loads(row[1])
        attempt.question_count = len(attempt.items)
        attempt._state.adding, attempt._state.db = False, connection.alias
        return attempt
    try:
        with transaction.atomic():
            with connection.cursor() as cursor:
                # Adapted as the ORM would (UTC text on SQLite): a raw aware time in another
                # zone compares as text with the stored UTC and finds nothing.
                expiry = connection.ops.adapt_datetimefield_value(now)
                cursor.execute(_claim_sql(), [registration.pk, expiry])
                row = cursor.fetchone()
            if row is None:
                return None
            round_id, ready_number, items, ready_fingerprint = row
            if isinstance(items, str):  # SQLite returns the JSON text
                items = json.loads(items)
            if (
                round_id != (round.pk if round is not None else None)
                or ready_number != number
                or ready_fingerprint != fingerprint
            ):
                return None  # the DELETE stands: a test that no longer fits is discarded
            return Attempt.objects.create(
                items=items, question_count=len(items), number=number, **fields
            )
    except IntegrityError:
        # A concurrent start of the same person won; the claim is rolled back with it.
        return _open_attempt_of(registration)


def _open_attempt_of(registration: Registration) -> Attempt:
    existing = (
        Attempt.objects.select_related("contest")
        .filter(registration=registration, status=Attempt.Status.OPEN)
        .first()
    )
    if existing is None:
        raise refuse("busy")
    return existing


def attempt_start(
    *,
    registration: Registration,
    round: Round | None = None,
    now: datetime.datetime | None = None,
    client_key: str = "",
) -> Attempt:
    """Start an attempt, or return the person's open one.

    Checks the registration (consent), the window (contest and, with rounds, the round open
    now), and attempts left (per round when the contest has rounds; 0 = unlimited). An open
    attempt already past deadline + GRACE is finished first (as the sweeper would). Claims
    the person's pre-drawn test when a scheduled session left one that still fits
    (`_prepared_start`), else draws the questions, orders options (shuffled if the contest says
    so) and marks the drawn versions used; stores the deadline (`scoring.rules.deadline`:
    start + time limit + the person's extra time, capped by the contest's and the round's
    close). Two concurrent starts make one attempt: the loser's INSERT hits the
    one-open-attempt constraint inside a savepoint and gets the winner's attempt. Who may
    start is `scoring.rules.start`; a refusal raises `Refused` with the reason."""
    now = now or clock.now()
    contest = registration.contest
    previous = list(
        Attempt.objects.filter(registration=registration).only(
            "id", "round_id", "status", "number", "items", "deadline", "contest_id"
        )
    )
    running = None
    for attempt in previous:
        if attempt.status == Attempt.Status.OPEN:
            if now <= attempt.deadline + GRACE:
                running = attempt
            else:
                attempt_submit(attempt=attempt, now=now)  # late: finished with what was saved

    if round is None:
        has_rounds, round = current_round(contest=contest, now=now)
        round_open = round is not None
    else:
        has_rounds, round_open = True, round.opens_at <= now < round.closes_at
    round_id = round.pk if round is not None else None
    in_scope = [a for a in previous if a.round_id == round_id]
    disqualified, excluded = registration_standing(registration=registration)
    raise_if_refused(
        start_refusal(
            StartFacts(
                now=now,
                published=contest.status == Contest.Status.PUBLISHED,
                opens_at=contest.opens_at,
                closes_at=contest.closes_at,
                consent_participation=registration.consent_participation,
                age_on_reference=registration.age_on_reference,
                guardian_consent=registration.guardian_consent,
                disqualified=disqualified,
                excluded=excluded,
                attempt_running=running is not None,
                has_rounds=has_rounds,
                round_open=round_open,
                attempts_used=len(in_scope),
                attempts_allowed=attempts_allowed(contest=contest, round=round),
            )
        )
    )
    if running is not None:
        return Attempt.objects.select_related("contest").get(pk=running.pk)
    number = max((a.number for a in in_scope), default=0) + 1

    deadline = attempt_deadline(
        started_at=now,
        time_limit_minutes=contest.time_limit_minutes,
        extra_minutes=registration.extra_minutes,
        contest_closes_at=contest.closes_at,
        round_closes_at=round.closes_at if round is not None else None,
    )
    fields = {
        "registration": registration,
        "contest": contest,
        "round": round,
        "status": Attempt.Status.OPEN,
        "answers": {},
        "started_at": now,
        "deadline": deadline,
        # Evidence for the integrity app (participants.client_key); no query.
        "client_key": client_key[:16],
    }
    plan = draw_plan(contest=contest)
    # A contest with a scheduled session not yet over: the person's test may be drawn already.
    if plan["sessions_until"] is not None and now < plan["sessions_until"]:
        claimed = _prepared_start(
            registration=registration,
            round=round,
            number=number,
            fingerprint=plan["fingerprint"],
            now=now,
            fields=fields,
        )
        if claimed is not None:
            return claimed

    seen = {item["q"] for a in previous for item in a.items}
    question_ids = questions_draw(plan=plan, round=round, seen=seen)
    contents, missing = question_contents_uncached(question_ids=question_ids)
    # In steady state every drawn version is already used: skip the UPDATE's round trip.
    not_yet_used = set(question_ids) - plan["used"]
    items = items_for(question_ids=question_ids, contents=contents, shuffle=contest.shuffle_options)
    try:
        with transaction.atomic():
            attempt = Attempt.objects.create(
                items=items, question_count=len(items), number=number, **fields
            )
            # One UPDATE; a used version is never edited in place again (contests' rule).
            if not_yet_used:
                Question.objects.filter(id__in=not_yet_used, used=False).update(used=True)
            if missing:
                transaction.on_commit(
                    lambda: _cache_contents({q: contents[q] for q in missing if q in contents})
                )
    except IntegrityError:
        return _open_attempt_of(registration)
    return attempt


def question_contents_uncached(*, question_ids: list[int]) -> tuple[dict[int, dict], list[int]]:
    """Texts for a draw, and the ids no cache knew: from this process or Redis where present,
    else from the database *without* caching them (the versions are not yet committed as used;
    the caller caches them after commit)."""
    contents = question_contents_cached(question_ids=question_ids)
    missing = [q for q in question_ids if q not in contents]
    if missing:
        contents.update(question_contents_from_db(question_ids=missing))
    return contents, missing


def _cache_contents(contents: dict[int, dict]) -> None:
    remember_contents(contents)
    with contextlib.suppress(Exception):  # the cache is an optimisation only
        cache.set_many(
            {content_key(q): v for q, v in contents.items()}, timeout=CONTENT_CACHE_TIMEOUT
        )


# --- Answers ---------------------------------------------------------------------------------


def answers_clean(*, attempt: Attempt, answers: dict) -> dict[str, int]:
    """{str(question id): option id} checked against the attempt's own items: a question not in
    the attempt, or an option not of that question, is refused. Empty values are skipped."""
    if not isinstance(answers, dict):
        raise refuse("bad_request")
    allowed = {str(item["q"]): set(item["o"]) for item in attempt.items}
    clean: dict[str, int] = {}
    for key, value in answers.items():
        key = str(key)
        if key not in allowed:
            raise refuse("unknown_question")
        if value in (None, ""):
            continue
        # An option id in ASCII digits (not "١", not 1.9, not True).
        option = parse_id(value)
        if option is None or option not in allowed[key]:
            raise refuse("bad_option")
        clean[key] = option
    return clean


# ASCII digits only: `\d` alone also matches "١" and int() reads it as 1.
_PREDICTION = re.compile(r"\d+|\d{1,3}(?:[.,\s]\d{3})+", re.ASCII)


def prediction_clean(value) -> int | None:
    """A whole number ≥ 0; Vietnamese thousands separators ("52.812") are accepted."""
    if value is None or value == "":
        return None
    if isinstance(value, bool | float):
        raise refuse("bad_prediction")
    text = str(value).strip()
    if not _PREDICTION.fullmatch(text):
        raise refuse("bad_prediction")
    number = int(re.sub(r"\D", "", text))
    if number > MAX_PREDICTION:
        raise refuse("bad_prediction")
    return number


def _open_attempt_write(
    *,
    attempt: Attempt,
    clean: dict[str, int],
    predicted: int | None,
    now,
    submit: bool,
    seq: int | None = None,
) -> int:
    """The conditional UPDATE of an autosave and of an in-time submit: the answers merged over
    the stored ones, the prediction, and for a submit the status and times (finished_at =
    min(now, deadline)); only while the attempt is open and deadline + GRACE has not passed,
    and for a numbered autosave batch only over older batches (`rules.autosave.batch_applies`,
    the batch's number stored with it). Returns the number of rows written (0 or 1).

    On PostgreSQL the merge happens in the UPDATE (`answers || %s::jsonb`), so two racing
    writers never drop each other's keys, and the statement is written by hand: building it
    with the ORM cost 0.54 ms of CPU, about an eighth of a submit (benchmarks/README.md), on
    the two requests a test sends most. Elsewhere (the SQLite demo) the ORM, merging over what
    the caller read."""
    Status = Attempt.Status
    if connection.vendor != "postgresql":
        fields: dict = {"answers": {**attempt.answers, **clean}}
        if predicted is not None:
            fields["prediction"] = predicted
        if submit:
            fields.update(
                status=Status.SUBMITTED, finished_at=min(now, attempt.deadline), submitted_at=now
            )
        rows = Attempt.objects.filter(pk=attempt.pk, status=Status.OPEN, deadline__gte=now - GRACE)
        if seq is not None:
            fields["autosave_seq"] = seq
            rows = rows.filter(autosave_seq__lt=seq)
        return rows.update(**fields)
    sets, params = ["answers = answers || %s::jsonb"], [json.dumps(clean)]
    where, where_params = "", []
    if predicted is not None:
        sets.append("prediction = %s")
        params.append(predicted)
    if seq is not None:
        sets.append("autosave_seq = %s")
        params.append(seq)
        where, where_params = " AND autosave_seq < %s", [seq]
    if submit:
        sets += ["status = %s", "finished_at = LEAST(%s, deadline)", "submitted_at = %s"]
        params += [Status.SUBMITTED, now, now]
    table = connection.ops.quote_name(Attempt._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET {', '.join(sets)} "  # noqa: S608 (placeholders only)
            f"WHERE id = %s AND status = %s AND deadline >= %s{where}",
            [*params, attempt.pk, Status.OPEN, now - GRACE, *where_params],
        )
        return cursor.rowcount


def seq_clean(value) -> int | None:
    """An autosave batch's number: absent (None), or a whole number 1..SEQ_MAX in ASCII digits."""
    if value is None:
        return None
    seq = parse_id(value)
    if seq is None or not 1 <= seq <= SEQ_MAX:
        raise refuse("bad_request")
    return seq


def attempt_autosave(
    *,
    attempt: Attempt,
    answers: dict,
    prediction=None,
    seq: int | None = None,
    now: datetime.datetime | None = None,
) -> tuple[Attempt, bool]:
    """Store a batch of answers (merged over the saved ones) and the prediction of an open
    attempt, in one conditional UPDATE. Returns (attempt, saved): `saved` is True only when
    the row now holds every answer of the batch — what lets the page say "Đã lưu".

    `seq` is the page's batch number (`scoring.rules.autosave`): the UPDATE also requires
    `autosave_seq < seq` and stores seq, so a batch overtaken by a newer one (a retry that
    arrived late, the leaving page's last request landing after the reloaded page's first) is
    not written over it; replaying a batch changes nothing. When a numbered batch is not
    written, the row is read once and `saved` says whether it already holds the batch's answers
    (a replay: yes; overtaken by another tab's different answers: no, and the page sends them
    again with a newer number). Without `seq` (the no-JavaScript "save" button) the batch is
    always written. `WHERE status='open' AND deadline >= now - GRACE`: it cannot land after
    the submission (a racing submit holds the row; when it commits, the UPDATE's condition is
    re-checked and fails). Refused with the reason when the attempt is submitted or past
    deadline + GRACE, or when an answer names a question not in the attempt or an option not
    of its question; nothing is written then."""
    now = now or clock.now()
    clean = answers_clean(attempt=attempt, answers=answers)
    predicted = prediction_clean(prediction)
    if attempt.status != Attempt.Status.OPEN:
        raise refuse("submitted")
    if now > attempt.deadline + GRACE:
        raise refuse("expired")
    updated = _open_attempt_write(
        attempt=attempt, clean=clean, predicted=predicted, now=now, submit=False, seq=seq
    )
    if updated:
        attempt.answers = {**attempt.answers, **clean}
        if predicted is not None:
            attempt.prediction = predicted
        if seq is not None:
            attempt.autosave_seq = seq
        return attempt, True
    # Not written: submitted meanwhile, or (numbered batch) overtaken or replayed.
    attempt.refresh_from_db(fields=["status", "deadline", "answers", "prediction", "autosave_seq"])
    if attempt.status != Attempt.Status.OPEN:
        raise refuse("submitted")
    if now > attempt.deadline + GRACE:
        raise refuse("expired")
    if batch_applies(seq=seq, stored_seq=attempt.autosave_seq):
        return attempt, False  # the row changed between the UPDATE and this read: send again
    return attempt, batch_held(
        answers=clean,
        prediction=predicted,
        stored_answers=attempt.answers,
        stored_prediction=attempt.prediction,
    )


def attempt_submit(
    *,
    attempt: Attempt,
    answers: dict | None = None,
    prediction=None,
    now: datetime.datetime | None = None,
) -> tuple[Attempt, bool]:
    """Submit an attempt exactly once.

    The open → submitted move is a conditional UPDATE (`WHERE status='open'`): of any number
    of concurrent submits exactly one changes the row; the others find it submitted and get
    (attempt, False) — double click, second tab, retry: the same result. In time (until
    deadline + GRACE) the answers given are merged over the saved ones in that same UPDATE and
    finished_at = min(now, deadline); later, the answers given are dropped and the attempt is
    finished with what was saved, finished_at = deadline. Committed before this returns;
    after commit the grading doorbell is rung (`queueing.grading_ring`); a broker failure is
    logged and left to the requeue sweeper. Invalid answers (a question not in the
    attempt...) raise Refused and change nothing."""
    now = now or clock.now()
    clean = answers_clean(attempt=attempt, answers=answers or {})
    predicted = prediction_clean(prediction)
    # Each UPDATE commits on its own (autocommit): no BEGIN/COMMIT round trips around them.
    created = _open_attempt_write(
        attempt=attempt, clean=clean, predicted=predicted, now=now, submit=True
    )
    late = False
    if not created:
        still_open = Attempt.objects.filter(pk=attempt.pk, status=Attempt.Status.OPEN)
        late = created = still_open.update(
            status=Attempt.Status.SUBMITTED, finished_at=F("deadline"), submitted_at=now
        )
    if created:
        # Runs now when committed (autocommit), or after the caller's transaction commits.
        transaction.on_commit(lambda: grading_ring(attempt.pk))
    if not created:
        attempt.refresh_from_db(fields=["status", "answers", "prediction", "finished_at"])
        return attempt, False
    attempt.status = Attempt.Status.SUBMITTED
    attempt.submitted_at = now
    attempt.finished_at = attempt.deadline if late else min(now, attempt.deadline)
    if not late:
        attempt.answers = {**attempt.answers, **clean}
        if predicted is not None:
            attempt.prediction = predicted
    return attempt, True
