"""Server-rendered SVG bar charts: readable at a glance, no JavaScript, no CDN.

Readable on a laptop and on a phone: each chart is drawn twice, at the width it is shown at
(`WIDE` beside another chart on a laptop, `NARROW` on a phone), and the page shows the one
that fits (`.chart-wide` / `.chart-narrow` in static/css/staff.css). The SVG carries its
own width and is never enlarged, only shrunk by a few percent on the narrowest phones, so
a 13-pixel label stays about 13 pixels, where one drawing scaled from 720 to a phone's 360
pixels had 5-pixel labels.

The geometry (bins, ticks, which labels fit) is in pure functions with table tests
(tests/reports/test_charts.py); `bar_chart` only lays out what they decide."""

from __future__ import annotations

import datetime
import math
from dataclasses import dataclass

from django.utils import formats
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

WIDE = 540
NARROW = 360
HEIGHT = 256
FONT = 13  # axis labels and titles: at least 12 px once shown (a phone shrinks by ≤ 1 %)
# Average width of a digit or letter of the labels, as a share of the font size.
CHAR_WIDTH = 0.62
LABEL_GAP = 6  # pixels between two axis labels


def number_text(value) -> str:
    """1234567 → "1.234.567", 7.4 → "7,4" (the active language's separators)."""
    return formats.number_format(value, force_grouping=True)


def score_bins(counts: dict[int, int], max_score: int) -> list[tuple[int, int]]:
    """Every score from 0 to `max_score` (or the highest score counted, if higher) with its
    count, the scores nobody had included as 0: a continuous axis, where a skipped empty bin
    would put 9 right after 5 and hide the gap."""
    top = max([max_score, *counts]) if counts else max_score
    return [(score, counts.get(score, 0)) for score in range(max(top, 0) + 1)]


# A day axis longer than this is drawn over the days with figures only (a date filter over
# years, a contest left open for ever).
MAX_DAYS = 400


def day_bins(
    counts: dict[datetime.date, int], first: datetime.date | None, last: datetime.date | None
) -> list[tuple[datetime.date, int]]:
    """Every day from `first` to `last` (widened to the days counted) with its count, the
    days without any included as 0, like the score axis."""
    days = sorted(counts)
    start = min([d for d in (first, *days[:1]) if d is not None], default=None)
    end = max([d for d in (last, *days[-1:]) if d is not None], default=None)
    if start is None or end is None or end < start:
        return [(day, counts[day]) for day in days]
    if (end - start).days >= MAX_DAYS:
        return [(day, counts[day]) for day in days]
    span = (end - start).days + 1
    return [
        (start + datetime.timedelta(days=i), counts.get(start + datetime.timedelta(days=i), 0))
        for i in range(span)
    ]


def nice_ticks(peak: float, *, most: int = 5) -> list[int]:
    """Whole-number ticks for a value axis from 0 to at least `peak`: a step of 1, 2 or 5
    times a power of ten, so that there are at most `most` intervals."""
    if peak <= 0:
        return [0, 1]
    raw = peak / most
    power = 10 ** math.floor(math.log10(raw)) if raw >= 1 else 1
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    step = max(1, int(step))
    top = step * math.ceil(peak / step)
    return list(range(0, top + 1, step))


def label_step(count: int, plot_width: float, longest_label: int, font: int = FONT) -> int:
    """Label every n-th bar (n from 1, 2, 5, 7, 10, 14, 20, … : whole weeks for days) so
    that two labels never overlap."""
    if count <= 0:
        return 1
    slot = plot_width / count
    needed = longest_label * font * CHAR_WIDTH + LABEL_GAP
    for step in (1, 2, 5, 7, 10, 14, 20, 28, 50, 100):
        if slot * step >= needed:
            return step
    return max(1, math.ceil(needed / slot))


@dataclass(frozen=True)
class Chart:
    """One chart drawn at the two widths. In a template it is both drawings (a template
    renders `str(value)`), each shown at the widths it is for."""

    wide: SafeString
    narrow: SafeString
    title: str

    def __str__(self) -> SafeString:
        return mark_safe(  # noqa: S308  (both drawings are escaped SVG)
            f'<figure class="chart-figure mb-1"><figcaption class="chart-title">'
            f'{escape(self.title)}</figcaption><div class="chart-wide">{self.wide}</div>'
            f'<div class="chart-narrow">{self.narrow}</div></figure>'
        )

    def __html__(self) -> SafeString:
        return str(self)


