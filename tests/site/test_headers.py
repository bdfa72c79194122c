"""Headers every reply must carry: a Content-Security-Policy without 'unsafe-inline' (and no
template that would need it), `Cache-Control: private, no-store` on the reports pages and on
every download, and a Vietnamese page for a 405."""

import re
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import reverse

from contests.models import Contest
from reports.models import ExportJob
from tests.factories import ContestFactory

TEMPLATES = Path(__file__).resolve().parent.parent.parent / "templates"
POLICY = {
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
}


def directives(response) -> set[str]:
    """The policy's directives (django-csp writes them in no fixed order)."""
    return {part.strip() for part in response["Content-Security-Policy"].split(";")}


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.django_db
def test_every_page_has_the_policy():
    for url in (reverse("contests:home"), reverse("participants:register"), "/khong-co/"):
        response = Client().get(url)
        assert directives(response) == POLICY, url


def test_no_template_needs_unsafe_inline():
    """No inline <script>, no on…= handler, no style="" attribute, no <style> element."""
    problems = []
    patterns = {
        "inline script": re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>"),
        "event handler": re.compile(r"<[^>]*\son[a-z]+\s*=", re.IGNORECASE),
        "style attribute": re.compile(r"<[^>]*\sstyle\s*=", re.IGNORECASE),
        "style element": re.compile(r"<style\b", re.IGNORECASE),
    }
    for path in sorted(TEMPLATES.rglob("*.html")):
        text = path.read_text(encoding="utf-8")
        for what, pattern in patterns.items():
            if pattern.search(text):
                problems.append(f"{path.relative_to(TEMPLATES)}: {what}")
    assert problems == []


def test_reports_pages_are_private(organisers, tree):
    contest = ContestFactory(owner_unit=tree["C"], participation_root=tree["C"])
    client = client_for(organisers["city"])
    for url in (
        reverse("reports:index"),
        reverse("reports:export_list"),
        reverse("reports:dashboard", args=[contest.slug]),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert response["Cache-Control"] == "private, no-store", url
    # A public page is not touched.
    assert "Cache-Control" not in Client().get(reverse("contests:home"))


def test_every_download_is_private(organisers, tree, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    contest = ContestFactory(
        owner_unit=tree["C"], participation_root=tree["C"], status=Contest.Status.PUBLISHED
    )
    job = ExportJob.objects.create(
        owner=organisers["city"], kind="units", contest=contest, status=ExportJob.Status.DONE
    )
    job.file.save("units.xlsx", ContentFile(b"PK\x03\x04"))
    client = client_for(organisers["city"])
    downloads = {
        "export": reverse("reports:export_download", args=[job.pk]),
        "question template": reverse("admin:contests_question_template"),
        "question template of a contest": reverse("admin:contests_question_template")
        + f"?contest={contest.pk}",
        "question bank": reverse("admin:contests_question_export") + f"?contest={contest.pk}",
        "unit template": reverse("admin:contests_unit_template"),
    }
    for what, url in downloads.items():
        response = client.get(url)
        assert response.status_code == 200, what
        assert response["Content-Disposition"].startswith("attachment"), what
        assert response["Cache-Control"] == "private, no-store", what


@pytest.mark.django_db
def test_405_has_a_vietnamese_page():
    response = Client().get(reverse("participants:logout"))
    assert response.status_code == 405
    assert response["Allow"] == "POST, OPTIONS"
    assert response["Content-Type"] == "text/html; charset=utf-8"
    page = response.content.decode()
    assert '<h1 class="h3">Thao tác không hợp lệ</h1>' in page
    assert (
        "Trang này không nhận yêu cầu theo cách vừa gửi. Vui lòng quay lại trang trước và dùng "
        "nút trên trang." in page
    )
    assert directives(response) == POLICY


def test_405_in_admin_has_the_page_too(organisers, tree):
    contest = ContestFactory(owner_unit=tree["C"], participation_root=tree["C"])
    url = reverse("admin:contests_contest_transition", args=[contest.pk, "cong-bo"])
    response = client_for(organisers["city"]).get(url)
    assert response.status_code == 405
    assert "Thao tác không hợp lệ" in response.content.decode()
