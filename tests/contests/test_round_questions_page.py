"""The contest page says each round's own prediction question with the round's dates (the
question a week's test asks, scoring.rules.prediction_question), not only the contest's."""

import pytest
from django.utils import timezone

from tests.contests.test_between_rounds import DAY, page, week, weekly  # noqa: F401 (fixture)
from tests.scoring.exam_support import clean_cache_and_broker  # noqa: F401

pytestmark = pytest.mark.django_db


def test_each_rounds_question_with_its_dates(weekly, client):  # noqa: F811
    now = timezone.now()
    first = week(weekly, 1, now - DAY, now + DAY)
    first.prediction_text = "Tuần 1 có bao nhiêu người trả lời đúng tất cả?"
    first.save(update_fields=["prediction_text"])
    week(weekly, 2, now + 2 * DAY, now + 8 * DAY)  # none of its own
    html = page(client, weekly)
    start = html.find('id="timeline"')
    timeline = html[start : html.find("</section>", start)]
    assert "Câu hỏi dự đoán: Tuần 1 có bao nhiêu người trả lời đúng tất cả?" in timeline
    assert timeline.count("Câu hỏi dự đoán") == 1
