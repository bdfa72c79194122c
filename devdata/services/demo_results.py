"""Two finished demo contests, so that `make demo` shows what happens after the exam:

- "Hòa giải ở cơ sở": closed three days ago, results published *provisionally* for 7 days.
  The demo citizen took its test (through the real services, while it was open) and can look
  up their rank, see why, and file an appeal; organisers see the appeals queue.
- "Phổ biến, giáo dục pháp luật": closed two weeks ago, results published as final, and the
  certificates made (PDF with a QR code to the public verification page).

Both are filled by the simulator (`contest_simulate`: the real grading and best-attempt rules)
on the demo tree, have a daily official board (frozen on view for their past days) and roll-ups
for the dashboard. Idempotent: a contest that exists is left as it is."""

from __future__ import annotations

import datetime

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from contests.models import BlueprintItem, Contest, Topic, Unit
from contests.services.contests import contest_close
from devdata.services.demo import CITY_TIERS, THANH_XUAN_TIERS, _prize_structure
from devdata.services.demo_citizen import DEMO_CITIZEN, DEMO_UNIT_CODE
from devdata.services.demo_questions import demo_questions_import
from devdata.services.simulation import contest_simulate
from participants.models import Participant
from participants.services import registration_create
from reports.services.rollups import rollups_recompute
from scoring.models import ResultsSnapshot
from scoring.services.attempts import attempt_start, attempt_submit
from scoring.services.certificates import certificate_job_run, certificate_job_start
from scoring.services.grading import answer_key_load, attempts_grade
from scoring.services.prediction import prediction_actual_compute
from scoring.services.prizes import results_publish

PROVISIONAL_SLUG = "tim-hieu-luat-hoa-giai-o-co-so"
FINAL_SLUG = "pho-bien-giao-duc-phap-luat"
BASE_URL = "http://127.0.0.1:8000"


