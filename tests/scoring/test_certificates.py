"""Certificates: the PDF's text and QR code against the snapshot, the QR's URL resolved to the
public verification page (name as consented), tampered codes, who may download, the job's
progress and idempotence, score-threshold certificates, revocation by a new version, the
organiser's button and the citizen's link."""

import io
from pathlib import Path
from urllib.parse import urlsplit

import pypdfium2
import pytest
import zxingcpp
from celery import current_app
from django.core.files.storage import default_storage
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from contests.models import PrizeStructure, PrizeTier
from contests.refusals import Refused
from scoring.models import Attempt, Certificate, CertificateJob
from scoring.services.certificates import certificate_job_run, certificate_job_start
from scoring.services.disqualification import registration_disqualify
from scoring.services.grading import attempts_grade
from scoring.services.prizes import results_publish
from tests.contests.helpers import form_fields
from tests.scoring.grading_data import (
    bank_contest,
    contest_close,
    contest_questions,
    make_attempt,
    register,
)

ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts"

pytestmark = pytest.mark.django_db

BASE = "https://thi.example.vn"
IND = PrizeTier.Kind.INDIVIDUAL


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)


@pytest.fixture
def published(tree, organisers):
    """A city contest with results published (version 1): Trần Thị Ánh (A-1) 5/5 first prize,
    Lê Văn Bình (B-1) 4/5 and Phạm Minh Châu (A-2, 15, no guardian consent) 3/5 second
    prizes; Ngô Văn Dũng (A-1) 2/5 no prize."""
    contest = bank_contest(tree, questions=5, title="Cuộc thi tìm hiểu Luật Căn cước")
    questions = contest_questions(contest)
    people = {}
    for name, unit, correct in [
        ("Trần Thị Ánh", "A-1", 5),
        ("Lê Văn Bình", "B-1", 4),
        ("Phạm Minh Châu", "A-2", 3),
        ("Ngô Văn Dũng", "A-1", 2),
    ]:
        extra = {"age_on_reference": 15} if name == "Phạm Minh Châu" else {}
        people[name] = register(contest, tree[unit], participant__full_name=name, **extra)
        make_attempt(people[name], questions, correct=correct)
    attempts_grade(attempt_ids=Attempt.objects.values_list("id", flat=True))
    structure = PrizeStructure.objects.create(contest=contest, title="Giải thành phố")
    PrizeTier.objects.create(
        structure=structure, kind=IND, rank_order=1, name="Giải Nhất", count=1, amount=2_000_000
    )
    PrizeTier.objects.create(
        structure=structure, kind=IND, rank_order=2, name="Giải Nhì", count=2, amount=1_000_000
    )
    contest_close(contest, prediction_actual=1)
    results_publish(contest=contest, user=organisers["city"])
    return contest, people


def make_all(contest, user) -> CertificateJob:
    job = certificate_job_start(contest=contest, user=user, base_url=BASE + "/")
    return certificate_job_run(job_id=job.pk)


def certificate_of(registration) -> Certificate:
    return Certificate.objects.get(registration=registration, revoked_at__isnull=True)


def pdf_bytes(certificate) -> bytes:
    with default_storage.open(certificate.file.name, "rb") as handle:
        return handle.read()


def test_pdf_text_and_qr_match_the_snapshot_row_and_resolve_to_the_verification_page(
    published, organisers
):
    contest, people = published
    make_all(contest, organisers["city"])
    row = contest.snapshots.get(version=1).prizes[0]
    assert (row["tier"], row["registration_id"]) == ("Giải Nhất", people["Trần Thị Ánh"].pk)
    certificate = certificate_of(people["Trần Thị Ánh"])
    data = pdf_bytes(certificate)

    text = PdfReader(io.BytesIO(data)).pages[0].extract_text().splitlines()
    assert text == [
        "THÀNH PHỐ",
        "GIẤY CHỨNG NHẬN",
        "Chứng nhận",
        "Trần Thị Ánh",
        "Đơn vị: Phường A1",
        "Đã đạt",
        "Giải Nhất — Giải thành phố",
        "Cuộc thi tìm hiểu Luật Căn cước",
        f"Ngày {certificate.issued_on:%d/%m/%Y}",
        "Thành phố",
        "Quét mã QR để xác minh giấy chứng nhận.",
        f"Mã: {certificate.token}",
    ]
    assert row["unit_name"] == "Phường A1" and contest.owner_unit.name == "Thành phố"

    page = pypdfium2.PdfDocument(data)[0].render(scale=2).to_pil()
    ARTIFACTS.mkdir(exist_ok=True)  # a fresh clone has no artifacts folder yet
    page.save(ARTIFACTS / "certificate.png")
    codes = [code.text for code in zxingcpp.read_barcodes(page)]
    assert codes == [f"{BASE}/bai-thi/chung-nhan/{certificate.token}/"]

    response = Client().get(urlsplit(codes[0]).path)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<strong>Giấy chứng nhận hợp lệ.</strong>" in html
    for fact in [
        "Cuộc thi tìm hiểu Luật Căn cước",
        "Trần Thị Ánh",
        "Phường A1",
        "Giải Nhất — Giải thành phố",
        f"{certificate.issued_on:%d/%m/%Y}",
        "phiên bản 1",
    ]:
        assert fact in html


