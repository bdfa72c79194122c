"""The charts' geometry as pure functions: a continuous score axis, a continuous day axis,
whole-number ticks, labels that never overlap; and the drawings' label sizes."""

import datetime
import re

import pytest
from django.template import Context, Template
from django.utils import translation

from reports import charts

D = datetime.date


@pytest.mark.parametrize(
    ("counts", "max_score", "expected"),
    [
        ({}, 3, [(0, 0), (1, 0), (2, 0), (3, 0)]),
        ({5: 2, 9: 7}, 10, [(s, {5: 2, 9: 7}.get(s, 0)) for s in range(11)]),
        # A score above the test's length (a blueprint shortened later) widens the axis.
        ({12: 1}, 10, [(s, 1 if s == 12 else 0) for s in range(13)]),
        ({0: 4}, 0, [(0, 4)]),
        ({}, 0, [(0, 0)]),
    ],
)
def test_score_bins_every_score_from_zero(counts, max_score, expected):
    assert charts.score_bins(counts, max_score) == expected


@pytest.mark.parametrize(
    ("counts", "first", "last", "expected"),
    [
        ({}, None, None, []),
        ({D(2023, 9, 2): 5}, None, None, [(D(2023, 9, 2), 5)]),
        (
            {D(2023, 9, 1): 3, D(2023, 9, 4): 1},
            None,
            None,
            [(D(2023, 9, 1), 3), (D(2023, 9, 2), 0), (D(2023, 9, 3), 0), (D(2023, 9, 4), 1)],
        ),
        # The contest's days so far, the empty first and last ones included.
        (
            {D(2023, 9, 2): 7},
            D(2023, 9, 1),
            D(2023, 9, 3),
            [(D(2023, 9, 1), 0), (D(2023, 9, 2), 7), (D(2023, 9, 3), 0)],
        ),
        # No figures yet: the axis still spans the days asked for.
        ({}, D(2023, 9, 1), D(2023, 9, 2), [(D(2023, 9, 1), 0), (D(2023, 9, 2), 0)]),
        # A range over MAX_DAYS: only the days with figures.
        ({D(2023, 9, 2): 1}, D(2020, 1, 1), D(2023, 9, 3), [(D(2023, 9, 2), 1)]),
        # An upside-down range: only the days with figures.
        ({D(2023, 9, 2): 1}, D(2023, 9, 5), D(2023, 9, 1), [(D(2023, 9, 2), 1)]),
    ],
)
def test_day_bins_continuous(counts, first, last, expected):
    assert charts.day_bins(counts, first, last) == expected


@pytest.mark.parametrize(
    ("peak", "expected"),
    [
        (0, [0, 1]),
        (1, [0, 1]),
        (3, [0, 1, 2, 3]),
        (7, [0, 2, 4, 6, 8]),
        (10, [0, 2, 4, 6, 8, 10]),
        (11, [0, 5, 10, 15]),
        (1234, [0, 500, 1000, 1500]),
        (25_000, [0, 5000, 10_000, 15_000, 20_000, 25_000]),
        (1_512_991, [0, 500_000, 1_000_000, 1_500_000, 2_000_000]),
        (0.5, [0, 1]),
    ],
)
def test_nice_ticks(peak, expected):
    assert charts.nice_ticks(peak) == expected


@pytest.mark.parametrize(
    ("count", "width", "longest", "expected"),
    [
        (0, 468, 5, 1),
        (11, 468, 2, 1),  # 0..10 on a laptop: every score
        (21, 288, 2, 2),  # 0..20 on a phone: every other score
        (31, 468, 5, 5),  # a month of dd/mm labels on a laptop
        (31, 288, 5, 5),  # on a phone too, just
        (40, 288, 5, 7),  # 40 days on a phone: one a week
        (400, 288, 5, 100),
        (2000, 288, 5, 322),  # beyond the table: the exact need
    ],
)
def test_label_step_labels_never_overlap(count, width, longest, expected):
    step = charts.label_step(count, width, longest)
    assert step == expected
    if count:
        assert width / count * step >= longest * charts.FONT * charts.CHAR_WIDTH


@pytest.mark.parametrize(
    ("bins", "expected"),
    [([], None), ([(0, 0), (1, 0)], None), ([(5, 1), (10, 1)], 7.5), ([(0, 3), (10, 1)], 2.5)],
)
def test_mean_of_bins(bins, expected):
    assert charts.mean_of_bins(bins) == expected


def test_drawings_label_sizes_separators_and_axis_titles():
    with translation.override("vi"):
        chart = charts.axis_chart(
            [(str(s), n) for s, n in charts.score_bins({7: 1_234_567, 10: 3}, 10)],
            title="Phân bố",
            x_title="Số câu đúng (trên 10 câu)",
            y_title="Số người dự thi",
            marker=(7.4, "TB 7,4 / 10 câu"),
        )
    for svg, width in ((chart.wide, charts.WIDE), (chart.narrow, charts.NARROW)):
        sizes = [int(s) for s in re.findall(r'font-size="(\d+)"', svg)]
        assert sizes and min(sizes) >= 12
        assert f'width="{width}"' in svg
        assert "1.500.000" in svg  # the top tick, Vietnamese grouping
        assert "1.234.567" in svg  # the bar's tooltip
        assert "Số câu đúng (trên 10 câu)" in svg and "Số người dự thi" in svg
        assert "TB 7,4 / 10 câu" in svg
        # Every score 0..10 has its bar, the empty ones with height 0.
        assert svg.count("<rect") == 11
    # In a template: both drawings, each in the box shown at its widths.
    html = Template("{{ chart }}").render(Context({"chart": chart}))
    assert html.count("<svg") == 2
    assert '<div class="chart-wide"><svg' in html and '<div class="chart-narrow"><svg' in html