def _svg(
    points: list[tuple[str, int | float]],
    *,
    title: str,
    x_title: str,
    y_title: str,
    width: int,
    color: str,
    longest_label: int,
    marker: tuple[float, str] | None,
) -> SafeString:
    # The top margin holds the marker's label (the title is the figure's caption, in HTML:
    # it wraps on a phone).
    left, right, top, bottom = 62, 10, 26, 52
    height = HEIGHT
    inner_w, inner_h = width - left - right, height - top - bottom
    n = len(points)
    ticks = nice_ticks(max((v for _label, v in points), default=0))
    axis_top = ticks[-1]
    base = top + inner_h
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="{escape(title)}" '
        f'class="chart" font-family="system-ui, sans-serif">',
        f"<title>{escape(title)}</title>",
    ]
    for tick in ticks:
        y = base - inner_h * tick / axis_top
        parts.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{width - right}" y2="{y:.1f}" '
            f'stroke="{"#6c757d" if tick == 0 else "#dee2e6"}"/>'
            f'<text x="{left - 6}" y="{y + FONT * 0.35:.1f}" font-size="{FONT}" '
            f'text-anchor="end">{number_text(tick)}</text>'
        )
    if n:
        slot = inner_w / n
        bar_w = max(1.0, slot * 0.8)
        every = label_step(n, inner_w, longest_label)
        for i, (label, value) in enumerate(points):
            h = inner_h * value / axis_top
            x = left + i * slot + (slot - bar_w) / 2
            parts.append(
                f'<rect x="{x:.1f}" y="{base - h:.1f}" width="{bar_w:.1f}" height="{h:.1f}" '
                f'fill="{color}"><title>{escape(label)}: {number_text(value)}</title></rect>'
            )
            if i % every == 0:
                parts.append(
                    f'<text x="{x + bar_w / 2:.1f}" y="{base + FONT + 4}" font-size="{FONT}" '
                    f'text-anchor="middle">{escape(label)}</text>'
                )
        if marker is not None:
            position, text = marker
            x = left + (position + 0.5) * slot
            parts.append(
                f'<line x1="{x:.1f}" y1="{top}" x2="{x:.1f}" y2="{base}" stroke="#212529" '
                f'stroke-dasharray="4 3"/>'
                f'<text x="{x:.1f}" y="{top - 6}" font-size="{FONT}" '
                f'text-anchor="{"end" if x > width / 2 else "start"}">{escape(text)}</text>'
            )
    parts.append(
        f'<text x="{left + inner_w / 2:.1f}" y="{height - 6}" font-size="{FONT}" '
        f'text-anchor="middle" fill="#495057">{escape(x_title)}</text>'
        f'<text x="14" y="{top + inner_h / 2:.1f}" font-size="{FONT}" text-anchor="middle" '
        f'fill="#495057" transform="rotate(-90 14 {top + inner_h / 2:.1f})">'
        f"{escape(y_title)}</text>"
    )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308  (every interpolated text is escaped)


def axis_chart(
    points: list[tuple[str, int | float]],
    *,
    title: str,
    x_title: str,
    y_title: str,
    color: str = "#0d6efd",
    marker: tuple[float, str] | None = None,
) -> Chart:
    """Vertical bars over a value axis with whole-number ticks (Vietnamese separators), a
    label under every bar that has room, each value in the bar's tooltip (<title>), axis
    titles, and optionally a dashed marker at bar position `marker[0]` (fractional: an
    average) labelled `marker[1]`."""
    longest = max((len(label) for label, _v in points), default=1)
    kwargs = {
        "title": title,
        "x_title": x_title,
        "y_title": y_title,
        "color": color,
        "longest_label": longest,
        "marker": marker,
    }
    return Chart(
        wide=_svg(points, width=WIDE, **kwargs),
        narrow=_svg(points, width=NARROW, **kwargs),
        title=title,
    )


def mean_of_bins(bins: list[tuple[int, int]]) -> float | None:
    """The average score of the people counted in `bins` (None when nobody)."""
    people = sum(count for _score, count in bins)
    if not people:
        return None
    return sum(score * count for score, count in bins) / people


def bar_chart(
    points: list[tuple[str, int | float]],
    *,
    title: str,
    width: int = 720,
    height: int = 240,
    color: str = "#0d6efd",
    label_every: int | None = None,
) -> SafeString:
    """The public board's charts (reports/views_public.py: units by name, drawn at its own
    phone width): vertical bars with a title, the maximum on the axis, a label under every
    `label_every`-th bar and each value in the bar's tooltip (<title>)."""
    left, right, top, bottom = 56, 8, 28, 36
    inner_w, inner_h = width - left - right, height - top - bottom
    n = len(points)
    peak = max((v for _l, v in points), default=0) or 1
    every = label_every or max(1, n // 12)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        # No style="" (the CSP has no 'unsafe-inline'): .chart in site.css caps the height.
        f'role="img" aria-label="{escape(title)}" class="chart img-fluid w-100">',
        f"<title>{escape(title)}</title>",
        f'<text x="{left}" y="16" font-size="13" font-weight="600">{escape(title)}</text>',
        f'<line x1="{left}" y1="{top + inner_h}" x2="{width - right}" y2="{top + inner_h}" '
        f'stroke="#888"/>',
        f'<text x="{left - 6}" y="{top + 4}" font-size="11" text-anchor="end">'
        f"{number_text(peak)}</text>",
        f'<text x="{left - 6}" y="{top + inner_h}" font-size="11" text-anchor="end">0</text>',
    ]
    if n:
        slot = inner_w / n
        bar_w = max(1.0, slot * 0.8)
        for i, (label, value) in enumerate(points):
            h = inner_h * (value / peak)
            x = left + i * slot + (slot - bar_w) / 2
            y = top + inner_h - h
            parts.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar_w:.1f}" height="{h:.1f}" '
                f'fill="{color}"><title>{escape(label)}: {number_text(value)}</title></rect>'
            )
            if i % every == 0:
                parts.append(
                    f'<text x="{x + bar_w / 2:.1f}" y="{top + inner_h + 14}" font-size="10" '
                    f'text-anchor="middle">{escape(label)}</text>'
                )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308  (every interpolated text is escaped)
