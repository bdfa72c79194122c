"""The demo's contests with rounds (issue 15):

- A weekly contest shaped like Đồng Nai's: 8 weekly rounds, contiguous 7-day weeks from
  Monday 0 giờ to Sunday 24 giờ (`week_windows`: whatever day the demo is seeded, even a
  Sunday, a week is open for the demo citizen), three categories — cán bộ,
  công chức, viên chức / học sinh, sinh viên / người dân — with 10 prizes a week split 3/4/3,
  at most one weekly prize per person, and an overall prize on the sum of each week's best
  (CumulativeRule.ROUND_SUM). On its own small province tree (Đồng Nai, illustrative units):
  the departments block makes a person an official and the schools block a pupil without
  asking; people of the communes block choose at join (participants.rules.category). The
  weeks already over were taken by simulated people through the real services (registration,
  start, submit, grading), their prediction answers computed and their results published
  round by round (scoring.services.prizes.results_publish(round=…)); the current week is open
  for the demo citizen, who is registered as "Người dân" and sees the announcements' banner.
- The Hà Nội 2023 city contest (devdata.services.demo, with Thanh Xuân's own prizes inside
  it, seed 001) gets the city's announcement about those district prizes.

Idempotent: a weekly contest that exists is left as it is; an announcement already posted is
not posted again."""

from __future__ import annotations

import datetime
import random

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from contests.models import (
    Announcement,
    BlueprintItem,
    Category,
    Contest,
    Organiser,
    PrizeStructure,
    PrizeTier,
    Round,
    Topic,
    Unit,
)
from contests.rich_text import rich_text_clean
from contests.rules.rounds import rounds_now
from contests.rules.tie_breaks import CumulativeRule
from contests.services.announcements import announcement_archive, announcement_post
from contests.services.contests import blueprint_problems
from contests.services.units import roles_ensure, unit_add
from devdata.services.demo import DEMO_PASSWORD, DEMO_SLUG
from devdata.services.demo_citizen import DEMO_CITIZEN
from devdata.services.demo_questions import demo_questions_import
from participants.identity import identity_key, name_key
from participants.models import Participant, Registration
from participants.selectors import contest_category_options
from participants.services import registration_create
from reports.services.rollups import rollups_recompute
from scoring.services.attempts import attempt_start, attempt_submit
from scoring.services.grading import answer_key_load, attempts_grade
from scoring.services.prediction import prediction_actual_compute
from scoring.services.prizes import results_publish

WEEKLY_SLUG = "tim-hieu-phap-luat-hang-tuan"
WEEKLY_TITLE = "Tìm hiểu pháp luật hằng tuần năm 2026 (minh họa theo mô hình Đồng Nai)"
BASE_URL = "http://127.0.0.1:8000"
WEEKS = 8
# The week now under way is this one (rounds 1–4 are over when the demo is seeded).
CURRENT_WEEK = 5
ORGANISER = "dongnai"

K = Unit.Kind
# An illustrative province tree: (code, name, kind, headcount, children).
PROVINCE = ("DN", "Tỉnh Đồng Nai (minh họa)", K.PROVINCE, 4_400_000)
BLOCKS = [
    (
        "DN-SBN",
        "Khối Sở, ban, ngành",
        K.BLOCK,
        None,
        [
            ("DN-STP", "Sở Tư pháp", K.DEPARTMENT, 120, []),
            ("DN-SNV", "Sở Nội vụ", K.DEPARTMENT, 150, []),
            ("DN-SYT", "Sở Y tế", K.DEPARTMENT, 300, []),
        ],
    ),
    (
        "DN-TH",
        "Khối trường học",
        K.BLOCK,
        None,
        [
            ("DN-DHDN", "Trường Đại học Đồng Nai", K.SCHOOL, 6_000, []),
            ("DN-THPT1", "Trường THPT số 1 (minh họa)", K.SCHOOL, 1_500, []),
        ],
    ),
    (
        "DN-XP",
        "Khối xã, phường",
        K.BLOCK,
        None,
        [
            ("DN-P1", "Phường số 1 (minh họa)", K.WARD, 40_000, []),
            ("DN-P2", "Phường số 2 (minh họa)", K.WARD, 35_000, []),
            ("DN-X1", "Xã số 1 (minh họa)", K.WARD, 25_000, []),
        ],
    ),
]
# (name, the block whose people fall into it without choosing, weekly prizes)
CATEGORIES = [
    ("Cán bộ, công chức, viên chức", "DN-SBN", 3),
    ("Học sinh, sinh viên", "DN-TH", 4),
    ("Người dân", None, 3),
]
# The week's prizes of one category, top first: (name, amount) × count per category below.
WEEKLY_TIERS = {
    3: [("Giải Nhất", 1, 1_000_000), ("Giải Nhì", 1, 700_000), ("Giải Ba", 1, 500_000)],
    4: [("Giải Nhất", 1, 1_000_000), ("Giải Nhì", 1, 700_000), ("Giải Ba", 2, 500_000)],
}
OVERALL_TIERS = [
    ("Giải Nhất", 1, 5_000_000),
    ("Giải Nhì", 2, 3_000_000),
    ("Giải Ba", 3, 2_000_000),
    ("Giải Khuyến khích", 5, 1_000_000),
]

