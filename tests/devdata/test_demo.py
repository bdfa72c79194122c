"""The demo seed: an open contest modelled on the e-ID contest of the seeds; idempotent."""

from collections import Counter

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from contests.models import (
    BlueprintItem,
    Contest,
    ExcludedPerson,
    Option,
    PrizeStructure,
    PrizeTier,
    Question,
    Topic,
)
from contests.selectors import contest_test_preview
from contests.services import question_import
from contests.services.contests import blueprint_problems, prize_budget
from contests.services.question_import import HEADERS, LETTERS
from devdata.services import demo_questions
from devdata.services.demo import DEMO_SLUG, seed_demo_contest, seed_units_and_accounts
from devdata.services.demo_questions import demo_question_rows

HEADER, *QUESTION_ROWS = demo_question_rows()

# Also on SQLite (`make test`'s second pass): the embedded default `make demo` runs on.
pytestmark = pytest.mark.sqlite


def _counts():
    return {
        model.__name__: model.objects.count()
        for model in (
            Contest,
            Topic,
            Question,
            Option,
            BlueprintItem,
            PrizeStructure,
            PrizeTier,
            ExcludedPerson,
        )
    }


@pytest.mark.django_db
def test_demo_seed_is_idempotent_and_open(client, monkeypatch):
    imported = []

    def spy(**kwargs):
        result = question_import.question_bank_import(**kwargs)
        imported.append(result.created)
        return result

    # The questions go through the real importer, once (the second seed imports nothing).
    monkeypatch.setattr(demo_questions, "question_bank_import", spy)
    seed_units_and_accounts()
    contest = seed_demo_contest()
    first = _counts()
    seed_units_and_accounts()
    seed_demo_contest()
    assert _counts() == first
    assert imported == [74]
    contest.refresh_from_db()
    now = timezone.now()
    assert contest.status == Contest.Status.PUBLISHED
    assert contest.opens_at <= now < contest.closes_at
    assert (contest.owner_unit.code, contest.participation_root.code) == ("HN", "HN")
    assert (contest.min_age, contest.allow_citizens, contest.allow_foreigners) == (14, True, True)
    assert contest.excluded.count() == 3

    assert Question.objects.filter(contest=contest, is_active=True).count() == 74
    per_topic = Counter(contest.questions.values_list("topic__name", flat=True))
    assert per_topic == Counter(row[0] for row in QUESTION_ROWS)
    assert len(per_topic) == 5 and min(per_topic.values()) >= 12
    for question in contest.questions.prefetch_related("options"):
        options = list(question.options.all())
        assert 2 <= len(options) <= 6 and sum(o.is_correct for o in options) == 1
    assert blueprint_problems(contest=contest) == []
    assert len(contest_test_preview(contest=contest)) == 20
    assert contest.time_limit_minutes == 20

    thanh_xuan = PrizeStructure.objects.get(contest=contest, unit__code="HN-TX")
    assert prize_budget(tiers=thanh_xuan.tiers.filter(kind="individual")) == 29_500_000
    assert prize_budget(tiers=thanh_xuan.tiers.filter(kind="collective")) == 19_500_000
    assert PrizeStructure.objects.filter(contest=contest, unit=None).count() == 1

    home = client.get(reverse("contests:home"))
    assert [c.slug for c in home.context["open_contests"]] == [DEMO_SLUG]
    page = client.get(reverse("contests:contest_detail", args=[DEMO_SLUG])).content.decode()
    assert "Khối Sở, ban, ngành" in page and "Khối quận, huyện, thị xã" in page
    assert "Giải cấp quận Thanh Xuân" in page


@pytest.mark.django_db
def test_seed_demo_command_runs_twice():
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert Contest.objects.filter(slug=DEMO_SLUG).count() == 1


def test_demo_questions_file_is_in_the_import_format_and_cites_its_sources():
    """The importer's header, and each question names where its answer is stated (a seed
    document or these rules)."""
    assert HEADER == HEADERS
    assert len(QUESTION_ROWS) == 74
    for row in QUESTION_ROWS:
        assert len(row) == len(HEADERS), row[1]
        text, options, correct = row[1], [o for o in row[2:8] if o], row[8]
        explanation, source = row[10], row[11]
        assert source and explanation, text
        assert len(set(options)) == len(options) >= 2, text
        assert LETTERS.index(correct) < len(options), text
