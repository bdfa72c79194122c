"""The QR code of an invite link, as inline SVG for the printable poster (segno: pure Python,
no image library, and an SVG stays sharp at any print size). No style attribute is written,
so the page keeps its Content-Security-Policy."""

from __future__ import annotations

import segno
from django.utils.safestring import SafeString, mark_safe


def qr_svg(url: str) -> SafeString:
    # Error correction M (15 %): survives a fold or a smudge on a notice board while keeping
    # the modules large enough to scan from a metre away.
    qr = segno.make(url, error="m", micro=False)
    # segno writes only its own markup (the URL is encoded in the path, never copied as text).
    return mark_safe(qr.svg_inline(scale=8, border=2, omitsize=True, svgclass="invite-qr"))  # noqa: S308
