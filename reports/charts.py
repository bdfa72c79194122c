"""Server-rendered SVG bar charts: readable at a glance, no JavaScript, no CDN."""

from __future__ import annotations

from django.utils import formats
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe


def _n(value) -> str:
    return formats.number_format(value, force_grouping=True)


def bar_chart(
    points: list[tuple[str, int | float]],
    *,
    title: str,
    width: int = 720,
    height: int = 240,
    color: str = "#0d6efd",
    label_every: int | None = None,
) -> SafeString:
    """Vertical bars with a title, the maximum on the axis, a label under every
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
        f'<text x="{left - 6}" y="{top + 4}" font-size="11" text-anchor="end">{_n(peak)}</text>',
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
                f'fill="{color}"><title>{escape(label)}: {_n(value)}</title></rect>'
            )
            if i % every == 0:
                parts.append(
                    f'<text x="{x + bar_w / 2:.1f}" y="{top + inner_h + 14}" font-size="10" '
                    f'text-anchor="middle">{escape(label)}</text>'
                )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308  (every interpolated text is escaped)
