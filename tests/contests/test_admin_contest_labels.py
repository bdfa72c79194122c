"""The admin pages of a contest's prize structures and announcements read in Vietnamese: the
contest field is "Cuộc thi" (not Django's "Contest"), and a round or category in the prize
structure's choices names its contest ("Tuần 1" alone is ambiguous for an organiser with
several contests)."""

import datetime
import re

import pytest
from django.urls import reverse

from contests.models import Category, Round
from tests.factories import ContestFactory

pytestmark = pytest.mark.django_db


def _options(html: str, name: str) -> list[str]:
    select = re.search(rf'<select name="{name}".*?</select>', html, re.S).group(0)
    return [text.strip() for text in re.findall(r"<option[^>]*>([^<]*)</option>", select)]


@pytest.mark.parametrize("model", ["prizestructure", "announcement"])
def test_contest_field_in_vietnamese(model, tree, organisers, client):
    ContestFactory(owner_unit=tree["C"], participation_root=tree["C"], title="Tuần")
    client.force_login(organisers["city"])
    for url in (
        reverse(f"admin:contests_{model}_add"),
        reverse(f"admin:contests_{model}_changelist"),
    ):
        html = client.get(url).content.decode()
        assert ">Contest" not in html and "Contest:" not in html
        assert "Cuộc thi" in html


def test_round_and_category_choices_name_their_contest(tree, organisers, client):
    for title in ("Hằng tuần A", "Hằng tuần B"):
        contest = ContestFactory(owner_unit=tree["C"], participation_root=tree["C"], title=title)
        Round.objects.create(
            contest=contest,
            number=1,
            title="Tuần 1",
            opens_at=contest.opens_at,
            closes_at=contest.opens_at + datetime.timedelta(days=7),
        )
        Category.objects.create(contest=contest, name="Người dân")
    client.force_login(organisers["city"])
    html = client.get(reverse("admin:contests_prizestructure_add")).content.decode()
    assert {"Tuần 1 (Hằng tuần A)", "Tuần 1 (Hằng tuần B)"} <= set(_options(html, "round"))
    assert {"Người dân (Hằng tuần A)", "Người dân (Hằng tuần B)"} <= set(_options(html, "category"))
