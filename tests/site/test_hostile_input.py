"""Hostile values never give a 500 (issue 12, item 6): NUL bytes and other control characters
in the path, a query string or a form; JSON nested 5,000 deep; tampered admin action ids and
date hierarchy years; ids beyond bigint; digits that are not ASCII. Each case answered 500 (or
opened the wrong row) before `contest_site.middleware.HostileInputMiddleware` and
`contest_site.untrusted`."""

import pytest
from django.test import Client
from django.urls import reverse

from contest_site.untrusted import JsonRefused, loads_bounded, parse_id
from contests.models import Contest
from tests.factories import ContestFactory
from tests.scoring import exam_support as support
from tests.scoring.exam_support import Person

clean_cache_and_broker = support.clean_cache_and_broker
exam = support.exam
registration = support.registration
user = support.user

pytestmark = pytest.mark.django_db

BAD_REQUEST_PAGE = "Dữ liệu gửi lên không hợp lệ. Vui lòng quay lại và thử lại."
ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
BEYOND_BIGINT = str(10**20)


def staff_client(user) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


@pytest.fixture
def contest(tree):
    return ContestFactory(owner_unit=tree["C"], participation_root=tree["C"])


# (name, method, url template, data): {slug} and {pk} are the contest's.
STAFF_CASES = [
    ("dashboard unit NUL", "get", "/bao-cao/{slug}/?unit=%00", None),
    ("dashboard unit NUL inside", "get", "/bao-cao/{slug}/?unit=A%00", None),
    ("dashboard date NUL", "get", "/bao-cao/{slug}/?tu=01/09/2023%00", None),
    ("dashboard key NUL", "get", "/bao-cao/{slug}/?un%00it=A", None),
    ("summary unit NUL", "get", "/bao-cao/{slug}/tom-tat/?unit=%00", None),
    ("export unit NUL", "post", "/bao-cao/{slug}/xuat-excel/", {"unit": "A\x00", "kind": "x"}),
    ("admin list filter NUL", "get", "/quan-tri/contests/contest/?status=%00", None),
    ("admin search NUL", "get", "/quan-tri/contests/contest/?q=a%00", None),
    ("admin filter control char", "get", "/quan-tri/contests/contest/?status=%01", None),
    (
        "admin date hierarchy 10^30",
        "get",
        f"/quan-tri/scoring/attempt/?started_at__year={10**30}",
        None,
    ),
    ("admin date hierarchy 9999", "get", "/quan-tri/scoring/attempt/?started_at__year=9999", None),
    (
        "admin date hierarchy month",
        "get",
        "/quan-tri/scoring/attempt/?started_at__year=2024&started_at__month=99999999999999999999",
        None,
    ),
    ("admin date hierarchy ١", "get", "/quan-tri/scoring/attempt/?started_at__year=٢٠٢٤", None),
    ("admin action id letters", "post", "/quan-tri/contests/contest/", "abc"),
    ("admin action id beyond bigint", "post", "/quan-tri/contests/contest/", BEYOND_BIGINT),
    ("admin action id Arabic-Indic", "post", "/quan-tri/contests/contest/", "{arabic}"),
    ("admin action id NUL", "post", "/quan-tri/contests/contest/", "{pk}\x00"),
    ("dashboard round Arabic-Indic", "get", "/bao-cao/{slug}/?vong=١", None),
    ("admin list page full-width", "get", "/quan-tri/contests/contest/?p=２", None),
    # A number field of an admin form: Django's IntegerField read "١٤" as 14.
    ("admin form number Arabic-Indic", "post", "/quan-tri/contests/contest/{pk}/change/", {}),
]