def _midnight(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(
        datetime.datetime.combine(day, datetime.time()), timezone.get_current_timezone()
    )


def _contest(
    *, slug: str, title: str, opens_days_ago: int, closes_at: datetime.datetime | None = None
) -> Contest:
    """A published contest on the demo tree, open now (so that the demo citizen can take it
    through the real services); `_close` moves its window into the past afterwards. Its
    close: `closes_at`, else in an hour (demo_live keeps one open for days)."""
    today = timezone.localdate()
    city = Unit.objects.get(code="HN")
    contest = Contest.objects.create(
        slug=slug,
        title=title,
        summary="Cuộc thi minh họa đã kết thúc (dữ liệu mô phỏng).",
        owner_unit=city,
        participation_root=city,
        opens_at=_midnight(today - datetime.timedelta(days=opens_days_ago)),
        closes_at=closes_at or timezone.now() + datetime.timedelta(hours=1),
        status=Contest.Status.PUBLISHED,
        min_age=14,
        attempts_allowed=3,
        time_limit_minutes=20,
        shuffle_options=False,
        review_content=Contest.ReviewContent.EXPLANATIONS,
        review_timing=Contest.ReviewTiming.AFTER_CONTEST,
        prediction_text="Theo bạn, có bao nhiêu người trả lời đúng tất cả các câu hỏi?",
        prediction_target=Contest.PredictionTarget.PERFECT_PARTICIPANTS,
        collective_rule=Contest.CollectiveRule.PARTICIPANTS,
        board_hour=6,
    )
    demo_questions_import(contest=contest)
    for topic in Topic.objects.filter(contest=contest):
        BlueprintItem.objects.create(contest=contest, topic=topic, count=4)
    _prize_structure(
        contest,
        unit=None,
        title="Giải cấp Thành phố (mức giải minh họa)",
        kind=Unit.Kind.DISTRICT,
        tiers=CITY_TIERS,
    )
    _prize_structure(
        contest,
        unit=Unit.objects.get(code="HN-TX"),
        title="Giải cấp quận Thanh Xuân",
        kind=Unit.Kind.WARD,
        tiers=THANH_XUAN_TIERS,
    )
    return contest


def _demo_citizen_takes(contest: Contest) -> None:
    """The demo citizen enters and takes the test (all but one answer right) two days after
    it opened, as a person would: registration, start, submit, grading."""
    participant = Participant.objects.get(
        document_type=DEMO_CITIZEN["document_type"],
        document_number=DEMO_CITIZEN["document_number"],
    )
    registration = registration_create(
        participant=participant,
        contest=contest,
        unit=Unit.objects.get(code=DEMO_UNIT_CODE),
        consent_participation=True,
        consent_publish=True,
    )
    started = contest.opens_at + datetime.timedelta(days=2, hours=20)
    attempt = attempt_start(registration=registration, now=started)
    keys = answer_key_load(question_ids=[item["q"] for item in attempt.items])
    answers = {}
    for n, item in enumerate(attempt.items):
        right = keys[item["q"]]
        # The first question wrong, every other one right.
        answers[str(item["q"])] = next(o for o in item["o"] if (o in right) == (n > 0))
    attempt_submit(
        attempt=attempt,
        answers=answers,
        prediction="1200",
        now=started + datetime.timedelta(minutes=11, seconds=42),
    )
    attempts_grade(attempt_ids=[attempt.pk])


def _close(contest: Contest, *, days_ago: int, people: int, seed: int) -> None:
    """Move the close `days_ago` days into the past, fill the contest with simulated people,
    close it, compute the prediction's true value and the roll-ups."""
    closes = _midnight(timezone.localdate() - datetime.timedelta(days=days_ago))
    Contest.objects.filter(pk=contest.pk).update(closes_at=closes)
    contest.refresh_from_db()
    contest_simulate(
        slug=contest.slug,
        participants=people,
        registrants=people + people // 10,
        attempts=people * 2,
        seed=seed,
        # The simulator's test has as many questions as the blueprint draws.
        questions=sum(
            BlueprintItem.objects.filter(contest=contest).values_list("count", flat=True)
        ),
    )
    contest_close(contest=contest, user=None)
    prediction_actual_compute(contest=contest)
    rollups_recompute(contest=contest)


@transaction.atomic
def seed_finished_contests() -> list[str]:
    admin = get_user_model().objects.get(username="admin")
    lines = []
    if not Contest.objects.filter(slug=PROVISIONAL_SLUG).exists():
        contest = _contest(
            slug=PROVISIONAL_SLUG,
            title="Tìm hiểu Luật Hòa giải ở cơ sở (minh họa: kết quả tạm thời)",
            opens_days_ago=24,
        )
        _demo_citizen_takes(contest)
        _close(contest, days_ago=3, people=2_400, seed=11)
        results_publish(contest=contest, user=admin, provisional_days=7)
    if not Contest.objects.filter(slug=FINAL_SLUG).exists():
        contest = _contest(
            slug=FINAL_SLUG,
            title="Tìm hiểu pháp luật về phổ biến, giáo dục pháp luật (minh họa: đã trao giải)",
            opens_days_ago=45,
        )
        _close(contest, days_ago=14, people=1_800, seed=12)
        results_publish(contest=contest, user=admin)
        job = certificate_job_start(contest=contest, user=admin, base_url=BASE_URL)
        certificate_job_run(job_id=job.pk)
    for slug in (PROVISIONAL_SLUG, FINAL_SLUG):
        contest = Contest.objects.get(slug=slug)
        version = ResultsSnapshot.objects.filter(contest=contest).order_by("-version").first()
        state = "tạm thời" if version and version.provisional_until else "chính thức"
        lines.append(f"  Cuộc thi đã kết thúc ({state}): {BASE_URL}/cuoc-thi/{slug}/")
    lines.append(f"  Tra cứu kết quả: {BASE_URL}/bai-thi/tra-cuu/{PROVISIONAL_SLUG}/")
    return lines
