"""The demo: a city shaped like the seeds' Hà Nội (two blocks, departments, two districts with
their wards) and the accounts to look at it. Idempotent."""

import datetime

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from contests.models import (
    BlueprintItem,
    Contest,
    ExcludedPerson,
    Milestone,
    Organiser,
    PrizeStructure,
    PrizeTier,
    Topic,
    Unit,
)
from contests.rich_text import rich_text_clean
from contests.services.contests import blueprint_problems, contest_publish
from contests.services.units import roles_ensure, unit_add
from devdata.services.demo_questions import demo_questions_import

DEMO_PASSWORD = "demo-2023-hanoi"  # noqa: S105  (printed on purpose: it is the demo's login)

K = Unit.Kind
CITY = ("HN", "Thành phố Hà Nội", K.PROVINCE, 8_500_000)
BLOCKS = [
    (
        "HN-SBN",
        "Khối Sở, ban, ngành",
        K.BLOCK,
        None,
        [
            ("HN-SGDDT", "Sở Giáo dục và Đào tạo", K.DEPARTMENT, 9_500, []),
            ("HN-CATP", "Công an Thành phố", K.DEPARTMENT, 4_500, []),
            ("HN-SYT", "Sở Y tế", K.DEPARTMENT, 4_200, []),
        ],
    ),
    (
        "HN-QH",
        "Khối quận, huyện, thị xã",
        K.BLOCK,
        None,
        [
            (
                "HN-TX",
                "Quận Thanh Xuân",
                K.DISTRICT,
                290_000,
                [
                    ("HN-TX-NC", "Phường Nhân Chính", K.WARD, 40_000, []),
                    ("HN-TX-TXT", "Phường Thanh Xuân Trung", K.WARD, 38_000, []),
                    ("HN-TX-KT", "Phường Khương Trung", K.WARD, 35_000, []),
                ],
            ),
            (
                "HN-CG",
                "Quận Cầu Giấy",
                K.DISTRICT,
                295_000,
                [
                    ("HN-CG-DV", "Phường Dịch Vọng", K.WARD, 30_000, []),
                    ("HN-CG-QH", "Phường Quan Hoa", K.WARD, 33_000, []),
                ],
            ),
        ],
    ),
]

ACCOUNTS = [
    # username, unit code, superuser
    ("admin", None, True),
    ("sotuphap", "HN", False),
    ("thanhxuan", "HN-TX", False),
    ("caugiay", "HN-CG", False),
]


def _add_tree(nodes, parent):
    for code, name, kind, headcount, children in nodes:
        unit = unit_add(code=code, name=name, kind=kind, parent=parent, headcount=headcount)
        _add_tree(children, unit)


@transaction.atomic
def seed_units_and_accounts() -> list[tuple[str, str, str]]:
    """Returns (username, password, what it is) for each demo login."""
    roles = roles_ensure()
    code, name, kind, headcount = CITY
    city = unit_add(code=code, name=name, kind=kind, headcount=headcount)
    _add_tree(BLOCKS, city)

    user_model = get_user_model()
    logins = []
    for username, unit_code, superuser in ACCOUNTS:
        user, _created = user_model.objects.get_or_create(username=username)
        user.is_staff = True
        user.is_superuser = superuser
        user.set_password(DEMO_PASSWORD)
        user.save()
        if unit_code:
            unit = Unit.objects.get(code=unit_code)
            Organiser.objects.update_or_create(user=user, defaults={"unit": unit})
            user.groups.add(roles["organiser"])
            logins.append((username, DEMO_PASSWORD, f"cán bộ tổ chức — {unit.name}"))
        else:
            logins.append((username, DEMO_PASSWORD, "quản trị hệ thống"))
    return logins


# --- The demo contest -------------------------------------------------------------------------
# Modelled on the Hà Nội 2023 contest "Tìm hiểu pháp luật về định danh điện tử và dịch vụ công
# trực tuyến" (seeds 000 and 001). Every question's answer is a fact stated in the seed
# documents (shared/seeds/000–004): who may enter, age limits, prizes, dates, the decree the
# contest is about, reported figures. No legal content is made up.

DEMO_SLUG = "tim-hieu-dinh-danh-dien-tu"
DEMO_TITLE = "Tìm hiểu pháp luật về định danh điện tử và dịch vụ công trực tuyến"

# The questions are data in the question bank's own import format
# (devdata/data/demo_questions.tsv, read by `demo_questions`): the seed goes through the
# importer an organiser uses.

