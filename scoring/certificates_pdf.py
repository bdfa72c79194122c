"""The certificate as a PDF: an A4 landscape page with the contest, the person, the award and
a QR code of the public verification URL. Pure: facts in, bytes out (no database).

Speed matters (a city's winners are printed in one night, one worker: ≥ 50 a second), so:
- one font file, DejaVu Sans cut down to Latin and Vietnamese (static/fonts/, 31 KB, how it
  was cut: static/fonts/README.md): fpdf2 parses and re-subsets every font of every document,
  which took 115 ms a certificate with the two full 700 KB DejaVu files; the headings are made
  bold by stroking the glyph outline (fill + stroke), not by a second font;
- the QR code drawn as vector squares from segno's matrix (sharp when printed, no PNG to
  encode and decode), with a fixed mask (choosing the best of eight took 5 ms of 6)."""

from __future__ import annotations

import dataclasses
import logging
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import segno
from django.conf import settings
from django.utils.translation import gettext as _
from fpdf import FPDF
from fpdf.enums import TextMode

FONT = Path(settings.BASE_DIR) / "static" / "fonts" / "DejaVuSans-vi.ttf"
# fontTools logs every subsetting step at INFO: thousands of lines per batch.
logging.getLogger("fontTools").setLevel(logging.WARNING)


@dataclass(frozen=True)
class CertificateFacts:
    contest_title: str
    full_name: str
    unit_name: str
    award: str
    issued_on: str  # "dd/mm/yyyy"
    organiser_name: str
    verify_url: str
    code: str  # printed under the QR code, so that it can also be typed


def qr_matrix(url: str) -> list[list[bool]]:
    """The QR code of `url` (error correction M, mask 0), rows of dark (True) modules, without
    the quiet zone."""
    qr = segno.make(url, error="m", micro=False, mask=0)
    return [[bool(m) for m in row] for row in qr.matrix]


def _draw_qr(pdf: FPDF, matrix: list[list[bool]], *, x: float, y: float, size: float) -> None:
    """Runs of dark modules as filled rectangles, on a white square with a 4-module margin."""
    n = len(matrix)
    module = size / (n + 8)
    pdf.set_fill_color(255, 255, 255)
    pdf.rect(x, y, size, size, style="F")
    pdf.set_fill_color(0, 0, 0)
    for r, row in enumerate(matrix):
        c = 0
        while c < n:
            if not row[c]:
                c += 1
                continue
            start = c
            while c < n and row[c]:
                c += 1
            pdf.rect(
                x + (4 + start) * module, y + (4 + r) * module, (c - start) * module, module, "F"
            )


def certificate_pdf(facts: CertificateFacts) -> bytes:
    # Names typed with combining accents (decomposed) are composed: the font has every
    # precomposed Vietnamese letter, and fpdf2 places combining marks without shaping.
    facts = CertificateFacts(
        **{k: unicodedata.normalize("NFC", v) for k, v in dataclasses.asdict(facts).items()}
    )
    pdf = FPDF(orientation="L", unit="mm", format="A4")
    pdf.set_auto_page_break(False)
    pdf.set_title(_("Giấy chứng nhận"))
    pdf.set_creator(facts.organiser_name)
    pdf.add_font("DejaVu", "", str(FONT))
    # The vendored font's bounding boxes are already right; recomputing them made fontTools
    # decode and re-encode every glyph of the subset in each PDF (a third of the time).
    pdf.fonts["dejavu"].ttfont.recalcBBoxes = False
    pdf.add_page()
    width = pdf.w - 40
    pdf.set_draw_color(150, 30, 30)
    pdf.set_line_width(1.2)
    pdf.rect(10, 10, pdf.w - 20, pdf.h - 20)
    pdf.set_line_width(0.4)
    pdf.rect(13, 13, pdf.w - 26, pdf.h - 26)

    def line(text: str, *, size: float, bold: bool = False, gap: float = 2, color=(0, 0, 0)):
        pdf.set_font("DejaVu", "", size)
        pdf.set_x(20)
        mode = TextMode.FILL_STROKE if bold else TextMode.FILL
        with pdf.local_context(
            text_mode=mode, text_color=color, draw_color=color, line_width=size * 0.02
        ):
            pdf.multi_cell(width, size * 0.5, text, align="C")
        pdf.ln(gap)

    pdf.set_y(24)
    line(facts.organiser_name.upper(), size=13, bold=True, gap=8)
    line(_("GIẤY CHỨNG NHẬN"), size=30, bold=True, gap=6, color=(150, 30, 30))
    line(_("Chứng nhận"), size=14, gap=3)
    line(facts.full_name, size=24, bold=True, gap=3, color=(20, 50, 120))
    line(_("Đơn vị: %(unit)s") % {"unit": facts.unit_name}, size=13, gap=6)
    line(_("Đã đạt"), size=14, gap=3)
    line(facts.award, size=18, bold=True, gap=3)
    line(facts.contest_title, size=14, gap=8)
    pdf.text_mode = TextMode.FILL
    pdf.set_text_color(0, 0, 0)
    pdf.set_font("DejaVu", "", 12)
    pdf.set_xy(pdf.w - 120, pdf.h - 52)
    signed = _("Ngày %(date)s") % {"date": facts.issued_on}
    pdf.multi_cell(95, 6, signed + "\n" + facts.organiser_name, align="C")
    qr_size = 36
    qr_y = pdf.h - 20 - qr_size
    _draw_qr(pdf, qr_matrix(facts.verify_url), x=20, y=qr_y, size=qr_size)
    pdf.set_font("DejaVu", "", 8)
    pdf.set_xy(20 + qr_size + 2, qr_y + qr_size - 14)
    scan = _("Quét mã QR để xác minh giấy chứng nhận.")
    pdf.multi_cell(90, 4, scan + "\n" + _("Mã: %(code)s") % {"code": facts.code})
    return bytes(pdf.output())
