"""Checking an uploaded essay from its content, never its name, and turning photos of
handwritten pages into one PDF.

Accepted: one PDF (not encrypted, readable by pypdf), one DOCX (a zip holding
[Content_Types].xml and word/document.xml, without macros, and not a zip bomb: sizes summed
from the zip's directory before anything is decompressed), or up to PHOTOS_MAX photos
(JPEG/PNG, verified by Pillow, each under a pixel cap) combined into one PDF. Everything
refused says why in Vietnamese and raises `Refused`; nothing is stored here."""

from __future__ import annotations

import io
import os
import zipfile
from dataclasses import dataclass

from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError
from pypdf import PdfReader
from pypdf.errors import PyPdfError

from contests.refusals import Refused

PDF, DOCX, JPEG, PNG = "pdf", "docx", "jpeg", "png"
PHOTOS = (JPEG, PNG)
PHOTOS_MAX = 20
PDF_PAGES_MAX = 100
# A 48-megapixel phone photo is 8000 x 6000; beyond that a "photo" is an attack on memory.
PHOTO_PIXELS_MAX = 50_000_000
# Photos are scaled down to this long side (about A4 at 250 dpi) before they go in the PDF.
PHOTO_SIDE_MAX = 2500
# A DOCX essay is a few hundred kilobytes unpacked; a zip bomb is gigabytes.
DOCX_UNPACKED_MAX = 100 * 1024 * 1024
DOCX_RATIO_MAX = 100
DOCX_MEMBERS_MAX = 1000

# What a file's name says it is (only to tell a person their file is not what it claims).
NAME_KINDS = {
    ".pdf": PDF,
    ".docx": DOCX,
    ".docm": DOCX,
    ".jpg": JPEG,
    ".jpeg": JPEG,
    ".png": PNG,
}


@dataclass(frozen=True)
class PreparedFile:
    content: bytes
    file_type: str  # "pdf" or "docx": what is stored
    pages: int | None = None


def sniff(head: bytes) -> str | None:
    """The kind of a file from its first bytes."""
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"PK\x03\x04"):
        return DOCX  # a zip; check_docx decides whether it is a Word document
    return None


def _mb(size: int) -> str:
    return f"{size / (1024 * 1024):.1f}".replace(".", ",")


def _name_kind(name: str) -> str | None:
    return NAME_KINDS.get(os.path.splitext(name or "")[1].lower())


def _same_family(a: str, b: str) -> bool:
    return a == b or (a in PHOTOS and b in PHOTOS)


def check_pdf(data: bytes) -> int:
    """The number of pages of a readable, unencrypted PDF."""
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise Refused(
                "encrypted",
                _("Tệp PDF có đặt mật khẩu hoặc mã hóa: hãy nộp bản PDF không đặt mật khẩu."),
            )
        pages = len(reader.pages)
    except Refused:
        raise
    except (
        PyPdfError,
        ValueError,
        KeyError,
        TypeError,
        AttributeError,
        IndexError,
        OSError,
        RecursionError,
    ):
        # pypdf reads hostile input with many kinds of errors; all mean "not a usable PDF".
        raise Refused(
            "bad_pdf", _("Tệp PDF bị hỏng hoặc không đọc được: hãy xuất lại tệp PDF.")
        ) from None
    if pages == 0:
        raise Refused("bad_pdf", _("Tệp PDF không có trang nào."))
    if pages > PDF_PAGES_MAX:
        raise Refused(
            "pdf_pages",
            _("Tệp PDF có %(pages)s trang, nhiều hơn mức tối đa %(max)s trang.")
            % {"pages": pages, "max": PDF_PAGES_MAX},
        )
    return pages


def check_docx(data: bytes) -> None:
    """A Word document without macros, whose unpacked size is bounded (read from the zip's
    directory; nothing is decompressed until the sizes are known to be sane)."""
    not_docx = Refused(
        "not_docx", _("Tệp không phải tài liệu Word (DOCX) hợp lệ: hãy lưu lại thành .docx.")
    )
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError):
        raise not_docx from None
    bomb = Refused(
        "zip_bomb",
        _("Tệp DOCX có cấu trúc bất thường (nén quá mức), không thể nhận. Hãy lưu lại tệp."),
    )
    if len(members) > DOCX_MEMBERS_MAX:
        raise bomb
    unpacked = 0
    for member in members:
        unpacked += member.file_size
        # Small members may compress well (empty XML); a big one that shrank a hundredfold
        # or more is what a bomb looks like.
        ratio = member.file_size / member.compress_size if member.compress_size else float("inf")
        if member.file_size > 1024 * 1024 and ratio > DOCX_RATIO_MAX:
            raise bomb
    if unpacked > DOCX_UNPACKED_MAX:
        raise bomb
    names = {member.filename for member in members}
    if "[Content_Types].xml" not in names or "word/document.xml" not in names:
        raise not_docx
    macros = Refused(
        "macros",
        _(
            "Tệp Word có chứa macro (mã lệnh), không thể nhận. "
            "Hãy lưu lại thành tài liệu Word thường (.docx)."
        ),
    )
    if any(
        name.lower().endswith("vbaproject.bin") or name.lower().startswith("word/vba")
        for name in names
    ):
        raise macros
    try:
        content_types = archive.read("[Content_Types].xml")
    except (zipfile.BadZipFile, ValueError, OSError, EOFError, NotImplementedError):
        raise not_docx from None
    if b"macroEnabled" in content_types or b"vbaProject" in content_types:
        raise macros


