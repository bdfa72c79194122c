"""The demo citizen: one account registered for the demo contest when it exists. Idempotent."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction

from contests.models import Contest, Unit
from contests.refusals import Refused
from devdata.services.demo import DEMO_SLUG
from participants import services
from participants.models import Participant

DEMO_PHONE = "0912345678"
DEMO_PASSWORD = "demo-2023-thisinh"  # noqa: S105  (printed on purpose: it is the demo's login)
DEMO_CITIZEN = {
    "full_name": "Nguyễn Văn An",
    "date_of_birth": datetime.date(1987, 5, 17),
    "gender": "male",
    "document_type": "cccd",
    "document_number": "001087123456",
}
# Where the demo citizen lives (a ward of the demo tree), when it exists.
DEMO_UNIT_CODE = "HN-TX-NC"


@transaction.atomic
def seed_demo_participant(*, contest_slug: str = DEMO_SLUG) -> list[str]:
    """Create the demo citizen (if missing) and register them for the demo contest (if it
    exists and they are not registered yet). Returns lines to print."""
    lines = []
    unit = Unit.objects.filter(code=DEMO_UNIT_CODE).first()
    participant = Participant.objects.filter(
        document_type=DEMO_CITIZEN["document_type"],
        document_number=DEMO_CITIZEN["document_number"],
    ).first()
    if participant is None:
        participant = services.participant_register(
            **DEMO_CITIZEN,
            phone=DEMO_PHONE,
            password=DEMO_PASSWORD,
            residence_unit=unit,
            consent_data=True,
        )
    lines.append(
        f"  thí sinh: {DEMO_PHONE} (hoặc {DEMO_CITIZEN['document_number']}) / {DEMO_PASSWORD}"
        "  — đăng nhập tại /thi-sinh/dang-nhap/"
    )
    contest = Contest.objects.filter(slug=contest_slug).first()
    if contest is None:
        return lines
    if not participant.registrations.filter(contest=contest).exists():
        root = contest.participation_root
        entry_unit = unit if unit is not None and unit.path.startswith(root.path) else root
        try:
            services.registration_create(
                participant=participant,
                contest=contest,
                unit=entry_unit,
                consent_participation=True,
                consent_publish=True,
            )
        except ValidationError as exc:
            lines.append(f"  (không đăng ký được cuộc thi demo: {'; '.join(exc.messages)})")
            return lines
        except Refused as exc:
            lines.append(f"  (không đăng ký được cuộc thi demo: {exc})")
            return lines
    lines.append(f"  đã đăng ký cuộc thi demo: {contest.title}")
    return lines
