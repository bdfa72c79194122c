"""The share image (Open Graph / Twitter card, 1200×630 PNG) of a contest and of the site.

Only what the contest page itself shows publicly goes in (title, dates, organiser): no person,
no figure about a person. Rendered with Pillow in a font that carries Vietnamese diacritics,
kept in the cache under a hash of exactly what is drawn, so an edit to the contest gives a
new image (and a new `?v=` in the og:image URL, which makes Facebook and Zalo fetch it again)
while an unchanged contest costs one cache read."""

from __future__ import annotations

import contextlib
import hashlib
import io
from dataclasses import dataclass
from functools import cache as memoise
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import gettext as _
from PIL import Image, ImageDraw, ImageFont

from contests.models import Contest
from contests.templatetags.contest_tags import vn_deadline, vn_time

WIDTH, HEIGHT = 1200, 630
CACHE_SECONDS = 7 * 24 * 3600
RED, INK, PAPER, MUTED = (179, 0, 27), (33, 37, 41), (255, 255, 255), (90, 90, 90)
# DejaVu Sans cut to the Vietnamese letters, vendored with its licence (static/fonts/README.md):
# the image never depends on what fonts the server happens to have.
FONTS = Path(settings.BASE_DIR) / "static" / "fonts"


@dataclass(frozen=True)
class ShareCard:
    """What one share image says."""

    title: str
    lines: tuple[str, ...]
    footer: str

    @property
    def version(self) -> str:
        text = "\x1f".join((self.title, *self.lines, self.footer))
        return hashlib.sha256(text.encode()).hexdigest()[:16]


def site_card() -> ShareCard:
    return ShareCard(
        title=_("Cuộc thi trực tuyến tìm hiểu pháp luật"),
        lines=(_("Đăng ký một lần, làm bài trắc nghiệm trên điện thoại hoặc máy tính."),),
        footer=_("Thi trực tuyến — miễn phí, dành cho mọi người dân"),
    )


def contest_card(contest: Contest) -> ShareCard:
    return ShareCard(
        title=contest.title,
        lines=(
            _("Từ %(start)s đến %(end)s")
            % {"start": vn_time(contest.opens_at), "end": vn_deadline(contest.closes_at)},
        ),
        footer=_("Đơn vị tổ chức: %(owner)s") % {"owner": contest.owner_unit.name},
    )


@memoise
def _font(bold: bool, size: int) -> ImageFont.FreeTypeFont:
    name = "DejaVuSans-Bold-vi.ttf" if bold else "DejaVuSans-vi.ttf"
    return ImageFont.truetype(str(FONTS / name), size)


def _wrap(draw: ImageDraw.ImageDraw, text: str, font, width: int) -> list[str]:
    lines: list[str] = []
    for word in text.split():
        if lines and draw.textlength(f"{lines[-1]} {word}", font=font) <= width:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    return lines


def _fit_title(draw, title: str, width: int) -> tuple[ImageFont.FreeTypeFont, list[str]]:
    """The largest title size whose wrapped lines fit in four lines; the last line cut with
    an ellipsis for an extremely long title."""
    for size in (64, 56, 48, 42, 36):
        font = _font(True, size)
        lines = _wrap(draw, title, font, width)
        if len(lines) <= 4:
            return font, lines
    lines = lines[:4]
    lines[-1] = lines[-1][: max(1, len(lines[-1]) - 1)] + "…"
    return font, lines


def share_image_png(card: ShareCard) -> bytes:
    image = Image.new("RGB", (WIDTH, HEIGHT), PAPER)
    draw = ImageDraw.Draw(image)
    margin, inner = 72, WIDTH - 2 * 72
    draw.rectangle((0, 0, WIDTH, 18), fill=RED)
    draw.rectangle((0, HEIGHT - 96, WIDTH, HEIGHT), fill=RED)
    y = 70
    font, title_lines = _fit_title(draw, card.title, inner)
    for line in title_lines:
        draw.text((margin, y), line, font=font, fill=INK)
        y += int(font.size * 1.25)
    y += 24
    body = _font(False, 34)
    for text in card.lines:
        for line in _wrap(draw, text, body, inner)[:2]:
            draw.text((margin, y), line, font=body, fill=MUTED)
            y += 46
    footer = _font(True, 30)
    footer_line = _wrap(draw, card.footer, footer, inner)[0]
    draw.text((margin, HEIGHT - 96 + 30), footer_line, font=footer, fill=PAPER)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def share_image_cached(card: ShareCard) -> bytes:
    """The PNG of `card`, from the cache when drawn before (keyed by what is drawn)."""
    key = f"contests:share:v1:{card.version}"
    png = None
    with contextlib.suppress(Exception):  # the cache is an optimisation
        png = cache.get(key)
    if png is None:
        png = share_image_png(card)
        with contextlib.suppress(Exception):
            cache.set(key, png, timeout=CACHE_SECONDS)
    return png
