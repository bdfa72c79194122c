"""Fixtures for the participants tests: a CSRF-enforcing client helper, a contest on the
shared `tree`, and a clean cache (rate-limit counters live in Redis)."""

import datetime
import re

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from tests.factories import ContestFactory

PASSWORD = "Mat-khau-rat-kho-2025"


@pytest.fixture(autouse=True)
def _clean_cache():
    cache.clear()
    yield
    cache.clear()


class FormClient:
    """Django's test client with CSRF enforced: every POST first GETs the page and sends
    the token from the form, as a browser would."""

    def __init__(self, **defaults):
        self.client = Client(enforce_csrf_checks=True, **defaults)

    def get(self, url, data=None, **kwargs):
        return self.client.get(url, data, **kwargs)

    def submit(self, url, data, *, page=None, **extra):
        page_response = self.client.get(page or url, **extra)
        match = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page_response.content)
        token = match.group(1).decode() if match else ""
        return self.client.post(url, {**data, "csrfmiddlewaretoken": token}, **extra)

    def post_raw(self, url, data, **extra):
        return self.client.post(url, data, **extra)

    def force_login(self, user):
        self.client.force_login(user, backend="participants.backends.PhoneOrDocumentBackend")


@pytest.fixture
def form_client():
    return FormClient()


def register_data(**overrides):
    data = {
        "full_name": "Nguyễn Văn An",
        "date_of_birth": "17/05/1987",
        "gender": "male",
        "document_type": "cccd",
        "document_number": "001087123456",
        "issuing_country": "",
        "phone": "0912 345 678",
        "email": "",
        "password1": PASSWORD,
        "password2": PASSWORD,
        "consent_data": "on",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


@pytest.fixture
def contest(tree):
    """Open, published, minimum age 14, reference date 01/09/2023, the city's tree."""
    return ContestFactory(
        slug="thi-tim-hieu",
        owner_unit=tree["C"],
        participation_root=tree["C"],
        age_reference_date=datetime.date(2023, 9, 1),
        opens_at=timezone.now() - datetime.timedelta(days=1),
        closes_at=timezone.now() + datetime.timedelta(days=30),
    )
