"""Unit pickers (issue 19) through the real admin: the admin's autocomplete searches units by
name or code inside the organiser's subtree only, names each by its path (its ancestors read
in one query for the whole page), answers hostile query strings with a 4xx and never another
district's unit; add forms start at the organiser's own unit; a unit outside the subtree
cannot be posted. The path rule itself as a table."""

import pytest
from django.contrib import admin
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from contests.models import Contest, Unit
from contests.rules.unit_paths import ancestor_paths, ancestor_paths_of, path_label
from tests.contests.helpers import form_fields

AUTOCOMPLETE = "/quan-tri/autocomplete/"
CONTEST_OWNER = {"app_label": "contests", "model_name": "contest", "field_name": "owner_unit"}


# --- The rule --------------------------------------------------------------------------------

NAMES = {"0001": "Thành phố Hà Nội", "00010002": "Quận Thanh Xuân"}


@pytest.mark.parametrize(
    ("path", "ancestors", "label"),
    [
        ("0001", [], "Tên"),
        ("00010002", ["0001"], "Thành phố Hà Nội › Tên"),
        ("000100020003", ["0001", "00010002"], "Thành phố Hà Nội › Quận Thanh Xuân › Tên"),
        # an ancestor not fetched (deleted meanwhile) is left out, not shown as a gap
        ("000100050003", ["0001", "00010005"], "Thành phố Hà Nội › Tên"),
        ("0009", [], "Tên"),
    ],
)
def test_path_label(path, ancestors, label):
    assert ancestor_paths(path, steplen=4) == ancestors
    assert path_label(path, "Tên", names=NAMES, steplen=4) == label


def test_ancestor_paths_of_a_page_are_asked_once_each():
    paths = ["000100020003", "000100020004", "00010005", "0002"]
    assert ancestor_paths_of(paths, steplen=4) == {"0001", "00010002"}


# --- The autocomplete ------------------------------------------------------------------------


def _search(client, term="", **params):
    return client.get(AUTOCOMPLETE, {**CONTEST_OWNER, "term": term, **params})


