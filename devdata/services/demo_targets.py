"""Targets and a roster for `make demo` (seed 002: give every unit a target, follow up who
has not taken part): on the contest under way (the one with live figures; the demo contest
when it is not there), every district and department gets 60 % of its headcount and every
ward of Thanh Xuân 70 %; Thanh Xuân's roster of a few hundred staff is imported through the
real Excel import: some of them registered (found by CCCD, some only by phone), some of
those without a graded attempt yet, the others not registered at all. Idempotent: a contest
that already has a roster is left alone."""

from __future__ import annotations

import io
import random

from openpyxl import Workbook

from contests.models import Contest, Unit, UnitTarget
from contests.services.targets import unit_targets_set_for_children
from devdata.services.demo import DEMO_SLUG
from devdata.services.demo_results import BASE_URL
from participants.identity import phone_national
from participants.models import Registration, RosterEntry
from participants.roster.importing import COLUMNS, roster_import_xlsx

# The contest under way that devdata.services.demo_live seeds, when it is there.
LIVE_SLUG = "tim-hieu-luat-cu-tru"
DISTRICT = "HN-TX"
STAFF = 300
POSITIONS = ["Chuyên viên", "Cán bộ", "Phó Chủ tịch UBND", "Công chức Tư pháp - Hộ tịch", ""]
SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Ngô"]
MIDDLE = ["Văn", "Thị", "Minh", "Thu", "Đức", "Thanh", "Quang", "Ngọc"]
GIVEN = ["An", "Bình", "Chi", "Dũng", "Hà", "Hải", "Hương", "Lan", "Long", "Mai", "Nam", "Tâm"]


def _contest() -> Contest | None:
    for slug in (LIVE_SLUG, DEMO_SLUG):
        contest = Contest.objects.filter(slug=slug).select_related("participation_root").first()
        if contest is not None:
            return contest
    return None


def _roster_file(rows: list[list[str]]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append([str(c) for c in COLUMNS])
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def seed_targets_and_roster(*, staff: int = STAFF, seed: int = 2) -> list[str]:
    contest = _contest()
    district = Unit.objects.filter(code=DISTRICT).first()
    if contest is None or district is None:
        return ["  Chỉ tiêu và danh sách: chưa có cuộc thi minh họa"]
    root = contest.participation_root
    if not district.path.startswith(root.path):
        return ["  Chỉ tiêu và danh sách: quận Thanh Xuân không tham gia cuộc thi minh họa"]
    if RosterEntry.objects.filter(contest=contest).exists():
        return [f"  Chỉ tiêu và danh sách: đã có ({BASE_URL}/bao-cao/{contest.slug}/)"]

    for block in Unit.objects.filter(path__startswith=root.path, depth=root.depth + 1):
        unit_targets_set_for_children(contest=contest, parent=block, percent=60, replace=False)
    unit_targets_set_for_children(contest=contest, parent=district, percent=70, replace=True)

    rng = random.Random(seed)  # noqa: S311
    wards = list(Unit.objects.filter(path__startswith=district.path, depth=district.depth + 1))
    registered = list(
        Registration.objects.filter(contest=contest, unit__path__startswith=district.path)
        .select_related("participant")
        .order_by("pk")[: staff * 3 // 5]
    )
    rows = []
    for i, registration in enumerate(registered):
        person = registration.participant
        unit = registration.unit if registration.unit.depth > district.depth else rng.choice(wards)
        # One in five listed by phone only (the list had no CCCD for them).
        document = "" if i % 5 == 4 else registration.document_number
        rows.append(
            [
                person.full_name,
                rng.choice(POSITIONS),
                document,
                phone_national(person.phone),
                unit.code,
            ]
        )
    number = 0
    while len(rows) < staff:
        number += 1
        rows.append(
            [
                f"{rng.choice(SURNAMES)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}",
                rng.choice(POSITIONS),
                f"001{rng.choice('01')}{rng.randint(60, 99)}{900000 + number:06d}",
                "",
                rng.choice(wards).code,
            ]
        )
    report = roster_import_xlsx(contest=contest, data=_roster_file(rows))
    if not report.ok:
        return ["  Chỉ tiêu và danh sách: không nhập được — " + "; ".join(report.errors[:3])]
    targets = UnitTarget.objects.filter(contest=contest).count()
    return [
        f"  Chỉ tiêu: {targets} đơn vị; danh sách Thanh Xuân: {report.summary()}",
        f"  Ai chưa tham gia (Thanh Xuân): {BASE_URL}/bao-cao/{contest.slug}/chua-tham-gia/"
        f"?unit={DISTRICT}",
    ]
