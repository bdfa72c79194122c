"""The published winners of essay / combined prizes on the contest page: the essay mark
("điểm bài tự luận: 86,5"), never the multiple-choice count and time they do not have (it
printed "(None câu đúng)" and an empty time)."""

import re
from decimal import Decimal as D

import pytest
from django.urls import reverse

from contests.models import PrizeStructure
from essays.models import Entry
from essays.services.judging import panel_close
from scoring.services.prizes import results_publish
from tests.conftest import make_organiser
from tests.essays.test_judging_prizes import _structure, pipeline  # noqa: F401
from tests.scoring.grading_data import contest_close

pytestmark = pytest.mark.django_db


def _winners_text(client, contest) -> str:
    response = client.get(reverse("contests:contest_detail", args=[contest.slug]))
    assert response.status_code == 200
    html = response.content.decode()
    match = re.search(r'<section class="mb-4 results-winners".*?</section>', html, re.S)
    assert match, "no winners section"
    return " ".join(re.sub(r"<[^>]+>", " ", match.group(0)).split())


def _publish(world, organisers, basis, *, mc_weight=0):
    contest, task = world["contest"], world["task"]
    panel_close(panel=world["final"], by=organisers["city"])
    if mc_weight:
        task.mc_weight = mc_weight
        task.save()
    _structure(contest, basis)
    contest_close(contest, prediction_actual=0)
    results_publish(contest=contest, user=make_organiser(None, "root_pub", superuser=True))
    return contest


def test_essay_prize_rows_show_the_essay_mark(pipeline, organisers, client):  # noqa: F811
    # Final marks 30, 24, 18 (of 30), the second one a half mark lower: 23,5.
    Entry.objects.filter(code="BAI0002").update(final_mark=D("23.5"))
    contest = _publish(pipeline, organisers, PrizeStructure.Basis.ESSAY)
    text = _winners_text(client, contest)
    assert "câu đúng" not in text and "None" not in text and "thời gian" not in text
    marks = re.findall(r"Giải (Nhất|Nhì|Ba) [^·]*? điểm bài tự luận: ([\d,]+)", text)
    assert marks == [("Nhất", "30"), ("Nhì", "23,5"), ("Ba", "18")], text


def test_combined_prize_rows_show_both(pipeline, organisers, client):  # noqa: F811
    contest = _publish(pipeline, organisers, PrizeStructure.Basis.COMBINED, mc_weight=75)
    text = _winners_text(client, contest)
    assert "câu đúng" not in text and "None" not in text
    # Combined 85, 75, 65 with final marks 12, 18, 24 (essay 25 %, multiple choice 75 %).
    assert "85 điểm kết hợp · điểm bài tự luận: 12" in text
    assert "75 điểm kết hợp · điểm bài tự luận: 18" in text
    assert "65 điểm kết hợp · điểm bài tự luận: 24" in text
