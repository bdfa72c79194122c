"""Detection over a contest with one planted case of each flag and a near miss beside it: the
SQL path (PostgreSQL) and the portable ORM path find exactly the same flags, a rerun adds none,
and the evidence reads as Vietnamese sentences."""

import datetime
import itertools

import pytest
from django.utils import timezone

from integrity.evidence import evidence_text
from integrity.models import AnomalyFlag
from integrity.services.detection import contest_scan
from scoring.models import Attempt
from tests.factories import ParticipantFactory, RegistrationFactory, contest_with_bank

pytestmark = pytest.mark.django_db

NOON = timezone.make_aware(datetime.datetime(2023, 9, 5, 12, 0))
SEC = datetime.timedelta(seconds=1)
MIN = datetime.timedelta(minutes=1)
SAME_DEVICE = "aaaaaaaa11111111"
SAME_ADDRESS_OTHER_DEVICE = "aaaaaaaa22222222"
OTHER_ADDRESS = "bbbbbbbb11111111"
_spread = itertools.count(1)


def person(tree, contest, *, phone=None, key="", created_at=NOON):
    """A registration whose phone is far from every other one's (the factory's are
    consecutive, which would be a phone run of its own)."""
    phone = phone or f"+8497{next(_spread) * 1000:07d}"
    registration = RegistrationFactory(
        contest=contest, unit=tree["A-1"], participant=ParticipantFactory(phone=phone)
    )
    type(registration).objects.filter(pk=registration.pk).update(
        client_key=key, created_at=created_at
    )
    registration.refresh_from_db()
    return registration


def attempt(
    registration,
    *,
    number=1,
    key="",
    duration_s=None,
    all_correct=False,
    answers=None,
    submitted_at=None,
):
    contest = registration.contest
    questions = list(contest.questions.order_by("pk").values_list("pk", flat=True)[:10])
    items = [{"q": q, "o": []} for q in questions]
    started = (submitted_at or NOON) - datetime.timedelta(seconds=duration_s or 60)
    return Attempt.objects.create(
        registration=registration,
        contest=contest,
        number=number,
        status=Attempt.Status.GRADED,
        items=items,
        answers=answers if answers is not None else {str(q): q * 10 for q in questions},
        client_key=key,
        started_at=started,
        deadline=started + datetime.timedelta(minutes=20),
        finished_at=submitted_at or NOON,
        submitted_at=submitted_at or NOON,
        question_count=len(items),
        correct_count=len(items) if all_correct else 5,
        duration_ms=None if duration_s is None else int(duration_s * 1000),
        all_correct=all_correct,
    )


@pytest.fixture
def planted(tree):
    contest = contest_with_bank(owner=tree["C"], root=tree["C"])
    expected = set()
    # Faster than reading: 10 questions of ~60 characters need 30 s (3 s a question).
    fast = person(tree, contest)
    a = attempt(fast, duration_s=20, all_correct=True)
    expected.add(("too_fast", fast.pk, a.pk))
    attempt(person(tree, contest), duration_s=45, all_correct=True)  # slow enough
    attempt(person(tree, contest), duration_s=10, all_correct=False)  # a guesser

    # Same answers, one device, 62 s and 63.5 s; beside them other answers from the same
    # address, and the same answers from another address.
    for duration in (62, 63.5):
        r = person(tree, contest)
        a = attempt(r, key=SAME_DEVICE, duration_s=duration)
        expected.add(("same_answers", r.pk, a.pk))
    attempt(person(tree, contest), key=SAME_ADDRESS_OTHER_DEVICE, duration_s=62, answers={"1": 2})
    attempt(person(tree, contest), key=OTHER_ADDRESS, duration_s=62)

    # Five registrations from one device in 8 minutes; four from another.
    for i in range(5):
        r = person(tree, contest, key="cccccccc33333333", created_at=NOON + 2 * i * MIN)
        expected.add(("registration_burst", r.pk, None))
    for i in range(4):
        person(tree, contest, key="dddddddd44444444", created_at=NOON + i * MIN)

    # Six consecutive phones on one day; four on another day's run.
    for i in range(6):
        r = person(tree, contest, phone=f"+8498765000{i}")
        expected.add(("phone_sequence", r.pk, None))
    for i in range(4):
        person(tree, contest, phone=f"+8488765000{i}")

    # Five attempts a minute apart to the second; five a person would leave.
    bot = person(tree, contest)
    for n in range(5):
        attempt(bot, number=n + 1, submitted_at=NOON + n * MIN)
    expected.add(("regular_intervals", bot.pk, None))
    human = person(tree, contest)
    for n, minutes in enumerate((0, 3, 4, 9, 30)):
        attempt(human, number=n + 1, submitted_at=NOON + minutes * MIN)
    return contest, expected


