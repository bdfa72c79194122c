"""A login costs one password hash, failed or not, whoever logs in (the hasher's calls are
counted, not timed): the participant backend settles every password login, so Django's
ModelBackend never hashes the password a second time."""

import pytest
from django.contrib.auth import authenticate
from django.contrib.auth.hashers import Argon2PasswordHasher, PBKDF2PasswordHasher
from django.test import RequestFactory

from tests.conftest import make_organiser
from tests.participants.conftest import PASSWORD, FormClient
from tests.participants.test_login import login, make_person

pytestmark = pytest.mark.django_db


@pytest.fixture
def hashes(monkeypatch):
    """Calls of encode (a dummy hash, or a new hash) and verify, on every configured hasher."""
    calls = []
    for hasher in (Argon2PasswordHasher, PBKDF2PasswordHasher):
        for name in ("encode", "verify"):
            original = getattr(hasher, name)

            def counted(self, *args, _original=original, _name=name, **kwargs):
                calls.append(_name)
                return _original(self, *args, **kwargs)

            monkeypatch.setattr(hasher, name, counted)
    return calls


def attempt(username, password):
    request = RequestFactory().post("/thi-sinh/dang-nhap/", REMOTE_ADDR="10.0.0.9")
    return authenticate(request, username=username, password=password)


@pytest.mark.parametrize("typed", ["0912345678", "001087123456"])
def test_a_wrong_password_costs_one_hash(hashes, typed):
    make_person()
    hashes.clear()
    assert attempt(typed, "wrong-password") is None
    assert hashes == ["verify"]


@pytest.mark.parametrize("typed", ["0999999999", "001099000000", "nobody"])
def test_an_unknown_account_still_costs_one_hash(hashes, typed):
    make_person()
    hashes.clear()
    assert attempt(typed, "wrong-password") is None
    assert hashes == ["encode"]  # the dummy hash: timing does not tell who has an account


def test_a_right_password_costs_one_hash(hashes):
    person = make_person()
    hashes.clear()
    assert attempt("0912 345 678", PASSWORD) == person.user
    assert hashes == ["verify"]


def test_an_inactive_account_is_refused_after_one_hash(hashes):
    person = make_person()
    person.user.is_active = False
    person.user.save(update_fields=["is_active"])
    hashes.clear()
    assert attempt("0912345678", PASSWORD) is None
    assert hashes == ["verify"]


def test_staff_log_in_by_username_with_one_hash(hashes):
    organiser = make_organiser(None, "city", superuser=True)
    hashes.clear()
    assert attempt("city", "wrong-password") is None
    assert hashes == ["verify"]
    hashes.clear()
    assert attempt("city", "secret-pass-123") == organiser
    assert hashes == ["verify"]


def test_the_login_page_refuses_with_one_hash_and_the_admin_login_still_works(hashes):
    make_person()
    hashes.clear()
    response = login(FormClient(), "0912345678", "wrong-password")
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert hashes == ["verify"]

    make_organiser(None, "root", superuser=True)
    client = FormClient()
    response = client.submit(
        "/quan-tri/login/?next=/quan-tri/",
        {"username": "root", "password": "secret-pass-123", "next": "/quan-tri/"},
    )
    assert response.status_code == 302
    assert response["Location"] == "/quan-tri/"
    assert client.get("/quan-tri/").status_code == 200
