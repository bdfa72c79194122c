"""The prize structure admin (issue 15) through the real admin pages: a week's prizes for one
category with a cap and one prize per contest; refusals in Vietnamese with nothing written
(a round or category of another contest, "excludes round winners" on a week, a cap outside
1–100); the change audited; the contest page's inline checks the same."""

import datetime

import pytest
from django.urls import reverse

from contests.models import Category, ContestChange, PrizeStructure, Round
from tests.contests.helpers import form_fields
from tests.factories import ContestFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def weekly(tree):
    contest = ContestFactory(owner_unit=tree["C"], participation_root=tree["C"], title="Tuần")
    other = ContestFactory(owner_unit=tree["C"], participation_root=tree["C"], title="Khác")
    start = contest.opens_at
    made = {}
    for c in (contest, other):
        made[c.pk] = (
            Round.objects.create(
                contest=c,
                number=1,
                title=f"Tuần 1 ({c.title})",
                opens_at=start,
                closes_at=start + datetime.timedelta(days=7),
            ),
            Category.objects.create(contest=c, name=f"Học sinh ({c.title})"),
        )
    return contest, other, made


def _post(client, data):
    url = reverse("admin:contests_prizestructure_add")
    fields = form_fields(client.get(url), "prizestructure_form")
    fields.update(
        {
            "tiers-TOTAL_FORMS": "1",
            "tiers-0-kind": "individual",
            "tiers-0-rank_order": "1",
            "tiers-0-name": "Giải Nhất",
            "tiers-0-count": "3",
            "tiers-0-amount": "500000",
        }
    )
    fields.update(data)
    return client.post(url, fields)


def test_a_weeks_prizes_for_one_category(weekly, organisers, client):
    contest, _other, made = weekly
    round_, category = made[contest.pk]
    client.force_login(organisers["city"])
    page = client.get(reverse("admin:contests_prizestructure_add")).content.decode()
    for label in ("tuần/vòng thi", "dành cho đối tượng", "giới hạn giải mỗi người"):
        assert label in page.lower()
    response = _post(
        client,
        {
            "contest": contest.pk,
            "title": "Tuần 1: học sinh",
            "round": round_.pk,
            "category": category.pk,
            "one_prize_per": "contest",
            "cap_percent": "50",
        },
    )
    assert response.status_code == 302
    created = PrizeStructure.objects.get(title="Tuần 1: học sinh")
    assert (created.round, created.category, created.one_prize_per, created.cap_percent) == (
        round_,
        category,
        "contest",
        50,
    )
    change = ContestChange.objects.filter(contest=contest, what="prizes").latest("id")
    (label,) = [k for k in change.after["prizes"] if k.startswith(f"{created.pk}:")]
    assert label == (
        f"{created.pk}: Tuần 1: học sinh [Tuần 1 (Tuần); Học sinh (Tuần); "
        "Mỗi người tối đa một giải trong cả cuộc thi; ≤ 50 %]"
    )


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        (
            {"round": "other"},
            "round",
            "Vòng thi này không thuộc cuộc thi của cơ cấu giải.",
        ),
        (
            {"category": "other"},
            "category",
            "Đối tượng này không thuộc cuộc thi của cơ cấu giải.",
        ),
        (
            {"round": "own", "excludes_round_winners": "on"},
            "excludes_round_winners",
            "Chỉ giải chung cả cuộc thi (không chọn tuần/vòng) mới có thể không xét người đã đạt "
            "giải tuần/vòng.",
        ),
        (
            {"cap_percent": "0"},
            "cap_percent",
            "Giới hạn số giải phải là số nguyên từ 1 đến 100 (%).",
        ),
        ({"cap_percent": "101"}, "cap_percent", None),  # the model's own validator speaks first
        ({"cap_percent": "abc"}, "cap_percent", None),  # Django's own message
    ],
)
def test_inconsistent_settings_are_refused(weekly, organisers, client, data, field, message):
    contest, other, made = weekly
    own_round, own_category = made[contest.pk]
    other_round, other_category = made[other.pk]
    values = {"own": None, "other": None}
    if "round" in data:
        values = {"own": own_round.pk, "other": other_round.pk}
        data = {**data, "round": values[data["round"]]}
    if "category" in data:
        data = {
            **data,
            "category": {"own": own_category.pk, "other": other_category.pk}[data["category"]],
        }
    client.force_login(organisers["city"])
    before = PrizeStructure.objects.count()
    response = _post(client, {"contest": contest.pk, "title": "Sai", **data})
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert field in errors
    if message is not None:
        assert errors[field] == [message]
    assert PrizeStructure.objects.count() == before


def test_the_contest_pages_inline_checks_the_same(weekly, organisers, client):
    contest, _other, made = weekly
    round_, _category = made[contest.pk]
    client.force_login(organisers["city"])
    url = reverse("admin:contests_contest_change", args=[contest.pk])
    page = client.get(url)
    data = form_fields(page, "contest_form")
    # A multiple select with nothing chosen sends nothing (form_fields gives "").
    data = {k: v for k, v in data.items() if not (k.endswith("-blocks") and v in ("", []))}
    prefix = "prize_structures"
    total = int(data[f"{prefix}-TOTAL_FORMS"])
    data |= {
        f"{prefix}-TOTAL_FORMS": str(total + 1),
        f"{prefix}-{total}-title": "Tuần 1 chung",
        f"{prefix}-{total}-round": round_.pk,
        f"{prefix}-{total}-one_prize_per": "round",
        f"{prefix}-{total}-basis": "mc",
        f"{prefix}-{total}-excludes_round_winners": "on",
    }
    response = client.post(url, data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Chỉ giải chung cả cuộc thi (không chọn tuần/vòng) mới có thể không xét" in html
    assert not PrizeStructure.objects.filter(title="Tuần 1 chung").exists()
    del data[f"{prefix}-{total}-excludes_round_winners"]
    data[f"{prefix}-{total}-cap_percent"] = "50"
    response = client.post(url, data)
    if response.status_code != 302:
        form = response.context["adminform"].form
        sets = [
            (i.formset.prefix, i.formset.errors, i.formset.non_form_errors())
            for i in response.context["inline_admin_formsets"]
        ]
        pytest.fail(f"{form.errors} {sets}")
    saved = PrizeStructure.objects.get(title="Tuần 1 chung")
    assert (saved.round, saved.cap_percent) == (round_, 50)
