"""Prize tiers entered on the contest page (issue 19) through the real admin: a structure and
its tiers saved in one post, edited and removed there; every bad row reported together; a
collective tier without a unit kind refused, on the contest page and on the structure's own
page, with nothing written; a district reading the city's contest sees the tiers as text."""

import pytest
from django.urls import reverse

from contests.models import Contest, PrizeStructure, PrizeTier
from tests.contests.helpers import form_fields
from tests.factories import ContestFactory

pytestmark = pytest.mark.django_db

PREFIX = "prize_structures"
COLLECTIVE_REFUSED = (
    "Cơ cấu có giải tập thể: hãy chọn «giải tập thể xét cho loại đơn vị» (ví dụ "
    "Phường/Xã/Thị trấn); để trống thì giải tập thể không được trao cho đơn vị nào."
)


@pytest.fixture
def contest(tree):
    return ContestFactory(
        owner_unit=tree["C"],
        participation_root=tree["C"],
        title="Tìm hiểu Luật Căn cước",
        status=Contest.Status.DRAFT,
    )


def _url(contest):
    return reverse("admin:contests_contest_change", args=[contest.pk])


def _with_new_structure(client, contest, structure: dict, tiers: list[tuple]) -> dict:
    """The contest page's fields as a browser sends them after "Thêm cơ cấu giải thưởng":
    the empty form's fields copied to the next index (what Django's inlines.js does)."""
    data = form_fields(client.get(_url(contest)), "contest_form")
    index = int(data[f"{PREFIX}-TOTAL_FORMS"])
    for name, value in list(data.items()):
        if name.startswith(f"{PREFIX}-__prefix__-"):
            data[name.replace("__prefix__", str(index))] = value
    data[f"{PREFIX}-TOTAL_FORMS"] = str(index + 1)
    new = f"{PREFIX}-{index}"
    data.update({f"{new}-{key}": value for key, value in structure.items()})
    for row, (kind, rank, name, count, amount) in enumerate(tiers):
        data.update(
            {
                f"{new}-tier_rows-{row}-kind": kind,
                f"{new}-tier_rows-{row}-rank_order": rank,
                f"{new}-tier_rows-{row}-name": name,
                f"{new}-tier_rows-{row}-count": count,
                f"{new}-tier_rows-{row}-amount": amount,
            }
        )
    return data


def _tiers(structure):
    return list(
        structure.tiers.order_by("kind", "rank_order").values_list(
            "kind", "rank_order", "name", "count", "amount"
        )
    )


def _errors(response) -> list[str]:
    return [
        str(error)
        for formset in response.context["inline_admin_formsets"]
        for form_errors in formset.formset.errors
        for messages in form_errors.values()
        for error in messages
    ]


DISTRICT_PRIZES = [
    ("individual", "1", "Nhất", "2", "3.000.000"),
    ("individual", "2", "Nhì", "4", "1 500 000"),
    ("individual", "", "Ba", "10", "1000000"),  # rank left empty: the next one, 3
]


def test_structure_and_its_tiers_are_saved_from_the_contest_page(contest, organisers, client):
    client.force_login(organisers["city"])
    page = client.get(_url(contest)).content.decode()
    assert f'name="{PREFIX}-__prefix__-tier_rows-0-name"' in page  # the editor in the new row
    assert "Lưu rồi bấm" not in page  # no second page to go to any more
    data = _with_new_structure(
        client,
        contest,
        {"title": "Giải cấp Thành phố", "basis": "mc", "one_prize_per": "round"},
        DISTRICT_PRIZES,
    )
    response = client.post(_url(contest), data)
    assert response.status_code == 302, _errors(response)
    structure = PrizeStructure.objects.get(contest=contest)
    assert structure.title == "Giải cấp Thành phố"
    assert _tiers(structure) == [
        ("individual", 1, "Nhất", 2, 3_000_000),
        ("individual", 2, "Nhì", 4, 1_500_000),
        ("individual", 3, "Ba", 10, 1_000_000),
    ]

    # Shown again with its rows (amounts with thousands dots) and three blank ones.
    data = form_fields(client.get(_url(contest)), "contest_form")
    assert data[f"{PREFIX}-0-tier_rows-rows"] == "6"
    assert data[f"{PREFIX}-0-tier_rows-0-amount"] == "3.000.000"
    assert data[f"{PREFIX}-0-tier_rows-2-rank_order"] == "3"
    assert data[f"{PREFIX}-0-tier_rows-5-name"] == ""

    # Edited in place: one count changed, "Nhì" removed by clearing its row, a collective
    # tier added together with the unit kind it ranks.
    first_id = structure.tiers.get(rank_order=1).pk
    data[f"{PREFIX}-0-tier_rows-0-count"] = "3"
    for column in ("rank_order", "name", "count", "amount"):
        data[f"{PREFIX}-0-tier_rows-1-{column}"] = ""
    data.update(
        {
            f"{PREFIX}-0-collective_unit_kind": "ward",
            f"{PREFIX}-0-tier_rows-3-kind": "collective",
            f"{PREFIX}-0-tier_rows-3-rank_order": "1",
            f"{PREFIX}-0-tier_rows-3-name": "Nhất",
            f"{PREFIX}-0-tier_rows-3-count": "1",
            f"{PREFIX}-0-tier_rows-3-amount": "5.000.000",
        }
    )
    response = client.post(_url(contest), data)
    assert response.status_code == 302, _errors(response)
    assert _tiers(structure) == [
        ("collective", 1, "Nhất", 1, 5_000_000),
        ("individual", 1, "Nhất", 3, 3_000_000),
        ("individual", 3, "Ba", 10, 1_000_000),
    ]
    assert structure.tiers.get(kind="individual", rank_order=1).pk == first_id


