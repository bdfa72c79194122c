"""Open Graph tags on the pages other parts of issue 14 built: results lookup, daily official
board, certificate verification. Absolute URLs, the contest's share image, and nothing about
a person (the certificate's card names the award and the contest, not its holder)."""

import pytest
from django.core.cache import cache
from django.test import Client

from contests.models import Contest
from contests.share import contest_card
from scoring.models import Certificate
from tests.contests.test_sharing import meta
from tests.reports.conftest import small_contest  # noqa: F401  (fixture)
from tests.scoring.test_certificates import make_all, published  # noqa: F401  (fixture)


@pytest.fixture(autouse=True)
def _clean(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    cache.clear()
    yield
    cache.clear()


def image_of(contest) -> str:
    version = contest_card(contest).version
    return f"http://testserver/cuoc-thi/{contest.slug}/anh-chia-se.png?v={version}"


@pytest.mark.django_db
def test_certificate_verification_card_names_no_one(published, organisers):  # noqa: F811
    contest, people = published
    make_all(contest, organisers["city"])
    certificate = Certificate.objects.get(
        registration=people["Trần Thị Ánh"], revoked_at__isnull=True
    )
    path = f"/bai-thi/chung-nhan/{certificate.token}/"
    tags = meta(Client().get(path).content.decode())
    assert tags["og:title"] == (
        "Giấy chứng nhận Giải Nhất — Giải thành phố — Cuộc thi tìm hiểu Luật Căn cước"
    )
    assert tags["og:description"] == (
        f"Xác minh giấy chứng nhận do Thành phố cấp ngày {certificate.issued_on:%d/%m/%Y}."
    )
    assert tags["og:url"] == f"http://testserver{path}"
    assert tags["og:image"] == image_of(contest)
    assert tags["twitter:card"] == "summary_large_image"
    assert not any("Ánh" in value for value in tags.values())


@pytest.mark.django_db
def test_results_lookup_card(published):  # noqa: F811
    contest, _ = published
    path = f"/bai-thi/tra-cuu/{contest.slug}/"
    tags = meta(Client().get(path).content.decode())
    assert tags["og:title"] == "Tra cứu kết quả — Cuộc thi tìm hiểu Luật Căn cước"
    assert tags["og:description"] == (
        "Xem kết quả, thứ hạng và giải thưởng của bạn: đăng nhập, hoặc nhập số giấy tờ và "
        "ngày sinh."
    )
    assert (tags["og:url"], tags["og:image"]) == (f"http://testserver{path}", image_of(contest))


@pytest.mark.django_db
def test_board_card(small_contest):  # noqa: F811
    Contest.objects.filter(pk=small_contest.pk).update(
        board_hour=8, status=Contest.Status.PUBLISHED
    )
    small_contest.refresh_from_db()
    path = f"/bang-tong-sap/{small_contest.slug}/"
    tags = meta(Client().get(path).content.decode())
    assert tags["og:title"] == f"Bảng tổng sắp — {small_contest.title}"
    assert tags["og:description"] == (
        "Số người tham gia, lượt thi và tỷ lệ tham gia của từng đơn vị, chốt mỗi ngày."
    )
    assert (tags["og:url"], tags["og:image"]) == (
        f"http://testserver{path}",
        image_of(small_contest),
    )
