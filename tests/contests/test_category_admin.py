"""The categories inline of the contest page: the blocks offered are the children of the
contest's participation root inside the organiser's subtree; a change after publishing is
recorded in the contest's log; a district that only takes part in the city contest cannot
change the city's categories."""

import pytest
from django.urls import reverse
from lxml import html

from contests.models import Category, ContestChange
from tests.contests.helpers import form_fields
from tests.factories import ContestFactory

pytestmark = pytest.mark.django_db


def block_options(response) -> list[str]:
    document = html.fromstring(response.content.decode())
    select = document.xpath("//select[@name='categories-__prefix__-blocks']")
    return [o.text_content().strip() for o in select[0].iter("option")] if select else []


def test_blocks_offered_and_change_audited(tree, organisers, client):
    contest = ContestFactory(owner_unit=tree["C"], participation_root=tree["C"])
    client.force_login(organisers["city"])
    url = reverse("admin:contests_contest_change", args=[contest.pk])
    page = client.get(url)
    assert block_options(page) == ["Khối Sở, ban, ngành", "Khối quận, huyện"]

    data = form_fields(page, "contest_form")
    data.update(
        {
            "categories-TOTAL_FORMS": "1",
            "categories-0-order": "1",
            "categories-0-name": "Cán bộ, công chức, viên chức",
            "categories-0-blocks": str(tree["C-D"].pk),
        }
    )
    response = client.post(url, data)
    assert response.status_code == 302, response.context and response.context.get("errors")
    category = Category.objects.get(contest=contest)
    assert [u.code for u in category.blocks.all()] == ["C-D"]
    change = ContestChange.objects.get(contest=contest, what="categories")
    assert change.before == {"categories": []}
    assert change.after == {
        "categories": [[1, "Cán bộ, công chức, viên chức", ["Khối Sở, ban, ngành"]]]
    }
    log = client.get(url).content.decode()
    assert "Đối tượng dự thi" in log

    # A ward is not a block: refused, nothing changed.
    data = form_fields(client.get(url), "contest_form")
    data["categories-0-blocks"] = str(tree["A-1"].pk)
    response = client.post(url, data)
    assert response.status_code == 200
    assert [u.code for u in Category.objects.get(contest=contest).blocks.all()] == ["C-D"]


def test_district_blocks_and_read_only_city_categories(tree, organisers, client):
    district = ContestFactory(owner_unit=tree["A"], participation_root=tree["A"])
    city = ContestFactory(owner_unit=tree["C"], participation_root=tree["C"])
    Category.objects.create(contest=city, name="Người dân")
    client.force_login(organisers["a"])
    page = client.get(reverse("admin:contests_contest_change", args=[district.pk]))
    assert block_options(page) == ["Phường A1", "Phường A2"]
    # The city contest the district takes part in: shown read only, no category form.
    page = client.get(reverse("admin:contests_contest_change", args=[city.pk]))
    assert page.status_code == 200
    text = page.content.decode()
    assert 'name="categories-0-name"' not in text
