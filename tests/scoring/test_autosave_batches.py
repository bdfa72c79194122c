"""Numbered autosave batches (static/js/attempt.js) through the real view: one request, many
answers, one UPDATE; replays change nothing; a batch overtaken by a newer one is not written
over it; the reply says "saved" only when the row holds the batch; bad numbers are refused."""

import pytest
from django.urls import reverse

from scoring.models import Attempt
from tests.scoring import exam_support as support

clean_cache_and_broker = support.clean_cache_and_broker
exam = support.exam
registration = support.registration
user = support.user
person = support.person

pytestmark = [pytest.mark.django_db, pytest.mark.sqlite]


@pytest.fixture
def attempt(exam, person) -> Attempt:
    assert person.start(exam.slug).status_code == 302
    return Attempt.objects.get()


def batch(person, attempt, seq, answers, **more):
    body = {"answers": {str(q): o for q, o in answers.items()}, **more}
    if seq is not None:
        body["seq"] = seq
    return person.post_json(reverse("scoring:autosave", args=[attempt.pk]), body)


def stored(attempt) -> tuple[dict, int, int | None]:
    row = Attempt.objects.get(pk=attempt.pk)
    return {int(q): int(o) for q, o in row.answers.items()}, row.autosave_seq, row.prediction


def test_a_batch_of_many_answers_is_one_update(attempt, person, django_assert_num_queries):
    a = {i["q"]: i["o"][1] for i in attempt.items[:6]}
    url = reverse("scoring:autosave", args=[attempt.pk])
    body = {"seq": 1, "answers": {str(q): o for q, o in a.items()}, "prediction": "52.812"}
    # The attempt with its person (one query), the UPDATE; the session comes from the cache.
    with django_assert_num_queries(2):
        reply = person.post_json(url, body)
    assert reply.status_code == 200
    data = reply.json()
    assert (data["ok"], data["saved"], data["seq"], data["answered"]) == (True, True, 1, 6)
    assert stored(attempt) == (a, 1, 52812)


def test_replaying_a_batch_changes_nothing_and_says_saved(attempt, person):
    a = {i["q"]: i["o"][0] for i in attempt.items[:3]}
    assert batch(person, attempt, 1, a).json()["saved"] is True
    again = batch(person, attempt, 1, a).json()
    assert (again["saved"], again["seq"]) == (True, 1)
    assert stored(attempt) == (a, 1, None)


def test_an_older_batch_never_overwrites_a_newer_one(attempt, person):
    q1, q2, q3 = (i["q"] for i in attempt.items[:3])
    o = {i["q"]: i["o"] for i in attempt.items}
    # Batch 2 (every unacknowledged answer, q1 changed since batch 1) arrives first.
    newer = {q1: o[q1][2], q2: o[q2][0], q3: o[q3][1]}
    assert batch(person, attempt, 2, newer).json()["saved"] is True
    # Batch 1, late: q1's older choice is not written; the reply says "not saved" (the row
    # does not hold it) and names the last batch written.
    late = batch(person, attempt, 1, {q1: o[q1][0], q2: o[q2][0]}).json()
    assert (late["ok"], late["saved"], late["seq"]) == (True, False, 2)
    assert stored(attempt) == (newer, 2, None)
    # A late batch whose answers the row holds anyway is "saved".
    held = batch(person, attempt, 1, {q2: o[q2][0]}).json()
    assert (held["saved"], held["seq"]) == (True, 2)
    # The page sends its answers again numbered above the server's: written.
    assert batch(person, attempt, 3, {q1: o[q1][3]}).json()["saved"] is True
    assert stored(attempt)[0][q1] == o[q1][3]


def test_an_unnumbered_save_is_always_written(attempt, person):
    """The no-JavaScript "save" button (a form post) and a client that sends no number."""
    q1 = attempt.items[0]
    assert batch(person, attempt, 5, {q1["q"]: q1["o"][0]}).json()["saved"] is True
    assert batch(person, attempt, None, {q1["q"]: q1["o"][1]}).json()["seq"] == 5
    form = person.post(reverse("scoring:autosave", args=[attempt.pk]), {f"q{q1['q']}": q1["o"][2]})
    assert form.status_code == 302
    assert stored(attempt) == ({q1["q"]: q1["o"][2]}, 5, None)


@pytest.mark.parametrize("seq", [0, -1, 2**31, "١", "1.5", 1.5, True, [1], {"n": 1}, ""])
def test_a_bad_batch_number_is_refused_in_vietnamese_and_changes_nothing(attempt, person, seq):
    q1 = attempt.items[0]
    reply = batch(person, attempt, seq, {q1["q"]: q1["o"][0]})
    assert reply.status_code == 400
    assert reply.json()["error"] == "Dữ liệu gửi lên không hợp lệ."
    assert stored(attempt) == ({}, 0, None)


def test_a_batch_after_the_submission_is_refused_with_the_result_address(attempt, person):
    q1 = attempt.items[0]
    assert batch(person, attempt, 1, {q1["q"]: q1["o"][0]}).json()["saved"] is True
    person.post(reverse("scoring:submit", args=[attempt.pk]), {})
    late = batch(person, attempt, 2, {q1["q"]: q1["o"][1]})
    assert late.status_code == 409
    assert late.json()["result_url"] == reverse("scoring:result", args=[attempt.pk])
    replay = batch(person, attempt, 1, {q1["q"]: q1["o"][0]})
    assert replay.status_code == 409
    assert stored(attempt) == ({q1["q"]: q1["o"][0]}, 1, None)


def test_the_test_page_renders_the_last_batch_number_and_the_timing(attempt, person, settings):
    settings.EXAM_AUTOSAVE_PAUSE_SECONDS = 3.0
    settings.EXAM_AUTOSAVE_EVERY_SECONDS = 120.0
    q1 = attempt.items[0]
    batch(person, attempt, 7, {q1["q"]: q1["o"][0]})
    html = person.get(reverse("scoring:take", args=[attempt.pk])).content.decode()
    assert 'data-seq="7"' in html
    assert 'data-autosave-pause="3.0" data-autosave-every="120.0"' in html
