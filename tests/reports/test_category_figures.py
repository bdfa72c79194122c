"""Figures per category (participants and attempts of each of the contest's categories, the
people without one counted apart), from the roll-ups, checked against a direct count over the
raw registrations and attempts at every unit, for the whole contest and each round."""

from __future__ import annotations

from collections import defaultdict

import pytest
from django.urls import reverse
from django.utils import timezone

from contests.models import Category, Round, Unit
from participants.models import Registration
from reports import selectors
from reports.services.rollups import rollups_recompute, rollups_refresh
from scoring.models import Attempt
from tests.reports.rounds_world import attempt_in, person, weekly  # noqa: F401  (fixture)
from tests.reports.test_views import client_for


def category_counts(contest, round_id=None) -> dict:
    """{unit path: {category id or None: [registrants, participants, attempts, perfect]}}
    counted on the raw rows: registrations (the contest's, also for a round) and graded
    attempts (of the round when given), every unit counting its whole subtree."""
    root = contest.participation_root
    paths = dict(Unit.objects.filter(path__startswith=root.path).values_list("id", "path"))
    attempts = Attempt.objects.filter(contest=contest, status="graded")
    if round_id is not None:
        attempts = attempts.filter(round_id=round_id)
    per_reg: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for reg_id, all_correct in attempts.values_list("registration_id", "all_correct"):
        per_reg[reg_id][0] += 1
        per_reg[reg_id][1] += int(all_correct)
    out: dict = defaultdict(lambda: defaultdict(lambda: [0, 0, 0, 0]))
    for reg_id, unit_id, category_id in Registration.objects.filter(contest=contest).values_list(
        "id", "unit_id", "category_id"
    ):
        path = paths[unit_id]
        for end in range(len(root.path), len(path) + 1, Unit.steplen):
            row = out[path[:end]][category_id]
            row[0] += 1
            if reg_id in per_reg:
                row[1] += 1
                row[2] += per_reg[reg_id][0]
                row[3] += per_reg[reg_id][1]
    return out


def shown(rows: list[dict]) -> dict:
    return {
        r["category_id"]: [
            r["registrants"],
            r["participants"],
            r["attempts"],
            r["perfect_attempts"],
        ]
        for r in rows
    }


def expected(counts: dict, path: str, categories: list[int]) -> dict:
    """What `by_category` must list at the unit `path`: every category (zeros when empty),
    and None ("no category") only when someone there has none."""
    at_unit = counts.get(path, {})
    out = {c: list(at_unit.get(c, [0, 0, 0, 0])) for c in categories}
    if None in at_unit and any(at_unit[None][:2]):
        out[None] = list(at_unit[None])
    return out


def check_every_unit(contest, round_key: int, round_id: int | None) -> int:
    counts = category_counts(contest, round_id)
    categories = list(
        Category.objects.filter(contest=contest)
        .order_by("order", "id")
        .values_list("id", flat=True)
    )
    figures = selectors.Figures(contest=contest, round_key=round_key)
    checked = 0
    root = contest.participation_root
    for unit in Unit.objects.filter(path__startswith=root.path):
        assert shown(figures.by_category(unit)) == expected(counts, unit.path, categories), (
            unit.code,
            round_key,
        )
        checked += 1
    return checked


def test_small_weekly_contest_exact_values(weekly, tree):  # noqa: F811
    rollups_recompute(contest=weekly.contest)
    figures = selectors.Figures(contest=weekly.contest)
    rows = figures.by_category(tree["C"])
    # Categories in their order, then the people without one, apart, named so.
    assert [r["name"] for r in rows] == [
        "Cán bộ, công chức",
        "Người dân",
        "Chưa xác định đối tượng",
    ]
    assert [
        (r["registrants"], r["participants"], r["attempts"], r["perfect_attempts"]) for r in rows
    ] == [
        (1, 1, 2, 1),  # Lan: 2 attempts, 1 perfect
        (3, 2, 3, 1),  # Hùng 2 (1 perfect), Hoa 1; Mai never took part
        (1, 1, 2, 1),  # An: 2 attempts in week 1, 1 perfect
    ]
    # Week 2 alone: registrants stay the contest's; An took no part in week 2.
    week2 = selectors.Figures(contest=weekly.contest, round_key=weekly.week2.pk)
    rows = week2.by_category(tree["C"])
    assert [(r["registrants"], r["participants"], r["attempts"]) for r in rows] == [
        (1, 1, 1),
        (3, 2, 2),
        (1, 0, 0),
    ]
    # District A's subtree: no official there; An (no category) and Hùng, Mai (citizens).
    rows = figures.by_category(tree["A"])
    assert [(r["name"], r["participants"]) for r in rows] == [
        ("Cán bộ, công chức", 0),
        ("Người dân", 1),
        ("Chưa xác định đối tượng", 1),
    ]
    # District B: nobody without a category, so no such row.
    assert [r["name"] for r in figures.by_category(tree["B"])] == ["Cán bộ, công chức", "Người dân"]


