"""Scheduled sessions ("Ca thi") in the demo: the office of Thanh Xuân's People's Committee
makes its staff take the test together.

- The coming session, in the Hà Nội demo contest at 9:00 (today when the demo is seeded before
  8:00, else tomorrow): the office's twelve registered officials, their tests drawn ahead
  through the real service (`exam_session_prepare`, what "Chuẩn bị trước đề thi" and beat do).
- A past session of the same office, three days ago in the contest under way (demo_live):
  tests drawn at 8:00, nine officials started at 9:00 through the real start, which claimed
  their ready tests, submitted and were graded; the three tests nobody claimed were discarded
  at the session's end (`prepared_attempts_discard`).

Idempotent: people, registrations and sessions are made once; a coming session that is over
when the demo is seeded again moves to the next 9:00 and is prepared again."""

from __future__ import annotations

import datetime
import random

from django.db import transaction
from django.utils import timezone

from contests.models import Contest, Option, Unit
from contests.services.units import unit_add
from devdata.services.demo import DEMO_SLUG
from devdata.services.demo_live import LIVE_SLUG
from devdata.services.demo_results import BASE_URL
from participants import services
from participants.models import Participant, Registration
from reports.services.rollups import rollups_refresh
from scoring.models import Attempt, ExamSession, PreparedAttempt
from scoring.services.attempts import attempt_start, attempt_submit
from scoring.services.draw import draw_plans_forget
from scoring.services.grading import attempts_grade
from scoring.services.prepared import exam_session_prepare, prepared_attempts_discard

PASSWORD = "demo-2023-thisinh"  # noqa: S105  (the demo citizens' shared password)
OFFICE = ("HN-TX-VP", "Văn phòng HĐND và UBND quận Thanh Xuân", Unit.Kind.DEPARTMENT, 45)
# Short: the admin list shows the unit and the contest in their own columns.
SESSION_NAME = "Thi tập trung, 9 giờ"
PAST_DAYS = 3  # the past session was this many days ago
CLAIMED = 9  # of the office's people, this many came to the past session
# (full name, date of birth, gender, CCCD, phone): CCCD 001 (Hà Nội), the century and gender
# digit (0 man, 1 woman, born 19xx), the year of birth, then six digits.
STAFF = [
    ("Trần Thị Thu Hà", datetime.date(1982, 3, 14), "female", "001182004511", "0904511001"),
    ("Lê Minh Tuấn", datetime.date(1979, 11, 2), "male", "001079004512", "0904511002"),
    ("Phạm Thị Lan Anh", datetime.date(1990, 6, 25), "female", "001190004513", "0904511003"),
    ("Nguyễn Đức Thắng", datetime.date(1975, 1, 9), "male", "001075004514", "0904511004"),
    ("Vũ Thị Hồng Nhung", datetime.date(1988, 9, 30), "female", "001188004515", "0904511005"),
    ("Hoàng Văn Nam", datetime.date(1985, 4, 18), "male", "001085004516", "0904511006"),
    ("Đặng Thu Trang", datetime.date(1993, 12, 7), "female", "001193004517", "0904511007"),
    ("Bùi Quang Huy", datetime.date(1981, 8, 21), "male", "001081004518", "0904511008"),
    ("Ngô Thị Mai", datetime.date(1977, 5, 3), "female", "001177004519", "0904511009"),
    ("Đỗ Mạnh Cường", datetime.date(1984, 2, 27), "male", "001084004520", "0904511010"),
    ("Phan Thị Thanh Huyền", datetime.date(1991, 10, 11), "female", "001191004521", "0904511011"),
    ("Trịnh Văn Long", datetime.date(1986, 7, 16), "male", "001086004522", "0904511012"),
]


def _at(day: datetime.date, hour: int) -> datetime.datetime:
    """`hour`:00 local on `day`, in UTC: the start's claim on SQLite compares a raw parameter
    with the stored UTC text, so a +07:00 value would miss every ready test of the morning
    (as the server's clock, which is UTC, never does)."""
    local = datetime.datetime.combine(day, datetime.time(hour))
    return timezone.make_aware(local, timezone.get_current_timezone()).astimezone(datetime.UTC)


def _next_nine(now: datetime.datetime) -> datetime.datetime:
    """9:00 today when it is at least an hour away (organisers prepare the hour before),
    else 9:00 tomorrow."""
    today = _at(timezone.localdate(now), 9)
    if now <= today - datetime.timedelta(hours=1):
        return today
    return today + datetime.timedelta(days=1)


def _office() -> Unit:
    code, name, kind, headcount = OFFICE
    return unit_add(
        code=code, name=name, kind=kind, parent=Unit.objects.get(code="HN-TX"), headcount=headcount
    )


def _registrations(
    contest: Contest, office: Unit, registered_at: datetime.datetime | None
) -> list[Registration]:
    """The office's officials registered for `contest` (made once; `registered_at` backdates
    a new registration, as if they had registered then)."""
    registrations = []
    for name, born, gender, number, phone in STAFF:
        person = Participant.objects.filter(document_type="cccd", document_number=number).first()
        if person is None:
            person = services.participant_register(
                full_name=name,
                date_of_birth=born,
                gender=gender,
                document_type="cccd",
                document_number=number,
                phone=phone,
                password=PASSWORD,
                work_unit=office,
                consent_data=True,
            )
        registration = Registration.objects.filter(participant=person, contest=contest).first()
        if registration is None:
            registration = services.registration_create(
                participant=person,
                contest=contest,
                unit=office,
                consent_participation=True,
                consent_publish=True,
            )
            if registered_at is not None:
                Registration.objects.filter(pk=registration.pk).update(created_at=registered_at)
        registrations.append(registration)
    return registrations