def test_verification_page_masks_a_name_not_consented_the_pdf_names_the_person(
    published, organisers
):
    contest, people = published
    make_all(contest, organisers["city"])
    certificate = certificate_of(people["Phạm Minh Châu"])
    text = PdfReader(io.BytesIO(pdf_bytes(certificate))).pages[0].extract_text()
    assert "\nPhạm Minh Châu\n" in text
    assert "Giải Nhì — Giải thành phố" in text

    html = Client().get(reverse("scoring:certificate_verify", args=[certificate.token]))
    html = html.content.decode()
    assert '<dd class="col-sm-8">Phạm M. C.</dd>' in html
    assert "Minh Châu" not in html
    adult = certificate_of(people["Lê Văn Bình"])
    html = Client().get(reverse("scoring:certificate_verify", args=[adult.token])).content
    assert '<dd class="col-sm-8">Lê Văn Bình</dd>' in html.decode()


@pytest.mark.parametrize("change", ["tampered", "unknown", "long"])
def test_a_tampered_or_unknown_code_gets_a_vietnamese_404(published, organisers, change):
    contest, people = published
    make_all(contest, organisers["city"])
    token = certificate_of(people["Trần Thị Ánh"]).token
    bad = {
        "tampered": token[:-1] + ("A" if token[-1] != "A" else "B"),
        "unknown": "khong-co-ma-nay",
        "long": token * 3,
    }[change]
    for name in ("scoring:certificate_verify", "scoring:certificate_download"):
        response = Client().get(reverse(name, args=[bad]))
        assert response.status_code == 404
        assert "Mã giấy chứng nhận không đúng hoặc không tồn tại." in response.content.decode()


def test_download_permission_matrix(published, organisers):
    """The owner, and organisers whose subtree holds the person or the contest; the same 404
    for everyone else."""
    contest, people = published
    make_all(contest, organisers["city"])
    certificate = certificate_of(people["Trần Thị Ánh"])  # unit A-1, in district A
    url = reverse("scoring:certificate_download", args=[certificate.token])
    other = people["Lê Văn Bình"].participant.user
    cases = {
        "owner": (people["Trần Thị Ánh"].participant.user, 200),
        "another citizen": (other, 404),
        "anonymous": (None, 404),
        "district A (in subtree)": (organisers["a"], 200),
        "district B (outside)": (organisers["b"], 404),
        "city (owns the contest)": (organisers["city"], 200),
    }
    for label, (user, status) in cases.items():
        client = Client()
        if user is not None:
            client.force_login(user)
        response = client.get(url)
        assert response.status_code == status, label
        if status == 200:
            assert response["Content-Type"] == "application/pdf"
            assert response["Cache-Control"] == "private, no-store"
            assert b"".join(response.streaming_content) == pdf_bytes(certificate)


def test_job_progress_and_idempotence(published, organisers):
    contest, people = published
    job = make_all(contest, organisers["city"])
    assert (job.status, job.total, job.done, job.created, job.percent) == ("done", 3, 3, 3, 100)
    first = dict(Certificate.objects.values_list("registration_id", "token"))
    files = sorted(default_storage.listdir(f"certificates/{contest.pk}")[1])
    assert len(files) == 3

    again = make_all(contest, organisers["city"])

    assert (again.status, again.total, again.done, again.created) == ("done", 3, 3, 0)
    assert dict(Certificate.objects.values_list("registration_id", "token")) == first
    assert sorted(default_storage.listdir(f"certificates/{contest.pk}")[1]) == files
    assert set(first) == {people[n].pk for n in ["Trần Thị Ánh", "Lê Văn Bình", "Phạm Minh Châu"]}


def test_job_refusals_write_nothing(tree, organisers, published):
    contest, _people = published
    with pytest.raises(Refused) as refused:
        certificate_job_start(
            contest=bank_contest(tree, questions=1), user=organisers["city"], base_url=BASE
        )
    assert refused.value.message == "Cuộc thi chưa công bố kết quả: chưa thể cấp giấy chứng nhận."
    certificate_job_start(contest=contest, user=organisers["city"], base_url=BASE)
    with pytest.raises(Refused) as refused:
        certificate_job_start(contest=contest, user=organisers["city"], base_url=BASE)
    assert refused.value.message == (
        "Đang có một đợt tạo giấy chứng nhận chưa xong: hãy chờ đợt đó kết thúc."
    )
    assert CertificateJob.objects.count() == 1


