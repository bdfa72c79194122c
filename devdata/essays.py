"""The essay pipeline in the demo: Hà Nội 2019 "Tìm hiểu Dịch vụ công trực tuyến" (seed 003),
a contest of multiple-choice and essay questions whose written entries were collected by each
district before 17:00 06/9/2019, pre-marked by the district's judges, the best 100 of each sent
to the city before 17:00 16/9/2019 and marked again by the city's judges.

Seeded through the real services: people registered with registration_create, entries written
and submitted with entry_save (at times inside the 2019 window), judges with judge_add, panels
assigned with panel_assign, marks with marks_save, the districts' best forwarded with
panel_forward. The city's final marking is left half done, so that a city judge has a queue
on /cham-thi/. The open demo contest also gets an essay task, so that the demo citizen can
write one now (/bai-du-thi/). Idempotent: a second run changes nothing."""

from __future__ import annotations

import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from fpdf import FPDF

from contests.models import Contest, PrizeStructure, PrizeTier, Unit
from devdata.services.demo import CITY_TIERS, DEMO_PASSWORD, DEMO_SLUG
from essays.models import Criterion, Entry, EssayTask, Judge, Panel
from essays.selectors.judging import judge_queue
from essays.services.entries import entry_save
from essays.services.judging import judge_add, marks_save, panel_assign, panel_forward
from essays.uploads import PreparedFile, check_pdf
from participants.identity import identity_key, name_key
from participants.models import Participant
from participants.services import registration_create

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
SLUG_2019 = "tim-hieu-dich-vu-cong-truc-tuyen-2019"
TITLE_2019 = "Tìm hiểu Dịch vụ công trực tuyến (Hà Nội, 2019)"
FONT = Path(settings.BASE_DIR) / "static" / "fonts" / "DejaVuSans-vi.ttf"