DEMO_PURPOSE = """<ul>
<li>Tiếp tục đẩy mạnh công tác tuyên truyền, phổ biến, giáo dục nâng cao nhận thức cho cán bộ,
công chức, viên chức và người dân về ý nghĩa của việc triển khai thực hiện Đề án 06.</li>
<li>Phổ biến rộng rãi các quy định của pháp luật về định danh điện tử, dịch vụ công trực tuyến,
từ đó tạo đồng thuận để người dân tích cực tham gia, sử dụng ứng dụng VNeID, dịch vụ công trực
tuyến trong các giao dịch hàng ngày.</li>
<li>Nâng cao nhận thức, ý thức tuân thủ, chấp hành pháp luật về định danh điện tử, dịch vụ công
trực tuyến của cán bộ, công chức, viên chức và người dân.</li>
<li>Đẩy mạnh ứng dụng công nghệ thông tin trong công tác phổ biến, giáo dục pháp luật và hưởng
ứng Ngày pháp luật nước CHXHCN Việt Nam 9/11.</li>
</ul>"""

DEMO_REQUIREMENTS = (
    "<p>Cuộc thi được tổ chức với tinh thần nghiêm túc, thiết thực, tiết kiệm, hiệu quả, huy động "
    "được sự tham gia của đông đảo cán bộ, công chức, viên chức, lực lượng vũ trang, người lao "
    "động, học sinh, sinh viên và Nhân dân.</p>"
)

DEMO_RULES = """<h3>1. Cách thức dự thi</h3>
<p>Thi trực tuyến trên website cuộc thi, bằng máy vi tính hoặc điện thoại có kết nối Internet.
Người dự thi đăng ký một lần, cung cấp đầy đủ, chính xác thông tin theo hướng dẫn.</p>
<h3>2. Bài thi</h3>
<p>Mỗi bài thi gồm 20 câu hỏi trắc nghiệm rút ngẫu nhiên từ ngân hàng câu hỏi (4 câu ở mỗi chủ
đề), mỗi câu có một phương án đúng; thời gian làm bài 20 phút, tính theo đồng hồ máy chủ. Mỗi người
được thi tối đa 3 lần; kết quả cao nhất được tính.</p>
<h3>3. Câu hỏi dự đoán</h3>
<p>Cuối bài thi, người dự thi trả lời câu hỏi dự đoán: có bao nhiêu người trả lời đúng tất cả các
câu hỏi.</p>
<h3>4. Xếp hạng</h3>
<p>Xếp theo số câu trả lời đúng; bằng nhau thì xét dự đoán gần đúng nhất, rồi thời gian làm bài
ngắn hơn, rồi thời điểm nộp bài sớm hơn. Mỗi người chỉ nhận một giải.</p>"""

DEMO_ELIGIBILITY = (
    "<p>Công dân Việt Nam và người nước ngoài nhập cảnh vào Việt Nam từ đủ 14 tuổi trở lên, "
    "hiện đang sinh sống và làm việc trên địa bàn thành phố Hà Nội (trừ thành viên Ban Tổ chức, "
    "Ban Giám khảo, Tổ giúp việc và những bộ phận cán bộ trực tiếp tham gia vào quá trình tổ "
    "chức Cuộc thi).</p>"
)

# Fictitious document numbers (well formed: Hà Nội, born 1985/1990) of the demo's organisers
# and judges, who may not enter.
DEMO_EXCLUDED = [
    ("001085000101", "Thành viên Ban Tổ chức"),
    ("001190000102", "Thành viên Ban Giám khảo"),
    ("001085000103", "Tổ giúp việc"),
]

# (kind, rank, name, count, amount)
THANH_XUAN_TIERS = [
    ("individual", 1, "Giải Nhất", 2, 3_000_000),
    ("individual", 2, "Giải Nhì", 4, 1_500_000),
    ("individual", 3, "Giải Ba", 10, 1_000_000),
    ("individual", 4, "Giải Khuyến khích", 15, 500_000),
    ("collective", 1, "Giải Nhất", 1, 5_000_000),
    ("collective", 2, "Giải Nhì", 2, 3_500_000),
    ("collective", 3, "Giải Ba", 3, 2_500_000),
]
# The city's counts follow Hà Nội 2019 (3/7/20/35 and 3/7/10); that plan left the amounts to
# the city, so the demo's amounts are illustrative and the title says so.
CITY_TIERS = [
    ("individual", 1, "Giải Nhất", 3, 5_000_000),
    ("individual", 2, "Giải Nhì", 7, 3_000_000),
    ("individual", 3, "Giải Ba", 20, 2_000_000),
    ("individual", 4, "Giải Khuyến khích", 35, 1_000_000),
    ("collective", 1, "Giải Nhất", 3, 10_000_000),
    ("collective", 2, "Giải Nhì", 7, 7_000_000),
    ("collective", 3, "Giải Ba", 10, 5_000_000),
]