WEEKLY_RULES = """<h3>1. Thời gian và các tuần thi</h3>
<p>Cuộc thi diễn ra trong 8 tuần liên tiếp. Mỗi tuần thi bắt đầu từ 0 giờ thứ Hai và kết thúc
lúc 24 giờ Chủ nhật; kết quả tuần được công bố trong tuần kế tiếp.</p>
<h3>2. Bài thi</h3>
<p>Mỗi tuần, mỗi người được thi tối đa 2 lần, mỗi lần 10 câu hỏi trắc nghiệm trong 15 phút;
kết quả cao nhất của tuần được tính. Cuối bài thi, người dự thi trả lời câu hỏi dự đoán của
tuần.</p>
<h3>3. Đối tượng và giải tuần</h3>
<p>Mỗi tuần có 10 giải, chia theo ba đối tượng: cán bộ, công chức, viên chức (3 giải); học
sinh, sinh viên (4 giải); người dân (3 giải). Mỗi người đạt tối đa một giải trong một
tuần.</p>
<h3>4. Giải chung cuộc</h3>
<p>Giải chung cuộc xét theo tổng số câu trả lời đúng của bài thi tốt nhất ở mỗi tuần.</p>"""

FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Phan", "Vũ", "Đặng", "Bùi", "Đỗ", "Ngô"]
MIDDLE = {"male": ["Văn", "Hữu", "Đức", "Minh"], "female": ["Thị", "Ngọc", "Thu", "Thanh"]}
GIVEN = {
    "male": ["An", "Bình", "Dũng", "Hải", "Hùng", "Long", "Nam", "Quân", "Sơn", "Tuấn"],
    "female": ["Anh", "Chi", "Hà", "Hoa", "Lan", "Linh", "Mai", "Ngân", "Trang", "Yến"],
}
# How many simulated people of each block's units, and their ages (on the reference date).
PEOPLE = [("DN-SBN", 24, (25, 58)), ("DN-TH", 32, (16, 22)), ("DN-XP", 24, (18, 70))]
# Đồng Nai's CCCD province code (IDENTITY.md); the simulator never uses it below a million ids.
PROVINCE_CODE = "075"


