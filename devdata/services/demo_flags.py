"""Anomaly flags in the demo: an account farm planted in the Hà Nội demo contest, found by the
real detection, so that the review queue (Quản trị › Dấu hiệu bất thường) shows real evidence.

Six people registered from one device within ten minutes with six consecutive phone numbers
(a registration burst and a phone run); two of them took the test on that device with the same
questions, all correct in about 40 seconds (faster than reading: identical perfect papers alone
prove nothing, every perfect paper is the same), and two more with the same answers, three of
them the same mistakes, 62 and 63 seconds long (same answers). Everything goes through the real
services (registration, start, submit, grading) with the client key that a request from that
device would carry; only the clock and the later draws are set, as a script would have them.
Idempotent: the farm is planted once, and detection adds nothing it has already flagged."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from contests.models import Contest, Option, Unit
from devdata.services.demo import DEMO_SLUG
from integrity.models import AnomalyFlag
from integrity.services.detection import contest_scan
from participants import services
from participants.client_key import client_key
from participants.models import Participant, Registration
from scoring.models import Attempt
from scoring.services.attempts import attempt_start, attempt_submit
from scoring.services.grading import attempts_grade

FARM_PASSWORD = "demo-2023-thisinh"  # noqa: S105  (the demo citizens' shared password)
FARM_UNIT = "HN-TX-NC"
# A script on one machine: one address, one User-Agent (never stored: only their keyed hash).
FARM_KEY = client_key(address="203.113.152.40", user_agent="python-requests/2.31.0")
# (full name, CCCD of a man born 1995, phone): consecutive numbers bought in one batch.
FARM = [
    ("Đỗ Văn Hải", "001095007701", "0398765401"),
    ("Đỗ Văn Hiếu", "001095007702", "0398765402"),
    ("Đỗ Văn Hoàng", "001095007703", "0398765403"),
    ("Đỗ Văn Hùng", "001095007704", "0398765404"),
    ("Đỗ Văn Huy", "001095007705", "0398765405"),
    ("Đỗ Văn Khánh", "001095007706", "0398765406"),
]
# Seconds from start to submit, and how many answers the sheet gets wrong (the last ones):
# a perfect pair typed from the key, then a pair copied from one sheet with its mistakes.
SHEETS = ((40, 0), (41.5, 0), (62, 3), (63, 3))


def _plant(contest: Contest, unit: Unit) -> None:
    # Earlier today, inside the contest's window (it opens at 0 giờ today).
    start = max(contest.opens_at, timezone.now() - datetime.timedelta(hours=3))
    registrations = []
    for i, (name, number, phone) in enumerate(FARM):
        person = services.participant_register(
            full_name=name,
            date_of_birth=datetime.date(1995, 4, 10 + i),
            gender="male",
            document_type="cccd",
            document_number=number,
            phone=phone,
            password=FARM_PASSWORD,
            residence_unit=unit,
            consent_data=True,
        )
        registration = services.registration_create(
            participant=person,
            contest=contest,
            unit=unit,
            consent_participation=True,
            consent_publish=True,
            client_key=FARM_KEY,
        )
        # One every 80 seconds, as the script ran (created_at is set on insert).
        Registration.objects.filter(pk=registration.pk).update(
            created_at=start + datetime.timedelta(seconds=80 * i)
        )
        registrations.append(registration)

    taken = []
    began = start + datetime.timedelta(minutes=10)
    for registration, (seconds, wrong) in zip(registrations, SHEETS, strict=False):
        attempt = attempt_start(registration=registration, now=began, client_key=FARM_KEY)
        if taken:
            # The script answers the same test from the same sheet: the first one's questions.
            Attempt.objects.filter(pk=attempt.pk).update(items=taken[0].items)
            attempt.refresh_from_db()
        keyed = dict(
            Option.objects.filter(
                question_id__in=[item["q"] for item in attempt.items], is_correct=True
            ).values_list("question_id", "id")
        )
        answers = {}
        for n, item in enumerate(attempt.items):
            right = keyed[item["q"]]
            if n >= len(attempt.items) - wrong:
                right = next(o for o in item["o"] if o != right)
            answers[str(item["q"])] = right
        attempt_submit(
            attempt=attempt, answers=answers, now=began + datetime.timedelta(seconds=seconds)
        )
        taken.append(attempt)
    attempts_grade(attempt_ids=[a.pk for a in taken])


def seed_flags_demo(*, contest_slug: str = DEMO_SLUG) -> list[str]:
    contest = Contest.objects.filter(slug=contest_slug, status=Contest.Status.PUBLISHED).first()
    unit = Unit.objects.filter(code=FARM_UNIT).first()
    if contest is None or unit is None:
        return []
    if not Participant.objects.filter(document_number=FARM[0][1]).exists():
        with transaction.atomic():
            _plant(contest, unit)
    contest_scan(contest_id=contest.pk)
    open_flags = AnomalyFlag.objects.filter(contest=contest, status=AnomalyFlag.Status.OPEN)
    found = set(open_flags.values_list("kind", flat=True))
    kinds = [str(label) for kind, label in AnomalyFlag.Kind.choices if kind in found]
    return [
        f"Dấu hiệu bất thường «{contest.title}»: {open_flags.count()} chờ xem xét "
        f"({'; '.join(kinds)}) — Quản trị › Dấu hiệu bất thường."
    ]