def _demo_window(now):
    """Opens at 0 giờ today (local), closes at 24 giờ of the day 30 days later."""
    today = timezone.localdate(now)
    tz = timezone.get_current_timezone()
    opens = timezone.make_aware(datetime.datetime.combine(today, datetime.time()), tz)
    closes = timezone.make_aware(
        datetime.datetime.combine(today + datetime.timedelta(days=31), datetime.time()), tz
    )
    return opens, closes


def _prize_structure(contest, *, unit, title, kind, tiers):
    structure, _created = PrizeStructure.objects.update_or_create(
        contest=contest, unit=unit, defaults={"title": title, "collective_unit_kind": kind}
    )
    for tier_kind, rank, name, count, amount in tiers:
        PrizeTier.objects.update_or_create(
            structure=structure,
            kind=tier_kind,
            rank_order=rank,
            defaults={"name": name, "count": count, "amount": amount},
        )
    return structure


@transaction.atomic
def seed_demo_contest(*, now=None):
    """The open demo contest (its questions: `demo_questions`). Idempotent: a second run
    changes nothing, except that a window that has (nearly) ended is moved to start today
    again. Needs seed_units_and_accounts() first."""
    now = now or timezone.now()
    city = Unit.objects.get(code="HN")
    thanh_xuan = Unit.objects.get(code="HN-TX")
    opens_at, closes_at = _demo_window(now)
    contest = Contest.objects.filter(slug=DEMO_SLUG).first()
    if contest is None:
        contest = Contest.objects.create(
            slug=DEMO_SLUG,
            title=DEMO_TITLE,
            owner_unit=city,
            participation_root=city,
            opens_at=opens_at,
            closes_at=closes_at,
        )
    elif contest.closes_at <= now + datetime.timedelta(days=1):
        Contest.objects.filter(pk=contest.pk).update(opens_at=opens_at, closes_at=closes_at)
    Contest.objects.filter(pk=contest.pk).update(
        title=DEMO_TITLE,
        summary=(
            "Cuộc thi mô phỏng theo Cuộc thi trực tuyến “Tìm hiểu pháp luật về định danh điện tử "
            "và dịch vụ công trực tuyến” của thành phố Hà Nội năm 2023 (dữ liệu minh họa)."
        ),
        purpose=rich_text_clean(DEMO_PURPOSE),
        requirements=rich_text_clean(DEMO_REQUIREMENTS),
        rules=rich_text_clean(DEMO_RULES),
        eligibility_note=rich_text_clean(DEMO_ELIGIBILITY),
        min_age=14,
        allow_citizens=True,
        allow_foreigners=True,
        attempts_allowed=3,
        time_limit_minutes=20,
        shuffle_options=True,
        review_content=Contest.ReviewContent.SCORE,
        review_timing=Contest.ReviewTiming.AFTER_CONTEST,
        prediction_text="Theo bạn, có bao nhiêu người trả lời đúng tất cả các câu hỏi?",
        prediction_target=Contest.PredictionTarget.PERFECT_PARTICIPANTS,
        collective_rule=Contest.CollectiveRule.PARTICIPANTS,
        # The daily official board, frozen at 6:00 for the day before (on view: no beat here).
        board_hour=6,
    )
    contest.refresh_from_db()

    Milestone.objects.filter(contest=contest).delete()
    Milestone.objects.bulk_create(
        [
            Milestone(
                contest=contest,
                date=timezone.localdate(contest.opens_at),
                text="Phát động Cuộc thi; bắt đầu thi trực tuyến",
            ),
            Milestone(
                contest=contest,
                date=timezone.localdate(contest.closes_at) - datetime.timedelta(days=1),
                text="Kết thúc thi trực tuyến (24 giờ)",
            ),
            Milestone(
                contest=contest,
                date=timezone.localdate(contest.closes_at) + datetime.timedelta(days=30),
                text="Tổng kết và trao giải",
            ),
        ]
    )
    for number, reason in DEMO_EXCLUDED:
        ExcludedPerson.objects.update_or_create(
            contest=contest, document_number=number, defaults={"reason": reason}
        )

    demo_questions_import(contest=contest)
    for topic in Topic.objects.filter(contest=contest):
        BlueprintItem.objects.update_or_create(
            contest=contest, round=None, topic=topic, difficulty=None, defaults={"count": 4}
        )

    _prize_structure(
        contest,
        unit=None,
        title="Giải cấp Thành phố (mức giải minh họa)",
        kind=Unit.Kind.DISTRICT,
        tiers=CITY_TIERS,
    )
    _prize_structure(
        contest,
        unit=thanh_xuan,
        title="Giải cấp quận Thanh Xuân",
        kind=Unit.Kind.WARD,
        tiers=THANH_XUAN_TIERS,
    )
    if contest.status == Contest.Status.DRAFT:
        problems = blueprint_problems(contest=contest)
        if problems:
            raise RuntimeError("; ".join(problems))
        contest_publish(contest=contest, user=None, now=now)
    return contest