def _texts(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [r["text"] for r in response.json()["results"]]


@pytest.mark.django_db
def test_district_searches_its_own_wards_by_name_with_their_path(organisers, client):
    client.force_login(organisers["a"])
    assert _texts(_search(client, "Phường")) == [
        "Thành phố › Khối quận, huyện › Quận A › Phường A1",
        "Thành phố › Khối quận, huyện › Quận A › Phường A2",
    ]
    assert _texts(_search(client, "a2")) == ["Thành phố › Khối quận, huyện › Quận A › Phường A2"]
    # Another district's ward, by name or by code, and the city above: not there at all.
    assert _texts(_search(client, "B1")) == []
    assert _texts(_search(client, "B-1")) == []
    assert _texts(_search(client, "Thành phố")) == []
    assert _texts(_search(client)) == [
        "Thành phố › Khối quận, huyện › Quận A",
        "Thành phố › Khối quận, huyện › Quận A › Phường A1",
        "Thành phố › Khối quận, huyện › Quận A › Phường A2",
    ]


@pytest.mark.django_db
def test_city_searches_the_whole_tree(organisers, client):
    client.force_login(organisers["city"])
    assert _texts(_search(client, "Phường")) == [
        "Thành phố › Khối quận, huyện › Quận A › Phường A1",
        "Thành phố › Khối quận, huyện › Quận A › Phường A2",
        "Thành phố › Khối quận, huyện › Quận B › Phường B1",
    ]
    assert _texts(_search(client, "C-D-1")) == ["Thành phố › Khối Sở, ban, ngành › Sở Giáo dục"]


@pytest.mark.django_db
def test_every_unit_field_offered_by_autocomplete_is_scoped(organisers, tree, client):
    """Whatever source field the query names (any admin's unit picker), a district gets no
    unit outside its subtree."""
    sources = [
        (model._meta.app_label, model._meta.model_name, name)
        for model, model_admin in admin.site._registry.items()
        for name in model_admin.autocomplete_fields
        if model._meta.get_field(name).related_model is Unit
    ]
    assert ("contests", "contest", "participation_root") in sources
    assert ("contests", "prizestructure", "unit") in sources
    client.force_login(organisers["a"])
    subtree = {tree[c].pk for c in ("A", "A-1", "A-2")}
    for app_label, model_name, field_name in sources:
        response = client.get(
            AUTOCOMPLETE,
            {"app_label": app_label, "model_name": model_name, "field_name": field_name},
        )
        assert response.status_code == 200, (model_name, field_name)
        ids = {int(r["id"]) for r in response.json()["results"]}
        assert ids == subtree, (model_name, field_name)


@pytest.mark.django_db
def test_ancestors_of_a_whole_page_are_one_query(organisers, tree, client):
    client.force_login(organisers["city"])
    _search(client, "Phường A1")  # warm the session and the permission caches

    def queries(term):
        with CaptureQueriesContext(connection) as captured:
            response = _search(client, term)
        return len(captured), len(response.json()["results"])

    one, one_count = queries("Phường A1")
    many, many_count = queries("")
    assert (one_count, many_count) == (1, 9)
    assert many == one


HOSTILE = [
    {},
    {"app_label": "contests"},
    {"app_label": "khong-co", "model_name": "contest", "field_name": "owner_unit"},
    {"app_label": "contests", "model_name": "khong-co", "field_name": "owner_unit"},
    {"app_label": "contests", "model_name": "contest", "field_name": "title"},
    {"app_label": "contests", "model_name": "contest", "field_name": "khong_co"},
    {"app_label": "contests", "model_name": "unit", "field_name": "path"},
    {"app_label": "auth", "model_name": "user", "field_name": "groups"},
    {**CONTEST_OWNER, "page": "abc"},
    {**CONTEST_OWNER, "page": "99999999999999999999999"},
    {**CONTEST_OWNER, "page": "-1"},
    {**CONTEST_OWNER, "term": "'; DROP TABLE contests_unit; --"},
    {**CONTEST_OWNER, "term": "%"},
    {**CONTEST_OWNER, "term": "_"},
    {**CONTEST_OWNER, "term": "Phường\u0301" * 200},
    {**CONTEST_OWNER, "term": "\x00"},
    {**CONTEST_OWNER, "term": "B", "field_name": "owner_unit__path"},
]


@pytest.mark.django_db
def test_hostile_query_strings_get_a_clear_refusal_and_no_other_district(organisers, tree, client):
    # One test for the whole list: each case is one request, the tree is built once.
    client.force_login(organisers["a"])
    subtree = {tree[c].pk for c in ("A", "A-1", "A-2")}
    for params in HOSTILE:
        response = client.get(AUTOCOMPLETE, params)
        assert response.status_code in (200, 400, 403, 404), params
        if response.status_code == 200:
            assert {int(r["id"]) for r in response.json()["results"]} <= subtree, params


@pytest.mark.django_db
def test_people_outside_the_admin_get_nothing(tree, client, django_user_model):
    assert client.get(AUTOCOMPLETE, CONTEST_OWNER).status_code == 302  # to the login page
    citizen = django_user_model.objects.create_user(username="thisinh", password="x-123-abc")
    client.force_login(citizen)
    assert client.get(AUTOCOMPLETE, CONTEST_OWNER).status_code == 302


# --- Add forms ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_contest_add_form_starts_at_the_organisers_own_unit(organisers, tree, client):
    client.force_login(organisers["a"])
    response = client.get(reverse("admin:contests_contest_add"))
    data = form_fields(response, "contest_form")
    assert data["owner_unit"] == str(tree["A"].pk)
    assert data["participation_root"] == str(tree["A"].pk)
    page = response.content.decode()
    # The chosen unit is shown with its path, in Django's own select2 widget (no CDN).
    assert "Thành phố › Khối quận, huyện › Quận A</option>" in page
    assert 'data-ajax--url="/quan-tri/autocomplete/"' in page
    assert "admin/js/vendor/select2/select2.full" in page

    client.force_login(organisers["root"])  # a superuser has no unit of their own
    data = form_fields(client.get(reverse("admin:contests_contest_add")), "contest_form")
    assert data["owner_unit"] == ""


def _add_data(client, **changes) -> dict:
    data = form_fields(client.get(reverse("admin:contests_contest_add")), "contest_form")
    data.update(
        {
            "title": "Tìm hiểu Luật Căn cước – Quận A",
            "slug": "can-cuoc-quan-a",
            "opens_at_0": "01/09/2025",
            "opens_at_1": "00:00",
            "closes_at_0": "30/09/2025",
            "closes_at_1": "24:00",
            "min_age": "14",
        }
    )
    data.update(changes)
    return data


@pytest.mark.django_db
def test_district_adds_a_contest_for_one_ward_and_cannot_post_another_district(
    organisers, tree, client
):
    client.force_login(organisers["a"])
    url = reverse("admin:contests_contest_add")
    refused = client.post(url, _add_data(client, participation_root=tree["B-1"].pk))
    assert refused.status_code == 200
    assert list(refused.context["adminform"].form.errors) == ["participation_root"]
    assert not Contest.objects.exists()

    response = client.post(url, _add_data(client, participation_root=tree["A-1"].pk))
    assert response.status_code == 302
    contest = Contest.objects.get()
    assert (contest.owner_unit, contest.participation_root) == (tree["A"], tree["A-1"])


@pytest.mark.django_db
def test_prize_structure_add_form_starts_at_a_districts_unit(organisers, tree, client):
    url = reverse("admin:contests_prizestructure_add")
    client.force_login(organisers["a"])
    assert form_fields(client.get(url), "prizestructure_form")["unit"] == str(tree["A"].pk)
    # The city's own structures are contest-level: no unit to start with.
    client.force_login(organisers["city"])
    assert form_fields(client.get(url), "prizestructure_form")["unit"] == ""