def _at(day: int, month: int, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime(2019, month, day, hour, minute, tzinfo=HANOI)


OPENS = _at(1, 8, 8)
UNIT_DEADLINE = _at(6, 9, 17)  # "trước 17h00 ngày 06/9/2019"
CITY_DEADLINE = _at(16, 9, 17)  # "trước 17h00 ngày 16/9/2019"

# The plan asks for essays on the city's online public services and on ways to improve them
# (seed 003, I.1 and II.3); the wording of the questions is the demo's own.
QUESTIONS = """<p><strong>Câu 1.</strong> Dịch vụ công trực tuyến của Thành phố
(https://dichvucong.hanoi.gov.vn) mang lại những lợi ích gì cho người dân, doanh nghiệp và cơ
quan nhà nước? Nêu ví dụ một thủ tục hành chính bạn đã hoặc có thể thực hiện trực tuyến.</p>
<p><strong>Câu 2.</strong> Theo bạn, cần những giải pháp gì để nâng cao tỷ lệ sử dụng và chất
lượng dịch vụ công trực tuyến của Thành phố?</p>
<p>Bài viết bằng tiếng Việt có dấu; có thể gõ trực tiếp, tải lên tệp PDF/DOCX, hoặc chụp bài viết
tay.</p>"""

RUBRIC = [
    ("Nội dung: đúng, đủ, có ví dụ", 60),
    ("Giải pháp, đề xuất sáng tạo, khả thi", 25),
    ("Hình thức trình bày", 15),
]

# Fictitious people: (name, gender, born, ward code, typed essay or None for a PDF upload)
PEOPLE = [
    ("Trần Thị Hoa", "female", 1984, "HN-TX-NC", True),
    ("Lê Minh Quang", "male", 1992, "HN-TX-TXT", True),
    ("Phạm Thu Trang", "female", 1999, "HN-TX-KT", False),
    ("Nguyễn Đức Thắng", "male", 1978, "HN-TX-NC", True),
    ("Vũ Ngọc Ánh", "female", 2001, "HN-CG-DV", True),
    ("Đỗ Văn Hải", "male", 1988, "HN-CG-QH", False),
    ("Hoàng Thị Mai", "female", 1995, "HN-CG-DV", True),
    ("Bùi Quốc Khánh", "male", 1983, "HN-CG-QH", True),
]

ESSAY_LINES = [
    "Dịch vụ công trực tuyến giúp người dân nộp hồ sơ mọi lúc, mọi nơi, không phải xếp hàng.",
    "Tôi đã đăng ký khai sinh cho con qua Cổng dịch vụ công của Thành phố và nhận kết quả đúng "
    "hẹn.",
    "Cơ quan nhà nước giảm giấy tờ, công khai tiến độ giải quyết, người dân dễ theo dõi.",
    "Giải pháp: hướng dẫn tại tổ dân phố, hỗ trợ người cao tuổi, đơn giản hóa biểu mẫu.",
    "Cần kết nối dữ liệu giữa các sở, ngành để người dân không phải khai lại thông tin.",
]

# Judges: (username, full name, home unit, panel). A judge never marks entries of their own
# ward or department (essays.rules.assignment), so each district panel has three judges from
# three places.
JUDGES = [
    ("gk.thanhxuan1", "Ngô Văn Bình", "HN-TX-NC", "HN-TX"),
    ("gk.thanhxuan2", "Đặng Thị Lan", "HN-TX-TXT", "HN-TX"),
    ("gk.thanhxuan3", "Trịnh Quốc Việt", "HN-TX-KT", "HN-TX"),
    ("gk.caugiay1", "Phan Thị Hương", "HN-CG-DV", "HN-CG"),
    ("gk.caugiay2", "Lý Văn Nam", "HN-CG-QH", "HN-CG"),
    ("gk.caugiay3", "Cao Thị Thủy", "HN-SYT", "HN-CG"),
    ("gk.thanhpho1", "Tạ Minh Đức", "HN-CATP", "HN"),
    ("gk.thanhpho2", "Mạc Thị Yến", "HN-SYT", "HN"),
    ("gk.thanhpho3", "Lưu Văn Toàn", "HN-SGDDT", "HN"),
]


def _essay_text(n: int) -> str:
    lines = [ESSAY_LINES[(n + i) % len(ESSAY_LINES)] for i in range(3 + n % 3)]
    return "\n\n".join(lines)


def _essay_pdf(name_hint: int) -> PreparedFile:
    """A small PDF as a person would export from a word processor (two short pages)."""
    pdf = FPDF(format="A4")
    pdf.add_font("DejaVu", "", str(FONT))
    for page in range(2):
        pdf.add_page()
        pdf.set_font("DejaVu", "", 13)
        pdf.multi_cell(0, 8, f"BÀI DỰ THI TỰ LUẬN — trang {page + 1}")
        pdf.ln(4)
        pdf.multi_cell(0, 7, _essay_text(name_hint + page).replace("\n\n", "\n"))
    data = bytes(pdf.output())
    return PreparedFile(content=data, file_type="pdf", pages=check_pdf(data))


def _person(n: int, name: str, gender: str, born: int, unit: Unit) -> Participant:
    number = f"001{(gender == 'female') + (2 if born >= 2000 else 0)}{born % 100:02d}16{n:04d}"
    phone = f"+8497016{n:04d}"
    user, _created = get_user_model().objects.get_or_create(username=phone)
    if _created:
        user.set_unusable_password()
        user.save()
    person, _created = Participant.objects.get_or_create(
        user=user,
        defaults={
            "full_name": name,
            "date_of_birth": datetime.date(born, 3, 1 + n),
            "gender": gender,
            "document_type": "cccd",
            "document_number": number,
            "identity_key": identity_key(document_type="cccd", number=number, country="VN"),
            "name_key": name_key(name),
            "phone": phone,
            "residence_unit": unit,
        },
    )
    return person


def _contest_2019(city: Unit) -> Contest:
    contest, _created = Contest.objects.get_or_create(
        slug=SLUG_2019,
        defaults={
            "title": TITLE_2019,
            "owner_unit": city,
            "participation_root": city,
            "opens_at": OPENS,
            "closes_at": CITY_DEADLINE,
            "min_age": 12,
            "summary": (
                "Cuộc thi theo Kế hoạch của UBND thành phố Hà Nội năm 2019: câu hỏi trắc nghiệm và "
                "tự luận; bài tự luận chấm sơ khảo ở quận, huyện, chấm chung khảo ở Thành phố "
                "(dữ liệu minh họa)."
            ),
        },
    )
    structure, _created = PrizeStructure.objects.update_or_create(
        contest=contest,
        unit=None,
        defaults={
            "title": "Giải bài tự luận cấp Thành phố (mức giải minh họa)",
            "basis": PrizeStructure.Basis.ESSAY,
            "collective_unit_kind": Unit.Kind.DISTRICT,
        },
    )
    for kind, rank, name, count, amount in CITY_TIERS:
        PrizeTier.objects.update_or_create(
            structure=structure,
            kind=kind,
            rank_order=rank,
            defaults={"name": name, "count": count, "amount": amount},
        )
    return contest


def _task(contest: Contest, **fields) -> EssayTask:
    task = EssayTask.objects.filter(contest=contest).first()
    if task is None:
        task = EssayTask.objects.create(contest=contest, **fields)
        for order, (name, max_marks) in enumerate(RUBRIC, start=1):
            Criterion.objects.create(task=task, order=order, name=name, max_marks=max_marks)
    return task


def _marks_for(task: EssayTask, n: int, judge_index: int) -> dict[int, tuple[str, str]]:
    """Deterministic marks: entries differ, two judges of one entry close to each other."""
    values = {}
    for i, criterion in enumerate(task.criteria.all()):
        share = 0.55 + ((n * 7 + i * 3) % 9) / 25 + judge_index * 0.02
        mark = min(criterion.max_marks, round(criterion.max_marks * share * 2) / 2)
        values[criterion.pk] = (str(mark).replace(".", ","), "Bài viết rõ ý." if i == 0 else "")
    return values


def _mark_all(panel: Panel, task: EssayTask, *, share: float = 1.0) -> None:
    codes = {e.code: n for n, e in enumerate(Entry.objects.filter(task=task).order_by("code"))}
    for index, judge in enumerate(panel.judges.order_by("pk")):
        queue = list(judge_queue(judge).filter(panel=panel, marked_at__isnull=True))
        for assignment in queue[: int(len(queue) * share + 0.5)]:
            marks_save(
                assignment=assignment,
                judge=judge,
                values=_marks_for(task, codes[assignment.entry.code], index),
            )


@transaction.atomic
def seed_essay_contest() -> list[str]:
    """The 2019 contest with its essays, judges and marks, and an open essay task in the demo
    contest. Needs seed_units_and_accounts() (and the demo contest for the open task)."""
    lines = []
    city = Unit.objects.get(code="HN")
    admin = get_user_model().objects.get(username="admin")
    contest = _contest_2019(city)
    task = _task(
        contest,
        title="Bài thi tự luận",
        questions=QUESTIONS,
        answer_mode=EssayTask.AnswerMode.EITHER,
        word_limit=3000,
        max_upload_mb=10,
        opens_at=OPENS,
        unit_deadline=UNIT_DEADLINE,
        city_deadline=CITY_DEADLINE,
        forward_top_n=100,
        third_mark_gap=10,
        mc_weight=0,
    )
    if not task.entries.exists():
        # Open for the registrations (the join service checks the window), then back to 2019.
        now = timezone.now()
        Contest.objects.filter(pk=contest.pk).update(
            status=Contest.Status.PUBLISHED,
            opens_at=now - datetime.timedelta(days=1),
            closes_at=now + datetime.timedelta(days=1),
        )
        contest.refresh_from_db()
        for n, (name, gender, born, ward, typed) in enumerate(PEOPLE, start=1):
            unit = Unit.objects.get(code=ward)
            registration = registration_create(
                participant=_person(n, name, gender, born, unit),
                contest=contest,
                unit=unit,
                consent_participation=True,
                consent_publish=True,
            )
            written = OPENS + datetime.timedelta(days=10 + n, hours=n)
            entry_save(
                task=task,
                registration=registration,
                text=_essay_text(n) if typed else "",
                upload=None if typed else _essay_pdf(n),
                submit=True,
                now=written,
            )
        Contest.objects.filter(pk=contest.pk).update(
            status=Contest.Status.CLOSED, opens_at=OPENS, closes_at=CITY_DEADLINE
        )

        judges: dict[str, list[Judge]] = {}
        for username, full_name, home, panel_unit in JUDGES:
            judge = Judge.objects.filter(user__username=username).first() or judge_add(
                username=username,
                full_name=full_name,
                password=DEMO_PASSWORD,
                home_unit=Unit.objects.get(code=home),
                by=admin,
            )
            judges.setdefault(panel_unit, []).append(judge)
        panels = {}
        for code, stage, name in [
            ("HN-TX", Entry.Stage.PRELIMINARY, "Ban Giám khảo sơ khảo quận Thanh Xuân"),
            ("HN-CG", Entry.Stage.PRELIMINARY, "Ban Giám khảo sơ khảo quận Cầu Giấy"),
            ("HN", Entry.Stage.FINAL, "Ban Giám khảo chung khảo Thành phố"),
        ]:
            panel, _created = Panel.objects.get_or_create(
                task=task, unit=Unit.objects.get(code=code), stage=stage, defaults={"name": name}
            )
            panel.judges.set(judges[code])
            panels[code] = panel
        for code in ("HN-TX", "HN-CG"):
            panel_assign(panel=panels[code], by=admin, seed=2019)
            _mark_all(panels[code], task)
            panel_forward(panel=panels[code], by=admin)
        panel_assign(panel=panels["HN"], by=admin, seed=2019)
        _mark_all(panels["HN"], task, share=0.5)

    entries = task.entries.count()
    forwarded = task.entries.filter(stage=Entry.Stage.FINAL).count()
    final = task.entries.filter(final_mark__isnull=False).count()
    lines.append(
        f"  Bài tự luận 2019: {entries} bài, {forwarded} bài gửi lên Thành phố, "
        f"{final} bài đã có điểm chung khảo — http://127.0.0.1:8000/quan-tri/essays/entry/"
    )
    lines.append(
        f"  Giám khảo: {', '.join(u for u, *_rest in JUDGES)} / {DEMO_PASSWORD} "
        "— http://127.0.0.1:8000/cham-thi/"
    )

    demo = Contest.objects.filter(slug=DEMO_SLUG).first()
    if demo is not None:
        open_task = _task(
            demo,
            title="Bài viết tự luận (minh họa)",
            questions=(
                "<p>Theo bạn, định danh điện tử và dịch vụ công trực tuyến giúp gì cho cuộc "
                "sống hằng ngày của người dân? (tối đa 1.500 từ)</p>"
            ),
            answer_mode=EssayTask.AnswerMode.EITHER,
            word_limit=1500,
            max_upload_mb=10,
            opens_at=demo.opens_at,
            unit_deadline=demo.closes_at,
            city_deadline=demo.closes_at + datetime.timedelta(days=10),
        )
        lines.append(
            f"  Viết bài tự luận: http://127.0.0.1:8000/bai-du-thi/{open_task.pk}/ "
            "(thí sinh minh họa)"
        )
    return lines
