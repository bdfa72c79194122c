"""Practice and review are never counted: the real roll-ups, ranking, results and summary
exports and prize allocation give exactly the same answer before and after a round of practice
tests and a review (by registered and unregistered people, through the real views)."""

import dataclasses
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from contests.models import Contest, PrizeStructure, PrizeTier
from learning.models import PracticeAttempt
from reports.exports import results, summary
from reports.exports.base import SheetWriter
from reports.rankings import ranking_page
from reports.selectors import by_block, daily, totals, units_figures
from reports.services.rollups import rollups_recompute
from scoring.models import Attempt, Result
from scoring.selectors.prizes import prizes_allocate
from scoring.services.attempts import attempt_start, attempt_submit
from scoring.services.grading import attempts_grade
from tests.factories import ParticipantFactory, RegistrationFactory
from tests.learning.practice_support import practice_contest
from tests.scoring import exam_support as support
from tests.scoring.exam_support import Person, correct_answers

clean_cache_and_broker = support.clean_cache_and_broker

pytestmark = pytest.mark.django_db


def workbook_values(write, **kwargs) -> list:
    writer = SheetWriter()
    write(writer, **kwargs)
    buffer = io.BytesIO()
    writer.save(buffer)
    buffer.seek(0)
    book = load_workbook(buffer)
    return [[[c.value for c in row] for row in sheet.iter_rows()] for sheet in book.worksheets]


def everything_counted(contest, root) -> dict:
    """What every figure, ranking, export and prize says, recomputed from the raw rows."""
    rollups_recompute(contest=contest)
    _page, ranked = ranking_page(contest=contest, round=None, unit=root, number=1)
    return {
        "totals": totals(contest=contest, unit=root),
        "blocks": by_block(contest=contest, unit=root),
        "units": units_figures(contest=contest, unit=root),
        "daily": daily(contest=contest, unit=root),
        "ranking": [dataclasses.asdict(r) for r in ranked],
        "results_export": workbook_values(
            results.write, contest=contest, unit=None, full_identity=False
        ),
        "summary_export": workbook_values(summary.write, contest=contest, unit=root),
        "prizes": prizes_allocate(contest=contest).rows,
        "results": list(Result.objects.order_by("id").values()),
        "attempts": Attempt.objects.count(),
    }


def test_practice_and_review_change_no_figure_ranking_export_or_prize(tree):
    contest = practice_contest(
        tree,
        review_content=Contest.ReviewContent.EXPLANATIONS,
        review_timing=Contest.ReviewTiming.IMMEDIATELY,
    )
    structure = PrizeStructure.objects.create(contest=contest, title="Giải cấp thành phố")
    PrizeTier.objects.create(
        structure=structure, kind="individual", rank_order=1, name="Giải Nhất", count=1, amount=1
    )
    PrizeTier.objects.create(
        structure=structure, kind="individual", rank_order=2, name="Giải Nhì", count=2, amount=1
    )
    registered = [
        RegistrationFactory(contest=contest, unit=tree[code]) for code in ("A-1", "A-2", "B-1")
    ]
    for wrong, registration in enumerate(registered):
        attempt = attempt_start(registration=registration)
        attempt_submit(attempt=attempt, answers=correct_answers(attempt, wrong=wrong + 1))
    attempts_grade(attempt_ids=list(Attempt.objects.values_list("id", flat=True)))
    # Registered, never took the real test: a registrant, not a participant.
    only_practising = RegistrationFactory(contest=contest, unit=tree["B-1"])
    before = everything_counted(contest, tree["C"])
    assert before["totals"]["participants"] == 3
    assert len(before["ranking"]) == 3 and before["prizes"]

    participants = [
        registered[0].participant,
        only_practising.participant,
        ParticipantFactory(),  # not registered at all
    ]
    people = [Person(p.user) for p in participants]
    for person, participant in zip(people, participants, strict=True):
        for _ in range(2):
            person.post(reverse("learning:practice", args=[contest.slug]))
            practice = PracticeAttempt.objects.get(participant=participant, status="open")
            answers = correct_answers(practice)  # full marks: would top any ranking
            person.post(
                reverse("learning:practice_submit", args=[contest.slug, practice.pk]),
                {f"q{q}": o for q, o in answers.items()},
            )
    people[0].post(reverse("learning:review", args=[contest.slug]))
    review = PracticeAttempt.objects.get(kind="review")
    item = review.items[0]
    people[0].post(
        reverse("learning:review_take", args=[contest.slug, review.pk]),
        {"cau": "1", f"q{item['q']}": item["o"][0]},
    )
    assert PracticeAttempt.objects.filter(kind="practice", status="submitted").count() == 6
    assert set(
        PracticeAttempt.objects.filter(kind="practice").values_list("correct_count", flat=True)
    ) == {5}
    review.refresh_from_db()
    assert review.answers == {str(item["q"]): item["o"][0]}

    after = everything_counted(contest, tree["C"])
    for name in before:
        assert after[name] == before[name], name