def _midnight(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(
        datetime.datetime.combine(day, datetime.time()), timezone.get_current_timezone()
    )


def _add_tree(nodes, parent) -> None:
    for code, name, kind, headcount, children in nodes:
        unit = unit_add(code=code, name=name, kind=kind, parent=parent, headcount=headcount)
        _add_tree(children, unit)


def _organiser(province: Unit):
    user, _created = get_user_model().objects.get_or_create(username=ORGANISER)
    user.is_staff = True
    user.set_password(DEMO_PASSWORD)
    user.save()
    Organiser.objects.update_or_create(user=user, defaults={"unit": province})
    user.groups.add(roles_ensure()["organiser"])
    return user


def _weekly_contest(*, province: Unit, now: datetime.datetime) -> Contest:
    windows = week_windows(now)
    opens = windows[0][0]
    contest = Contest.objects.create(
        slug=WEEKLY_SLUG,
        title=WEEKLY_TITLE,
        summary=(
            "Cuộc thi minh họa mô hình thi theo tuần của Đồng Nai: 8 tuần, mỗi tuần 10 giải chia "
            "theo ba đối tượng, giải chung cuộc theo tổng điểm các tuần (dữ liệu mô phỏng)."
        ),
        rules=rich_text_clean(WEEKLY_RULES),
        owner_unit=province,
        participation_root=province,
        opens_at=opens,
        closes_at=windows[-1][1],
        status=Contest.Status.PUBLISHED,
        min_age=14,
        attempts_allowed=2,
        time_limit_minutes=15,
        shuffle_options=True,
        review_content=Contest.ReviewContent.SCORE,
        review_timing=Contest.ReviewTiming.AFTER_CONTEST,
        prediction_text="Theo bạn, có bao nhiêu người trả lời đúng tất cả các câu hỏi?",
        prediction_target=Contest.PredictionTarget.PERFECT_PARTICIPANTS,
        cumulative_rule=CumulativeRule.ROUND_SUM,
        board_hour=6,
    )
    Round.objects.bulk_create(
        [
            Round(
                contest=contest,
                number=week,
                title=f"Tuần {week}",
                opens_at=windows[week - 1][0],
                closes_at=windows[week - 1][1],
                prediction_text=(
                    f"Theo bạn, tuần {week} có bao nhiêu người trả lời đúng tất cả các câu hỏi?"
                ),
                prediction_target=Contest.PredictionTarget.PERFECT_PARTICIPANTS,
            )
            for week in range(1, WEEKS + 1)
        ]
    )
    demo_questions_import(contest=contest)
    for topic in Topic.objects.filter(contest=contest):
        BlueprintItem.objects.create(contest=contest, topic=topic, count=2)
    problems = blueprint_problems(contest=contest)
    if problems:
        raise RuntimeError("; ".join(problems))
    return contest


def _categories_and_prizes(contest: Contest) -> None:
    for order, (name, block_code, _count) in enumerate(CATEGORIES, start=1):
        category = Category.objects.create(contest=contest, name=name, order=order)
        if block_code:
            category.blocks.set([Unit.objects.get(code=block_code)])
    categories = list(Category.objects.filter(contest=contest).order_by("order"))
    tiers = []
    for round_ in Round.objects.filter(contest=contest).order_by("number"):
        for category, (_name, _block, count) in zip(categories, CATEGORIES, strict=True):
            structure = PrizeStructure.objects.create(
                contest=contest,
                round=round_,
                category=category,
                title=f"Giải {round_.title.lower()} — {category.name}",
                one_prize_per=PrizeStructure.OnePrizePer.ROUND,
            )
            tiers += [
                PrizeTier(
                    structure=structure,
                    kind=PrizeTier.Kind.INDIVIDUAL,
                    rank_order=rank,
                    name=name,
                    count=n,
                    amount=amount,
                )
                for rank, (name, n, amount) in enumerate(WEEKLY_TIERS[count], start=1)
            ]
    overall = PrizeStructure.objects.create(
        contest=contest,
        title="Giải chung cuộc (tổng điểm các tuần)",
        one_prize_per=PrizeStructure.OnePrizePer.CONTEST,
    )
    tiers += [
        PrizeTier(
            structure=overall,
            kind=PrizeTier.Kind.INDIVIDUAL,
            rank_order=rank,
            name=name,
            count=n,
            amount=amount,
        )
        for rank, (name, n, amount) in enumerate(OVERALL_TIERS, start=1)
    ]
    PrizeTier.objects.bulk_create(tiers)


def _people(contest: Contest, rng: random.Random) -> list[Registration]:
    """Simulated people of the province's units, registered through the real join service
    (their category derived from the block, or chosen for the communes block)."""
    user_model = get_user_model()
    reference = timezone.localdate(contest.opens_at)
    options = contest_category_options(contest=contest)
    citizens = next(o.id for o in options if o.name == "Người dân")
    pupils = next(o.id for o in options if o.name == "Học sinh, sinh viên")
    registrations = []
    serial = 0
    for block_code, count, (youngest, oldest) in PEOPLE:
        block = Unit.objects.get(code=block_code)
        units = list(Unit.objects.filter(path__startswith=block.path, depth=block.depth + 1))
        for _ in range(count):
            serial += 1
            gender = rng.choice(["male", "female"])
            age = rng.randint(youngest, oldest)
            born = reference.replace(year=reference.year - age - 1) + datetime.timedelta(
                days=rng.randint(1, 360)
            )
            century = 0 if born.year < 2000 else 2
            number = (
                f"{PROVINCE_CODE}{century + (gender == 'female')}{born.year % 100:02d}"
                f"{900000 + serial:06d}"
            )
            full_name = " ".join(
                [rng.choice(FAMILY), rng.choice(MIDDLE[gender]), rng.choice(GIVEN[gender])]
            )
            phone = f"+8498765{serial:04d}"
            user = user_model(username=phone)
            user.set_unusable_password()
            user.save()
            unit = rng.choice(units)
            person = Participant.objects.create(
                user=user,
                full_name=full_name,
                date_of_birth=born,
                gender=gender,
                document_type="cccd",
                document_number=number,
                identity_key=identity_key(document_type="cccd", number=number, country="VN"),
                name_key=name_key(full_name),
                phone=phone,
                residence_unit=unit,
            )
            # In the communes block people choose: most are "người dân", some are pupils.
            chosen = citizens if rng.random() < 0.8 else pupils
            registrations.append(
                registration_create(
                    participant=person,
                    contest=contest,
                    unit=unit,
                    consent_participation=True,
                    consent_publish=rng.random() < 0.9,
                    category_id=chosen,
                )
            )
    return registrations


def _week_taken(
    contest: Contest, round_: Round, registrations: list[Registration], rng: random.Random
) -> None:
    """Most people take the week's test once or twice, at times inside the week, each with a
    skill of their own and a prediction; then the week is graded as a worker would."""
    attempt_ids = []
    span = (round_.closes_at - round_.opens_at).total_seconds() - 3600
    for registration in registrations:
        if rng.random() < 0.25:
            continue  # skipped this week
        skill = 0.55 + 0.45 * ((registration.pk * 7919) % 100) / 100
        starts = sorted(rng.uniform(0, span) for _ in range(rng.choice([1, 1, 1, 2])))
        for offset in starts:
            started = round_.opens_at + datetime.timedelta(seconds=offset)
            attempt = attempt_start(registration=registration, now=started)
            keys = answer_key_load(question_ids=[item["q"] for item in attempt.items])
            answers = {}
            for item in attempt.items:
                right = rng.random() < skill
                answers[str(item["q"])] = next(
                    (o for o in item["o"] if (o in keys[item["q"]]) == right), item["o"][0]
                )
            attempt_submit(
                attempt=attempt,
                answers=answers,
                prediction=str(rng.randint(10, 60)),
                now=started + datetime.timedelta(seconds=rng.randint(150, 840)),
            )
            attempt_ids.append(attempt.pk)
    attempts_grade(attempt_ids=attempt_ids)


def _announcements(contest: Contest, user, now: datetime.datetime) -> None:
    """A correction (archived since), the last week's results, the week under way (or the
    next one, between rounds)."""
    rounds = list(Round.objects.filter(contest=contest).order_by("number"))
    state = rounds_now(rounds, now=now)
    posted = [
        (
            Announcement.Kind.CORRECTION,
            "Đính chính câu hỏi dự đoán tuần 2",
            "<p>Câu hỏi dự đoán tuần 2 hỏi số người trả lời đúng <strong>tất cả</strong> các câu "
            "hỏi trong tuần 2, không phải trong cả cuộc thi.</p>",
            rounds[1].opens_at + datetime.timedelta(hours=9),
            True,
        )
    ]
    if state.last_closed is not None:
        posted.append(
            (
                Announcement.Kind.OTHER,
                f"Công bố kết quả {state.last_closed.title.lower()}",
                "<p>Ban Tổ chức đã công bố danh sách người đạt giải "
                f"{state.last_closed.title.lower()}, theo ba đối tượng.</p>",
                min(state.last_closed.closes_at + datetime.timedelta(hours=8), now),
                False,
            )
        )
    coming = state.open or state.next
    if coming is not None:
        posted.append(
            (
                Announcement.Kind.ROUND_OPENING,
                f"Mở {coming.title.lower()}",
                f"<p>{coming.title} bắt đầu từ 0 giờ thứ Hai, kết thúc lúc 24 giờ Chủ nhật. Mỗi "
                "người được thi tối đa 2 lần trong tuần.</p>",
                min(coming.opens_at, now),
                False,
            )
        )
    for kind, title, body, at, archived in posted:
        announcement = announcement_post(
            contest=contest, user=user, kind=kind, title=title, body=body, published_at=at
        )
        if archived:
            announcement_archive(announcement=announcement, user=user)


def _demo_citizen_joins(contest: Contest) -> bool:
    participant = Participant.objects.filter(
        document_type=DEMO_CITIZEN["document_type"],
        document_number=DEMO_CITIZEN["document_number"],
    ).first()
    if participant is None or participant.registrations.filter(contest=contest).exists():
        return False
    citizens = Category.objects.get(contest=contest, name="Người dân")
    registration_create(
        participant=participant,
        contest=contest,
        unit=Unit.objects.get(code="DN-P1"),
        consent_participation=True,
        consent_publish=True,
        category_id=citizens.pk,
    )
    return True


def city_announcement_post() -> None:
    """The Hà Nội 2023 contest's announcement of Thanh Xuân's own prizes (seed 001), by the
    city's organiser; once."""
    contest = Contest.objects.filter(slug=DEMO_SLUG).first()
    if contest is None or Announcement.objects.filter(contest=contest).exists():
        return
    announcement_post(
        contest=contest,
        user=get_user_model().objects.filter(username="sotuphap").first(),
        kind=Announcement.Kind.PRIZE_CHANGE,
        title="Quận Thanh Xuân trao giải riêng cho người dự thi trên địa bàn quận",
        body=(
            "<p>Ngoài giải cấp Thành phố, Ủy ban nhân dân quận Thanh Xuân trao 2 giải Nhất, "
            "4 giải Nhì, 10 giải Ba, 15 giải Khuyến khích cho cá nhân và 1 giải Nhất, 2 giải "
            "Nhì, 3 giải Ba cho tập thể thuộc quận (xem mục Giải thưởng). Bài dự thi xuất sắc "
            "được Ban Tổ chức quận gửi dự xét giải cấp Thành phố.</p>"
        ),
    )


def week_windows(now: datetime.datetime) -> list[tuple[datetime.datetime, datetime.datetime]]:
    """The demo's weeks (opens, closes), relative to the seeding time: contiguous 7-day
    windows, each from Monday 0 giờ to Sunday 24 giờ (the next Monday 0 giờ), the week
    containing `now` being week CURRENT_WEEK. So a week is always open when the demo is
    seeded (a Monday-to-Saturday week left Sundays with none open), the weeks before it are
    over and can be published, the ones after it to come."""
    today = timezone.localdate(now)
    this_monday = today - datetime.timedelta(days=today.weekday())
    first = this_monday - datetime.timedelta(weeks=CURRENT_WEEK - 1)
    return [
        (
            _midnight(first + datetime.timedelta(weeks=week)),
            _midnight(first + datetime.timedelta(weeks=week + 1)),
        )
        for week in range(WEEKS)
    ]


@transaction.atomic
def seed_weekly_contest(*, now: datetime.datetime | None = None, seed: int = 15) -> list[str]:
    """Seed the weekly contest (nothing when it exists) and the city contest's announcement.
    Returns lines to print."""
    now = now or timezone.now()
    city_announcement_post()
    contest = Contest.objects.filter(slug=WEEKLY_SLUG).first()
    created = contest is None
    if created:
        rng = random.Random(seed)  # noqa: S311  demo data, not a secret
        code, name, kind, headcount = PROVINCE
        province = unit_add(code=code, name=name, kind=kind, headcount=headcount)
        _add_tree(BLOCKS, province)
        organiser = _organiser(province)
        contest = _weekly_contest(province=province, now=now)
        _categories_and_prizes(contest)
        registrations = _people(contest, rng)
        for round_ in Round.objects.filter(contest=contest, opens_at__lt=now).order_by("number"):
            if round_.closes_at > now:
                break  # the week under way is the demo citizen's to take
            _week_taken(contest, round_, registrations, rng)
            prediction_actual_compute(contest=contest, round=round_)
            results_publish(contest=contest, user=organiser, round=round_, now=now)
        # Registered at the start of the contest (the earlier-registration key reads this).
        Registration.objects.filter(contest=contest).update(
            created_at=contest.opens_at + datetime.timedelta(hours=7)
        )
        _announcements(contest, organiser, now)
    _demo_citizen_joins(contest)
    if created:
        # The organiser's dashboard reads the roll-ups (beat refreshes them every few minutes;
        # the demo runs without beat): without this it says "not yet rolled up", all zeros.
        rollups_recompute(contest=contest)
    return [
        f"  Cuộc thi theo tuần (8 tuần, 3 đối tượng): {BASE_URL}/cuoc-thi/{WEEKLY_SLUG}/"
        f"  — cán bộ tổ chức: {ORGANISER} / {DEMO_PASSWORD}"
    ]