def test_every_bad_row_is_reported_and_nothing_is_written(contest, organisers, client):
    client.force_login(organisers["city"])
    data = _with_new_structure(
        client,
        contest,
        {"title": "Giải cấp Thành phố", "basis": "mc", "one_prize_per": "round"},
        [
            ("individual", "1", "Nhất", "0", "3.000.000"),
            ("individual", "1", "", "2", "một triệu"),
            ("hạng sang", "x", "Ba", "2", "500000"),
        ],
    )
    response = client.post(_url(contest), data)
    assert response.status_code == 200
    assert _errors(response) == [
        "Giải dòng 1: số giải phải là số nguyên từ 1 trở lên.",
        "Giải dòng 2: thiếu tên giải (ví dụ: Nhất, Nhì, Ba, Khuyến khích).",
        "Giải dòng 2: trị giá mỗi giải phải là số tiền (đồng), ví dụ 3.000.000.",
        "Giải dòng 2: thứ hạng 1 của giải cá nhân trùng với dòng 1.",
        "Giải dòng 3: chọn loại giải (cá nhân hoặc tập thể).",
        "Giải dòng 3: thứ hạng phải là số nguyên từ 1 (giải Nhất) trở lên.",
    ]
    assert not PrizeStructure.objects.exists()
    # What was typed is shown again, to be corrected rather than retyped.
    assert 'value="một triệu"' in response.content.decode()


def test_collective_tier_without_unit_kind_is_refused(contest, organisers, client):
    client.force_login(organisers["city"])
    data = _with_new_structure(
        client,
        contest,
        {"title": "Giải tập thể", "basis": "mc", "one_prize_per": "round"},
        [("collective", "1", "Nhất", "1", "5.000.000")],
    )
    response = client.post(_url(contest), data)
    assert response.status_code == 200
    assert _errors(response) == [COLLECTIVE_REFUSED]
    assert not PrizeStructure.objects.exists()

    data[f"{PREFIX}-0-collective_unit_kind"] = "district"
    response = client.post(_url(contest), data)
    assert response.status_code == 302, _errors(response)
    structure = PrizeStructure.objects.get(contest=contest)
    assert (structure.collective_unit_kind, _tiers(structure)) == (
        "district",
        [("collective", 1, "Nhất", 1, 5_000_000)],
    )


def test_clearing_the_unit_kind_of_a_structure_with_collective_tiers_is_refused(
    contest, organisers, client
):
    structure = PrizeStructure.objects.create(
        contest=contest, title="Giải tập thể", collective_unit_kind="ward"
    )
    PrizeTier.objects.create(
        structure=structure, kind="collective", rank_order=1, name="Nhất", count=1, amount=5
    )
    client.force_login(organisers["city"])
    data = form_fields(client.get(_url(contest)), "contest_form")
    data[f"{PREFIX}-0-collective_unit_kind"] = ""
    response = client.post(_url(contest), data)
    assert _errors(response) == [COLLECTIVE_REFUSED]
    # A post without the editor (another client) is checked against the tiers as they are.
    for name in [n for n in data if "-tier_rows-" in n]:
        del data[name]
    response = client.post(_url(contest), data)
    assert _errors(response) == [COLLECTIVE_REFUSED]
    structure.refresh_from_db()
    assert structure.collective_unit_kind == "ward"


def test_a_post_without_the_editor_keeps_the_tiers(contest, organisers, client):
    structure = PrizeStructure.objects.create(contest=contest, title="Giải")
    PrizeTier.objects.create(
        structure=structure, kind="individual", rank_order=1, name="Nhất", count=1, amount=9
    )
    client.force_login(organisers["city"])
    data = form_fields(client.get(_url(contest)), "contest_form")
    for name in [n for n in data if "-tier_rows-" in n]:
        del data[name]
    data[f"{PREFIX}-0-title"] = "Giải chung"
    assert client.post(_url(contest), data).status_code == 302
    structure.refresh_from_db()
    assert structure.title == "Giải chung"
    assert _tiers(structure) == [("individual", 1, "Nhất", 1, 9)]


def test_structure_page_refuses_a_collective_tier_without_unit_kind(contest, organisers, client):
    client.force_login(organisers["city"])
    url = reverse("admin:contests_prizestructure_add")
    data = form_fields(client.get(url), "prizestructure_form")
    data.update(
        {
            "contest": contest.pk,
            "title": "Giải tập thể",
            "tiers-TOTAL_FORMS": "1",
            "tiers-0-kind": "collective",
            "tiers-0-rank_order": "1",
            "tiers-0-name": "Nhất",
            "tiers-0-count": "1",
            "tiers-0-amount": "5000000",
        }
    )
    response = client.post(url, data)
    assert response.status_code == 200
    (formset,) = response.context["inline_admin_formsets"]
    assert formset.formset.non_form_errors() == [COLLECTIVE_REFUSED]
    assert not PrizeStructure.objects.exists()
    data["collective_unit_kind"] = "ward"
    assert client.post(url, data).status_code == 302
    assert PrizeStructure.objects.get().tiers.count() == 1


def test_district_reads_the_city_contests_tiers_as_text(contest, tree, organisers, client):
    Contest.objects.filter(pk=contest.pk).update(status=Contest.Status.PUBLISHED)
    structure = PrizeStructure.objects.create(contest=contest, title="Giải cấp Thành phố")
    PrizeTier.objects.create(
        structure=structure, kind="individual", rank_order=1, name="Nhất", count=2, amount=3
    )
    client.force_login(organisers["a"])
    page = client.get(_url(contest)).content.decode()
    assert "tier_rows" not in page
    assert "Cá nhân Nhất: 2 × 3" in page
