"""Demo invite links: a few citizens registered for the demo contest through the invite links
of two wards, so that the organisers' "Liên kết mời và áp phích" page shows counts. Idempotent
(a person already there is left alone); nothing without the demo contest."""

from __future__ import annotations

import datetime

from django.db import transaction

from contests.models import Contest, Unit
from devdata.services.demo import DEMO_SLUG
from participants import services
from participants.invites import invite_token
from participants.models import Participant

DEMO_INVITE_PASSWORD = "demo-2023-thisinh"  # noqa: S105  (the demo citizens' shared password)
# (ward whose link brought them, full name, date of birth, gender, CCCD, phone)
DEMO_INVITED = [
    (
        "HN-TX-NC",
        "Trần Thị Bích",
        datetime.date(1992, 3, 8),
        "female",
        "001192004101",
        "0912000101",
    ),
    ("HN-TX-NC", "Lê Văn Cường", datetime.date(1985, 11, 20), "male", "001085004102", "0912000102"),
    (
        "HN-TX-NC",
        "Phạm Thu Dung",
        datetime.date(2001, 6, 1),
        "female",
        "001301004103",
        "0912000103",
    ),
    (
        "HN-CG-DV",
        "Hoàng Minh Đức",
        datetime.date(1978, 1, 15),
        "male",
        "001078004104",
        "0912000104",
    ),
]


@transaction.atomic
def seed_invite_registrations(*, contest_slug: str = DEMO_SLUG) -> list[str]:
    contest = Contest.objects.filter(slug=contest_slug, status=Contest.Status.PUBLISHED).first()
    if contest is None:
        return []
    units = {u.code: u for u in Unit.objects.filter(code__in={row[0] for row in DEMO_INVITED})}
    for code, name, born, gender, number, phone in DEMO_INVITED:
        unit = units.get(code)
        if unit is None or Participant.objects.filter(document_number=number).exists():
            continue
        person = services.participant_register(
            full_name=name,
            date_of_birth=born,
            gender=gender,
            document_type="cccd",
            document_number=number,
            phone=phone,
            password=DEMO_INVITE_PASSWORD,
            residence_unit=unit,
            consent_data=True,
        )
        services.registration_create(
            participant=person,
            contest=contest,
            unit=unit,
            consent_participation=True,
            consent_publish=True,
            invited_via=unit,
        )
    ward = units.get("HN-TX-NC")
    if ward is None:
        return []
    token = invite_token(contest_id=contest.pk, unit_id=ward.pk)
    return [
        f"  liên kết mời của {ward.name}: http://127.0.0.1:8000/thi-sinh/moi/{token}/"
        "  (số người đăng ký qua từng liên kết: quản trị → Đăng ký dự thi → Liên kết mời)"
    ]