@pytest.mark.parametrize(
    ("name", "method", "url", "data"), STAFF_CASES, ids=[c[0] for c in STAFF_CASES]
)
def test_hostile_staff_request_is_400_and_changes_nothing(
    organisers, contest, name, method, url, data
):
    client = staff_client(organisers["root"])
    fill = {
        "slug": contest.slug,
        "pk": contest.pk,
        "arabic": str(contest.pk).translate(ARABIC_INDIC),
    }
    url = url.format(**fill)
    if method == "post" and data == {}:
        data = {"title": contest.title, "min_age": "١٢", "attempts_allowed": "٣"}
    elif method == "post" and isinstance(data, str):
        # An admin action on the contest list with a tampered checkbox value.
        data = {"action": "close_selected", "_selected_action": data.format(**fill)}
    response = client.get(url) if method == "get" else client.post(url, data)
    assert response.status_code == 400, response.content[:300]
    assert BAD_REQUEST_PAGE in response.content.decode()
    contest.refresh_from_db()
    assert contest.status == Contest.Status.PUBLISHED
    assert contest.min_age == 14


def test_admin_action_with_a_real_id_still_works(organisers, contest):
    response = staff_client(organisers["root"]).post(
        "/quan-tri/contests/contest/",
        {"action": "close_selected", "_selected_action": str(contest.pk)},
    )
    # The admin ran the action (a contest still open is not closed: its own message).
    assert response.status_code == 302


def test_admin_date_hierarchy_with_a_plausible_year_still_works(organisers):
    response = staff_client(organisers["root"]).get(
        "/quan-tri/scoring/attempt/?started_at__year=2024"
    )
    assert response.status_code == 200


# (name, url template): a URL whose id is not an id is a 404, like a row that does not exist.
NOT_FOUND_CASES = [
    ("admin change Arabic-Indic id", "/quan-tri/contests/contest/{arabic}/change/"),
    ("admin change id beyond bigint", f"/quan-tri/contests/contest/{BEYOND_BIGINT}/change/"),
    ("admin history id beyond bigint", f"/quan-tri/contests/contest/{BEYOND_BIGINT}/history/"),
    ("admin change superscript id", "/quan-tri/contests/contest/²/change/"),
    ("export job beyond bigint", f"/bao-cao/tep-xuat/{BEYOND_BIGINT}/"),
    ("export download beyond bigint", f"/bao-cao/tep-xuat/{BEYOND_BIGINT}/tai-ve/"),
    ("unit children beyond bigint", f"/thi-sinh/don-vi/{BEYOND_BIGINT}/con/"),
]


@pytest.mark.parametrize(("name", "url"), NOT_FOUND_CASES, ids=[c[0] for c in NOT_FOUND_CASES])
def test_an_id_that_is_not_an_id_is_404(organisers, contest, name, url):
    client = staff_client(organisers["root"])
    url = url.format(arabic=str(contest.pk).translate(ARABIC_INDIC))
    assert client.get(url).status_code == 404


def test_admin_change_with_the_ascii_id_still_opens(organisers, contest):
    response = staff_client(organisers["root"]).get(
        f"/quan-tri/contests/contest/{contest.pk}/change/"
    )
    assert response.status_code == 200


# Public pages: path, query key and form field.
PUBLIC_CASES = [
    ("path NUL", "get", "/cuoc-thi/a%00b/", None),
    ("path control char", "get", "/cuoc-thi/a%1bb/", None),
    ("query value NUL", "get", "/cuoc-thi/?page=%00", None),
    ("query key NUL", "get", "/?%00=1", None),
    (
        "login form NUL",
        "post",
        "/thi-sinh/dang-nhap/",
        {"username": "0010871234\x00", "password": "x"},
    ),
    ("login form key NUL", "post", "/thi-sinh/dang-nhap/", {"user\x00name": "a", "password": "x"}),
]


@pytest.mark.parametrize(
    ("name", "method", "url", "data"), PUBLIC_CASES, ids=[c[0] for c in PUBLIC_CASES]
)
def test_hostile_public_request_is_400(db, name, method, url, data):
    client = Client(raise_request_exception=False)
    response = client.get(url) if method == "get" else client.post(url, data)
    assert response.status_code == 400
    assert BAD_REQUEST_PAGE in response.content.decode()


