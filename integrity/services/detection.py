"""Detection: scan a contest with every rule of integrity.rules.anomalies and queue a flag for
each registration or attempt found, once.

At city scale (1.5 M registrations, 7.5 M attempts) no rule may pull every row into Python,
so on PostgreSQL each rule first narrows the rows in SQL (window functions and aggregates
over the contest's rows, a superset of what the rule flags) and only the candidates come
back, as tuples, never model instances; the pure rule then decides on them. Elsewhere (the
SQLite demo) the same rules read the contest's rows through the ORM. Both paths give the
same flags (tests/integrity/test_detection.py runs both).

Safe to run twice and concurrently with itself: flags are unique per kind and subject and
are inserted with ON CONFLICT DO NOTHING; an existing flag (open or decided) is left as it is."""

from __future__ import annotations

import datetime
import hashlib
import json
import logging
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, F, Sum
from django.db.models.functions import Length, Substr
from django.utils import timezone

from contests.models import Contest, Option, Question
from integrity.models import AnomalyFlag
from integrity.rules import anomalies
from participants.client_key import PART_LENGTH
from participants.masking import mask_phone
from participants.models import Registration
from scoring.models import Attempt

logger = logging.getLogger(__name__)

Kind = AnomalyFlag.Kind
# Candidate rows fetched per query when the rule needs more of them (answers, times).
BATCH = 2_000
# Listed durations in a same-answers flag's evidence (the group may be larger).
EVIDENCE_DURATIONS_MAX = 10


@dataclass
class Finding:
    kind: str
    registration_id: int
    attempt_id: int | None = None
    group_key: str = ""
    evidence: dict = field(default_factory=dict)


def _use_sql(portable: bool | None) -> bool:
    if portable is not None:
        return not portable
    return connection.vendor == "postgresql"


