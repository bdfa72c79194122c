"""The language switch in every page's footer: a plain form (no inline script, CSP intact)
posting to Django's set_language; the choice is remembered in a cookie."""

import pytest
from django.core.cache import cache
from django.test import Client

pytestmark = pytest.mark.django_db

SWITCH = "/thi-sinh/ngon-ngu/"


@pytest.mark.parametrize("url", ["/", "/thi-sinh/dang-nhap/", "/thi-sinh/quen-mat-khau/"])
def test_every_page_has_the_switch_and_no_inline_script(url):
    response = Client().get(url)
    body = response.content.decode()
    assert 'id="language-switch"' in body
    assert 'value="vi"' in body and ">Tiếng Việt<" in body and ">English<" in body
    assert "<script>" not in body and "onclick" not in body
    assert (
        "'unsafe-inline'"
        not in response.get("Content-Security-Policy", "").split("script-src")[-1].split(";")[0]
    )


def test_switch_to_english_is_remembered_and_back():
    client = Client()
    response = client.post(SWITCH, {"language": "en", "next": "/thi-sinh/dang-nhap/"})
    assert response.status_code == 302 and response["Location"] == "/thi-sinh/dang-nhap/"
    assert client.cookies["django_language"].value == "en"
    page = client.get("/thi-sinh/dang-nhap/").content.decode()
    assert '<html lang="en">' in page
    assert 'aria-current="true">English<' in page
    client.post(SWITCH, {"language": "vi", "next": "/"})
    assert '<html lang="vi">' in client.get("/").content.decode()


def test_bad_language_or_next_changes_nothing():
    client = Client()
    response = client.post(SWITCH, {"language": "xx", "next": "https://evil.example/"})
    assert response.status_code == 302 and response["Location"] == "/"
    assert "django_language" not in client.cookies
    assert client.get(SWITCH).status_code == 405


def test_contest_pages_show_the_support_contact(tree, organisers):
    from tests.factories import ContestFactory

    contest = ContestFactory(slug="lien-he", owner_unit=tree["A"], participation_root=tree["A"])
    page = Client().get(f"/cuoc-thi/{contest.slug}/").content.decode()
    assert 'id="support-contact"' not in page  # no organiser e-mail known yet
    organisers["a"].email = "tuphap.quana@example.gov.vn"
    organisers["a"].save(update_fields=["email"])
    # Cached five minutes: shown once the cache has turned over.
    assert 'id="support-contact"' not in Client().get(f"/cuoc-thi/{contest.slug}/").content.decode()
    cache.clear()
    page = Client().get(f"/cuoc-thi/{contest.slug}/").content.decode()
    assert 'id="support-contact"' in page
    assert "Quận A" in page and "mailto:tuphap.quana@example.gov.vn" in page
    # Pages without a contest show none.
    assert 'id="support-contact"' not in Client().get("/thi-sinh/dang-nhap/").content.decode()


def test_the_contests_own_support_contact_comes_first(tree, organisers):
    from tests.factories import ContestFactory

    organisers["a"].email = "tuphap.quana@example.gov.vn"
    organisers["a"].save(update_fields=["email"])
    contest = ContestFactory(
        slug="ho-tro",
        owner_unit=tree["A"],
        participation_root=tree["A"],
        support_phone="024 3856 1234",
        support_email="hotro@example.gov.vn",
    )
    cache.clear()
    page = Client().get(f"/cuoc-thi/{contest.slug}/").content.decode()
    assert 'href="tel:024 3856 1234"' in page
    assert "mailto:hotro@example.gov.vn" in page
    assert "tuphap.quana" not in page
