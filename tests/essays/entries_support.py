"""Shared fixtures for the essay entry tests: a city contest with an essay task, a person
registered in ward A-1 (district A), the essay files in a temporary directory, and makers of
real files (PDF, DOCX, photos) and of broken ones."""

from __future__ import annotations

import datetime
import io
import os
import zipfile

import pytest
from django.core.files.storage import FileSystemStorage
from django.test import Client
from django.utils import timezone
from PIL import Image
from pypdf import PdfWriter

from essays.models import Criterion, Entry, EssayTask
from tests.factories import ContestFactory, RegistrationFactory


@pytest.fixture
def essay_files(tmp_path, monkeypatch):
    """Entry files go to a fresh directory (the field's storage is bound at import)."""
    storage = FileSystemStorage(location=str(tmp_path / "private"))
    monkeypatch.setattr(Entry._meta.get_field("file"), "storage", storage)
    return storage


def stored_files(storage) -> list[str]:
    root = storage.location

    found = []
    if not os.path.isdir(root):
        return found
    for folder, _dirs, files in os.walk(root):
        found += [os.path.join(folder, f) for f in files]
    return found


def make_task(contest, **overrides) -> EssayTask:
    now = timezone.now()
    fields = {
        "contest": contest,
        "title": "Bài tự luận: Dịch vụ công trực tuyến",
        "questions": "<p>Câu 1. Nêu lợi ích của dịch vụ công trực tuyến.</p>",
        "answer_mode": EssayTask.AnswerMode.EITHER,
        "word_limit": 50,
        "max_upload_mb": 2,
        "opens_at": now - datetime.timedelta(days=1),
        "unit_deadline": now + datetime.timedelta(days=5),
        "city_deadline": now + datetime.timedelta(days=15),
        "forward_top_n": 100,
    }
    fields.update(overrides)
    task = EssayTask.objects.create(**fields)
    Criterion.objects.create(task=task, order=1, name="Nội dung", max_marks=60)
    Criterion.objects.create(task=task, order=2, name="Hình thức", max_marks=40)
    return task


@pytest.fixture
def contest(tree):
    return ContestFactory(
        owner_unit=tree["C"], participation_root=tree["C"], slug="dvc-2019", title="DVC 2019"
    )


@pytest.fixture
def task(contest, essay_files):
    return make_task(contest)


@pytest.fixture
def registration(contest, tree):
    return RegistrationFactory(contest=contest, unit=tree["A-1"])


@pytest.fixture
def person(registration) -> Client:
    client = Client()
    client.force_login(registration.participant.user)
    return client


# --- Files ------------------------------------------------------------------------------------


def pdf_bytes(pages: int = 1, *, password: str | None = None) -> bytes:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    if password:
        writer.encrypt(password)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


CONTENT_TYPES = (
    b'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
    b'package/2006/content-types"><Override PartName="/word/document.xml" ContentType="'
    b'application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'
)
CONTENT_TYPES_MACRO = CONTENT_TYPES.replace(
    b"wordprocessingml.document.main+xml", b"ms-word.document.macroEnabled.main+xml"
)
DOCUMENT = (
    b'<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/'
    b'wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>Bai du thi</w:t></w:r></w:p>'
    b"</w:body></w:document>"
)


def docx_bytes(*, macro: bool = False, extra: dict[str, bytes] | None = None, parts=None) -> bytes:
    out = io.BytesIO()
    members = (
        parts
        if parts is not None
        else {
            "[Content_Types].xml": CONTENT_TYPES_MACRO if macro else CONTENT_TYPES,
            "word/document.xml": DOCUMENT,
        }
    )
    if macro:
        members = {**members, "word/vbaProject.bin": b"\xd0\xcf\x11\xe0 macro"}
    members = {**members, **(extra or {})}
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return out.getvalue()


def zip_bomb_docx() -> bytes:
    """A real DOCX with a 30 MB member of zeros (about 30 KB compressed)."""
    return docx_bytes(extra={"word/media/padding.bin": b"\0" * (30 * 1024 * 1024)})


def photo_bytes(size=(600, 800), fmt="JPEG", color=(250, 250, 240)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, format=fmt)
    return out.getvalue()


def upload(name: str, data: bytes, content_type: str = "application/octet-stream"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data, content_type=content_type)