def _open_photo(data: bytes, name: str) -> Image.Image:
    bad = Refused(
        "bad_photo",
        _("Ảnh “%(name)s” bị hỏng hoặc không đọc được.") % {"name": name},
    )
    try:
        with Image.open(io.BytesIO(data)) as probe:
            width, height = probe.size
            if width * height > PHOTO_PIXELS_MAX:
                raise Refused(
                    "photo_pixels",
                    _(
                        "Ảnh “%(name)s” quá lớn (%(w)s × %(h)s điểm ảnh): "
                        "hãy chụp lại ở độ phân giải thấp hơn."
                    )
                    % {"name": name, "w": width, "h": height},
                )
            probe.verify()
        image = Image.open(io.BytesIO(data))
        # A JPEG can be decoded at 1/2, 1/4, 1/8 scale: no need to decode 48 megapixels to
        # keep 2,500 px (memory and time on the web node).
        scale = PHOTO_SIDE_MAX / max(width, height)
        if scale < 1:
            image.draft("RGB", (int(width * scale), int(height * scale)))
        image.load()
    except Refused:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise bad from None
    image = ImageOps.exif_transpose(image)
    if image.mode != "RGB":
        image = image.convert("RGB")
    image.thumbnail((PHOTO_SIDE_MAX, PHOTO_SIDE_MAX))
    return image


def photos_to_pdf(photos: list[tuple[str, bytes]]) -> PreparedFile:
    """Pages in the order given (the order the person chose the files)."""
    images = [_open_photo(data, name) for name, data in photos]
    out = io.BytesIO()
    images[0].save(out, format="PDF", save_all=True, append_images=images[1:], resolution=200)
    return PreparedFile(content=out.getvalue(), file_type=PDF, pages=len(images))


def upload_prepare(files, *, max_bytes: int) -> PreparedFile:
    """`files`: Django UploadedFile objects (or anything with .name, .size, .read()). Returns
    what to store, or raises Refused with the reason."""
    files = list(files)
    if not files:
        raise Refused("no_file", _("Chưa chọn tệp nào để tải lên."))
    if len(files) > PHOTOS_MAX:
        raise Refused(
            "too_many",
            _("Chỉ tải lên tối đa %(max)s ảnh cho một bài.") % {"max": PHOTOS_MAX},
        )
    total = sum(int(getattr(f, "size", 0) or 0) for f in files)
    if total > max_bytes:
        raise Refused(
            "too_large",
            _("Tệp quá lớn (%(size)s MB); dung lượng tối đa là %(max)s MB.")
            % {"size": _mb(total), "max": max_bytes // (1024 * 1024)},
        )
    read: list[tuple[str, bytes, str]] = []
    for upload in files:
        name = os.path.basename(str(upload.name or ""))[:120]
        data = upload.read(max_bytes + 1)
        if len(data) > max_bytes:  # the size the client announced was not the truth
            raise Refused(
                "too_large",
                _("Tệp quá lớn; dung lượng tối đa là %(max)s MB.")
                % {"max": max_bytes // (1024 * 1024)},
            )
        if not data:
            raise Refused("empty_file", _("Tệp “%(name)s” rỗng.") % {"name": name})
        kind = sniff(data[:16])
        claimed = _name_kind(name)
        if kind is None:
            raise Refused(
                "not_allowed",
                _(
                    "Tệp “%(name)s” không phải PDF, DOCX hay ảnh JPEG/PNG "
                    "(kiểm tra theo nội dung tệp, không theo tên)."
                )
                % {"name": name},
            )
        if claimed is not None and not _same_family(kind, claimed):
            raise Refused(
                "name_mismatch",
                _(
                    "Tệp “%(name)s” có tên là %(claimed)s nhưng nội dung là %(kind)s: "
                    "hãy kiểm tra lại tệp."
                )
                % {"name": name, "claimed": claimed.upper(), "kind": kind.upper()},
            )
        read.append((name, data, kind))
    kinds = {kind for _name, _data, kind in read}
    if len(read) > 1 and not kinds <= set(PHOTOS):
        raise Refused(
            "many_documents",
            _(
                "Nhiều tệp chỉ được ghép khi tất cả là ảnh chụp (JPEG/PNG); "
                "bài PDF hoặc DOCX nộp một tệp."
            ),
        )
    name, data, kind = read[0]
    if kind == PDF:
        return PreparedFile(content=data, file_type=PDF, pages=check_pdf(data))
    if kind == DOCX:
        check_docx(data)
        return PreparedFile(content=data, file_type=DOCX)
    return photos_to_pdf([(name, data) for name, data, _kind in read])
