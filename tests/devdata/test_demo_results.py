"""The demo's two finished contests: one published provisionally with the demo citizen's graded
attempt (lookup and appeal), one final with certificates made."""

import io

import pytest
from django.core.management import call_command

from devdata.services.demo import seed_demo_contest, seed_units_and_accounts
from devdata.services.demo_results import FINAL_SLUG, PROVISIONAL_SLUG
from scoring.models import Certificate, Result, ResultsSnapshot

pytestmark = [pytest.mark.sqlite, pytest.mark.django_db]


def test_finished_contests_show_results_appeals_and_certificates():
    seed_units_and_accounts()
    seed_demo_contest()
    for _ in range(2):  # idempotent
        out = io.StringIO()
        call_command("seed_demo_participants", stdout=out)
    assert f"/cuoc-thi/{PROVISIONAL_SLUG}/" in out.getvalue()
    provisional = ResultsSnapshot.objects.get(contest__slug=PROVISIONAL_SLUG)
    final = ResultsSnapshot.objects.get(contest__slug=FINAL_SLUG)
    assert provisional.provisional_until is not None and final.provisional_until is None
    citizen = Result.objects.get(
        contest__slug=PROVISIONAL_SLUG, registration__document_number="001087123456"
    )
    assert (citizen.correct_count, citizen.score) == (
        citizen.best_attempt.question_count - 1,
        citizen.best_attempt.score,
    )
    # One certificate per individual prize of the final version.
    winners = [row for row in final.prizes if row["kind"] == "individual"]
    assert len(winners) > 0
    assert Certificate.objects.filter(contest__slug=FINAL_SLUG).count() == len(winners)
