"""Uploads checked from their content: each accepted kind, and each refusal with its
Vietnamese message (essays.uploads)."""

import io

import pytest
from pypdf import PdfReader

from contests.refusals import Refused
from essays import uploads
from essays.uploads import check_docx, check_pdf, sniff, upload_prepare
from tests.essays.entries_support import (
    CONTENT_TYPES_MACRO,
    DOCUMENT,
    docx_bytes,
    pdf_bytes,
    photo_bytes,
    upload,
    zip_bomb_docx,
)

MB = 1024 * 1024


def refused(files, max_bytes=2 * MB) -> Refused:
    with pytest.raises(Refused) as caught:
        upload_prepare(files, max_bytes=max_bytes)
    return caught.value


@pytest.mark.parametrize(
    ("head", "kind"),
    [
        (b"%PDF-1.7\n", "pdf"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", "jpeg"),
        (b"\x89PNG\r\n\x1a\n\x00", "png"),
        (b"PK\x03\x04\x14\x00", "docx"),
        (b"GIF89a", None),
        (b"MZ\x90\x00", None),  # a Windows program
        (b"<html>", None),
        (b"", None),
    ],
)
def test_sniff(head, kind):
    assert sniff(head) == kind


def test_pdf_accepted_as_is():
    data = pdf_bytes(3)
    prepared = upload_prepare([upload("bai-thi.pdf", data)], max_bytes=2 * MB)
    assert (prepared.file_type, prepared.pages, prepared.content) == ("pdf", 3, data)


def test_pdf_without_extension_is_judged_by_content():
    prepared = upload_prepare([upload("scan", pdf_bytes(1))], max_bytes=2 * MB)
    assert prepared.file_type == "pdf"


def test_encrypted_pdf_refused():
    error = refused([upload("bai.pdf", pdf_bytes(1, password="matkhau"))])
    assert error.code == "encrypted"
    assert error.message == (
        "Tệp PDF có đặt mật khẩu hoặc mã hóa: hãy nộp bản PDF không đặt mật khẩu."
    )


@pytest.mark.parametrize(
    "data",
    [
        b"%PDF-1.4\n garbage garbage",
        b"%PDF-1.4\n" + b"\x00" * 2000,
        pdf_bytes(2)[:200],  # cut short
    ],
)
def test_broken_pdf_refused(data):
    error = refused([upload("bai.pdf", data)])
    assert error.code == "bad_pdf"
    assert "PDF" in error.message


def test_pdf_page_cap(monkeypatch):
    monkeypatch.setattr(uploads, "PDF_PAGES_MAX", 2)
    error = refused([upload("bai.pdf", pdf_bytes(3))])
    assert error.message == "Tệp PDF có 3 trang, nhiều hơn mức tối đa 2 trang."


def test_docx_accepted():
    data = docx_bytes()
    prepared = upload_prepare([upload("bai.docx", data)], max_bytes=2 * MB)
    assert (prepared.file_type, prepared.content) == ("docx", data)


def test_docx_with_macros_refused():
    error = refused([upload("bai.docx", docx_bytes(macro=True))])
    assert error.code == "macros"
    assert error.message.startswith("Tệp Word có chứa macro")


def test_docx_with_macro_content_type_only_refused():
    parts = {
        "[Content_Types].xml": CONTENT_TYPES_MACRO,
        "word/document.xml": DOCUMENT,
    }
    with pytest.raises(Refused) as caught:
        check_docx(docx_bytes(parts=parts))
    assert caught.value.code == "macros"


def test_zip_bomb_refused_before_decompressing():
    data = zip_bomb_docx()
    assert len(data) < MB  # small on the wire
    error = refused([upload("bai.docx", data)])
    assert error.code == "zip_bomb"
    assert error.message.startswith("Tệp DOCX có cấu trúc bất thường")


def test_unpacked_total_capped(monkeypatch):
    monkeypatch.setattr(uploads, "DOCX_UNPACKED_MAX", 1000)
    with pytest.raises(Refused) as caught:
        check_docx(docx_bytes(extra={"word/media/a.txt": bytes(range(256)) * 8}))
    assert caught.value.code == "zip_bomb"


@pytest.mark.parametrize(
    "parts",
    [
        {"hello.txt": b"not word"},  # a zip, not a Word document
        {"[Content_Types].xml": b"<Types/>"},  # no document part
    ],
)
def test_zip_that_is_not_docx_refused(parts):
    error = refused([upload("bai.docx", docx_bytes(parts=parts))])
    assert error.code == "not_docx"


def test_truncated_zip_refused():
    error = refused([upload("bai.docx", docx_bytes()[:60])])
    assert error.code == "not_docx"


def test_photos_combined_into_one_pdf():
    files = [
        upload("trang1.jpg", photo_bytes()),
        upload("trang2.png", photo_bytes(fmt="PNG", size=(800, 600))),
        upload("trang3.jpeg", photo_bytes()),
    ]
    prepared = upload_prepare(files, max_bytes=2 * MB)
    assert prepared.file_type == "pdf"
    reader = PdfReader(io.BytesIO(prepared.content))
    assert len(reader.pages) == 3
    # The pages keep each photo's shape (portrait, landscape, portrait).
    shapes = [float(p.mediabox.width) < float(p.mediabox.height) for p in reader.pages]
    assert shapes == [True, False, True]
    check_pdf(prepared.content)


def test_photo_pixel_cap(monkeypatch):
    monkeypatch.setattr(uploads, "PHOTO_PIXELS_MAX", 100 * 100)
    error = refused([upload("trang.png", photo_bytes(fmt="PNG", size=(200, 100)))])
    assert error.code == "photo_pixels"
    assert error.message == (
        "Ảnh “trang.png” quá lớn (200 × 100 điểm ảnh): hãy chụp lại ở độ phân giải thấp hơn."
    )


def test_broken_photo_refused():
    data = photo_bytes()[:300]
    error = refused([upload("trang.jpg", data)])
    assert (error.code, error.message) == (
        "bad_photo",
        "Ảnh “trang.jpg” bị hỏng hoặc không đọc được.",
    )


@pytest.mark.parametrize(
    ("name", "data", "code"),
    [
        ("bai.pdf", photo_bytes(), "name_mismatch"),  # a photo named .pdf
        ("bai.docx", pdf_bytes(1), "name_mismatch"),
        ("anh.jpg", pdf_bytes(1), "name_mismatch"),
        ("bai.pdf", b"MZ\x90\x00 program", "not_allowed"),
        ("bai.exe", b"MZ\x90\x00 program", "not_allowed"),
        ("bai.pdf", b"", "empty_file"),
    ],
)
def test_file_not_what_its_name_says(name, data, code):
    assert refused([upload(name, data)]).code == code


def test_name_mismatch_message():
    error = refused([upload("bai.pdf", photo_bytes())])
    assert error.message == (
        "Tệp “bai.pdf” có tên là PDF nhưng nội dung là JPEG: hãy kiểm tra lại tệp."
    )


def test_jpeg_named_png_is_still_a_photo():
    prepared = upload_prepare([upload("anh.png", photo_bytes())], max_bytes=2 * MB)
    assert prepared.file_type == "pdf"


def test_too_large_refused_before_reading():
    class Huge:
        name = "bai.pdf"
        size = 3 * MB

        def read(self, *args):
            raise AssertionError("read before the size check")

    error = refused([Huge()])
    assert (error.code, error.message) == (
        "too_large",
        "Tệp quá lớn (3,0 MB); dung lượng tối đa là 2 MB.",
    )


def test_size_lie_refused():
    data = pdf_bytes(1)

    class Liar:
        name = "bai.pdf"
        size = 10

        def read(self, n=-1):
            return (data + b"\0" * (3 * MB))[:n]

    assert refused([Liar()]).code == "too_large"


def test_documents_not_combined():
    error = refused([upload("a.pdf", pdf_bytes(1)), upload("b.jpg", photo_bytes())])
    assert error.code == "many_documents"


def test_too_many_photos(monkeypatch):
    monkeypatch.setattr(uploads, "PHOTOS_MAX", 2)
    files = [upload(f"{i}.jpg", photo_bytes(size=(20, 20))) for i in range(3)]
    assert refused(files).message == "Chỉ tải lên tối đa 2 ảnh cho một bài."


def test_no_file():
    assert refused([]).code == "no_file"
