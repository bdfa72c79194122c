"""The organiser's dashboard of a contest with rounds: the figures per round (checked against
the direct count), each round's and the overall (cumulative) ranking of the organiser's
subtree, the full ranking page per round with its pages, and bad query strings answered in
Vietnamese (never a 500)."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from contests.models import Round
from reports import rankings, selectors
from reports.services.rollups import rollups_recompute
from tests.factories import ContestFactory
from tests.reports.conftest import direct_counts
from tests.reports.rounds_world import weekly  # noqa: F401  (fixture)
from tests.reports.test_views import client_for


@pytest.fixture
def rolled_weekly(weekly):  # noqa: F811
    rollups_recompute(contest=weekly.contest)
    return weekly


def dashboard(client, contest, **query):
    return client.get(reverse("reports:dashboard", args=[contest.slug]), query)


def ranking_page(client, contest, **query):
    return client.get(reverse("reports:ranking", args=[contest.slug]), query)


def section(html: str, marker: str) -> str:
    return html.split(marker, 1)[1].split("</section>", 1)[0]


def names(html: str) -> list[str]:
    """The names of a ranking table's rows, in order (rank, name, unit, value)."""
    return re.findall(r"<tr>\s*<td class=\"text-end\">[\d.]+</td><td>([^<]+)</td>", html)


def test_round_figures_equal_the_direct_count(rolled_weekly, tree):
    contest = rolled_weekly.contest
    for code in ("C", "A", "B", "A-1"):
        unit = tree[code]
        rows = selectors.round_figures(contest=contest, unit=unit)
        assert [r["round"].number for r in rows] == [1, 2]
        for row in rows:
            oracle = direct_counts(contest, row["round"].pk)["unit"][unit.path]
            assert (row["participants"], row["attempts"], row["perfect_attempts"]) == (
                oracle["participants"],
                oracle["attempts"],
                oracle["perfect_attempts"],
            ), (code, row["round"].number)
    # The values themselves, at the city: week 1 Lan, Hùng, An (4 attempts, 2 perfect);
    # week 2 Lan, Hùng, Hoa (3 attempts, 1 perfect).
    rows = selectors.round_figures(contest=contest, unit=tree["C"])
    assert [(r["participants"], r["attempts"], r["perfect_attempts"]) for r in rows] == [
        (3, 4, 2),
        (3, 3, 1),
    ]
    assert [r["mean_best_score"] for r in rows] == [
        pytest.approx(float(sum(_scores(contest, rolled_weekly.week1))) / 3, abs=0.01),
        pytest.approx(float(sum(_scores(contest, rolled_weekly.week2))) / 3, abs=0.01),
    ]


def _scores(contest, round_):
    from scoring.models import Result

    return Result.objects.filter(contest=contest, round=round_).values_list("score", flat=True)


def test_dashboard_shows_rounds_and_rankings_for_the_city(rolled_weekly, organisers):
    contest = rolled_weekly.contest
    response = dashboard(client_for(organisers["city"]), contest)
    assert response.status_code == 200
    html = response.content.decode()
    table = html.split('id="round-figures"', 1)[1].split("</table>", 1)[0]
    assert re.findall(r'data-figure="participants">(\d+)<', table) == ["3", "3"]
    # The week's window read as on the public page (contest_tags.vn_window), not "01/09 – 08/09".
    assert "từ 0 giờ ngày 01/09/2023 đến 24 giờ ngày 07/09/2023" in table
    assert re.findall(r'data-figure="attempts">(\d+)<', table) == ["4", "3"]
    assert re.findall(r'data-figure="perfect_attempts">(\d+)<', table) == ["2", "1"]
    # The overall ranking by the sum of each week's best, with those sums.
    overall = section(html, 'data-ranking="overall"')
    assert "Tổng số câu đúng của bài tốt nhất mỗi tuần/vòng" in overall
    assert names(overall) == ["Trần Thị Lan", "Lê Văn Hùng", "Phạm Minh An", "Ngô Thị Hoa"]
    assert re.findall(r'<td class="text-end">(\d+)</td></tr>', overall) == ["18", "17", "10", "5"]
    # Week 1: Lan and An both 10, Lan finished first; week 2: Hùng, Lan, Hoa.
    week1 = section(html, 'data-ranking="1"')
    assert names(week1) == ["Trần Thị Lan", "Phạm Minh An", "Lê Văn Hùng"]
    assert names(section(html, 'data-ranking="2"')) == [
        "Lê Văn Hùng",
        "Trần Thị Lan",
        "Ngô Thị Hoa",
    ]
    ranking_url = reverse("reports:ranking", args=[contest.slug])
    assert f'href="{ranking_url}?unit=C&amp;vong=1"' in week1
    assert f'href="{ranking_url}?unit=C"' in overall
    # The export offers a round choice for the results and the prize list.
    assert html.count('name="vong" aria-label="Tuần/vòng của tệp') == 2


