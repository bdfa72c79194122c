"""The contest page's rhythm through the real view: the round open now and the next one, the
countdown between rounds, the last round's published winners while the contest goes on;
nothing of it without rounds or once the contest is over."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from contests.models import Contest, PrizeStructure, PrizeTier, Round
from scoring.services.attempts import attempt_start, attempt_submit
from scoring.services.grading import attempts_grade
from scoring.services.prediction import prediction_actual_compute
from scoring.services.prizes import results_publish
from tests.factories import RegistrationFactory, contest_with_bank
from tests.scoring.exam_support import clean_cache_and_broker, correct_answers  # noqa: F401

DAY = datetime.timedelta(days=1)


@pytest.fixture
def weekly(tree):
    now = timezone.now()
    return contest_with_bank(
        owner=tree["C"],
        root=tree["C"],
        slug="hang-tuan",
        opens_at=now - 10 * DAY,
        closes_at=now + 30 * DAY,
    )


def week(contest, number, opens, closes):
    return Round.objects.create(
        contest=contest, number=number, title=f"Tuần {number}", opens_at=opens, closes_at=closes
    )


def page(client, contest) -> str:
    response = client.get(reverse("contests:contest_detail", args=[contest.slug]))
    assert response.status_code == 200
    return response.content.decode()


def rounds_block(text: str) -> str:
    start = text.find('class="mb-4 rounds-now"')
    return text[start : text.find("</section>", start)] if start >= 0 else ""


def test_round_open_now_and_the_next(weekly, client):
    now = timezone.now()
    week(weekly, 1, now - DAY, now + 2 * DAY)
    week(weekly, 2, now + 3 * DAY, now + 9 * DAY)
    block = rounds_block(page(client, weekly))
    assert "<strong>Tuần 1</strong> đang diễn ra, đến" in block
    assert "<strong>Tuần 2</strong> bắt đầu lúc" in block
    assert "(còn" not in block  # a round is open: no countdown


def test_countdown_between_rounds(weekly, client):
    now = timezone.now()
    week(weekly, 1, now - 8 * DAY, now - 2 * DAY)
    week(weekly, 2, now + DAY + datetime.timedelta(hours=2, minutes=30), now + 8 * DAY)
    block = rounds_block(page(client, weekly))
    assert "đang diễn ra" not in block
    assert "<strong>Tuần 2</strong> bắt đầu lúc" in block
    assert "(còn 1 ngày 2 giờ)" in block


def test_before_the_first_round(weekly, client):
    now = timezone.now()
    week(weekly, 1, now + datetime.timedelta(hours=5, minutes=10, seconds=30), now + 6 * DAY)
    assert "(còn 5 giờ 10 phút)" in rounds_block(page(client, weekly))


def test_nothing_without_rounds_or_after_the_last(weekly, client, tree):
    assert rounds_block(page(client, weekly)) == ""
    now = timezone.now()
    week(weekly, 1, now - 9 * DAY, now - 3 * DAY)
    assert rounds_block(page(client, weekly)) == ""  # all rounds over: nothing to announce


def test_last_rounds_winners_between_rounds(
    weekly, client, tree, organisers, django_capture_on_commit_callbacks
):
    now = timezone.now()
    first = week(weekly, 1, now - 8 * DAY, now - 2 * DAY)
    week(weekly, 2, now + DAY + datetime.timedelta(hours=2), now + 8 * DAY)
    structure = PrizeStructure.objects.create(contest=weekly, round=first, title="Giải tuần 1")
    PrizeTier.objects.create(
        structure=structure,
        kind="individual",
        rank_order=1,
        name="Giải Nhất",
        count=1,
        amount=1_000_000,
    )
    people = [RegistrationFactory(contest=weekly, unit=tree["A-1"]) for _ in range(2)]
    ids = []
    for n, registration in enumerate(people):
        started = first.opens_at + datetime.timedelta(hours=3 + n)
        attempt = attempt_start(registration=registration, now=started)
        attempt_submit(
            attempt=attempt,
            answers=correct_answers(attempt, wrong=n),
            prediction="1",
            now=started + datetime.timedelta(minutes=5),
        )
        ids.append(attempt.pk)
    attempts_grade(attempt_ids=ids)
    prediction_actual_compute(contest=weekly, round=first)
    text = page(client, weekly)
    assert "Danh sách đoạt giải: Tuần 1" not in text  # not published yet
    # The publication clears the cached "last round published" when it commits.
    with django_capture_on_commit_callbacks(execute=True):
        results_publish(contest=weekly, user=organisers["city"], round=first)
    text = page(client, weekly)
    assert "(còn 1 ngày" in rounds_block(text)
    assert "Danh sách đoạt giải: Tuần 1" in text
    winner = people[0].participant.full_name
    assert text.count(winner) == 1


def test_no_round_winners_once_the_contest_is_over(tree, client):
    now = timezone.now()
    over = contest_with_bank(
        owner=tree["C"],
        root=tree["C"],
        slug="da-xong",
        opens_at=now - 20 * DAY,
        closes_at=now - DAY,
        status=Contest.Status.CLOSED,
    )
    week(over, 1, now - 20 * DAY, now - 2 * DAY)
    assert rounds_block(page(client, over)) == ""
