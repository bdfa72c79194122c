"""Organiser scoping in admin: a district manages contests owned in its subtree, sees (read
only) the city contests it takes part in, and gets 404 for everything else."""

import pytest
from django.urls import reverse

from contests.models import Contest, PrizeStructure, PrizeTier
from tests.contests.helpers import form_fields
from tests.factories import ContestFactory, QuestionFactory, TopicFactory


@pytest.fixture
def contests(tree):
    city = ContestFactory(owner_unit=tree["C"], participation_root=tree["C"], title="Thành phố")
    a = ContestFactory(owner_unit=tree["A"], participation_root=tree["A"], title="Quận A")
    b = ContestFactory(owner_unit=tree["B"], participation_root=tree["B"], title="Quận B")
    for contest in (city, a, b):
        QuestionFactory(topic=TopicFactory(contest=contest), text=f"Câu hỏi của {contest.title}?")
        PrizeStructure.objects.create(contest=contest, title=f"Giải {contest.title}")
    return {"city": city, "a": a, "b": b}


def _titles(response):
    return sorted(str(o) for o in response.context["cl"].result_list)


def test_contest_list_per_organiser(contests, organisers, client):
    url = reverse("admin:contests_contest_changelist")
    expected = {
        "root": ["Quận A", "Quận B", "Thành phố"],
        "city": ["Quận A", "Quận B", "Thành phố"],
        "a": ["Quận A", "Thành phố"],
        "b": ["Quận B", "Thành phố"],
    }
    for who, titles in expected.items():
        client.force_login(organisers[who])
        assert _titles(client.get(url)) == titles, who