def test_district_organiser_sees_only_its_people(rolled_weekly, organisers):
    html = dashboard(client_for(organisers["a"]), rolled_weekly.contest).content.decode()
    assert names(section(html, 'data-ranking="overall"')) == ["Lê Văn Hùng", "Phạm Minh An"]
    assert names(section(html, 'data-ranking="1"')) == ["Phạm Minh An", "Lê Văn Hùng"]
    assert names(section(html, 'data-ranking="2"')) == ["Lê Văn Hùng"]
    assert "Trần Thị Lan" not in html and "Ngô Thị Hoa" not in html
    # Asking for the city (above its subtree) or a district beside it: 404.
    client = client_for(organisers["a"])
    assert dashboard(client, rolled_weekly.contest, unit="C").status_code == 404
    assert dashboard(client, rolled_weekly.contest, unit="B").status_code == 404
    assert ranking_page(client, rolled_weekly.contest, unit="B").status_code == 404


def test_contest_without_rounds_has_no_round_sections(small_contest, organisers):
    rollups_recompute(contest=small_contest)
    html = dashboard(client_for(organisers["city"]), small_contest).content.decode()
    assert 'id="round-figures"' not in html
    assert "data-ranking=" not in html
    assert 'name="vong" aria-label' not in html
    # Its full ranking page is the contest's ranking.
    response = ranking_page(client_for(organisers["city"]), small_contest)
    assert response.status_code == 200
    assert len(names(response.content.decode())) == 5


def test_full_ranking_page_per_round_and_overall(rolled_weekly, organisers):
    client = client_for(organisers["city"])
    contest = rolled_weekly.contest
    html = ranking_page(client, contest, vong="2").content.decode()
    assert "Bảng xếp hạng: Tuần 2" in html
    assert names(html) == ["Lê Văn Hùng", "Trần Thị Lan", "Ngô Thị Hoa"]
    assert "Tổng số câu đúng các tuần/vòng" not in html  # a round has no cumulative columns
    overall = ranking_page(client, contest).content.decode()
    assert "xếp hạng chung cả cuộc thi" in overall
    assert names(overall) == ["Trần Thị Lan", "Lê Văn Hùng", "Phạm Minh An", "Ngô Thị Hoa"]
    assert "Tổng số câu đúng các tuần/vòng" in overall and "Đối tượng" in overall
    # Lan's row: category, the sum 18, one perfect week, then her best (10).
    row = overall.split("<td>Trần Thị Lan</td>", 1)[1].split("</tr>", 1)[0]
    cells = re.findall(r"<td[^>]*>([^<]*)</td>", row)
    assert cells[:5] == ["Sở Giáo dục", "Cán bộ, công chức", "18", "1", "10"]