def _rows(sql: str, params: list) -> Iterator[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        while batch := cursor.fetchmany(BATCH):
            yield from batch


def _chunks(values: list, size: int = BATCH) -> Iterator[list]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


# --- All correct faster than reading ---------------------------------------------------------


def question_text_chars(*, contest_id: int) -> dict[int, int]:
    """Characters a person reads for each question of the contest: its text and its options."""
    chars = dict(
        Question.objects.filter(contest_id=contest_id)
        .annotate(n=Length("text"))
        .values_list("id", "n")
    )
    options = (
        Option.objects.filter(question__contest_id=contest_id)
        .values("question_id")
        .annotate(n=Sum(Length("text")))
        .values_list("question_id", "n")
    )
    for question_id, n in options:
        chars[question_id] = chars.get(question_id, 0) + (n or 0)
    return chars


def find_too_fast(*, contest_id: int) -> list[Finding]:
    chars = question_text_chars(contest_id=contest_id)
    if not chars:
        return []
    # No attempt of n questions needs longer than n times the longest question: a bound that
    # lets the database skip every attempt slower than that (nearly all of them).
    per_question_ms = anomalies.reading_floor_ms(question_count=1, text_chars=max(chars.values()))
    rows = (
        Attempt.objects.filter(
            contest_id=contest_id,
            all_correct=True,
            duration_ms__lt=F("question_count") * per_question_ms,
        )
        .values_list("id", "registration_id", "duration_ms", "question_count", "items")
        .iterator(chunk_size=BATCH)
    )
    findings = []
    for attempt_id, registration_id, duration_ms, question_count, items in rows:
        questions = [i.get("q") for i in items if isinstance(i, dict)] if items else []
        text_chars = sum(chars.get(q, 0) for q in questions)
        if anomalies.too_fast(
            all_correct=True,
            duration_ms=duration_ms,
            question_count=question_count,
            text_chars=text_chars,
        ):
            evidence = {
                "duration_ms": duration_ms,
                "question_count": question_count,
                "text_chars": text_chars,
                "floor_ms": anomalies.reading_floor_ms(
                    question_count=question_count, text_chars=text_chars
                ),
            }
            findings.append(Finding(Kind.TOO_FAST, registration_id, attempt_id, "", evidence))
    return findings


# --- Same answers, near durations, one address --------------------------------------------------


def _signature(answers) -> str:
    return hashlib.md5(
        json.dumps(answers, sort_keys=True, separators=(",", ":")).encode(), usedforsecurity=False
    ).hexdigest()


_SAME_ANSWERS_SQL = """
SELECT id, registration_id, client_key, duration_ms, sig, correct_count FROM (
    SELECT id, registration_id, client_key, duration_ms, sig, correct_count,
           count(*) OVER w AS n, min(registration_id) OVER w AS lo,
           max(registration_id) OVER w AS hi
    FROM (
        SELECT id, registration_id, client_key, duration_ms, correct_count,
               md5(answers::text) AS sig
        FROM scoring_attempt
        WHERE contest_id = %s AND client_key <> '' AND duration_ms IS NOT NULL
          AND correct_count IS NOT NULL AND NOT all_correct
    ) a
    WINDOW w AS (PARTITION BY left(client_key, %s), sig)
) t
WHERE n >= 2 AND lo <> hi
"""


def _answered_attempts_sql(contest_id: int) -> list[anomalies.AnsweredAttempt]:
    # Only attempts sharing address and answers with another person's come back; how many
    # questions they answered is read for those few.
    candidates = list(_rows(_SAME_ANSWERS_SQL, [contest_id, PART_LENGTH]))
    answered: dict[int, int] = {}
    for ids in _chunks([row[0] for row in candidates]):
        for attempt_id, answers in Attempt.objects.filter(id__in=ids).values_list("id", "answers"):
            answered[attempt_id] = len(answers) if isinstance(answers, dict) else 0
    return [
        anomalies.AnsweredAttempt(
            a, r, key, sig, answered.get(a, 0), duration, answered.get(a, 0) - correct
        )
        for a, r, key, duration, sig, correct in candidates
    ]


def _answered_attempts_orm(contest_id: int) -> list[anomalies.AnsweredAttempt]:
    rows = (
        Attempt.objects.filter(
            contest_id=contest_id,
            duration_ms__isnull=False,
            correct_count__isnull=False,
            all_correct=False,
        )
        .exclude(client_key="")
        .values_list(
            "id", "registration_id", "client_key", "duration_ms", "answers", "correct_count"
        )
        .iterator(chunk_size=BATCH)
    )
    out = []
    for a, r, key, duration, answers, correct in rows:
        answered = len(answers) if isinstance(answers, dict) else 0
        out.append(
            anomalies.AnsweredAttempt(
                a, r, key, _signature(answers), answered, duration, answered - correct
            )
        )
    return out


def find_same_answers(*, contest_id: int, sql: bool) -> list[Finding]:
    attempts = _answered_attempts_sql(contest_id) if sql else _answered_attempts_orm(contest_id)
    findings = []
    for group in anomalies.same_answer_groups(attempts):
        first = group.attempts[0]
        evidence = {
            "size": len(group.attempts),
            "people": len({a.registration_id for a in group.attempts}),
            "same_device": group.same_device,
            "answered": first.answered,
            "wrong": first.wrong,
            "durations_ms": [a.duration_ms for a in group.attempts][:EVIDENCE_DURATIONS_MAX],
        }
        group_key = f"same:{first.client_key[:PART_LENGTH]}:{first.attempt_id}"
        for a in group.attempts:
            findings.append(
                Finding(Kind.SAME_ANSWERS, a.registration_id, a.attempt_id, group_key, evidence)
            )
    return findings


# --- Registration bursts ---------------------------------------------------------------------

# (scope, characters of the key that identify it, events, window)
_BURST_SCOPES = (
    ("device", 2 * PART_LENGTH, anomalies.BURST_DEVICE_COUNT),
    ("address", PART_LENGTH, anomalies.BURST_ADDRESS_COUNT),
)

_BURST_SQL = """
SELECT DISTINCT part FROM (
    SELECT left(client_key, %s) AS part,
           count(*) OVER (PARTITION BY left(client_key, %s) ORDER BY created_at
                          RANGE BETWEEN %s PRECEDING AND CURRENT ROW) AS n
    FROM participants_registration
    WHERE contest_id = %s AND client_key <> ''
) t
WHERE n >= %s
"""


def _registration_events(
    contest_id: int, *, length: int, parts: list[str] | None
) -> dict[str, list[tuple[datetime.datetime, int]]]:
    queryset = (
        Registration.objects.filter(contest_id=contest_id)
        .exclude(client_key="")
        .annotate(part=Substr("client_key", 1, length))
    )
    by_part: dict[str, list[tuple[datetime.datetime, int]]] = defaultdict(list)
    chunks = _chunks(parts) if parts is not None else [None]
    for chunk in chunks:
        rows = queryset if chunk is None else queryset.filter(part__in=chunk)
        for part, created_at, registration_id in rows.values_list(
            "part", "created_at", "id"
        ).iterator(chunk_size=BATCH):
            by_part[part].append((created_at, registration_id))
    return by_part


def find_registration_bursts(*, contest_id: int, sql: bool) -> list[Finding]:
    findings = []
    window = anomalies.BURST_WINDOW
    for scope, length, count in _BURST_SCOPES:
        parts = None
        if sql:
            params = [length, length, window, contest_id, count]
            parts = sorted(row[0] for row in _rows(_BURST_SQL, params))
            if not parts:
                continue
        events = _registration_events(contest_id, length=length, parts=parts)
        for part in sorted(events):
            times = dict((rid, at) for at, rid in events[part])
            for run in anomalies.bursts(events[part], count=count, window=window):
                evidence = {
                    "scope": scope,
                    "size": len(run),
                    "first": times[run[0]].isoformat(),
                    "last": times[run[-1]].isoformat(),
                    "threshold": count,
                    "window_minutes": int(window.total_seconds() // 60),
                }
                group_key = f"burst:{scope}:{part}:{run[0]}"
                findings.extend(
                    Finding(Kind.REGISTRATION_BURST, rid, None, group_key, evidence) for rid in run
                )
    return findings


# --- Consecutive phone numbers -------------------------------------------------------------------

_PHONE_SQL = """
SELECT id, phone, day FROM (
    SELECT id, phone, day, count(*) OVER (PARTITION BY day, num - rn) AS run
    FROM (
        SELECT r.id, p.phone, d.day, substr(p.phone, 2)::bigint AS num,
               row_number() OVER (PARTITION BY d.day ORDER BY substr(p.phone, 2)::bigint) AS rn
        FROM participants_registration r
        JOIN participants_participant p ON p.id = r.participant_id
        CROSS JOIN LATERAL (SELECT (r.created_at AT TIME ZONE %s)::date AS day) d
        WHERE r.contest_id = %s AND p.phone ~ '^[+][0-9]{6,15}$'
    ) x
) y
WHERE run >= %s
"""


def _phone_number(phone: str) -> int | None:
    digits = phone[1:] if phone.startswith("+") else phone
    return int(digits) if digits.isascii() and digits.isdigit() else None


def find_phone_sequences(*, contest_id: int, sql: bool) -> list[Finding]:
    by_day: dict[datetime.date, list[tuple[int, int]]] = defaultdict(list)
    phones: dict[int, str] = {}
    if sql:
        rows = _rows(_PHONE_SQL, [settings.TIME_ZONE, contest_id, anomalies.PHONE_RUN_MIN])
    else:
        rows = (
            (rid, phone, timezone.localdate(created_at))
            for rid, phone, created_at in Registration.objects.filter(contest_id=contest_id)
            .values_list("id", "participant__phone", "created_at")
            .iterator(chunk_size=BATCH)
        )
    for registration_id, phone, day in rows:
        number = _phone_number(phone or "")
        if number is not None:
            by_day[day].append((number, registration_id))
            phones[registration_id] = phone
    findings = []
    for day in sorted(by_day):
        for run in anomalies.phone_runs(by_day[day]):
            evidence = {
                "size": len(run),
                "first": mask_phone(phones[run[0]]),
                "last": mask_phone(phones[run[-1]]),
                "day": day.isoformat(),
            }
            group_key = f"phones:{day.isoformat()}:{run[0]}"
            findings.extend(
                Finding(Kind.PHONE_SEQUENCE, rid, None, group_key, evidence) for rid in run
            )
    return findings


# --- Machine-regular submissions -----------------------------------------------------------------

# The SQL keeps a little more than the rule would (float rounding): the rule decides.
_REGULAR_SQL = """
SELECT who FROM (
    SELECT {who} AS who,
           extract(epoch FROM submitted_at - lag(submitted_at) OVER (
               PARTITION BY {who} ORDER BY submitted_at)) AS gap
    FROM scoring_attempt
    WHERE contest_id = %s AND submitted_at IS NOT NULL {extra}
) g
WHERE gap IS NOT NULL
GROUP BY who
HAVING count(*) >= %s AND avg(gap) > 0 AND avg(gap) <= %s
   AND stddev_pop(gap) < %s * avg(gap)
"""
_REGULAR_SCOPES = (
    ("person", "registration_id", ""),
    ("address", f"left(client_key, {PART_LENGTH})", "AND client_key <> ''"),
)


def _submissions(
    contest_id: int, *, scope: str, who: list | None
) -> dict[object, list[tuple[datetime.datetime, int]]]:
    queryset = Attempt.objects.filter(contest_id=contest_id, submitted_at__isnull=False)
    if scope == "address":
        queryset = queryset.exclude(client_key="").annotate(
            who=Substr("client_key", 1, PART_LENGTH)
        )
    else:
        queryset = queryset.annotate(who=F("registration_id"))
    series: dict[object, list[tuple[datetime.datetime, int]]] = defaultdict(list)
    for chunk in _chunks(who) if who is not None else [None]:
        rows = queryset if chunk is None else queryset.filter(who__in=chunk)
        for key, submitted_at, registration_id in rows.values_list(
            "who", "submitted_at", "registration_id"
        ).iterator(chunk_size=BATCH):
            series[key].append((submitted_at, registration_id))
    return series


def find_regular_intervals(*, contest_id: int, sql: bool) -> list[Finding]:
    findings = []
    for scope, who_sql, extra in _REGULAR_SCOPES:
        who = None
        if sql:
            query = _REGULAR_SQL.format(who=who_sql, extra=extra)
            params = [
                contest_id,
                anomalies.REGULAR_MIN_ATTEMPTS - 1,
                anomalies.REGULAR_MAX_MEAN_GAP_SECONDS * 1.01,
                anomalies.REGULAR_MAX_CV * 1.01,
            ]
            who = sorted(row[0] for row in _rows(query, params))
            if not who:
                continue
        series = _submissions(contest_id, scope=scope, who=who)
        for key in sorted(series, key=str):
            found = anomalies.regularity([at for at, _r in series[key]])
            if found is None:
                continue
            evidence = {
                "scope": scope,
                "attempts": found.attempts,
                "mean_gap_seconds": round(found.mean_gap_seconds, 3),
                "cv": round(found.cv, 4),
            }
            group_key = f"regular:{scope}:{key}"
            people = sorted({rid for _at, rid in series[key]})
            findings.extend(
                Finding(Kind.REGULAR_INTERVALS, rid, None, group_key, evidence) for rid in people
            )
    return findings


# --- The scan ----------------------------------------------------------------------------------


def _unique(findings: Iterable[Finding]) -> list[Finding]:
    """The first finding per (kind, subject): the constraint's key, so one INSERT never meets
    itself."""
    seen: set[tuple] = set()
    out = []
    for f in findings:
        key = (f.kind, f.attempt_id) if f.attempt_id is not None else (f.kind, f.registration_id)
        if key not in seen:
            seen.add(key)
            out.append(f)
    return out


def contest_scan(*, contest_id: int, portable: bool | None = None) -> dict[str, int]:
    """Run every rule over one contest and queue a flag for each new finding. Returns the
    number of new flags per kind (0 for a kind with nothing new). `portable` forces the ORM
    path (True) or the SQL path (False); by default SQL on PostgreSQL."""
    sql = _use_sql(portable)
    with transaction.atomic():
        if sql:
            with connection.cursor() as cursor:
                # The window functions sort the contest's rows: in memory where they fit.
                cursor.execute("SET LOCAL work_mem = '128MB'")
        findings = [
            *find_too_fast(contest_id=contest_id),
            *find_same_answers(contest_id=contest_id, sql=sql),
            *find_registration_bursts(contest_id=contest_id, sql=sql),
            *find_phone_sequences(contest_id=contest_id, sql=sql),
            *find_regular_intervals(contest_id=contest_id, sql=sql),
        ]
    before = _counts(contest_id)
    AnomalyFlag.objects.bulk_create(
        [
            AnomalyFlag(
                contest_id=contest_id,
                kind=f.kind,
                registration_id=f.registration_id,
                attempt_id=f.attempt_id,
                group_key=f.group_key[:80],
                evidence=f.evidence,
            )
            for f in _unique(findings)
        ],
        ignore_conflicts=True,
        batch_size=BATCH,
    )
    after = _counts(contest_id)
    new = {kind: after.get(kind, 0) - before.get(kind, 0) for kind in Kind.values}
    logger.info("integrity: contest %s scanned, new flags %s", contest_id, new)
    return new


def _counts(contest_id: int) -> dict[str, int]:
    return dict(
        AnomalyFlag.objects.filter(contest_id=contest_id)
        .values("kind")
        .annotate(n=Count("id"))
        .values_list("kind", "n")
    )


def contests_to_scan(*, now: datetime.datetime | None = None) -> list[int]:
    """Contests open now or closed less than two days ago (late evidence still counts before
    results are published)."""
    now = now or timezone.now()
    return list(
        Contest.objects.filter(
            opens_at__lte=now, closes_at__gte=now - datetime.timedelta(days=2)
        ).values_list("id", flat=True)
    )


def open_contests_scan() -> dict[int, dict[str, int]]:
    """The periodic job: every contest that `contests_to_scan` names."""
    return {cid: contest_scan(contest_id=cid) for cid in contests_to_scan()}