def test_every_unit_and_round_equals_the_direct_count(weekly):  # noqa: F811
    contest = weekly.contest
    rollups_recompute(contest=contest)
    assert check_every_unit(contest, 0, None) == 9
    for round_ in Round.objects.filter(contest=contest):
        check_every_unit(contest, round_.pk, round_.pk)


def test_refresh_keeps_category_figures_exact(weekly, tree):  # noqa: F811
    contest = weekly.contest
    rollups_recompute(contest=contest)
    # A new attempt by Mai (citizens) and a new registration without a category, graded now
    # (after the roll-ups' watermark: what the refresh looks at).
    attempt_in(weekly.mai, weekly.week2, 1, 10, timezone.now())
    late = person(contest, tree["B-1"], block=tree["C-Q"], category=None, name="Đỗ Văn Nam")
    attempt_in(late, weekly.week2, 1, 3, timezone.now())
    rollups_refresh(contest=contest)
    check_every_unit(contest, 0, None)
    check_every_unit(contest, weekly.week2.pk, weekly.week2.pk)
    rows = selectors.Figures(contest=contest).by_category(tree["B"])
    assert [(r["name"], r["participants"]) for r in rows][-1] == ("Chưa xác định đối tượng", 1)


def test_generated_contest_with_categories_at_every_unit(generated):
    """1,200 registrants on a Hà Nội-shaped tree: a third officials, a third citizens, a third
    without a category; every unit's figures equal the direct count."""
    contest, _report = generated
    officials = Category.objects.create(contest=contest, name="Cán bộ, công chức", order=1)
    citizens = Category.objects.create(contest=contest, name="Người dân", order=2)
    ids = list(Registration.objects.filter(contest=contest).values_list("id", flat=True))
    Registration.objects.filter(id__in=[i for i in ids if i % 3 == 1]).update(category=officials)
    Registration.objects.filter(id__in=[i for i in ids if i % 3 == 2]).update(category=citizens)
    rollups_recompute(contest=contest)
    assert check_every_unit(contest, 0, None) > 100
    totals = selectors.Figures(contest=contest).by_category(contest.participation_root)
    assert sum(r["registrants"] for r in totals) == 1200
    assert sum(r["participants"] for r in totals) == 1000
    assert sum(r["attempts"] for r in totals) == 3000


def test_contest_without_categories_shows_no_category_section(small_contest, organisers):
    rollups_recompute(contest=small_contest)
    root = small_contest.participation_root
    assert selectors.Figures(contest=small_contest).by_category(root) == []
    response = client_for(organisers["city"]).get(
        reverse("reports:dashboard", args=[small_contest.slug])
    )
    assert response.status_code == 200
    assert "Theo đối tượng dự thi" not in response.content.decode()


@pytest.mark.parametrize(
    "role, unit, expected_rows",
    [
        (
            "city",
            "",
            [("Cán bộ, công chức", "1"), ("Người dân", "2"), ("Chưa xác định đối tượng", "1")],
        ),
        (
            "a",
            "",
            [("Cán bộ, công chức", "0"), ("Người dân", "1"), ("Chưa xác định đối tượng", "1")],
        ),
    ],
)
def test_dashboard_lists_categories_in_the_organisers_scope(
    weekly,  # noqa: F811
    organisers,
    role,
    unit,
    expected_rows,  # noqa: F811
):
    import re

    rollups_recompute(contest=weekly.contest)
    url = reverse("reports:dashboard", args=[weekly.contest.slug])
    html = client_for(organisers[role]).get(url).content.decode()
    table = html.split('id="category-figures"', 1)[1].split("</table>", 1)[0]
    rows = re.findall(
        r"<tr data-category=\"[^\"]+\"><td>(?:<em>)?([^<]+)(?:</em>)?</td><td[^>]*>[^<]*</td>"
        r"<td[^>]*>([^<]*)</td>",
        table,
    )
    assert rows == expected_rows
