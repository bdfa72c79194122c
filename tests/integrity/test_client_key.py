"""The client key (participants.client_key): same address = same first half, same device =
same whole key, the address itself never stored; set by the real join and start views."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from participants.client_key import address_part, client_key
from participants.models import Registration
from scoring.models import Attempt
from tests.factories import ContestFactory, ParticipantFactory, RegistrationFactory
from tests.scoring import exam_support as support

clean_cache_and_broker = support.clean_cache_and_broker
exam = support.exam

PHONE_UA = "Mozilla/5.0 (Linux; Android 13; SM-A145F) Chrome/120 Mobile"
OTHER_UA = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) Safari/604.1"


@pytest.mark.parametrize(
    ("first", "second", "same_address", "same_device"),
    [
        (("113.160.1.7", PHONE_UA), ("113.160.1.7", PHONE_UA), True, True),
        (("113.160.1.7", PHONE_UA), ("113.160.1.7", OTHER_UA), True, False),
        (("113.160.1.7", PHONE_UA), ("113.160.1.8", PHONE_UA), False, False),
        (("2001:ee0::1", ""), ("2001:ee0::1", ""), True, True),
    ],
)
def test_same_address_is_the_prefix_and_same_device_the_whole_key(
    first, second, same_address, same_device
):
    a = client_key(address=first[0], user_agent=first[1])
    b = client_key(address=second[0], user_agent=second[1])
    assert len(a) == len(b) == 16
    assert all(c in "0123456789abcdef" for c in a + b)
    assert (address_part(a) == address_part(b)) is same_address
    assert (a == b) is same_device


def test_keyed_with_the_secret_and_never_the_address(settings):
    key = client_key(address="113.160.1.7", user_agent=PHONE_UA)
    assert "113" not in key[:3] and "160" not in key
    settings.SECRET_KEY = "another-secret-" + "y" * 40
    assert client_key(address="113.160.1.7", user_agent=PHONE_UA) != key
    # An address and a User-Agent of the same text do not hash alike.
    both = client_key(address="x", user_agent="x")
    assert both[:8] != both[8:]


@pytest.mark.django_db
def test_join_view_stores_the_key(tree):
    contest = ContestFactory(
        slug="thi-tim-hieu",
        owner_unit=tree["C"],
        participation_root=tree["C"],
        age_reference_date=datetime.date(2023, 9, 1),
        opens_at=timezone.now() - datetime.timedelta(days=1),
        closes_at=timezone.now() + datetime.timedelta(days=30),
    )
    person = ParticipantFactory(date_of_birth=datetime.date(1987, 5, 17))
    browser = Client(REMOTE_ADDR="113.160.1.7", HTTP_USER_AGENT=PHONE_UA)
    browser.force_login(person.user, backend="participants.backends.PhoneOrDocumentBackend")
    data = {
        "don_vi_0": str(tree["C-Q"].pk),
        "don_vi_1": str(tree["A"].pk),
        "don_vi_2": str(tree["A-1"].pk),
        "consent_participation": "on",
    }
    response = browser.post(f"/thi-sinh/tham-gia/{contest.slug}/", data)
    assert response.status_code == 302
    registration = Registration.objects.get()
    assert registration.client_key == client_key(address="113.160.1.7", user_agent=PHONE_UA)


@pytest.mark.django_db
def test_start_view_stores_the_key(exam, tree):
    registration = RegistrationFactory(contest=exam, unit=tree["A-1"])
    browser = Client(REMOTE_ADDR="14.232.8.9", HTTP_USER_AGENT=OTHER_UA)
    browser.force_login(registration.participant.user)
    response = browser.post(reverse("scoring:start", args=[exam.slug]))
    assert response.status_code == 302
    attempt = Attempt.objects.get()
    assert attempt.client_key == client_key(address="14.232.8.9", user_agent=OTHER_UA)