def test_tab_and_newline_in_a_form_body_are_not_hostile(db):
    response = Client(raise_request_exception=False).post(
        "/thi-sinh/dang-nhap/", {"username": "a\tb", "password": "line\r\nbreak"}
    )
    assert response.status_code == 200


def _started_attempt_url(person, exam):
    assert person.start(exam.slug).status_code == 302
    from scoring.models import Attempt

    return reverse("scoring:autosave", args=[Attempt.objects.get().pk])


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("[" * 5000 + "]" * 5000, "Dữ liệu gửi lên lồng nhau quá sâu."),
        ('{"answers": ' + "{" * 5000 + "}" * 5000 + "}", "Dữ liệu gửi lên lồng nhau quá sâu."),
        ('{"answers": {}, "x": "' + "a" * 70_000 + '"}', "Dữ liệu gửi lên quá lớn."),
        ('{"answers": {"\\u0000": 1}}', "Dữ liệu gửi lên không hợp lệ."),
    ],
    ids=["deep array", "deep answers", "too large", "NUL escape"],
)
def test_autosave_refuses_hostile_json_with_a_vietnamese_message(exam, user, body, message):
    person = Person(user)
    url = _started_attempt_url(person, exam)
    person.client.raise_request_exception = False
    response = person.client.post(
        url, body, content_type="application/json", HTTP_X_CSRFTOKEN=person.token
    )
    assert response.status_code == 400
    assert response.json() == {"ok": False, "error": message}


# --- the helpers themselves --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("1", 1),
        ("007", 7),
        ("999999999999999999", 999999999999999999),
        ("9223372036854775807", None),
        (BEYOND_BIGINT, None),
        ("١", None),
        ("²", None),
        ("1²", None),
        (" 1", None),
        ("1 ", None),
        ("+1", None),
        ("-1", None),
        ("1_0", None),
        ("", None),
        ("1\x00", None),
        (None, None),
        (True, None),
        (5, 5),
        (-5, None),
        (10**20, None),
    ],
)
def test_parse_id_accepts_ascii_digits_only(value, expected):
    assert parse_id(value) == expected


def test_loads_bounded_accepts_what_the_page_sends():
    assert loads_bounded(b'{"answers": {"12": 3}, "prediction": "52.812"}') == {
        "answers": {"12": 3},
        "prediction": "52.812",
    }
    # Brackets inside strings are not nesting.
    assert loads_bounded('{"a": "' + "[" * 100 + '"}', max_depth=2) == {"a": "[" * 100}
    assert loads_bounded("[[[]]]", max_depth=3) == [[[]]]
    with pytest.raises(JsonRefused, match="^Dữ liệu gửi lên lồng nhau quá sâu.$"):
        loads_bounded("[[[[]]]]", max_depth=3)
    with pytest.raises(JsonRefused, match="^Dữ liệu gửi lên không hợp lệ.$"):
        loads_bounded(b"\xff\xfe")


# --- ASCII digits only where ids and numbers are read ------------------------------------------


def test_autosave_refuses_an_option_id_in_arabic_indic_digits(exam, user):
    from scoring.models import Attempt

    person = Person(user)
    url = _started_attempt_url(person, exam)
    item = Attempt.objects.get().items[0]
    arabic = str(item["o"][0]).translate(ARABIC_INDIC)
    for value in (arabic, float(item["o"][0]) + 0.5):
        response = person.post_json(url, {"answers": {str(item["q"]): value}})
        assert response.status_code == 400
        assert response.json()["error"] == "Phương án trả lời không hợp lệ."
    assert Attempt.objects.get().answers == {}


def test_autosave_refuses_a_prediction_in_arabic_indic_digits(exam, user):
    from scoring.models import Attempt

    person = Person(user)
    url = _started_attempt_url(person, exam)
    response = person.post_json(url, {"answers": {}, "prediction": "٥٢٨١٢"})
    assert response.status_code == 400
    assert Attempt.objects.get().prediction is None
