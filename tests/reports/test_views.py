import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse

from reports.models import ExportJob
from reports.services.rollups import rollups_recompute
from tests.conftest import make_organiser


def client_for(user, **kwargs) -> Client:
    client = Client(**kwargs)
    client.force_login(user)
    return client


@pytest.fixture
def rolled(small_contest):
    rollups_recompute(contest=small_contest)
    return small_contest


def dashboard_url(contest, unit=None, **params):
    url = reverse("reports:dashboard", args=[contest.slug])
    query = {"unit": unit, **params} if unit else params
    if query:
        url += "?" + "&".join(f"{k}={v}" for k, v in query.items())
    return url


def test_dashboard_city_shows_vietnamese_figures(rolled, organisers):
    response = client_for(organisers["city"]).get(dashboard_url(rolled))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-figure="registrants">6<' in html
    assert 'data-figure="participants">5<' in html
    assert 'data-figure="attempts">9<' in html
    assert 'data-figure="perfect_attempts">3<' in html
    assert "Khối Sở, ban, ngành" in html
    assert "Từ đủ 14 đến dưới 18 tuổi" in html
    assert "<svg" in html and "Số bài dự thi theo ngày" in html
    # Drill-down links to the children.
    assert "?unit=A" not in html  # districts are below the block, not children of the city
    assert "?unit=C-Q" in html
    # Participation rate against headcount: 5 / 1000.
    assert "0,5%" in html


def test_numbers_use_vietnamese_grouping(rolled, organisers, tree):
    from contests.models import Unit

    Unit.objects.filter(pk=tree["C"].pk).update(headcount=1512991)
    response = client_for(organisers["city"]).get(dashboard_url(rolled))
    assert "5/1.512.991" in response.content.decode()


def test_drill_down_city_district_ward(rolled, organisers):
    client = client_for(organisers["city"])
    html = client.get(dashboard_url(rolled, "A")).content.decode()
    assert 'data-figure="participants">3<' in html
    assert "?unit=A-1" in html and "?unit=A-2" in html
    html = client.get(dashboard_url(rolled, "A-1")).content.decode()
    assert 'data-figure="participants">2<' in html


def test_district_organiser_is_scoped(rolled, organisers):
    client = client_for(organisers["a"])
    # No unit: starts at its own district.
    response = client.get(dashboard_url(rolled))
    assert response.status_code == 200
    assert 'data-figure="participants">3<' in response.content.decode()
    assert client.get(dashboard_url(rolled, "A-2")).status_code == 200
    # Outside its subtree, or unknown: 404.
    for code in ("B", "B-1", "C", "C-Q", "C-D-1", "NOPE"):
        assert client.get(dashboard_url(rolled, code)).status_code == 404, code
    assert client.get(reverse("reports:summary", args=[rolled.slug]) + "?unit=B").status_code == 404


def test_non_staff_and_unknown_contest(rolled, organisers, django_user_model):
    user = django_user_model.objects.create_user(username="citizen", password="x-pass-123")
    response = client_for(user).get(dashboard_url(rolled))
    assert response.status_code == 302
    assert "/quan-tri/login/" in response["Location"]
    response = client_for(organisers["city"]).get(reverse("reports:dashboard", args=["khong-co"]))
    assert response.status_code == 404


