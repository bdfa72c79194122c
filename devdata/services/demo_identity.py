"""Demo accounts that show the identity rules at work (idempotent):
- a second account of the demo citizen, typed without accents ("Nguyen Van An", same date of
  birth and gender, another number): the registration service queues it as a suspected
  duplicate, so the admin's queue has a case to decide;
- a 15-year-old whose account was created with a parent's consent."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from contests.models import Unit
from devdata.services.demo_citizen import DEMO_CITIZEN, DEMO_PASSWORD, DEMO_UNIT_CODE
from participants import services
from participants.models import Participant

NEAR_DUPLICATE = {
    "full_name": "Nguyen Van An",
    "date_of_birth": DEMO_CITIZEN["date_of_birth"],
    "gender": DEMO_CITIZEN["gender"],
    "document_type": "cccd",
    "document_number": "001087654321",
    "phone": "0912000999",
}


def _minor() -> dict:
    today = timezone.localdate()
    born = datetime.date(today.year - 15, 3, 1)
    return {
        "full_name": "Lê Minh Khang",
        "date_of_birth": born,
        "gender": "male",
        "document_type": "cccd",
        # Hà Nội (001), male born 2000–2099 (2), the birth year's last two digits.
        "document_number": f"0012{born.year % 100:02d}000315",
        "phone": "0912000888",
        "guardian_name": "Lê Văn Hòa",
        "guardian_relationship": "Bố",
        "guardian_phone": "0913000777",
        "guardian_consent": True,
    }


@transaction.atomic
def seed_identity_cases() -> list[str]:
    unit = Unit.objects.filter(code=DEMO_UNIT_CODE).first()
    lines = []
    for case in (NEAR_DUPLICATE, _minor()):
        if not Participant.objects.filter(phone=f"+84{case['phone'][1:]}").exists():
            services.participant_register(
                **case, password=DEMO_PASSWORD, residence_unit=unit, consent_data=True
            )
    lines.append(
        f"  tài khoản nghi trùng (để xử lý): {NEAR_DUPLICATE['full_name']} — quản trị → "
        "Tài khoản nghi trùng"
    )
    lines.append("  người dưới 16 tuổi có sự đồng ý của cha mẹ: 0912000888 / " + DEMO_PASSWORD)
    return lines
