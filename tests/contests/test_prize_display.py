"""The contest page's prizes: weekly structures the same every week are one "Mỗi tuần: …"
table with the weeks it applies to, and each structure's rules are stated in Vietnamese from
its settings (contests.rules.prize_display), through the real page."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from contests.models import Category, PrizeStructure, PrizeTier, Round
from contests.rules.prize_display import (
    PrizeEntry,
    PrizeFacts,
    prize_groups,
    round_word,
    structure_rules,
)
from tests.contests.test_public import contests  # noqa: F401 (fixture)

TIERS_A = (("individual", "Giải Nhất", 1, 1_000_000), ("individual", "Giải Nhì", 1, 700_000))
TIERS_B = (("individual", "Giải Nhất", 1, 1_000_000), ("individual", "Giải Nhì", 2, 700_000))


def facts(round_number=None, category="", **kwargs) -> PrizeFacts:
    values = {
        "unit": "",
        "one_prize_per": "round",
        "cap_percent": None,
        "excludes_round_winners": False,
    }
    values.update(kwargs)
    return PrizeFacts(round_number=round_number, category=category, **values)


@pytest.mark.parametrize(
    ("given", "has_rounds", "expected"),
    [
        # A contest without rounds: only what applies (nothing by default).
        (facts(), False, []),
        (
            facts(cap_percent=50),
            False,
            ["Số giải cá nhân không vượt quá 50% số người dự thi của cuộc thi (làm tròn xuống)."],
        ),
        # A week's prizes for a category.
        (
            facts(1, "Người dân"),
            True,
            [
                "Dành cho người dự thi thuộc đối tượng “Người dân”.",
                "Mỗi người nhận tối đa một giải trong mỗi tuần.",
            ],
        ),
        (
            facts(1, "Người dân", one_prize_per="contest", cap_percent=10),
            True,
            [
                "Dành cho người dự thi thuộc đối tượng “Người dân”.",
                "Mỗi người nhận tối đa một giải trong cả cuộc thi: người đã đạt giải ở tuần "
                "trước không được xét.",
                "Số giải cá nhân không vượt quá 10% số người dự thi của tuần thuộc đối tượng này "
                "(làm tròn xuống).",
            ],
        ),
        # The overall prizes of a weekly contest.
        (
            facts(None, excludes_round_winners=True),
            True,
            [
                "Xét theo kết quả chung của cả cuộc thi.",
                "Mỗi người nhận tối đa một giải chung.",
                "Không xét người đã đạt giải tuần.",
            ],
        ),
        (
            facts(None, one_prize_per="contest"),
            True,
            [
                "Xét theo kết quả chung của cả cuộc thi.",
                "Mỗi người nhận tối đa một giải trong cả cuộc thi: người đã đạt giải ở tuần "
                "trước không được xét.",
            ],
        ),
    ],
)
def test_structure_rules_table(given, has_rounds, expected):
    assert structure_rules(given, has_rounds=has_rounds, word="tuần") == expected


def test_round_word():
    assert round_word(["Tuần 1", "tuần 2"]) == "tuần"
    assert round_word(["Vòng sơ khảo", "Tuần 2"]) == "vòng"
    assert round_word([]) == "vòng"


def entry(n, category, tiers, **kwargs):
    return PrizeEntry(
        payload=f"{n}-{category}",
        title=f"Giải tuần {n} — {category}",
        round_title=f"Tuần {n}",
        facts=facts(n, category, **kwargs),
        tiers=tiers,
        budget=sum(count * amount for _k, _n, count, amount in tiers),
    )


def test_identical_weeks_are_one_group_and_differences_split_them():
    entries = [entry(n, c, TIERS_A) for n in range(1, 9) for c in ("CB", "ND")]
    entries += [entry(n, "HS", TIERS_B) for n in range(1, 9)]
    entries.append(entry(9, "CB", TIERS_A))  # a ninth week for one category only
    overall = PrizeEntry(
        payload="overall",
        title="Giải chung cuộc",
        round_title="",
        facts=facts(None, one_prize_per="contest"),
        tiers=TIERS_A,
        budget=1,
    )
    groups = prize_groups([*entries, overall], has_rounds=True, word="tuần")
    assert [(g.heading, g.applies, g.times) for g in groups] == [
        ("Mỗi tuần: CB", "Áp dụng cho Tuần 1 đến Tuần 9 (9 tuần).", 9),
        ("Mỗi tuần: ND", "Áp dụng cho Tuần 1 đến Tuần 8 (8 tuần).", 8),
        ("Mỗi tuần: HS", "Áp dụng cho Tuần 1 đến Tuần 8 (8 tuần).", 8),
        ("Giải chung cuộc", "", 1),
    ]
    assert groups[0].budget == 1_700_000 and groups[0].budget_total == 9 * 1_700_000
    assert (groups[0].word, groups[-1].word) == ("tuần", "")
    assert groups[0].payload == "1-CB"

    # Not the same in one week (another amount, a cap, another unit): its own table, and
    # the weeks left are listed one by one when they are not a run.
    odd = [entry(n, "CB", TIERS_A) for n in (1, 2, 4)]
    odd += [entry(3, "CB", TIERS_B), entry(5, "CB", TIERS_A, cap_percent=10)]
    odd += [entry(6, "CB", TIERS_A, unit="Quận A")]
    groups = prize_groups(odd, has_rounds=True, word="tuần")
    assert [(g.heading, g.applies) for g in groups] == [
        ("Mỗi tuần: CB", "Áp dụng cho Tuần 1, Tuần 2, Tuần 4 (3 tuần)."),
        ("Giải tuần 3 — CB", ""),
        ("Giải tuần 5 — CB", ""),
        ("Giải tuần 6 — CB", ""),
    ]
    # Two weeks in a row are named, not "đến".
    two = prize_groups([entry(1, "", TIERS_A), entry(2, "", TIERS_A)], has_rounds=True, word="tuần")
    assert [(g.heading, g.applies) for g in two] == [
        ("Mỗi tuần: mọi người dự thi", "Áp dụng cho Tuần 1, Tuần 2 (2 tuần).")
    ]


@pytest.mark.django_db
def test_weekly_prizes_on_the_contest_page_are_one_table_per_category(contests, client):  # noqa: F811
    contest = contests["open"]
    cats = [Category.objects.create(contest=contest, name=n, order=i) for i, n in enumerate("AB")]
    for n in range(1, 9):
        round_ = Round.objects.create(
            contest=contest,
            number=n,
            title=f"Tuần {n}",
            opens_at=contest.opens_at + datetime.timedelta(weeks=n - 1),
            closes_at=contest.opens_at + datetime.timedelta(weeks=n),
        )
        for category in cats:
            s = PrizeStructure.objects.create(
                contest=contest, round=round_, category=category, title=f"Giải tuần {n} {category}"
            )
            PrizeTier.objects.create(
                structure=s, kind="individual", rank_order=1, name="Nhất", count=1, amount=500_000
            )
    overall = PrizeStructure.objects.create(
        contest=contest, title="Giải chung cuộc", excludes_round_winners=True
    )
    PrizeTier.objects.create(
        structure=overall, kind="individual", rank_order=1, name="Nhất", count=1, amount=5_000_000
    )
    html = client.get(reverse("contests:contest_detail", args=[contest.slug])).content.decode()
    prizes = html.split('id="prizes"', 1)[1].split("</section>", 1)[0]
    assert prizes.count("<table") == 3  # two weekly tables and the overall one, not 17
    assert "Mỗi tuần: A" in prizes and "Mỗi tuần: B" in prizes
    assert prizes.count("Áp dụng cho Tuần 1 đến Tuần 8 (8 tuần).") == 2
    assert "Giải tuần 3" not in prizes
    assert "Dành cho người dự thi thuộc đối tượng “A”." in prizes
    assert "Mỗi người nhận tối đa một giải trong mỗi tuần." in prizes
    assert "Không xét người đã đạt giải tuần." in prizes
    assert (
        "<strong>500.000 đồng</strong> mỗi tuần, <strong>4.000.000 đồng</strong> cho cả 8 tuần"
        in (prizes)
    )
    # The whole budget still counts every week: 2 × 8 × 500.000 + 5.000.000.
    assert "Tổng kinh phí giải thưởng: 13.000.000 đồng" in prizes