def test_pages_continue_the_ranks(rolled_weekly, organisers, monkeypatch):
    monkeypatch.setattr(rankings, "PAGE_SIZE", 2)
    client = client_for(organisers["city"])
    contest = rolled_weekly.contest
    first = ranking_page(client, contest).content.decode()
    second = ranking_page(client, contest, trang="2").content.decode()
    assert names(first) == ["Trần Thị Lan", "Lê Văn Hùng"]
    assert names(second) == ["Phạm Minh An", "Ngô Thị Hoa"]
    assert re.findall(r'<tr>\s*<td class="text-end">(\d+)</td>', second) == ["3", "4"]
    assert "Trang 2/2" in second and "trang=1" in second
    # A page that is not a page: the first, or the last (never an error).
    for junk, expected in (("abc", "Trần Thị Lan"), ("99", "Phạm Minh An"), ("-1", "Phạm Minh An")):
        response = ranking_page(client, contest, trang=junk)
        assert response.status_code == 200
        assert names(response.content.decode())[0] == expected, junk


@pytest.mark.parametrize(
    "value, status, text",
    [
        ("9", 404, "Cuộc thi này không có vòng thi “9”."),
        ("abc", 404, "Cuộc thi này không có vòng thi “abc”."),
        ("1; DROP", 404, "Cuộc thi này không có vòng thi “1; DROP”."),
        ("0", 404, "Cuộc thi này không có vòng thi “0”."),
        ("99999999999999999999", 404, "Cuộc thi này không có vòng thi"),
        # Refused before the view by the site's request screening, in Vietnamese too.
        ("١", 400, "Yêu cầu không hợp lệ"),
        ("\x00", 400, "Yêu cầu không hợp lệ"),
    ],
)
def test_bad_round_on_the_ranking_page_is_refused_in_vietnamese(
    rolled_weekly, organisers, value, status, text
):
    response = ranking_page(client_for(organisers["city"]), rolled_weekly.contest, vong=value)
    assert response.status_code == status
    assert text in response.content.decode()


def test_round_number_of_another_contest_is_refused(rolled_weekly, organisers, tree):
    other = ContestFactory(owner_unit=tree["C"], participation_root=tree["C"])
    Round.objects.create(
        contest=other,
        number=7,
        title="Vòng của cuộc thi khác",
        opens_at=other.opens_at,
        closes_at=other.closes_at,
    )
    client = client_for(organisers["city"])
    response = ranking_page(client, rolled_weekly.contest, vong="7")
    assert response.status_code == 404
    assert "Cuộc thi này không có vòng thi “7”" in response.content.decode()
    # The dashboard ignores it and says so (its filter is a convenience, not a page).
    response = dashboard(client, rolled_weekly.contest, vong="7")
    assert response.status_code == 200
    assert "Không có vòng thi “7”: đã bỏ qua." in response.content.decode()


def test_dashboard_of_one_round_keeps_the_rankings(rolled_weekly, organisers):
    html = dashboard(client_for(organisers["city"]), rolled_weekly.contest, vong="1")
    html = html.content.decode()
    assert 'data-figure="participants">3<' in html  # week 1's participants in the cards
    assert names(section(html, 'data-ranking="overall"'))[0] == "Trần Thị Lan"


def test_rankings_are_cached_with_the_figures(
    rolled_weekly, organisers, django_assert_max_num_queries
):
    client = client_for(organisers["city"])
    contest = rolled_weekly.contest
    dashboard(client, contest)  # fills the cache
    # Three rankings cost a dozen queries or so; cached, the page does not run them again.
    with django_assert_max_num_queries(20) as captured:
        dashboard(client, contest)
    sql = " ".join(q["sql"] for q in captured.captured_queries)
    assert "rounds_correct_total" not in sql


def test_ranking_page_queries_do_not_grow_with_its_rows(rolled_weekly, organisers, monkeypatch):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(organisers["city"])
    counts = []
    for size in (1, 4):
        monkeypatch.setattr(rankings, "PAGE_SIZE", size)
        ranking_page(client, rolled_weekly.contest)  # sessions, caches warmed
        with CaptureQueriesContext(connection) as captured:
            html = ranking_page(client, rolled_weekly.contest).content.decode()
        assert len(names(html)) == size
        counts.append(len(captured.captured_queries))
    assert counts[0] == counts[1], counts
