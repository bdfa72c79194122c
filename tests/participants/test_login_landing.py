"""Where the login page sends someone when no `next` is given: an essay judge to the judges'
page /cham-thi/ (with "Chấm thi" in the header from then on), a citizen to "Cuộc thi của tôi"
as before; a `next` always wins. Through the real login view, CSRF enforced."""

import pytest

from essays.services.judging import judge_add
from participants.rules.landing import landing_url_name
from tests.participants.conftest import PASSWORD, FormClient
from tests.participants.test_login import make_person

URL = "/thi-sinh/dang-nhap/"
JUDGES = "/cham-thi/"
MINE = "/thi-sinh/cuoc-thi-cua-toi/"
NAV_JUDGE = '<a class="nav-link" href="/cham-thi/">Chấm thi</a>'


@pytest.mark.parametrize(
    ("is_judge", "name"),
    [
        (True, "essays_judge:home"),
        (False, "participants:my_contests"),
    ],
)
def test_landing_url_name(is_judge, name):
    assert landing_url_name(is_judge=is_judge, default="participants:my_contests") == name


@pytest.fixture
def judge(tree, organisers):
    return judge_add(
        username="gk.thanhxuan",
        full_name="Trần Văn Giám",
        password=PASSWORD,
        home_unit=tree["A"],
        by=organisers["a"],
    )


@pytest.mark.django_db
def test_a_judge_lands_on_the_judges_page(judge):
    client = FormClient()
    response = client.submit(URL, {"username": "gk.thanhxuan", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == JUDGES
    page = client.get(JUDGES)
    assert page.status_code == 200
    assert NAV_JUDGE in page.content.decode()
    # Logged in already: the login page sends a judge to the same place.
    again = client.get(URL)
    assert again.status_code == 302 and again["Location"] == JUDGES


@pytest.mark.django_db
def test_a_judge_with_next_goes_there(judge):
    client = FormClient()
    response = client.submit(
        URL + "?next=/cuoc-thi/",
        {"username": "gk.thanhxuan", "password": PASSWORD, "next": "/cuoc-thi/"},
    )
    assert response.status_code == 302 and response["Location"] == "/cuoc-thi/"
    # An outside address in `next` is not followed: the judge's own page instead.
    client = FormClient()
    response = client.submit(
        URL, {"username": "gk.thanhxuan", "password": PASSWORD, "next": "https://evil.example/"}
    )
    assert response.status_code == 302 and response["Location"] == JUDGES


@pytest.mark.django_db
def test_a_citizen_lands_on_my_contests_without_the_judges_item():
    make_person()
    client = FormClient()
    response = client.submit(URL, {"username": "0912345678", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == MINE
    html = client.get(MINE).content.decode()
    assert "Cuộc thi của tôi" in html and "Chấm thi" not in html and JUDGES not in html


@pytest.mark.django_db
def test_a_judge_removed_from_the_group_loses_the_item_at_next_login(judge):
    judge.user.groups.clear()
    client = FormClient()
    response = client.submit(URL, {"username": "gk.thanhxuan", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == MINE