def flags(contest):
    return set(
        AnomalyFlag.objects.filter(contest=contest).values_list(
            "kind", "registration_id", "attempt_id"
        )
    )


@pytest.mark.parametrize("portable", [False, True], ids=["sql", "orm"])
def test_each_planted_case_is_flagged_and_nothing_else(planted, portable):
    contest, expected = planted
    new = contest_scan(contest_id=contest.pk, portable=portable)
    assert flags(contest) == expected
    assert new == {
        "too_fast": 1,
        "same_answers": 2,
        "registration_burst": 5,
        "phone_sequence": 6,
        "regular_intervals": 1,
    }
    # Rerunning (either path) adds nothing.
    assert set(contest_scan(contest_id=contest.pk, portable=not portable).values()) == {0}
    assert AnomalyFlag.objects.filter(contest=contest).count() == len(expected)
    assert set(AnomalyFlag.objects.values_list("status", flat=True)) == {"open"}


def test_evidence_reads_as_sentences(planted):
    contest, _expected = planted
    contest_scan(contest_id=contest.pk)
    texts = {
        f.kind: evidence_text(f.kind, f.evidence)
        for f in AnomalyFlag.objects.filter(contest=contest).order_by("pk")
    }
    assert texts["too_fast"] == (
        "Đúng tất cả 10 câu trong 20 giây, trong khi chỉ đọc "
        f"{AnomalyFlag.objects.get(kind='too_fast').evidence['text_chars']} ký tự của đề và các "
        "phương án (25 ký tự/giây, ít nhất 3 giây mỗi câu) đã cần ít nhất 30 giây."
    )
    assert texts["same_answers"] == (
        "2 bài thi của 2 người từ cùng một thiết bị có 10 câu trả lời giống hệt nhau, trong đó "
        "5 câu sai giống nhau; thời gian làm bài gần như bằng nhau: 1 phút 2 giây, 1 phút 3,5 "
        "giây."
    )
    assert texts["registration_burst"] == (
        "5 lượt đăng ký từ cùng một thiết bị trong 8 phút (12:00–12:08 ngày 05/09/2023); "
        "ngưỡng: 5 lượt trong 10 phút."
    )
    assert texts["phone_sequence"] == (
        "6 số điện thoại liên tiếp nhau (từ 098****000 đến 098****005) cùng đăng ký dự thi "
        "ngày 05/09/2023."
    )
    assert texts["regular_intervals"] == (
        "5 bài thi của cùng một người được nộp cách nhau đều đặn như máy: trung bình 1 phút "
        "0 giây một bài, độ lệch chỉ 0,0 % (người làm bài thật thường lệch vài chục phần trăm)."
    )
    # Nothing personal in the stored evidence: masked phones, no key, no address.
    stored = str(list(AnomalyFlag.objects.values_list("evidence", flat=True)))
    assert "98765000" not in stored and "cccccccc" not in stored


@pytest.mark.parametrize(
    ("kind", "evidence"),
    [("too_fast", {}), ("phone_sequence", {"size": 6, "day": "x"}), ("nope", {"a": 1})],
)
def test_evidence_of_an_unknown_shape_is_a_sentence_not_an_error(kind, evidence):
    assert evidence_text(kind, evidence) == "Không đọc được bằng chứng của dấu hiệu này."
