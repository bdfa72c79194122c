"""The results lookup of a contest with rounds (issue 15): a week's place, prize and the
order it was published by, through the real view; the week chosen by `?vong=`, the last
published week by default while the overall results are not out; a week not published (or
not the contest's) is a 404 in Vietnamese."""

import re

import pytest
from django.urls import reverse

from contests.models import Contest
from scoring.services.prizes import results_publish
from tests.scoring import exam_support as support
from tests.scoring.test_prizes_rounds import structure, weekly  # noqa: F401 (fixture)
from tests.scoring.test_round_publication import weeks  # noqa: F401 (fixture)

clean_cache_and_broker = support.clean_cache_and_broker

pytestmark = pytest.mark.django_db


def _text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def _result(response) -> str:
    html = response.content.decode()
    match = re.search(r'<section class="card mb-4" id="lookup-result".*?</section>', html, re.S)
    return _text(match.group(0)) if match else ""


def _url(contest, vong=None):
    url = reverse("scoring:results_lookup", args=[contest.slug])
    return f"{url}?vong={vong}" if vong is not None else url


def _publish(contest, round_, organisers, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):  # clears the winners' cache
        results_publish(contest=contest, user=organisers["city"], round=round_)


def test_a_weeks_place_and_prize_before_the_overall_results(
    weeks,  # noqa: F811
    organisers,
    client,
    django_capture_on_commit_callbacks,
):
    contest, rounds, people = weeks
    client.force_login(people[3].participant.user)
    before = client.get(_url(contest)).content.decode()
    assert "Kết quả cuộc thi chưa được công bố" in before

    _publish(contest, rounds[1], organisers, django_capture_on_commit_callbacks)
    response = client.get(_url(contest))
    html = response.content.decode()
    assert response.status_code == 200
    assert "chưa được công bố" not in html
    assert "Tra cứu kết quả — Tuần 1" in _text(html)
    text = _result(response)
    # Week 1: P0 (10, 100 s), P1 (10, 110 s), P3 (10, 120 s), …; six people took it.
    assert "Số câu đúng 10/10" in text
    assert "Tuần 1: hạng 3 trên 6 người" in text and "Toàn cuộc thi" not in text
    assert "Tuần 1: học sinh" in text  # the week's prize
    assert "Người dự thi hạng 2 xếp trên bạn" in text

    # Anonymous, by number and date of birth, the week named in the address.
    anonymous = client.__class__()
    p3 = people[3]
    response = anonymous.post(
        _url(contest, 1),
        {
            "document_number": p3.document_number,
            "date_of_birth": p3.participant.date_of_birth.strftime("%d/%m/%Y"),
        },
    )
    assert response.status_code == 200
    assert "Tuần 1: hạng 3 trên 6 người" in _result(response)


def test_weeks_are_chosen_by_number_and_the_chain_is_the_published_one(
    weeks,  # noqa: F811
    organisers,
    client,
    django_capture_on_commit_callbacks,
):
    contest, rounds, people = weeks
    # The organiser's own chain: no prediction key; the lookup says this one, not the default.
    Contest.objects.filter(pk=contest.pk).update(
        tie_break_chain=["most_correct", "shortest_duration", "earliest_finish"]
    )
    contest.refresh_from_db()
    _publish(contest, rounds[1], organisers, django_capture_on_commit_callbacks)
    client.force_login(people[6].participant.user)
    # P6 did not take week 1; week 2 is not published yet.
    assert "Không có bài thi nào được chấm trong vòng thi này" in _result(
        client.get(_url(contest, 1))
    )
    missing = client.get(_url(contest, 2))
    assert missing.status_code == 404
    assert "chưa công bố kết quả vòng thi “2”" in missing.content.decode()

    _publish(contest, rounds[2], organisers, django_capture_on_commit_callbacks)
    # Without ?vong= the last published week; week 2: P3 (80 s), P0 (90 s), P6 (95 s), …
    for url in (_url(contest), _url(contest, 2)):
        response = client.get(url)
        text = _result(response)
        assert "Tuần 2: hạng 3 trên 7 người" in text
        assert "Thứ tự xếp hạng: Nhiều câu trả lời đúng hơn; Thời gian làm bài ngắn hơn" in text
        assert "Dự đoán gần đáp án hơn" not in text
        html = response.content.decode()
        assert f'href="{_url(contest, 1)}"' in html and f'href="{_url(contest, 2)}"' in html


@pytest.mark.parametrize("vong", ["3", "0", "abc", "1' OR 1=1", "-1", "1.5", "2 "])
def test_bad_weeks_are_404_in_vietnamese(
    weeks,  # noqa: F811
    organisers,
    client,
    vong,
    django_capture_on_commit_callbacks,
):
    contest, rounds, _people = weeks
    _publish(contest, rounds[1], organisers, django_capture_on_commit_callbacks)
    response = client.get(_url(contest), {"vong": vong})
    assert response.status_code == 404
    assert "chưa công bố kết quả vòng thi" in response.content.decode()