def test_bad_filters_get_a_message_not_an_error(rolled, organisers):
    response = client_for(organisers["city"]).get(dashboard_url(rolled, tu="31/02/2023", vong="x"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Ngày “31/02/2023” không hợp lệ (dạng ngày/tháng/năm): đã bỏ qua." in html
    assert "Không có vòng thi “x”: đã bỏ qua." in html


def test_date_range_totals(rolled, organisers):
    html = (
        client_for(organisers["city"])
        .get(dashboard_url(rolled, tu="2023-09-02", den="2023-09-02"))
        .content.decode()
    )
    assert (
        "Trong khoảng ngày đã chọn: 4 bài dự thi, 1 bài đúng tất cả, 1 người dự thi lần đầu."
        in html
    )


def test_summary_page(rolled, organisers):
    response = client_for(organisers["city"]).get(reverse("reports:summary", args=[rolled.slug]))
    assert response.status_code == 200
    assert (
        "Toàn thành phố có 5 người dự thi; khối Sở, ban, ngành 1; khối quận, huyện 4; "
        "từ đủ 18 tuổi 4 bài; từ đủ 14 đến dưới 18 tuổi 1 bài; "
        "các đơn vị có số lượng người dự thi đông: "
        "Khối Sở, ban, ngành: Sở Giáo dục (1 người dự thi); "
        "Khối quận, huyện: Quận A (3 người dự thi), Quận B (1 người dự thi)."
    ) in response.content.decode()


def test_admin_index_links_to_reports(organisers):
    html = client_for(organisers["city"]).get(reverse("admin:index")).content.decode()
    assert 'href="/bao-cao/"' in html
    assert "Báo cáo" in html


def test_export_job_flow_and_download_rights(rolled, organisers, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    client = client_for(organisers["a"], enforce_csrf_checks=True)
    page = client.get(dashboard_url(rolled))
    token = page.cookies["csrftoken"].value
    response = client.post(
        reverse("reports:export_create", args=[rolled.slug]),
        {"kind": "units", "unit": "A", "csrfmiddlewaretoken": token},
    )
    assert response.status_code == 302
    job = ExportJob.objects.get()
    assert (job.owner, job.kind, job.unit.code, job.status) == (
        organisers["a"],
        "units",
        "A",
        "pending",
    )
    detail = reverse("reports:export_detail", args=[job.pk])
    assert response["Location"] == detail
    html = client.get(detail).content.decode()
    assert 'http-equiv="refresh"' in html and "Đang chờ" in html
    # The worker runs it (called directly here: the task is a one-line adapter).
    from reports.services.exports import export_job_run

    export_job_run(job_id=job.pk)
    html = client.get(detail).content.decode()
    assert "Tải về" in html and 'http-equiv="refresh"' not in html
    download = reverse("reports:export_download", args=[job.pk])
    response = client.get(download)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert b"".join(response.streaming_content)[:2] == b"PK"
    # Another district: neither the page nor the file.
    other = client_for(organisers["b"])
    assert other.get(detail).status_code == 404
    assert other.get(download).status_code == 404
    # The city and a superuser may.
    assert client_for(organisers["city"]).get(download).status_code == 200
    assert client_for(organisers["root"]).get(download).status_code == 200


def test_export_refused_outside_scope_and_full_without_permission(rolled, organisers):
    client = client_for(organisers["a"])
    url = reverse("reports:export_create", args=[rolled.slug])
    assert client.post(url, {"kind": "units", "unit": "B"}).status_code == 404
    response = client.post(url, {"kind": "results", "unit": "A", "full": "1"}, follow=True)
    assert "Bạn không có quyền xuất đầy đủ số giấy tờ." in response.content.decode()
    response = client.post(url, {"kind": "khac", "unit": "A"}, follow=True)
    assert "Loại tệp xuất không hợp lệ." in response.content.decode()
    assert ExportJob.objects.count() == 0


def test_expired_download_refused(rolled, organisers, settings, tmp_path):
    import datetime

    from django.utils import timezone

    from reports.services.exports import export_job_create, export_job_run, export_jobs_purge

    settings.MEDIA_ROOT = str(tmp_path)
    user = organisers["city"]
    job = export_job_create(user=user, contest=rolled, kind="summary")
    export_job_run(job_id=job.pk)
    ExportJob.objects.filter(pk=job.pk).update(
        expires_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    response = client_for(user).get(reverse("reports:export_download", args=[job.pk]), follow=True)
    assert "Tệp chưa sẵn sàng hoặc đã hết hạn tải về." in response.content.decode()
    job.refresh_from_db()
    path = job.file.path
    assert export_jobs_purge() == 1
    assert not ExportJob.objects.exists()
    import os

    assert not os.path.exists(path)


def test_full_export_permission_shows_button(rolled, organisers):
    user = organisers["city"]
    html = client_for(user).get(dashboard_url(rolled)).content.decode()
    assert "Kết quả (đầy đủ số giấy tờ, có ghi nhật ký)" not in html
    user.user_permissions.add(
        Permission.objects.get(
            content_type__app_label="participants", codename="view_full_identity"
        )
    )
    user = type(user).objects.get(pk=user.pk)
    html = client_for(user).get(dashboard_url(rolled)).content.decode()
    assert "Kết quả (đầy đủ số giấy tờ, có ghi nhật ký)" in html


def test_district_organiser_created_here(rolled, tree):
    ward_user = make_organiser(tree["A-1"], "ward_a1")
    client = client_for(ward_user)
    assert client.get(dashboard_url(rolled)).status_code == 200
    assert client.get(dashboard_url(rolled, "A")).status_code == 404


def test_contest_list_is_scoped(rolled, organisers, tree):
    from tests.factories import ContestFactory

    other_root = make_organiser(None, "nobody")  # staff without a unit: sees nothing
    district_contest = ContestFactory(
        owner_unit=tree["B"], participation_root=tree["B"], title="Cuộc thi của Quận B"
    )
    index = reverse("reports:index")
    html_a = client_for(organisers["a"]).get(index).content.decode()
    assert rolled.title in html_a and district_contest.title not in html_a
    html_city = client_for(organisers["city"]).get(index).content.decode()
    assert rolled.title in html_city and district_contest.title in html_city
    assert (
        "Chưa có cuộc thi nào trong phạm vi của bạn."
        in client_for(other_root).get(index).content.decode()
    )
    assert (
        client_for(organisers["a"])
        .get(reverse("reports:dashboard", args=[district_contest.slug]))
        .status_code
        == 404
    )


def test_dashboard_figures_follow_a_refresh(rolled, organisers, tree):
    """The figures are cached per roll-up state: a refresh that changes them shows at once."""
    import datetime

    from django.utils import timezone

    from reports.models import RollupState
    from reports.services.rollups import rollups_refresh

    from .conftest import make_attempt

    client = client_for(organisers["city"])
    html = client.get(dashboard_url(rolled)).content.decode()
    assert 'data-figure="participants">5<' in html
    assert 'data-figure="attempts">9<' in html
    mai = rolled.registrations.get(participant__full_name="Vũ Thị Mai")
    make_attempt(mai, 1, 10, finished=timezone.now())
    # Not refreshed yet: the page shows the roll-ups as they were.
    assert 'data-figure="attempts">9<' in client.get(dashboard_url(rolled)).content.decode()
    RollupState.objects.filter(contest=rolled).update(
        graded_watermark=timezone.now() - datetime.timedelta(minutes=1)
    )
    assert rollups_refresh(contest=rolled)["mode"] == "refresh"
    html = client.get(dashboard_url(rolled)).content.decode()
    assert 'data-figure="participants">6<' in html
    assert 'data-figure="attempts">10<' in html
    assert 'data-figure="perfect_attempts">4<' in html


def test_cached_figures_keep_each_organisers_scope(rolled, organisers):
    """The city's cached page of the root is never what a district organiser gets: the scope
    is checked first and the cache is keyed by the unit."""
    city = client_for(organisers["city"])
    district = client_for(organisers["a"])
    assert 'data-figure="participants">5<' in city.get(dashboard_url(rolled)).content.decode()
    assert 'data-figure="participants">3<' in district.get(dashboard_url(rolled)).content.decode()
    assert district.get(dashboard_url(rolled, "C")).status_code == 404
    assert 'data-figure="participants">1<' in city.get(dashboard_url(rolled, "B")).content.decode()
    assert district.get(dashboard_url(rolled, "B")).status_code == 404


def test_dashboard_reads_the_rollups_once_per_state(rolled, organisers):
    """A second view of the same page and state reads no roll-up row (the cached figures)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def rollup_reads(queries):
        return [
            q["sql"]
            for q in queries
            if any(t in q["sql"] for t in ("_unitrollup", "_dailyrollup", "_scorerollup"))
        ]

    client = client_for(organisers["city"])
    reads = []
    for _ in range(2):
        with CaptureQueriesContext(connection) as queries:
            html = client.get(dashboard_url(rolled)).content.decode()
        assert 'data-figure="participants">5<' in html
        assert 'data-figure="perfect_attempts">3<' in html
        reads.append(rollup_reads(queries))
    assert len(reads[0]) == 3
    assert reads[1] == []
