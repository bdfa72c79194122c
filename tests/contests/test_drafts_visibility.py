"""A draft contest stays with its owner side: organisers whose subtree contains its owner unit
(and superusers). Districts and wards that take part in the city's contests learn nothing of
the city's drafts: not in the admin list or a dropdown, not in the reports index, and its
admin and reports URLs are 404, like a contest that does not exist."""

import pytest
from django.urls import reverse

from contests.models import Contest, PrizeStructure
from contests.selectors import contest_draft_hidden_from
from reports.models import ExportJob
from tests.conftest import make_organiser
from tests.factories import ContestFactory

DRAFT = "Bản nháp cuộc thi của thành phố"
PUBLISHED = "Cuộc thi đã công bố của thành phố"
DISTRICT_DRAFT = "Bản nháp của quận A"

# Who sees which contest (titles), in admin and in the reports index.
SEES = {
    "ward": [PUBLISHED],
    "a": [DISTRICT_DRAFT, PUBLISHED],
    "b": [PUBLISHED],
    "city": [DISTRICT_DRAFT, DRAFT, PUBLISHED],
    "root": [DISTRICT_DRAFT, DRAFT, PUBLISHED],
}


@pytest.fixture
def people(organisers, tree):
    return {**organisers, "ward": make_organiser(tree["A-1"], "ward_a1")}


@pytest.fixture
def contests(tree):
    city = {"owner_unit": tree["C"], "participation_root": tree["C"]}
    return {
        "draft": ContestFactory(title=DRAFT, status=Contest.Status.DRAFT, **city),
        "published": ContestFactory(title=PUBLISHED, **city),
        "district_draft": ContestFactory(
            title=DISTRICT_DRAFT,
            status=Contest.Status.DRAFT,
            owner_unit=tree["A"],
            participation_root=tree["A"],
        ),
    }


def test_draft_hidden_rule(people, contests):
    draft, district_draft = contests["draft"], contests["district_draft"]
    hidden = {who: contest_draft_hidden_from(user=people[who], contest=draft) for who in SEES}
    assert hidden == {"ward": True, "a": True, "b": True, "city": False, "root": False}
    hidden = {
        who: contest_draft_hidden_from(user=people[who], contest=district_draft) for who in SEES
    }
    assert hidden == {"ward": True, "a": False, "b": True, "city": False, "root": False}
    for who in SEES:  # a published contest is never a hidden draft
        assert contest_draft_hidden_from(user=people[who], contest=contests["published"]) is False


def test_admin_contest_list(people, contests, client):
    url = reverse("admin:contests_contest_changelist")
    for who, titles in SEES.items():
        client.force_login(people[who])
        response = client.get(url)
        listed = sorted(str(c) for c in response.context["cl"].result_list)
        assert listed == sorted(titles), who
        if DRAFT not in titles:
            assert DRAFT not in response.content.decode(), who


def test_admin_draft_urls_are_404_outside_the_owner_side(people, contests, client):
    draft = contests["draft"]
    urls = [
        reverse("admin:contests_contest_change", args=[draft.pk]),
        reverse("admin:contests_contest_history", args=[draft.pk]),
        reverse("admin:contests_contest_preview", args=[draft.pk]),
        reverse("admin:contests_contest_prizes", args=[draft.pk]),
    ]
    for who in ("ward", "a", "b"):
        client.force_login(people[who])
        for url in urls:
            response = client.get(url)
            assert response.status_code == 404, (who, url)
            assert DRAFT not in response.content.decode(), (who, url)
        # Nor can a prize structure be hung on it (the dropdown, and a posted id).
        add = reverse("admin:contests_prizestructure_add")
        form = client.get(add).context["adminform"].form
        choices = [str(label) for _value, label in form.fields["contest"].choices]
        assert DRAFT not in choices and PUBLISHED in choices, who
        response = client.post(add, {"contest": draft.pk, "title": "Giải của quận"})
        assert response.status_code == 200, who  # the form again, with the error
        assert not PrizeStructure.objects.filter(contest=draft).exists(), who
    client.force_login(people["city"])
    for url in urls[:3]:
        assert client.get(url).status_code == 200, url


def test_reports_index_lists_drafts_to_their_owner_side_only(people, contests, client):
    for who, titles in SEES.items():
        client.force_login(people[who])
        response = client.get(reverse("reports:index"))
        assert sorted(c.title for c in response.context["contests"]) == sorted(titles), who
        assert (DRAFT in response.content.decode()) is (DRAFT in titles), who


def test_reports_urls_of_a_draft_are_404_outside_the_owner_side(people, contests, client):
    draft = contests["draft"]
    urls = [
        reverse("reports:dashboard", args=[draft.slug]),
        reverse("reports:summary", args=[draft.slug]),
    ]
    create = reverse("reports:export_create", args=[draft.slug])
    for who in ("ward", "a", "b"):
        client.force_login(people[who])
        for url in urls:
            response = client.get(url)
            assert response.status_code == 404, (who, url)
            assert DRAFT not in response.content.decode(), (who, url)
        assert client.post(create, {"kind": "summary"}).status_code == 404, who
        # The published contest next to it is still theirs.
        published = reverse("reports:dashboard", args=[contests["published"].slug])
        assert client.get(published).status_code == 200, who
    assert not ExportJob.objects.exists()
    for who in ("city", "root"):
        client.force_login(people[who])
        for url in urls:
            assert client.get(url).status_code == 200, (who, url)
