"""The result page's background check (issue 22): result_status answers the owner with the
attempt's status in JSON; someone else's or an unknown attempt is a Vietnamese 404, an
anonymous visitor goes to the login page; the pending page has no meta refresh but the
polling script and a plain reload link."""

import pytest
from django.test import Client
from django.urls import reverse

from scoring.models import Attempt
from tests.factories import RegistrationFactory
from tests.scoring import exam_support as support
from tests.scoring.exam_support import Person, correct_answers, form_answers, grade

clean_cache_and_broker = support.clean_cache_and_broker
exam = support.exam
registration = support.registration
user = support.user
person = support.person

pytestmark = [pytest.mark.django_db, pytest.mark.sqlite]


def submitted(person, exam) -> Attempt:
    person.start(exam.slug)
    attempt = Attempt.objects.get()
    done = person.post(
        reverse("scoring:submit", args=[attempt.pk]), form_answers(correct_answers(attempt))
    )
    assert done.status_code == 302
    return attempt


def test_status_while_pending_then_graded(person, exam):
    attempt = submitted(person, exam)
    url = reverse("scoring:result_status", args=[attempt.pk])

    page = person.get(reverse("scoring:result", args=[attempt.pk])).content.decode()
    assert 'http-equiv="refresh"' not in page
    assert f'data-status-url="{url}"' in page
    assert 'id="result-reload"' in page and "/static/js/result.js" in page

    pending = person.get(url)
    assert pending.status_code == 200
    assert pending.json() == {"status": "submitted", "graded": False}
    assert "no-cache" in pending["Cache-Control"]

    grade([attempt.pk])
    assert person.get(url).json() == {"status": "graded", "graded": True}
    page = person.get(reverse("scoring:result", args=[attempt.pk])).content.decode()
    assert "/static/js/result.js" not in page and 'id="result-pending"' not in page


def test_status_refuses_others_and_strangers(person, exam, tree):
    attempt = submitted(person, exam)
    url = reverse("scoring:result_status", args=[attempt.pk])

    other = Person(RegistrationFactory(contest=exam, unit=tree["A-2"]).participant.user)
    refused = other.get(url)
    assert refused.status_code == 404
    assert "Không tìm thấy trang" in refused.content.decode()

    unknown = person.get(reverse("scoring:result_status", args=[attempt.pk + 1000]))
    assert unknown.status_code == 404

    anonymous = Client().get(url)
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith(reverse("participants:login"))

    assert person.post(url).status_code == 405
