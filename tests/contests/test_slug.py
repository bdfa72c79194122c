"""A contest's address from its Vietnamese title: every letter transliterated (đ → d, ơ → o,
ư → u, ể → e…), never dropped; filled on the server when the organiser leaves it blank."""

import pytest
from django.urls import reverse

from contests.models import Contest
from contests.slugs import unique_slug, vn_slugify
from tests.contests.helpers import form_fields


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        ("Tìm hiểu Luật Hòa giải ở cơ sở", "tim-hieu-luat-hoa-giai-o-co-so"),
        (
            "Tìm hiểu pháp luật về định danh điện tử và dịch vụ công trực tuyến",
            "tim-hieu-phap-luat-ve-dinh-danh-dien-tu-va-dich-vu-cong-truc-tuyen",
        ),
        ("ĐƯỜNG ĐẾN THÀNH CÔNG", "duong-den-thanh-cong"),
        ("Nghị định 59/2022/NĐ-CP", "nghi-dinh-592022nd-cp"),
        ("Luật Thi hành án dân sự – Bắc Giang 2023", "luat-thi-hanh-an-dan-su-bac-giang-2023"),
        ("Ăn quả nhớ kẻ trồng cây; ưu tiên!", "an-qua-nho-ke-trong-cay-uu-tien"),
        ("Thừa Thiên Huế: bầu cử đại biểu", "thua-thien-hue-bau-cu-dai-bieu"),
        ("Quyền và nghĩa vụ của người thuê trọ", "quyen-va-nghia-vu-cua-nguoi-thue-tro"),
        ("  Ỷ lại, ỹ, ỵ, ữ, ự, ợ, ớ, ẫ, ặ  ", "y-lai-y-y-u-u-o-o-a-a"),
        ("!!!", ""),
    ],
)
def test_vn_slugify(title, slug):
    assert vn_slugify(title) == slug


def test_vn_slugify_cut_never_ends_in_a_hyphen():
    assert vn_slugify("Hòa giải ở cơ sở", max_length=9) == "hoa-giai"


def test_unique_slug_adds_a_number():
    taken = {"hoa-giai", "hoa-giai-2"}
    assert unique_slug("hoa-giai", taken=taken.__contains__) == "hoa-giai-3"
    assert unique_slug("hoa-giai-o-co-so", taken=set().__contains__) == "hoa-giai-o-co-so"
    assert unique_slug("hoa-giai", taken=taken.__contains__, max_length=9) == "hoa-gia-2"


def _add(client, tree, *, title, slug=""):
    url = reverse("admin:contests_contest_add")
    data = form_fields(client.get(url), "contest_form")
    data.update(
        {
            "owner_unit": tree["C"].pk,
            "participation_root": tree["C"].pk,
            "title": title,
            "slug": slug,
            "opens_at_0": "01/07/2030",
            "opens_at_1": "00:00",
            "closes_at_0": "1/9/2030",
            "closes_at_1": "24:00",
            "min_age": "14",
        }
    )
    return client.post(url, data)


def test_admin_fills_a_blank_slug_from_the_title(organisers, tree, client):
    client.force_login(organisers["city"])
    page = client.get(reverse("admin:contests_contest_add")).content.decode()
    # No prepopulated slug: Django's script would drop the Vietnamese letters.
    assert "#id_slug" not in page
    assert "Để trống thì tạo tự động từ tên cuộc thi" in page
    for _ in range(2):
        response = _add(client, tree, title="Tìm hiểu Luật Hòa giải ở cơ sở")
        assert response.status_code == 302, response.context["adminform"].form.errors
    assert list(Contest.objects.order_by("id").values_list("slug", flat=True)) == [
        "tim-hieu-luat-hoa-giai-o-co-so",
        "tim-hieu-luat-hoa-giai-o-co-so-2",
    ]


def test_admin_keeps_a_typed_slug(organisers, tree, client):
    client.force_login(organisers["city"])
    response = _add(client, tree, title="Tìm hiểu Luật Hòa giải ở cơ sở", slug="hoa-giai-2030")
    assert response.status_code == 302
    assert Contest.objects.get().slug == "hoa-giai-2030"


def test_admin_title_without_letters_asks_for_a_slug(organisers, tree, client):
    client.force_login(organisers["city"])
    response = _add(client, tree, title="!!!")
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["slug"] == [
        "Không tạo được đường dẫn từ tên cuộc thi: hãy nhập đường dẫn (chữ không dấu, chữ số, "
        "dấu gạch ngang)."
    ]
    assert not Contest.objects.exists()


def test_slug_is_read_only_once_published(organisers, tree, client):
    # Invite links and QR posters carry the address: publishing freezes it.
    client.force_login(organisers["city"])
    assert _add(client, tree, title="Tìm hiểu Luật Hòa giải ở cơ sở").status_code == 302
    contest = Contest.objects.get()
    url = reverse("admin:contests_contest_change", args=[contest.pk])
    assert 'name="slug"' in client.get(url).content.decode()
    Contest.objects.filter(pk=contest.pk).update(status=Contest.Status.PUBLISHED)
    assert 'name="slug"' not in client.get(url).content.decode()
