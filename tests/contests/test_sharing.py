"""Sharing: Open Graph and Twitter-card tags with absolute URLs on the home page, the contest
page and a registration opened from an invite link; the share image (a 1200×630 PNG of the
contest's public facts, versioned by what it shows); the Zalo and Facebook links."""

import datetime
import io
import re
from html import unescape
from urllib.parse import quote

import pytest
from django.core.cache import cache
from PIL import Image

from contests.models import Contest
from contests.share import contest_card
from participants.invites import invite_token
from tests.factories import ContestFactory

HANOI = datetime.timezone(datetime.timedelta(hours=7))


@pytest.fixture(autouse=True)
def _clean_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def contest(tree):
    return ContestFactory(
        slug="tim-hieu-dinh-danh",
        title="Cuộc thi “Tìm hiểu Nghị định 59/2022/NĐ-CP” & định danh điện tử",
        owner_unit=tree["C"],
        participation_root=tree["C"],
        opens_at=datetime.datetime(2023, 9, 1, 0, 0, tzinfo=HANOI),
        closes_at=datetime.datetime(2099, 10, 1, 0, 0, tzinfo=HANOI),
    )


def meta(html: str) -> dict[str, str]:
    tags = re.findall(r'<meta (?:property|name)="([^"]+)" content="([^"]*)">', html)
    return {name: unescape(value) for name, value in tags}


@pytest.mark.django_db
def test_home_has_the_site_tags_with_absolute_urls(client):
    tags = meta(client.get("/").content.decode())
    version = re.fullmatch(
        r"http://testserver/anh-chia-se\.png\?v=([0-9a-f]{16})", tags["og:image"]
    )
    assert version is not None
    assert tags["og:url"] == "http://testserver/"
    assert tags["og:title"] == tags["twitter:title"] == "Cuộc thi trực tuyến tìm hiểu pháp luật"
    assert tags["og:description"] == (
        "Đăng ký một lần, làm bài trắc nghiệm trên điện thoại hoặc máy tính, xem kết quả ngay "
        "khi Ban Tổ chức công bố."
    )
    assert tags["twitter:card"] == "summary_large_image"
    assert tags["twitter:image"] == tags["og:image"]
    assert (tags["og:image:width"], tags["og:image:height"]) == ("1200", "630")


@pytest.mark.django_db
def test_contest_page_tags_and_share_links(contest, client):
    response = client.get("/cuoc-thi/tim-hieu-dinh-danh/?utm_source=zalo")
    html = response.content.decode()
    tags = meta(html)
    assert tags["og:title"] == contest.title
    assert tags["og:url"] == "http://testserver/cuoc-thi/tim-hieu-dinh-danh/"
    assert tags["og:image"] == (
        "http://testserver/cuoc-thi/tim-hieu-dinh-danh/anh-chia-se.png?v="
        + contest_card(contest).version
    )
    assert tags["og:description"] == (
        "Thành phố tổ chức, từ 0 giờ ngày 01/09/2023 đến 24 giờ ngày 30/09/2099. Đăng ký và "
        "làm bài trắc nghiệm trực tuyến trên điện thoại hoặc máy tính."
    )
    assert tags["twitter:card"] == "summary_large_image"
    page_url = quote("http://testserver/cuoc-thi/tim-hieu-dinh-danh/", safe="")
    links = dict(re.findall(r'class="btn btn-outline-primary share-(\w+)" href="([^"]+)"', html))
    assert {k: unescape(v) for k, v in links.items()} == {
        "zalo": f"https://sp.zalo.me/share_inline?url={page_url}",
        "facebook": f"https://www.facebook.com/sharer/sharer.php?u={page_url}",
    }
    assert 'value="http://testserver/cuoc-thi/tim-hieu-dinh-danh/" readonly' in html
    assert "Sao chép liên kết" in html
    assert '<script src="/static/js/share.js" defer></script>' in html
    # Plain links, no SDK: nothing from zalo.me or facebook.com is loaded by the page.
    assert not re.search(r'<script[^>]+src="https?://', html)


@pytest.mark.django_db
def test_share_image_is_a_1200x630_png_cached_by_what_it_shows(contest, client):
    version = contest_card(contest).version
    url = "/cuoc-thi/tim-hieu-dinh-danh/anh-chia-se.png"
    response = client.get(f"{url}?v={version}")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["Cache-Control"] == "public, max-age=604800, immutable"
    assert response["ETag"] == f'"{version}"'
    image = Image.open(io.BytesIO(response.content))
    assert (image.format, image.size) == ("PNG", (1200, 630))
    # Any other address of it is kept only briefly (it shows whatever is current).
    assert client.get(url)["Cache-Control"] == "public, max-age=300"
    # What it shows: the contest's public facts, nothing about a person.
    card = contest_card(contest)
    assert (card.title, card.lines, card.footer) == (
        contest.title,
        ("Từ 0 giờ ngày 01/09/2023 đến 24 giờ ngày 30/09/2099",),
        "Đơn vị tổ chức: Thành phố",
    )
    # A new title is a new image, under a new version.
    Contest.objects.filter(pk=contest.pk).update(title="Cuộc thi tìm hiểu Luật Căn cước")
    contest.refresh_from_db()
    assert contest_card(contest).version != version
    cache.clear()  # the public page's cache
    second = client.get(url)
    assert second["ETag"] == f'"{contest_card(contest).version}"'
    assert second.content != response.content


@pytest.mark.django_db
def test_site_image_and_unknown_or_draft_contest(tree, client):
    response = client.get("/anh-chia-se.png")
    assert (response.status_code, response["Content-Type"]) == (200, "image/png")
    assert Image.open(io.BytesIO(response.content)).size == (1200, 630)
    ContestFactory(slug="nhap", owner_unit=tree["C"], participation_root=tree["C"], status="draft")
    assert client.get("/cuoc-thi/nhap/anh-chia-se.png").status_code == 404
    assert client.get("/cuoc-thi/khong-co/anh-chia-se.png").status_code == 404
    assert client.post("/anh-chia-se.png").status_code == 405


@pytest.mark.django_db
def test_registration_from_an_invite_link_shares_the_link_itself(contest, tree, client):
    token = invite_token(contest_id=contest.pk, unit_id=tree["A-1"].pk)
    tags = meta(client.get(f"/thi-sinh/dang-ky/?moi={token}").content.decode())
    # og:url keeps the token: a shared invite still counts for its unit.
    assert tags["og:url"] == f"http://testserver/thi-sinh/dang-ky/?moi={token}"
    assert tags["og:title"] == "Mời cán bộ, nhân dân Phường A1 đăng ký dự thi"
    assert tags["og:description"] == contest.title
    assert tags["og:image"].startswith(
        "http://testserver/cuoc-thi/tim-hieu-dinh-danh/anh-chia-se.png?v="
    )