def _coming(contest: Contest, office: Unit, now: datetime.datetime) -> ExamSession:
    _registrations(contest, office, None)
    session = ExamSession.objects.filter(contest=contest, unit=office).first()
    if session is not None and session.ends_at > now:
        return session
    starts = _next_nine(now)
    if session is None:
        session = ExamSession(contest=contest, unit=office, name=SESSION_NAME)
    session.starts_at, session.ends_at = starts, starts + datetime.timedelta(hours=1)
    session.save()
    # As "Chuẩn bị trước đề thi" in admin does (beat would do it at 8:00).
    exam_session_prepare(session=session, now=now)
    return session


def _answers(attempt: Attempt, rng: random.Random) -> dict[str, int]:
    """Mostly right, as an office that studied the decree: each answer wrong one time in six."""
    keyed = dict(
        Option.objects.filter(
            question_id__in=[item["q"] for item in attempt.items], is_correct=True
        ).values_list("question_id", "id")
    )
    answers = {}
    for item in attempt.items:
        right = keyed[item["q"]]
        wrong = [o for o in item["o"] if o != right]
        answers[str(item["q"])] = rng.choice(wrong) if wrong and rng.random() < 1 / 6 else right
    return answers


def _past(contest: Contest, office: Unit, now: datetime.datetime) -> tuple[ExamSession, int]:
    """The past session and how many of its starts claimed a ready test (made once)."""
    session = ExamSession.objects.filter(contest=contest, unit=office).first()
    if session is not None:
        return session, Attempt.objects.filter(
            registration__unit=office,
            contest=contest,
            started_at__gte=session.starts_at,
            started_at__lt=session.ends_at,
        ).count()
    day = timezone.localdate(now) - datetime.timedelta(days=PAST_DAYS)
    registrations = _registrations(contest, office, _at(day, 8) - datetime.timedelta(days=2))
    starts = _at(day, 9)
    session = ExamSession.objects.create(
        contest=contest,
        unit=office,
        name=SESSION_NAME,
        starts_at=starts,
        ends_at=starts + datetime.timedelta(hours=1),
    )
    exam_session_prepare(session=session, now=starts - datetime.timedelta(hours=1))
    ready = dict(
        PreparedAttempt.objects.filter(session=session).values_list("registration_id", "items")
    )
    # The draw plan (with the contest's sessions) may be cached in this process from before.
    draw_plans_forget()
    rng = random.Random(20)  # noqa: S311  (demo data, not security)
    claimed, attempts = 0, []
    for n, registration in enumerate(registrations[:CLAIMED]):
        began = starts + datetime.timedelta(seconds=15 + 25 * n + rng.randint(0, 20))
        attempt = attempt_start(registration=registration, now=began)
        # A start that found its ready test carries exactly the drawn questions and options.
        claimed += attempt.items == ready.get(registration.pk)
        attempt_submit(
            attempt=attempt,
            answers=_answers(attempt, rng),
            now=began + datetime.timedelta(seconds=rng.randint(420, 1080)),
        )
        attempts.append(attempt.pk)
    attempts_grade(attempt_ids=attempts)
    prepared_attempts_discard(now=session.ends_at)
    # The contest's figures were computed before these attempts existed.
    rollups_refresh(contest=contest)
    return session, claimed


def seed_sessions_demo(*, now: datetime.datetime | None = None) -> list[str]:
    now = now or timezone.now()
    demo = Contest.objects.filter(slug=DEMO_SLUG, status=Contest.Status.PUBLISHED).first()
    if demo is None or not Unit.objects.filter(code="HN-TX").exists():
        return []
    with transaction.atomic():
        office = _office()
        coming = _coming(demo, office, now)
    local = timezone.localtime(coming.starts_at)
    lines = [
        f"  Ca thi sắp tới: {local:%H:%M} ngày {local:%d/%m/%Y}, {office.name}: "
        f"{coming.prepared_count} đề đã rút trước — {BASE_URL}/quan-tri/scoring/examsession/ "
        "(thanhxuan hoặc sotuphap); "
        f"bắt đầu như một cán bộ của ca thi: {STAFF[0][4]} / {PASSWORD}"
    ]
    live = Contest.objects.filter(slug=LIVE_SLUG).first()
    if live is not None:
        with transaction.atomic():
            past, claimed = _past(live, office, now)
        local = timezone.localtime(past.starts_at)
        lines.append(
            f"  Ca thi đã qua ({local:%H:%M} ngày {local:%d/%m/%Y}, «{live.title}»): "
            f"{past.prepared_count} đề rút trước, {claimed} người bắt đầu bằng đề đã rút, "
            f"{past.prepared_count - claimed} đề không ai dùng đã xoá"
        )
    return lines