def test_district_sees_the_city_contest_read_only(contests, organisers, client):
    client.force_login(organisers["a"])
    city = contests["city"]
    url = reverse("admin:contests_contest_change", args=[city.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert page.context["has_change_permission"] is False
    assert 'name="title"' not in page.content.decode()
    data = {"title": "Đổi tên"}
    assert client.post(url, data).status_code == 403
    city.refresh_from_db()
    assert city.title == "Thành phố"
    preview = reverse("admin:contests_contest_preview", args=[city.pk])
    assert client.get(preview).status_code == 403  # the key is for the owners only
    publish = reverse("admin:contests_contest_transition", args=[city.pk, "ket-thuc"])
    assert client.post(publish).status_code == 403


def test_other_districts_contest_is_404(contests, organisers, client):
    client.force_login(organisers["a"])
    b = contests["b"]
    for name in ("change", "delete", "history"):
        url = reverse(f"admin:contests_contest_{name}", args=[b.pk])
        assert client.get(url).status_code == 404, name
    assert client.get(reverse("admin:contests_contest_preview", args=[b.pk])).status_code == 404
    url = reverse("admin:contests_contest_transition", args=[b.pk, "ket-thuc"])
    assert client.post(url).status_code == 404


def test_questions_and_topics_are_scoped(contests, organisers, client):
    client.force_login(organisers["a"])
    listing = client.get(reverse("admin:contests_question_changelist"))
    assert _titles(listing) == ["Câu hỏi của Quận A?"]
    filters = listing.content.decode()
    assert "Quận B" not in filters and "Thành phố" not in filters  # filter choices too
    for contest in (contests["b"], contests["city"]):
        question = contest.questions.get()
        url = reverse("admin:contests_question_change", args=[question.pk])
        assert client.get(url).status_code == 404
    add = client.get(reverse("admin:contests_question_add"))
    contest_choices = [c[1] for c in add.context["adminform"].form.fields["contest"].choices]
    assert contest_choices == ["---------", "Quận A"]
    topics = client.get(reverse("admin:contests_topic_changelist"))
    assert [t.contest.title for t in topics.context["cl"].result_list] == ["Quận A"]


def test_prize_structures_are_scoped(contests, organisers, client, tree):
    own_in_city = PrizeStructure.objects.create(
        contest=contests["city"], unit=tree["A"], title="Giải của quận A trong cuộc thi thành phố"
    )
    client.force_login(organisers["a"])
    listing = client.get(reverse("admin:contests_prizestructure_changelist"))
    assert _titles(listing) == ["Giải Quận A", "Giải của quận A trong cuộc thi thành phố"]
    url = reverse("admin:contests_prizestructure_change", args=[own_in_city.pk])
    assert client.get(url).status_code == 200
    for title in ("Giải Quận B", "Giải Thành phố"):
        other = PrizeStructure.objects.get(title=title)
        url = reverse("admin:contests_prizestructure_change", args=[other.pk])
        assert client.get(url).status_code == 404


def test_owner_unit_dropdown_lists_only_the_subtree(contests, organisers, client, tree):
    client.force_login(organisers["a"])
    page = client.get(reverse("admin:contests_contest_add"))
    form = page.context["adminform"].form
    owners = sorted(u.code for u in form.fields["owner_unit"].queryset)
    assert owners == ["A", "A-1", "A-2"]
    data = form_fields(page, "contest_form")
    data.update(
        {
            "owner_unit": tree["B"].pk,  # outside: refused
            "participation_root": tree["A"].pk,
            "title": "Cuộc thi của quận A",
            "slug": "cuoc-thi-quan-a",
            "opens_at_0": "01/07/2030",
            "opens_at_1": "08:00",
            "closes_at_0": "1/9/2030",
            "closes_at_1": "24:00",
        }
    )
    response = client.post(reverse("admin:contests_contest_add"), data)
    assert response.status_code == 200
    assert "owner_unit" in response.context["adminform"].form.errors
    assert not Contest.objects.filter(slug="cuoc-thi-quan-a").exists()
    data["owner_unit"] = tree["A-1"].pk
    assert client.post(reverse("admin:contests_contest_add"), data).status_code == 302
    assert Contest.objects.get(slug="cuoc-thi-quan-a").owner_unit == tree["A-1"]


def test_district_adds_its_own_prizes_inside_the_city_contest(contests, organisers, client, tree):
    """Thanh Xuân's district prizes inside the Hà Nội contest, entered by the district."""
    client.force_login(organisers["a"])
    url = reverse("admin:contests_prizestructure_add")
    data = form_fields(client.get(url), "prizestructure_form")
    tiers = [
        ("individual", 1, "Giải Nhất", 2, 3_000_000),
        ("individual", 2, "Giải Nhì", 4, 1_500_000),
        ("individual", 3, "Giải Ba", 10, 1_000_000),
        ("individual", 4, "Giải Khuyến khích", 15, 500_000),
        ("collective", 1, "Giải Nhất", 1, 5_000_000),
        ("collective", 2, "Giải Nhì", 2, 3_500_000),
        ("collective", 3, "Giải Ba", 3, 2_500_000),
    ]
    data.update(
        {
            "contest": contests["city"].pk,
            "title": "Giải cấp quận",
            "unit": "",
            "collective_unit_kind": "ward",
            "tiers-TOTAL_FORMS": str(len(tiers)),
        }
    )
    for i, (kind, rank, name, count, amount) in enumerate(tiers):
        data |= {
            f"tiers-{i}-kind": kind,
            f"tiers-{i}-rank_order": rank,
            f"tiers-{i}-name": name,
            f"tiers-{i}-count": count,
            f"tiers-{i}-amount": amount,
        }
    refused = client.post(url, data)
    assert refused.status_code == 200
    assert refused.context["adminform"].form.errors["unit"] == [
        "Trong cuộc thi của cấp trên, chỉ được đặt giải cho đơn vị mình: hãy chọn đơn vị."
    ]
    data["unit"] = tree["A"].pk
    response = client.post(url, data)
    assert response.status_code == 302
    structure = PrizeStructure.objects.get(title="Giải cấp quận")
    assert structure.unit == tree["A"]
    totals = [t.total for t in PrizeTier.objects.filter(structure=structure)]
    assert sum(totals) == 49_000_000
    page = client.get(reverse("admin:contests_prizestructure_change", args=[structure.pk]))
    assert "49.000.000 đồng" in page.content.decode()