def test_score_threshold_certificates_for_the_others(published, organisers):
    contest, people = published
    contest.certificate_min_score = 40
    contest.save(update_fields=["certificate_min_score"])
    job = make_all(contest, organisers["city"])
    assert (job.total, job.created) == (4, 4)
    certificate = certificate_of(people["Ngô Văn Dũng"])
    assert (certificate.kind, certificate.award) == ("score", "Đạt 40,00 điểm (thang điểm 100)")
    text = PdfReader(io.BytesIO(pdf_bytes(certificate))).pages[0].extract_text()
    assert "\nNgô Văn Dũng\n" in text and "\nĐạt 40,00 điểm (thang điểm 100)\n" in text
    # A winner gets the prize certificate only.
    assert Certificate.objects.filter(registration=people["Trần Thị Ánh"]).count() == 1


def test_a_new_version_revokes_what_it_no_longer_has_and_keeps_the_rest(published, organisers):
    contest, people = published
    make_all(contest, organisers["city"])
    kept = certificate_of(people["Trần Thị Ánh"])
    lost = certificate_of(people["Lê Văn Bình"])
    registration_disqualify(
        registration=people["Lê Văn Bình"], user=organisers["city"], reason_code="cheating"
    )
    results_publish(contest=contest, user=organisers["city"], replaces=1)
    verify = reverse("scoring:certificate_verify", args=[lost.token])
    # Before the new version's certificates are made, the page already follows version 2.
    html = Client().get(verify).content.decode()
    assert "<strong>Giấy chứng nhận đã bị thu hồi.</strong>" in html
    assert "Kết quả công bố lại (phiên bản 2) không còn nội dung này." in html

    job = make_all(contest, organisers["city"])

    assert (job.total, job.created, job.revoked) == (3, 1, 1)
    lost.refresh_from_db()
    assert (lost.revoked_in_version, lost.revoked_at is not None) == (2, True)
    assert certificate_of(people["Trần Thị Ánh"]).token == kept.token
    assert certificate_of(people["Ngô Văn Dũng"]).award == "Giải Nhì — Giải thành phố"
    html = Client().get(reverse("scoring:certificate_verify", args=[kept.token])).content
    assert "<strong>Giấy chứng nhận hợp lệ.</strong>" in html.decode()


def test_organiser_starts_the_job_from_the_prize_list_and_sees_its_progress(published, organisers):
    contest, _people = published
    client = Client(enforce_csrf_checks=True)
    client.force_login(organisers["city"])
    page = client.get(reverse("admin:contests_contest_prizes", args=[contest.pk]))
    assert "Tạo giấy chứng nhận</button>" in page.content.decode()
    fields = form_fields(page, "certificate-start-form")
    start = reverse("admin:scoring_certificate_start", args=[contest.pk])

    response = client.post(start, fields)

    job = CertificateJob.objects.get()
    progress = reverse("admin:scoring_certificate_progress", args=[job.pk])
    assert response.status_code == 302 and response["Location"] == progress
    assert job.base_url == "http://testserver"
    html = client.get(progress).content.decode()
    assert "Đã xử lý 0/0 giấy chứng nhận (0%), trong đó tạo mới 0." in html
    assert 'id="certificate-job-reload"' in html  # reloaded by a link, no script
    certificate_job_run(job_id=job.pk)
    html = client.get(progress).content.decode()
    assert "Đã xử lý 3/3 giấy chứng nhận (100%), trong đó tạo mới 3." in html
    assert 'id="certificate-job-reload"' not in html
    # District B neither sees the job nor may start one for the city's contest.
    other = Client()
    other.force_login(organisers["b"])
    assert other.get(progress).status_code == 404
    assert other.post(start).status_code == 404
    assert CertificateJob.objects.count() == 1


def test_citizen_downloads_their_own_from_my_attempts(published, organisers):
    contest, people = published
    make_all(contest, organisers["city"])
    certificate = certificate_of(people["Trần Thị Ánh"])
    client = Client()
    client.force_login(people["Trần Thị Ánh"].participant.user)
    html = client.get(reverse("scoring:my_attempts")).content.decode()
    assert "Giấy chứng nhận của tôi" in html
    assert reverse("scoring:certificate_download", args=[certificate.token]) in html
    client.force_login(people["Ngô Văn Dũng"].participant.user)
    assert (
        "Giấy chứng nhận của tôi" not in client.get(reverse("scoring:my_attempts")).content.decode()
    )


def test_the_task_goes_to_the_exports_queue():
    route = current_app.amqp.router.route({}, "scoring.tasks.certificates_make")
    assert route["queue"].name == "exports"
    assert current_app.amqp.router.route({}, "scoring.tasks.grade_attempt")["queue"].name == (
        "grading"
    )
